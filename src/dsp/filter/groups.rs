//! The state-variable filter four samples at a time. Each output, and the state four samples on, is a linear
//! function of the state at the group's start and the group's inputs. With those weights worked out first (in
//! loops over groups with no carried state, which run as vector code), the chain from one state to the next that
//! bounds a filter's speed takes one step per four samples instead of one per sample. Groups count from the
//! node's first frame: a block that ends inside a group outputs its frames so far and carries their inputs into
//! the next block, which redoes the group with the same arithmetic, so every frame's value is the same however
//! the blocks are cut. Audio thread.

// Loops index many parallel lane arrays at once; zipping six iterators would hide the algebra.
#![allow(clippy::needless_range_loop)]

use super::{HIGH, LOW};
use crate::dsp::{MAX_BLOCK, is_constant};

/// Groups in a block plus the one carried in.
pub const SPAN: usize = MAX_BLOCK / 4 + 1;
const FRAMES: usize = 4 * SPAN;

/// Frames by position in their group of four, then by group: `[j][g]` is frame `4g + j`. Loops over `g` then run
/// four groups per vector instruction.
pub type Lanes = [[f32; SPAN]; 4];

/// The group under way between blocks.
#[derive(Clone)]
pub struct Carry {
    /// The state at the group's start.
    pub start: (f32, f32),
    seen: usize,
    x: [f32; 3],
    cutoff: [f32; 3],
    q: [f32; 3],
}

impl Carry {
    pub const EMPTY: Self = Self {
        start: (0.0, 0.0),
        seen: 0,
        x: [0.0; 3],
        cutoff: [0.0; 3],
        q: [0.0; 3],
    };
}

/// A block's inputs with the carried frames in front, so that frame 0 starts a group.
#[derive(Clone)]
pub struct Virtual {
    pub x: [f32; FRAMES],
    pub cutoff: [f32; FRAMES],
    pub q: [f32; FRAMES],
    seen: usize,
    len: usize,
}

impl Virtual {
    pub const EMPTY: Self = Self {
        x: [0.0; FRAMES],
        cutoff: [0.0; FRAMES],
        q: [0.0; FRAMES],
        seen: 0,
        len: 0,
    };

    /// Take the next block, behind the frames `c` carries.
    pub fn fill(&mut self, c: &Carry, x: &[f32], cutoff: &[f32], q: &[f32]) {
        let seen = c.seen.min(3);
        let n = x.len().min(MAX_BLOCK);
        let put = |a: &mut [f32; FRAMES], carried: &[f32; 3], now: &[f32], pad: f32| {
            a[..seen].copy_from_slice(&carried[..seen]);
            a[seen..seen + n].copy_from_slice(&now[..n]);
            // Frames past the end run through the group arithmetic too (their outputs unused): keep them tame.
            a[seen + n..].fill(pad);
        };
        put(&mut self.x, &c.x, x, 0.0);
        put(&mut self.cutoff, &c.cutoff, cutoff, 1000.0);
        put(&mut self.q, &c.q, q, 0.7);
        (self.seen, self.len) = (seen, seen + n);
    }

    /// Groups begun, the last possibly unfinished.
    pub fn groups(&self) -> usize {
        self.len.div_ceil(4)
    }

    /// The cutoff and q, when neither moves.
    pub fn steady(&self) -> Option<(f32, f32)> {
        let (c, q) = (&self.cutoff[..self.len], &self.q[..self.len]);
        (is_constant(c) && is_constant(q))
            .then(|| (c.first().copied().unwrap_or(1000.0), q.first().copied().unwrap_or(0.7)))
    }

    pub fn lanes(a: &[f32; FRAMES]) -> Lanes {
        let mut t = [[0f32; SPAN]; 4];
        for (g, c) in a.chunks_exact(4).enumerate() {
            for (lane, &v) in t.iter_mut().zip(c) {
                lane[g] = v;
            }
        }
        t
    }

    /// What the next block needs: the unfinished group's start state (`start`, after the whole groups) and its
    /// frames. A state gone non-finite (a NaN input) starts again from silence rather than poisoning the filter.
    pub fn carry(&self, start: (f32, f32)) -> Carry {
        let seen = self.len % 4;
        let from = self.len - seen;
        let mut c = Carry::EMPTY;
        if start.0.is_finite() && start.1.is_finite() {
            c.start = start;
        }
        c.seen = seen;
        for k in 0..seen {
            c.x[k] = if self.x[from + k].is_finite() {
                self.x[from + k]
            } else {
                0.0
            };
            c.cutoff[k] = self.cutoff[from + k];
            c.q[k] = self.q[from + k];
        }
        c
    }
}

/// Per frame, by group: the update's distinct entries `[m11, 2·a2, m22, b2, k]` (see `Svf::parts`).
#[derive(Clone)]
pub struct Sweep {
    pub coef: [Lanes; 5],
}

/// Weights over the start state (`p1`, `p2`) and what the inputs add (`w`), per output or per state component.
struct Affine<const N: usize> {
    p1: [[f32; SPAN]; N],
    p2: [[f32; SPAN]; N],
    w: [[f32; SPAN]; N],
}

impl<const N: usize> Affine<N> {
    const ZERO: Self = Self {
        p1: [[0.0; SPAN]; N],
        p2: [[0.0; SPAN]; N],
        w: [[0.0; SPAN]; N],
    };
}

impl Sweep {
    pub const ZERO: Self = Self {
        coef: [[[0.0; SPAN]; 4]; 5],
    };

