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
    /// Four-sample weights for the last steady cutoff/q, kept until they change.
    quad: Quad,
}

/// A steady filter four samples at a time. Each of the four outputs, and the state four samples on, is a fixed
/// linear function of the state at the start and the four inputs; with those weights precomputed, the chain from
/// one state to the next is one step per four samples instead of one per sample, and the outputs, which nothing
/// waits on, run as vector code. The weights are worked out in f64, so the result stays within float rounding of
/// the sample-by-sample filter.
#[derive(Clone)]
struct Quad {
    /// The `(cutoff, q)` the weights were made for.
    made_for: Option<(f32, f32)>,
    /// `out[t][j]`: weight of term `t` (s1, s2, x0, x1, x2, x3) in output `j`.
    out: [[f32; 4]; 6],
    /// `next[c][t]`: weight of term `t` in state component `c` four samples on.
    next: [[f32; 6]; 2],
}

impl Quad {
    const NONE: Self = Self {
        made_for: None,
        out: [[0.0; 4]; 6],
        next: [[0.0; 6]; 2],
    };

    /// Weights for the 2×2 update `c` (see `coefs`), the output being `low` (v2), `high` or `band` (v1).
    fn new(mode: u8, c: [f32; 7]) -> Self {
        let [m11, m12, m21, m22, b1, b2, k] = c.map(f64::from);
        // A state as its weights over the six terms; it starts as s itself.
        let mut state = [[0f64; 6]; 2];
        state[0][0] = 1.0;
        state[1][1] = 1.0;
        let mut q = Self::NONE;
        for j in 0..4 {
            let mut next = [[0f64; 6]; 2];
            for t in 0..6 {
                next[0][t] = m11 * state[0][t] + m12 * state[1][t];
                next[1][t] = m21 * state[0][t] + m22 * state[1][t];
            }
            next[0][2 + j] += b1;
            next[1][2 + j] += b2;
            for t in 0..6 {
                let (v1, v2) = (0.5 * (state[0][t] + next[0][t]), 0.5 * (state[1][t] + next[1][t]));
                let x = if t == 2 + j { 1.0 } else { 0.0 };
                q.out[t][j] = match mode {
                    LOW => v2,
                    HIGH => x - k * v1 - v2,
                    _ => v1,
                } as f32;
            }
            state = next;
        }
        q.next = state.map(|c| c.map(|w| w as f32));
        q
    }

    /// Four samples from state `s`; returns the state after them.
    #[inline]
    fn run(&self, (s1, s2): (f32, f32), x: &[f32], o: &mut [f32]) -> (f32, f32) {
        let (x0, x1, x2, x3) = (x[0], x[1], x[2], x[3]);
        let w = &self.out;
        for j in 0..4 {
            o[j] = ((w[2][j] * x0 + w[3][j] * x1) + (w[4][j] * x2 + w[5][j] * x3)) + (w[0][j] * s1 + w[1][j] * s2);
        }
        let [a, b] = &self.next;
        let u1 = (a[2] * x0 + a[3] * x1) + (a[4] * x2 + a[5] * x3);
        let u2 = (b[2] * x0 + b[3] * x1) + (b[4] * x2 + b[5] * x3);
        ((a[0] * s1 + u1) + a[1] * s2, (b[1] * s2 + u2) + b[0] * s1)
    }
}

