//! Resonant state-variable filters (Zavalishin/Simper TPT form): lowpass, highpass, bandpass. Stable under audio-rate
//! cutoff modulation because the coefficients are recomputed per sample from `tan`. `process`: audio thread.

use super::fast::tan_pi;
use super::{Block, Ctx, MAX_BLOCK, Processor, input, is_constant, output};

pub const LOW: u8 = 0;
pub const HIGH: u8 = 1;
pub const BAND: u8 = 2;

/// Inputs: `in`, `cutoff` (Hz), `q`.
#[derive(Clone)]
pub struct Svf<const MODE: u8> {
    ic1: f32,
    ic2: f32,
    inv_sr: f32,
}

impl<const MODE: u8> Svf<MODE> {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            ic1: 0.0,
            ic2: 0.0,
            inv_sr: 1.0 / sample_rate,
        }
    }

    /// (a1, a2, a3, k) for one cutoff/q pair.
    #[inline]
    fn coefs(&self, cutoff: f32, q: f32) -> [f32; 4] {
        let ratio = (cutoff * self.inv_sr).clamp(1e-5, 0.49);
        let g = tan_pi(ratio);
        let k = 1.0 / q.clamp(0.1, 50.0);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        [a1, a2, g * a2, k]
    }

    /// One sample; the state is passed by value so it stays in registers through the block.
    #[inline]
    fn tick(s: &mut (f32, f32), v0: f32, [a1, a2, a3, k]: [f32; 4]) -> f32 {
        let (ic1, ic2) = *s;
        let v3 = v0 - ic2;
        let v1 = a1 * ic1 + a2 * v3;
        let v2 = ic2 + a2 * ic1 + a3 * v3;
        *s = (2.0 * v1 - ic1, 2.0 * v2 - ic2);
        match MODE {
            LOW => v2,
            HIGH => v0 - k * v1 - v2,
            _ => v1,
        }
    }
}

impl<const MODE: u8> Processor for Svf<MODE> {
    crate::plain_state!(|s| Self {
        ic1: 0.0,
        ic2: 0.0,
        ..s.clone()
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, cutoff, q) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        let mut state = (self.ic1, self.ic2);
        if is_constant(cutoff) && is_constant(q) {
            let c = self.coefs(
                cutoff.first().copied().unwrap_or(1000.0),
                q.first().copied().unwrap_or(0.7),
            );
            for (o, &v) in out.iter_mut().zip(x) {
                *o = Self::tick(&mut state, v, c);
            }
        } else {
            // Coefficients first, in a loop without carried state, so it vectorises.
            let mut c = [[0f32; 4]; MAX_BLOCK];
            for ((slot, &f), &r) in c.iter_mut().zip(cutoff).zip(q) {
                *slot = self.coefs(f, r);
            }
            for ((o, &v), &k) in out.iter_mut().zip(x).zip(&c) {
                *o = Self::tick(&mut state, v, k);
            }
        }
        (self.ic1, self.ic2) = state;
        (self.ic1, self.ic2) = state;
        // A NaN input would poison the state for ever; start clean instead.
        if !(self.ic1.is_finite() && self.ic2.is_finite()) {
            self.ic1 = 0.0;
            self.ic2 = 0.0;
        }
    }
}
