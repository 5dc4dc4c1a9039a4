//! The meaning of the mini-notation in time, as Tidal and Strudel define it: a sequence shares each cycle among its
//! steps (by weight); `[ ]` squeezes a whole pattern into a step; `< >` plays its i-th step in cycles where
//! `cycle mod n = i`; `*k` and `/k` speed up and slow down; `(k,n,r)` places the step on a euclidean rhythm; `?`
//! drops steps by a seeded hash of their start. Querying a span gives every event starting in it. Pure.

use super::Event;
use super::value::Value;
use crate::lang::mini::{Mod, Stack, Step, Term};

#[derive(Debug, Clone, PartialEq)]
pub enum Pat {
    Silence,
    Atom(Value),
    /// Steps sharing a cycle, each with its weight.
    Cat(Vec<(Pat, f64)>),
    Stack(Vec<Pat>),
    /// One per cycle, in turn.
    Slowcat(Vec<Pat>),
    Fast(Box<Pat>, f64),
    /// Drops events with this chance; the seed makes it repeatable.
    Degrade(Box<Pat>, f64, u64),
}

impl Pat {
    pub fn from_stack(stack: &Stack, seed: u64) -> Self {
        let mut ids = seed;
        stacked(stack.iter().map(|seq| cat(seq, &mut ids)).collect())
    }

    /// Every event starting in `[b, e)`.
    pub fn query(&self, b: f64, e: f64, out: &mut Vec<Event>) {
        if e <= b {
            return;
        }
        match self {
            Pat::Silence => {}
            Pat::Atom(v) => {
                let mut c = b.ceil();
                while c < e {
                    out.push(Event {
                        begin: c,
                        end: c + 1.0,
                        value: v.clone(),
                    });
                    c += 1.0;
                }
            }
            Pat::Stack(ps) => ps.iter().for_each(|p| p.query(b, e, out)),
            Pat::Fast(p, k) => {
                let start = out.len();
                p.query(b * k, e * k, out);
                for ev in &mut out[start..] {
                    ev.begin /= k;
                    ev.end /= k;
                }
            }
            Pat::Cat(steps) => query_cat(steps, b, e, out),
            Pat::Slowcat(ps) => query_slowcat(ps, b, e, out),
            Pat::Degrade(p, chance, id) => {
                let start = out.len();
                p.query(b, e, out);
                let mut k = start;
                for i in start..out.len() {
                    if keep(*id, out[i].begin, *chance) {
                        out.swap(k, i);
                        k += 1;
                    }
                }
                out.truncate(k);
            }
        }
    }

    /// Cycles after which it repeats; `None` when a factor never lines up with whole cycles.
    pub fn period(&self) -> Option<u64> {
        match self {
            Pat::Silence | Pat::Atom(_) => Some(1),
            Pat::Cat(steps) => steps.iter().try_fold(1, |acc, (p, _)| Some(lcm(acc, p.period()?))),
            Pat::Stack(ps) => ps.iter().try_fold(1, |acc, p| Some(lcm(acc, p.period()?))),
            Pat::Slowcat(ps) => {
                let inner = ps.iter().try_fold(1, |acc, p| Some(lcm(acc, p.period()?)))?;
                Some(ps.len().max(1) as u64 * inner)
            }
            Pat::Fast(p, k) => {
                let (num, den) = fraction(*k)?;
                let q = p.period()? * den;
                Some(q / gcd(num, q))
            }
            // Each period of drops differs; eight of them repeat.
            Pat::Degrade(p, ..) => p.period().map(|x| x * 8),
        }
    }
}

fn stacked(mut ps: Vec<Pat>) -> Pat {
    if ps.len() == 1 { ps.remove(0) } else { Pat::Stack(ps) }
}

/// A sequence: its steps (replicated, weighted) sharing the cycle.
fn cat(seq: &[Step], ids: &mut u64) -> Pat {
    let mut steps = Vec::new();
    for s in seq {
        let weight = s
            .mods
            .iter()
            .rev()
            .find_map(|m| if let Mod::Weight(w) = m { Some(*w) } else { None });
        let copies = s
            .mods
            .iter()
            .rev()
            .find_map(|m| if let Mod::Replicate(n) = m { Some(*n) } else { None });
        let p = step(s, ids);
        for _ in 0..copies.unwrap_or(1) {
            steps.push((p.clone(), weight.unwrap_or(1.0)));
        }
    }
    if steps.is_empty() {
        Pat::Silence
    } else if steps.len() == 1 && steps[0].1 > 0.0 {
        steps.remove(0).0
    } else {
        Pat::Cat(steps)
    }
}

