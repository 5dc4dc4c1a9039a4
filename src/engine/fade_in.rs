//! A node that a structural edit adds starts with empty memory (a delay line, a reverb, a filter's state). Its
//! main input is faded in over the crossfade, so what it stores begins from silence: an echo that arrives after
//! the crossfade has ended then starts as smoothly as the crossfade did, instead of mid-waveform. Built on the
//! control thread; `apply` runs on the audio thread.

use crate::dsp::{Block, MAX_BLOCK};

pub struct FadeIn {
    /// The main input (when it is wired to another node), by its place among the node's inputs.
    pub port: Option<usize>,
    left: u32,
    total: u32,
    buf: Block,
}

impl FadeIn {
    pub fn new(port: Option<usize>) -> Self {
        Self {
            port,
            left: 0,
            total: 0,
            buf: [0.0; MAX_BLOCK],
        }
    }

    /// Fade the main input in over `frames` from the next block. Real-time.
    pub fn start(&mut self, frames: u32) {
        if self.port.is_some() {
            self.left = frames;
            self.total = frames.max(1);
        }
    }

    pub fn active(&self) -> bool {
        self.left > 0
    }

    /// The input with this block's part of the ramp applied (the same ramp as the crossfade's). Real-time.
    #[inline]
    pub fn apply(&mut self, input: &[f32], n: usize) -> &[f32] {
        let n = n.min(input.len()).min(MAX_BLOCK);
        let done = self.total - self.left;
        for (i, (o, x)) in self.buf[..n].iter_mut().zip(input).enumerate() {
            let g = ((done + i as u32 + 1) as f32 / self.total as f32).min(1.0);
            *o = x * g;
        }
        self.left = self.left.saturating_sub(n as u32);
        &self.buf[..n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_from_silence_to_unity_across_blocks() {
        let mut f = FadeIn::new(Some(0));
        f.start(100);
        let ones = [1.0f32; MAX_BLOCK];
        let a = f.apply(&ones, 64).to_vec();
        assert!((a[0] - 0.01).abs() < 1e-6 && (a[63] - 0.64).abs() < 1e-6);
        let b = f.apply(&ones, 64).to_vec();
        assert!((b[35] - 1.0).abs() < 1e-6 && b[63] == 1.0);
        assert!(!f.active());
        let mut unwired = FadeIn::new(None);
        unwired.start(100);
        assert!(!unwired.active());
    }
}
