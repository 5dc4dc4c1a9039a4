//! Muting and soloing chains. A silenced chain reaches `out` through a `mul` by zero, so a mute is an ordinary hot
//! swap (crossfaded, every node's state kept, nothing pruned) and so is its undo. Pure; control thread.

use super::graph::{GraphSpec, NodeSpec, SendSpec, Source};
use std::collections::BTreeSet;

/// Which chains are silenced, named by the key of the node each sends to `out` (stable across edits, like every
/// node key the hot swap matches).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mutes {
    pub muted: BTreeSet<String>,
    pub soloed: BTreeSet<String>,
}

impl Mutes {
    /// Whether the chain sending `key` is silent: muted, or another chain is soloed.
    pub fn silences(&self, key: &str) -> bool {
        self.muted.contains(key) || (!self.soloed.is_empty() && !self.soloed.contains(key))
    }

    /// Mute the chain, or unmute it if it was muted. Returns whether it is muted now.
    pub fn toggle_mute(&mut self, key: &str) -> bool {
        toggle(&mut self.muted, key)
    }

    /// Solo the chain (others keep their own solo), or take its solo back. Returns whether it is soloed now.
    pub fn toggle_solo(&mut self, key: &str) -> bool {
        toggle(&mut self.soloed, key)
    }

    /// Forget chains that no longer exist, so a deleted solo does not keep the rest silent.
    pub fn retain_present(&mut self, spec: &GraphSpec) {
        let present: BTreeSet<&str> = spec.sends.iter().filter_map(|s| send_key(spec, s)).collect();
        self.muted.retain(|k| present.contains(k.as_str()));
        self.soloed.retain(|k| present.contains(k.as_str()));
    }
}

fn toggle(set: &mut BTreeSet<String>, key: &str) -> bool {
    if set.remove(key) {
        false
    } else {
        set.insert(key.to_string());
        true
    }
}

/// The name of a send: the key of the (first) node it sends. A constant sent to `out` has none.
pub fn send_key<'a>(spec: &'a GraphSpec, send: &SendSpec) -> Option<&'a str> {
    let (node, _) = send.sources().next()?;
    spec.nodes.get(node).map(|n| n.key.as_str())
}

/// Route every silenced send through a `mul` by zero. Call after the new spec's keys are aligned with the old's.
/// Returns how many sends are silenced.
pub fn apply(spec: &mut GraphSpec, mutes: &Mutes) -> usize {
    if mutes.muted.is_empty() && mutes.soloed.is_empty() {
        return 0;
    }
    let silenced: Vec<SendSpec> = spec
        .sends
        .iter()
        .filter(|s| send_key(spec, s).is_some_and(|k| mutes.silences(k)))
        .copied()
        .collect();
    for send in &silenced {
        for (side, source) in [send.left, send.right].into_iter().enumerate() {
            if let Some(Source::Node { node, port }) = source {
                silence(spec, side, node, port, send);
            }
        }
    }
    silenced.len()
}

fn silence(spec: &mut GraphSpec, side: usize, node: usize, port: usize, send: &SendSpec) {
    let from = Source::Node { node, port };
    let key = format!("mute{side}/{}.{port}", spec.nodes[node].key);
    spec.nodes
        .push(NodeSpec::plain(key, "mul", vec![from, Source::Const(0.0)], send.span));
    let to = Source::Node {
        node: spec.nodes.len() - 1,
        port: 0,
    };
    redirect(spec, spec.out, side, from, to);
}

/// Replace one `from` on the way into `out`'s `side`: the input itself, or an input of the bus's `sum` tree.
fn redirect(spec: &mut GraphSpec, out: usize, side: usize, from: Source, to: Source) -> bool {
    let mut stack = vec![(out, side)];
    while let Some((n, input)) = stack.pop() {
        let Some(s) = spec.nodes[n].inputs.get(input).copied() else {
            continue;
        };
        if s == from {
            spec.nodes[n].inputs[input] = to;
            return true;
        }
        if let Source::Node { node, .. } = s
            && spec.nodes[node].kind == "sum"
            && spec.nodes[node].key.starts_with("out.")
        {
            stack.extend((0..spec.nodes[node].inputs.len()).rev().map(|k| (node, k)));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{Settings, build};
    use crate::engine::{Engine, MasterConfig};

    const SRC: &str = "a = sine 300 -> gain 0.5\nsaw 110 -> lowpass 800 -> out\na -> out\nsine 220 -> out.left\n";

    fn spec(src: &str) -> GraphSpec {
        crate::compile::check(src).expect("checks").spec
    }

    /// Render and measure each frequency's level by correlation.
    fn level(spec: &GraphSpec, hz: f32) -> f32 {
        let graph = build(spec, &Settings::default()).expect("builds");
        let mut e = Engine::new(graph, 48_000.0, MasterConfig::raw());
        let mut buf = vec![0.0; 2 * 48_000];
        e.process(&mut buf);
        let (mut c, mut s) = (0f32, 0f32);
        for (i, f) in buf.chunks(2).enumerate().skip(4800) {
            let t = i as f32 / 48_000.0 * hz * std::f32::consts::TAU;
            c += f[0] * t.cos();
            s += f[0] * t.sin();
        }
        2.0 * (c * c + s * s).sqrt() / (buf.len() / 2 - 4800) as f32
    }

    #[test]
    fn every_chain_that_reaches_out_is_a_send_named_by_the_node_it_sends() {
        let s = spec(SRC);
        let keys: Vec<&str> = s.sends.iter().filter_map(|x| send_key(&s, x)).collect();
        assert_eq!(keys, ["~0/1:lowpass", "a/1:gain", "~2/0:sine"]);
        let lines: Vec<usize> = s
            .sends
            .iter()
            .map(|x| crate::lang::span::line_col(SRC, x.span.start).0)
            .collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(s.sends[2].right.is_none(), "out.left sends one side");
    }

    #[test]
    fn a_muted_chain_is_silent_and_the_others_play_on() {
        let mut s = spec(SRC);
        let mut m = Mutes::default();
        assert!(m.toggle_mute("a/1:gain"));
        assert_eq!(apply(&mut s, &m), 1);
        assert!(level(&s, 300.0) < 1e-3, "muted chain still sounds");
        assert!(level(&s, 220.0) > 0.5, "the others must play on");
        assert!(!m.toggle_mute("a/1:gain"), "the same key undoes it");
    }

    #[test]
    fn solo_silences_every_other_chain() {
        let mut s = spec(SRC);
        let mut m = Mutes::default();
        m.toggle_solo("~2/0:sine");
        assert_eq!(apply(&mut s, &m), 2);
        assert!(level(&s, 220.0) > 0.5);
        assert!(level(&s, 300.0) < 1e-3);
        assert!(level(&s, 110.0) < 1e-3);
    }

    #[test]
    fn a_solo_whose_chain_is_gone_is_forgotten() {
        let mut m = Mutes::default();
        m.toggle_solo("~9/0:sine");
        m.toggle_mute("a/1:gain");
        m.retain_present(&spec(SRC));
        assert!(m.soloed.is_empty());
        assert_eq!(m.muted.len(), 1);
    }
}