    /// Run the block `v` from `start`, the state at its frame 0; writes the block's own frames (not the carried
    /// ones) to `out` and returns the start state of its unfinished group (or the state after it, if none).
    /// `steady`: every frame has the same coefficients.
    pub fn run<const MODE: u8>(&self, steady: bool, start: (f32, f32), v: &Virtual, out: &mut [f32]) -> (f32, f32) {
        let (groups, whole) = (v.groups().min(SPAN), v.len / 4);
        let xt = Virtual::lanes(&v.x);
        let mut y = Affine::<4>::ZERO;
        // The state's weights through the group: rows s1 and s2 of the composed update.
        let mut st = Affine::<2>::ZERO;
        // Held coefficients give every group the same weights over its start state: work them out once.
        let to = if steady { 1 } else { SPAN };
        for j in 0..4 {
            self.start_part::<MODE>(j, to, &mut st, &mut y);
            self.input_part::<MODE>(j, &xt[j], &mut st, &mut y);
        }
        if steady {
            for a in [&mut y.p1, &mut y.p2]
                .into_iter()
                .flatten()
                .chain([&mut st.p1, &mut st.p2].into_iter().flatten())
            {
                let first = a[0];
                a.fill(first);
            }
        }
        // The only carried dependency: one 2×2 step per whole group.
        let (mut start1, mut start2) = ([0f32; SPAN], [0f32; SPAN]);
        let (mut s1, mut s2) = start;
        for g in 0..groups {
            (start1[g], start2[g]) = (s1, s2);
            if g < whole {
                let (a, b) = (
                    (st.p1[0][g] * s1 + st.w[0][g]) + st.p2[0][g] * s2,
                    (st.p2[1][g] * s2 + st.w[1][g]) + st.p1[1][g] * s1,
                );
                (s1, s2) = (a, b);
            }
        }
        let mut frames = [0f32; FRAMES];
        for j in 0..4 {
            for g in 0..SPAN {
                frames[4 * g + j] = (y.p1[j][g] * start1[g] + y.p2[j][g] * start2[g]) + y.w[j][g];
            }
        }
        let n = out.len().min(v.len - v.seen);
        out[..n].copy_from_slice(&frames[v.seen..v.seen + n]);
        (s1, s2)
    }

    /// Position `j` of groups `..to`, the part over the start state: the state's weights one sample on, and
    /// output `j`'s (the means of the state before and after the sample, through the output's mix).
    #[inline]
    fn start_part<const MODE: u8>(&self, j: usize, to: usize, st: &mut Affine<2>, y: &mut Affine<4>) {
        let [m11, two_a2, m22, _, k] = &self.coef;
        for g in 0..to.min(SPAN) {
            let (a11, t2, a22) = (m11[j][g], two_a2[j][g], m22[j][g]);
            let (a12, a21) = (-t2, t2);
            // Before the sample: the identity at the group's start.
            let old = if j == 0 {
                [[1.0, 0.0], [0.0, 1.0]]
            } else {
                [[st.p1[0][g], st.p2[0][g]], [st.p1[1][g], st.p2[1][g]]]
            };
            let [r1, r2] = old;
            let new = if j == 0 {
                [[a11, a12], [a21, a22]]
            } else {
                [
                    [a11 * r1[0] + a12 * r2[0], a11 * r1[1] + a12 * r2[1]],
                    [a21 * r1[0] + a22 * r2[0], a21 * r1[1] + a22 * r2[1]],
                ]
            };
            let v1 = [0.5 * (r1[0] + new[0][0]), 0.5 * (r1[1] + new[0][1])];
            let v2 = [0.5 * (r2[0] + new[1][0]), 0.5 * (r2[1] + new[1][1])];
            let o = match MODE {
                LOW => v2,
                HIGH => [-k[j][g] * v1[0] - v2[0], -k[j][g] * v1[1] - v2[1]],
                _ => v1,
            };
            (y.p1[j][g], y.p2[j][g]) = (o[0], o[1]);
            for (c, row) in new.iter().enumerate() {
                (st.p1[c][g], st.p2[c][g]) = (row[0], row[1]);
            }
        }
    }

    /// Position `j` of every group, the part the inputs add.
    #[inline]
    fn input_part<const MODE: u8>(&self, j: usize, x: &[f32; SPAN], st: &mut Affine<2>, y: &mut Affine<4>) {
        let [m11, two_a2, m22, b2, k] = &self.coef;
        // Every group, used or not: a fixed count vectorises, and unused groups only see tame padding.
        for g in 0..SPAN {
            let (a11, t2, a22, b2) = (m11[j][g], two_a2[j][g], m22[j][g], b2[j][g]);
            let (a12, a21, b1) = (-t2, t2, t2);
            let xv = x[g];
            let old = if j == 0 { [0.0, 0.0] } else { [st.w[0][g], st.w[1][g]] };
            let new = if j == 0 {
                [b1 * xv, b2 * xv]
            } else {
                [
                    (a11 * old[0] + a12 * old[1]) + b1 * xv,
                    (a21 * old[0] + a22 * old[1]) + b2 * xv,
                ]
            };
            let (v1, v2) = (0.5 * (old[0] + new[0]), 0.5 * (old[1] + new[1]));
            y.w[j][g] = match MODE {
                LOW => v2,
                HIGH => xv - k[j][g] * v1 - v2,
                _ => v1,
            };
            (st.w[0][g], st.w[1][g]) = (new[0], new[1]);
        }
    }
}