impl<const MODE: u8> Svf<MODE> {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            ic1: 0.0,
            ic2: 0.0,
            inv_sr: 1.0 / sample_rate,
            quad: Quad::NONE,
        }
    }

    /// The update as a 2×2 system for one cutoff/q pair: `[m11, m12, m21, m22, b1, b2, k]`, where the next state
    /// is `(m11·s1 + b1·x) + m12·s2` and `(m22·s2 + b2·x) + m21·s1`. Written this way (the same filter as
    /// Simper's v1/v2/v3 steps, reassociated) the chain from one sample's state to the next is one multiply and two
    /// adds instead of five dependent operations, which is what bounds a filter's speed.
    #[inline]
    fn coefs(&self, cutoff: f32, q: f32) -> [f32; 7] {
        let ratio = (cutoff * self.inv_sr).clamp(1e-5, 0.49);
        let g = tan_pi(ratio);
        let k = 1.0 / q.clamp(0.1, 50.0);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        [
            2.0 * a1 - 1.0,
            -2.0 * a2,
            2.0 * a2,
            1.0 - 2.0 * a3,
            2.0 * a2,
            2.0 * a3,
            k,
        ]
    }

    /// One sample. The band and low outputs are the means of the old and new states (v = (s + s')/2).
    #[inline]
    fn tick(s: &mut (f32, f32), x: f32, [m11, m12, m21, m22, b1, b2, k]: [f32; 7]) -> f32 {
        let (s1, s2) = *s;
        let n1 = (m11 * s1 + b1 * x) + m12 * s2;
        let n2 = (m22 * s2 + b2 * x) + m21 * s1;
        *s = (n1, n2);
        let (v1, v2) = (0.5 * (s1 + n1), 0.5 * (s2 + n2));
        match MODE {
            LOW => v2,
            HIGH => x - k * v1 - v2,
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
            let key = (
                cutoff.first().copied().unwrap_or(1000.0),
                q.first().copied().unwrap_or(0.7),
            );
            let c = self.coefs(key.0, key.1);
            if self.quad.made_for != Some(key) {
                self.quad = Quad::new(MODE, c);
                self.quad.made_for = Some(key);
            }
            let (mut o4, mut x4) = (out.chunks_exact_mut(4), x.chunks_exact(4));
            for (o, x) in (&mut o4).zip(&mut x4) {
                state = self.quad.run(state, x, o);
            }
            for (o, &v) in o4.into_remainder().iter_mut().zip(x4.remainder()) {
                *o = Self::tick(&mut state, v, c);
            }
        } else {
            // Coefficients first, in a loop without carried state, so it vectorises.
            let mut c = [[0f32; 7]; MAX_BLOCK];
            for ((slot, &f), &r) in c.iter_mut().zip(cutoff).zip(q) {
                *slot = self.coefs(f, r);
            }
            for ((o, &v), &k) in out.iter_mut().zip(x).zip(&c) {
                *o = Self::tick(&mut state, v, k);
            }
        }
        (self.ic1, self.ic2) = state;
        // A NaN input would poison the state for ever; start clean instead.
        if !(self.ic1.is_finite() && self.ic2.is_finite()) {
            self.ic1 = 0.0;
            self.ic2 = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simper's steps as published (v3, v1, v2, then the integrator states), the filter `tick` reassociates.
    fn textbook(s: &mut (f32, f32), x: f32, g: f32, k: f32) -> [f32; 3] {
        let a1 = 1.0 / (1.0 + g * (g + k));
        let (a2, a3) = (g * a1, g * g * a1);
        let v3 = x - s.1;
        let v1 = a1 * s.0 + a2 * v3;
        let v2 = s.1 + a2 * s.0 + a3 * v3;
        *s = (2.0 * v1 - s.0, 2.0 * v2 - s.1);
        [v2, x - k * v1 - v2, v1]
    }

    #[test]
    fn the_reassociated_update_is_simpers_filter_under_a_fast_sweep() {
        let sr = 48_000.0;
        let (mut low, mut high, mut band) = (Svf::<LOW>::new(sr), Svf::<HIGH>::new(sr), Svf::<BAND>::new(sr));
        let mut reference = (0.0f32, 0.0f32);
        let mut worst = 0f32;
        for block in 0..40 {
            let x: Vec<f32> = (0..MAX_BLOCK)
                .map(|i| (((block * 64 + i) * 7919) % 200) as f32 / 100.0 - 1.0)
                .collect();
            let cutoff: Vec<f32> = (0..MAX_BLOCK)
                .map(|i| 300.0 + 150.0 * ((block * 64 + i) % 97) as f32)
                .collect();
            let q = [3.0f32; MAX_BLOCK];
            let ctx = Ctx::new(sr, MAX_BLOCK, 0.0, 120.0);
            let mut outs = [[[0.0; MAX_BLOCK]]; 3];
            low.process(&ctx, &[&x, &cutoff, &q], &mut outs[0]);
            high.process(&ctx, &[&x, &cutoff, &q], &mut outs[1]);
            band.process(&ctx, &[&x, &cutoff, &q], &mut outs[2]);
            for i in 0..MAX_BLOCK {
                let g = tan_pi((cutoff[i] / sr).clamp(1e-5, 0.49));
                let want = textbook(&mut reference, x[i], g, 1.0 / 3.0);
                for (mode, w) in want.iter().enumerate() {
                    worst = worst.max((outs[mode][0][i] - w).abs());
                }
            }
        }
        assert!(worst < 1e-5, "{worst}");
    }

    #[test]
    fn a_steady_filter_four_samples_at_a_time_is_simpers_filter() {
        let sr = 48_000.0;
        for (cutoff, q) in [(80.0f32, 0.5f32), (1234.0, 0.707), (9000.0, 20.0), (20_000.0, 50.0)] {
            let (mut low, mut high, mut band) = (Svf::<LOW>::new(sr), Svf::<HIGH>::new(sr), Svf::<BAND>::new(sr));
            let mut reference = (0.0f32, 0.0f32);
            let g = tan_pi((cutoff / sr).clamp(1e-5, 0.49));
            let mut worst = 0f32;
            let mut t = 0;
            // Blocks of uneven sizes, so groups of four and the single samples after them both run.
            for frames in [64, 37, 1, 6, 64, 63, 2, 64].into_iter().cycle().take(200) {
                let x: Vec<f32> = (t..t + frames)
                    .map(|i| ((i * 7919) % 200) as f32 / 100.0 - 1.0)
                    .collect();
                t += frames;
                let (c, r) = ([cutoff; MAX_BLOCK], [q; MAX_BLOCK]);
                let ctx = Ctx::new(sr, frames, 0.0, 120.0);
                let mut outs = [[[0.0; MAX_BLOCK]]; 3];
                low.process(&ctx, &[&x, &c[..frames], &r[..frames]], &mut outs[0]);
                high.process(&ctx, &[&x, &c[..frames], &r[..frames]], &mut outs[1]);
                band.process(&ctx, &[&x, &c[..frames], &r[..frames]], &mut outs[2]);
                for (i, &v) in x.iter().enumerate() {
                    let want = textbook(&mut reference, v, g, 1.0 / q);
                    for (mode, w) in want.iter().enumerate() {
                        worst = worst.max((outs[mode][0][i] - w).abs());
                    }
                }
            }
            assert!(worst < 2e-5, "{cutoff} Hz q {q}: {worst}");
        }
    }
}
