//! `GraphSpec` → `engine::Graph`: orders the audible nodes, builds their processors, and allocates every buffer the
//! audio thread will touch. Control thread.

use super::graph::{GraphSpec, Source};
use super::schedule::{self, Cycle};
use crate::dsp::MAX_BLOCK;
use crate::dsp::registry::{BuildCtx, ParamKind};
use crate::engine::fade_in::FadeIn;
use crate::engine::graph::ConstIn;
use crate::engine::growth::Growth;
use crate::engine::{Graph, InRef, Slot};

/// Render settings that shape what is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub sample_rate: f32,
    /// Seeds every noise source, mixed with the node's key, so a render repeats exactly.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            sample_rate: 48_000.0,
            seed: 0,
        }
    }
}

/// Build the graph. Nodes that can't be heard are left out.
pub fn build(spec: &GraphSpec, settings: &Settings) -> Result<Box<Graph>, Cycle> {
    build_linked(spec, settings, &[]).map(|(g, _)| g)
}

/// Build the graph with `links[i]`, the slot of the running graph that spec node `i` continues (for hot swaps).
/// Also returns each spec node's slot (`None` when left out), which the next swap links against.
pub fn build_linked(
    spec: &GraphSpec,
    settings: &Settings,
    links: &[Option<usize>],
) -> Result<(Box<Graph>, Vec<Option<usize>>), Cycle> {
    let keep = spec.audible();
    let (order, feedback) = schedule::order(spec, &keep)?;
    let in_loop = schedule::loop_members(spec, &feedback);
    let mut slot_of = vec![usize::MAX; spec.nodes.len()];
    for (s, &i) in order.iter().enumerate() {
        slot_of[i] = s;
    }
    let slots = order
        .iter()
        .map(|&i| Slot {
            from: links.get(i).copied().flatten(),
            growth: in_loop[i].map(|id| Growth::new(id, only_feedback(spec, i, &in_loop))),
            ..build_slot(spec, i, &slot_of, settings)
        })
        .collect();
    let out = slot_of.get(spec.out).copied().unwrap_or(0);
    let taps = spec
        .sends
        .iter()
        .enumerate()
        .take(crate::engine::taps::MAX_TAPS)
        .flat_map(|(chain, send)| send.sources().map(move |(node, port)| (chain, node, port)))
        .filter_map(|(chain, node, port)| {
            let slot = *slot_of.get(node)?;
            (slot != usize::MAX).then_some(crate::engine::taps::Tap {
                slot: slot as u32,
                port: port as u32,
                chain: chain as u32,
            })
        })
        .collect();
    let graph = Box::new(Graph {
        slots,
        out,
        bpm: spec.bpm,
        taps,
    });
    Ok((
        graph,
        slot_of.into_iter().map(|s| (s != usize::MAX).then_some(s)).collect(),
    ))
}

fn build_slot(spec: &GraphSpec, i: usize, slot_of: &[usize], settings: &Settings) -> Slot {
    let node = &spec.nodes[i];
    let def = node.def();
    let mut consts = Vec::new();
    let mut inputs = Vec::with_capacity(node.inputs.len());
    let mut wired = Vec::with_capacity(node.inputs.len());
    let mut kinds = def.signals().map(|p| p.kind == ParamKind::Midi);
    for s in &node.inputs {
        let is_midi = kinds.next().unwrap_or(false);
        match *s {
            Source::Const(_) if is_midi => {
                inputs.push(InRef::NoEvents);
                wired.push(false);
            }
            Source::Node { node, port } if is_midi => {
                inputs.push(InRef::Events {
                    slot: slot_of[node],
                    port,
                });
                wired.push(true);
            }
            Source::Const(v) => {
                inputs.push(InRef::Const(consts.len()));
                consts.push(ConstIn::new(v));
                wired.push(false);
            }
            Source::Node { node, port } => {
                inputs.push(InRef::Node {
                    slot: slot_of[node],
                    port,
                });
                wired.push(true);
            }
        }
    }
    let ctx = BuildCtx {
        key: &node.key,
        sample_rate: settings.sample_rate,
        seed: settings.seed ^ fnv1a(&node.key),
        settings: &node.settings,
        list: &node.list,
        choice: node.choice,
        wired: &wired,
        text: &node.text,
    };
    let proc = (def.build)(&ctx);
    let main = def
        .main_input
        .and_then(|m| def.signals().position(|p| p.name == m))
        .filter(|&k| wired.get(k).copied().unwrap_or(false));
    Slot {
        key: node.key.clone().into_boxed_str(),
        kind: node.kind,
        checked: !proc.bounded(),
        proc,
        inputs,
        consts,
        outs: vec![[0.0; MAX_BLOCK]; crate::dsp::keys::defs::output_blocks(def, &node.settings)],
        from: None,
        fault: None,
        // A sink's input is not heard: fading it would only delay what it does (a `midi_out` gate).
        fade_in: FadeIn::new(main.filter(|_| !def.is_sink())),
        growth: None,
    }
}

/// Whether every signal reaching node `i` comes round its own loop (or is a constant): muting such a node opens
/// the loop while what feeds the loop from outside plays on.
fn only_feedback(spec: &GraphSpec, i: usize, in_loop: &[Option<u32>]) -> bool {
    spec.nodes[i].inputs.iter().all(|s| match *s {
        Source::Node { node, .. } => in_loop.get(node).copied().flatten() == in_loop[i],
        Source::Const(_) => true,
    })
}

/// FNV-1a, so seeds depend on the key and not on `HashMap` randomness.
fn fnv1a(s: &str) -> u64 {
    crate::dsp::key_hash(s)
}
