//! The real-time runtime: `Graph` (a compiled, fully allocated graph) and `Engine`, which renders it block by block
//! and keeps the transport. `Engine::process` is the only code that runs on the audio thread.
//!
//! Invariants (each tested):
//! 1. `Engine::process` never allocates, frees, locks, blocks, prints or formats.
//! 2. Everything it runs was built beforehand (`compile::build`); buffers are sized for `MAX_BLOCK`.
//! 3. Rendering is deterministic and independent of how the host cuts its buffers.

pub mod graph;

pub use graph::{Graph, InRef, Slot};

use crate::dsp::{Ctx, MAX_BLOCK};

/// Renders a graph into interleaved stereo.
pub struct Engine {
    graph: Box<Graph>,
    sample_rate: f32,
    /// Frames rendered since the transport's tempo was last set.
    frames: u64,
    /// Beat position at `frames == 0`.
    beat_origin: f64,
}

impl Engine {
    pub fn new(graph: Box<Graph>, sample_rate: f32) -> Self {
        Self {
            graph,
            sample_rate,
            frames: 0,
            beat_origin: 0.0,
        }
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Beat position now.
    pub fn beat(&self) -> f64 {
        self.beat_origin + self.frames as f64 * self.graph.bpm / 60.0 / f64::from(self.sample_rate)
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Fill `out` (interleaved L/R, any length) with the next frames.
    ///
    /// Real-time: audio thread.
    pub fn process(&mut self, out: &mut [f32]) {
        for chunk in out.chunks_mut(2 * MAX_BLOCK) {
            let frames = chunk.len() / 2;
            let ctx = Ctx::new(self.sample_rate, frames, self.beat(), self.graph.bpm);
            self.graph.run(&ctx);
            let (l, r) = self.graph.output(frames);
            for ((pair, &l), &r) in chunk.chunks_exact_mut(2).zip(l).zip(r) {
                pair[0] = l;
                pair[1] = r;
            }
            self.frames += frames as u64;
        }
    }
}
