//! Listening inside the graph: the peak of each chain's send to `out` (the gutter's meters), and one node's output
//! for the scope (the node under the editor's cursor). Set up on the control thread; read on the audio thread,
//! where taking them allocates nothing and waits for nothing.

use crate::dsp::MAX_BLOCK;

/// Chains metered; those past it go without a meter.
pub const MAX_TAPS: usize = 32;

/// A chain's send, metered: the output `port` of `slot`, counted as chain `chain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tap {
    pub slot: u32,
    pub port: u32,
    pub chain: u32,
}

/// The audio thread's side: peaks gathered over a meter window.
pub struct Peaks {
    pub peak: [f32; MAX_TAPS],
    /// How many chains the current graph meters.
    pub count: usize,
}

impl Peaks {
    pub const NEW: Self = Self {
        peak: [0.0; MAX_TAPS],
        count: 0,
    };

    /// Take this block's peaks of the tapped outputs. Real-time.
    #[inline]
    pub fn take(&mut self, taps: &[Tap], graph: &super::Graph, frames: usize) {
        let n = frames.min(MAX_BLOCK);
        for t in taps {
            let Some(out) = graph
                .slots
                .get(t.slot as usize)
                .and_then(|s| s.outs.get(t.port as usize))
            else {
                continue;
            };
            let Some(p) = self.peak.get_mut(t.chain as usize) else {
                continue;
            };
            *p = crate::dsp::fast::peak_of(&out[..n], *p);
            self.count = self.count.max(t.chain as usize + 1);
        }
    }
}

/// Which output the scope shows: `None` is the master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeTap {
    /// The version whose slot numbers these are; another version's graph shows the master until a new tap comes.
    pub version: u32,
    pub slot: u32,
    pub port: u32,
}

impl ScopeTap {
    /// The tapped block, as interleaved pairs for the scope ring. Real-time.
    pub fn block<'a>(&self, graph: &'a super::Graph, frames: usize) -> Option<&'a [f32]> {
        let s = graph.slots.get(self.slot as usize)?;
        s.outs.get(self.port as usize).map(|b| &b[..frames.min(MAX_BLOCK)])
    }
}
