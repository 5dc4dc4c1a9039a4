//! The memory budget of a patch: what its nodes will hold, summed from the spec before anything is built, and a
//! clear refusal (at the node that costs most) when it is over. Pure; control thread.

use super::graph::GraphSpec;
use crate::dsp::budget::node_bytes;
use crate::dsp::registry::BuildCtx;
use crate::lang::Diagnostic;

/// The most a patch may hold: delay lines, reverbs, lists and node buffers together.
pub const BUDGET: usize = 512 << 20;
/// Sample rate a patch is measured at when no device is known yet (`check`, typing).
pub const NOMINAL_RATE: f32 = 48_000.0;

/// A patch's memory: its total and the node that holds the most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    pub total: usize,
    pub largest: Option<(usize, usize)>,
}

/// What the spec's nodes will hold at `sample_rate`.
pub fn measure(spec: &GraphSpec, sample_rate: f32) -> Memory {
    let mut total = 0;
    let mut largest: Option<(usize, usize)> = None;
    for (i, node) in spec.nodes.iter().enumerate() {
        let ctx = BuildCtx {
            key: &node.key,
            sample_rate,
            seed: 0,
            settings: &node.settings,
            list: &node.list,
            choice: node.choice,
            wired: &[],
            text: &node.text,
        };
        let bytes = node_bytes(node.def(), &ctx);
        total += bytes;
        if largest.is_none_or(|(_, b)| bytes > b) {
            largest = Some((i, bytes));
        }
    }
    Memory { total, largest }
}

/// The spec's memory at `sample_rate`, or an error at its costliest node when it is over `BUDGET`.
pub fn enforce(spec: &GraphSpec, sample_rate: f32) -> Result<Memory, Diagnostic> {
    let m = measure(spec, sample_rate);
    if m.total <= BUDGET {
        return Ok(m);
    }
    let (node, bytes) = m.largest.map_or((None, 0), |(i, b)| (spec.nodes.get(i), b));
    let span = node.map(|n| n.span).unwrap_or_default();
    let kind = node.map_or("node", |n| n.kind);
    Err(Diagnostic::error(
        "E017",
        span,
        format!(
            "this patch needs {} of memory at {} Hz; a patch may use {}",
            size(m.total),
            sample_rate.round(),
            size(BUDGET)
        ),
    )
    .with_label(format!("this `{kind}` alone holds {}", size(bytes)))
    .with_help("shorten `max` on delays, use fewer delays or reverbs, or shorter lists"))
}

/// Bytes as a person reads them.
pub fn size(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= f64::from(1u32 << 30) {
        format!("{:.1} GB", b / f64::from(1u32 << 30))
    } else if b >= f64::from(1u32 << 20) {
        format!("{:.1} MB", b / f64::from(1u32 << 20))
    } else {
        format!("{:.0} kB", b / 1024.0)
    }
}