/// One step's pattern with its modifiers, in the order written.
fn step(s: &Step, ids: &mut u64) -> Pat {
    let mut p = match &s.term {
        Term::Word(w) => Pat::Atom(Value::parse(w)),
        Term::Rest => Pat::Silence,
        Term::Sub(stack) => stacked(stack.iter().map(|seq| cat(seq, ids)).collect()),
        Term::Alt(stack) => stacked(
            stack
                .iter()
                .map(|seq| {
                    let mut items = Vec::new();
                    for st in seq {
                        let copies = st
                            .mods
                            .iter()
                            .find_map(|m| if let Mod::Replicate(n) = m { Some(*n) } else { None });
                        let p = step(st, ids);
                        items.extend(std::iter::repeat_n(p, copies.unwrap_or(1) as usize));
                    }
                    Pat::Slowcat(items)
                })
                .collect(),
        ),
    };
    for m in &s.mods {
        p = match *m {
            Mod::Fast(k) => Pat::Fast(Box::new(p), k),
            Mod::Slow(k) => Pat::Fast(Box::new(p), 1.0 / k),
            Mod::Degrade(chance) => {
                *ids = ids
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                Pat::Degrade(Box::new(p), chance, *ids)
            }
            Mod::Euclid(k, n, r) => {
                let hits = euclid(k, n, r);
                Pat::Cat(
                    hits.into_iter()
                        .map(|h| (if h { p.clone() } else { Pat::Silence }, 1.0))
                        .collect(),
                )
            }
            Mod::Replicate(_) | Mod::Weight(_) => p,
        };
    }
    p
}

/// Bjorklund's spreading of `k` hits over `n` steps, exactly as Tidal computes `(k,n)`, rotated left by `r`.
pub fn euclid(k: u32, n: u32, r: u32) -> Vec<bool> {
    let n = n.max(1) as usize;
    let k = (k as usize).min(n);
    let mut x: Vec<Vec<bool>> = vec![vec![true]; k];
    let mut y: Vec<Vec<bool>> = vec![vec![false]; n - k];
    while x.len().min(y.len()) > 1 {
        let m = x.len().min(y.len());
        let joined: Vec<Vec<bool>> = x
            .iter()
            .zip(&y)
            .map(|(a, b)| [a.as_slice(), b.as_slice()].concat())
            .collect();
        let rest = if x.len() > y.len() {
            x.split_off(m)
        } else {
            y.split_off(m)
        };
        x = joined;
        y = rest;
    }
    let mut p: Vec<bool> = x.into_iter().chain(y).flatten().collect();
    p.rotate_left(r as usize % n);
    p
}

fn query_cat(steps: &[(Pat, f64)], b: f64, e: f64, out: &mut Vec<Event>) {
    let total: f64 = steps.iter().map(|(_, w)| w).sum();
    if total <= 0.0 {
        return;
    }
    let mut c = b.floor();
    while c < e {
        let mut at = 0.0;
        for (p, w) in steps {
            let (lo, len) = (c + at / total, w / total);
            at += w;
            // The slot [lo, lo + len) holds the inner pattern's cycle `c`, squeezed.
            let (qb, qe) = (b.max(lo), e.min(lo + len));
            if qe <= qb {
                continue;
            }
            let start = out.len();
            p.query(c + (qb - lo) / len, c + (qe - lo) / len, out);
            for ev in &mut out[start..] {
                ev.begin = lo + (ev.begin - c) * len;
                ev.end = lo + (ev.end - c) * len;
            }
        }
        c += 1.0;
    }
}

fn query_slowcat(ps: &[Pat], b: f64, e: f64, out: &mut Vec<Event>) {
    let n = ps.len() as f64;
    if ps.is_empty() {
        return;
    }
    let mut c = b.floor();
    while c < e {
        let i = c.rem_euclid(n) as usize;
        // The chosen pattern moves on only in the cycles it plays: its own cycle is c div n.
        let shift = c - (c / n).floor();
        let (qb, qe) = (b.max(c), e.min(c + 1.0));
        let start = out.len();
        ps[i].query(qb - shift, qe - shift, out);
        for ev in &mut out[start..] {
            ev.begin += shift;
            ev.end += shift;
        }
        c += 1.0;
    }
}

/// Whether the event starting at `t` survives a drop with this chance (a hash of the seed and the time).
fn keep(id: u64, t: f64, chance: f64) -> bool {
    let mut x = id ^ (t * 1_048_576.0).round().to_bits();
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64 >= chance
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

fn lcm(a: u64, b: u64) -> u64 {
    a / gcd(a, b) * b
}

/// `k` as num/den with den ≤ 64, when it is one.
fn fraction(k: f64) -> Option<(u64, u64)> {
    (1..=64u64).find_map(|den| {
        let num = k * den as f64;
        ((num - num.round()).abs() < 1e-9 && num.round() >= 1.0).then(|| (num.round() as u64, den))
    })
}
