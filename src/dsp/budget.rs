//! What a node's state costs in memory, worked out from its build context before anything is built, so a patch
//! that would need more than its budget is refused with its place instead of exhausting the machine (1 000
//! delays of 60 s once asked for 16 GB). Pure; control thread.

use super::registry::{BuildCtx, NodeDef};
use super::{MAX_BLOCK, delay, reverb};

/// What any node costs besides its own state: its output blocks, constant inputs and bookkeeping.
fn base(def: &NodeDef) -> usize {
    let block = MAX_BLOCK * std::mem::size_of::<f32>();
    (def.outputs.len() + def.params.len()) * (block + 32) + 256
}

/// Bytes a node built from `c` holds, its output blocks included.
pub fn node_bytes(def: &NodeDef, c: &BuildCtx) -> usize {
    let float = std::mem::size_of::<f32>();
    let own = match def.name {
        "delay" => delay::Delay::bytes(c.sample_rate, c.settings.first().copied().unwrap_or(4.0)),
        "reverb" => reverb::Reverb::bytes(c.sample_rate),
        // Lists are kept as values (and for the original's nodes as notes or items).
        _ if !c.list.is_empty() => c.list.len() * 2 * float,
        // A WAV writer's ring to its thread: 2 048 blocks.
        "WavFileNode" => 2048 * (MAX_BLOCK * float + 16),
        _ => 0,
    };
    base(def) + own
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::registry;

    fn ctx<'a>(settings: &'a [f32], list: &'a [Option<f32>]) -> BuildCtx<'a> {
        BuildCtx {
            key: "k",
            sample_rate: 48_000.0,
            seed: 0,
            settings,
            list,
            choice: 0,
            wired: &[],
            text: &[],
        }
    }

    #[test]
    fn estimates_match_what_the_nodes_allocate() {
        let delay = registry::lookup("delay").unwrap();
        // 60 s at 48 kHz rounds up to a 4 Mi-sample ring: 16 MiB.
        let est = node_bytes(delay, &ctx(&[60.0], &[]));
        assert!((16 << 20..17 << 20).contains(&est), "{est}");
        let built = delay::Delay::new(48_000.0, 60.0);
        assert_eq!(delay::Delay::bytes(48_000.0, 60.0), built.ring_bytes());
        let seq = registry::lookup("seq").unwrap();
        let steps = vec![Some(1.0); 100_000];
        assert!(node_bytes(seq, &ctx(&[], &steps)) >= 800_000);
    }
}
