//! Resonant state-variable filters (Zavalishin/Simper TPT form): lowpass, highpass, bandpass. Stable under audio-rate
//! cutoff modulation because the coefficients are recomputed per sample from `tan`. `process`: audio thread.

use super::fast::sin_quarter;
use groups::{Quad, Sweep};

mod groups;
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
        let [m11, two_a2, m22, b2, k] = self.parts(cutoff, q);
        [m11, -two_a2, two_a2, m22, two_a2, b2, k]
    }

    /// The distinct entries of `coefs`: m11, 2·a2 (= −m12 = m21 = b1), m22, b2 and k.
    #[inline(always)]
    fn parts(&self, cutoff: f32, q: f32) -> [f32; 5] {
        Self::parts_k(self.warp(cutoff), 1.0 / q.clamp(0.1, 50.0))
    }

    /// sin and cos of π·cutoff/sr: their ratio is the prewarped g = tan(π·fc/sr).
    #[inline(always)]
    fn warp(&self, cutoff: f32) -> (f32, f32) {
        let t = 0.5 * (cutoff * self.inv_sr).clamp(1e-5, 0.49);
        (sin_quarter(t), sin_quarter(0.25 - t))
    }

    /// With g = s/c, a1 = 1/(1 + g(g + k)) = c²/d, a2 = g·a1 = sc/d and a3 = g·a2 = s²/d where d = c² + s² + ksc:
    /// one division instead of two, which is most of the cost of a sweep's coefficients.
    #[inline(always)]
    fn parts_k((s, c): (f32, f32), k: f32) -> [f32; 5] {
        let inv = 1.0 / (c * c + s * s + k * (s * c));
        let (a1, a2, a3) = (c * c * inv, s * c * inv, s * s * inv);
        [2.0 * a1 - 1.0, 2.0 * a2, 1.0 - 2.0 * a3, 2.0 * a3, k]
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
            let mut sw = Sweep::new();
            if is_constant(q) {
                let k = 1.0 / q.first().copied().unwrap_or(0.7).clamp(0.1, 50.0);
                for (i, &f) in cutoff.iter().enumerate().take(MAX_BLOCK) {
                    [sw.m11[i], sw.two_a2[i], sw.m22[i], sw.b2[i], sw.k[i]] = Self::parts_k(self.warp(f), k);
                }
            } else {
                for (i, (&f, &r)) in cutoff.iter().zip(q).enumerate().take(MAX_BLOCK) {
                    [sw.m11[i], sw.two_a2[i], sw.m22[i], sw.b2[i], sw.k[i]] = self.parts(f, r);
                }
            }
            state = sw.run(MODE, state, x, out);
            for i in (x.len() / 4 * 4)..x.len().min(out.len()) {
                let c = [
                    sw.m11[i],
                    -sw.two_a2[i],
                    sw.two_a2[i],
                    sw.m22[i],
                    sw.two_a2[i],
                    sw.b2[i],
                    sw.k[i],
                ];
                out[i] = Self::tick(&mut state, x[i], c);
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

    /// tan(π·fc/sr) in f64, for a reference free of the filter's own approximation.
    fn exact_g(ratio: f32) -> f32 {
        (std::f64::consts::PI * f64::from(ratio.clamp(1e-5, 0.49))).tan() as f32
    }

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

    /// Runs the three outputs against the textbook filter over blocks of uneven sizes (so groups of four and the
    /// single samples after them both run), the cutoff a function of the frame. Returns the worst difference
    /// relative to the reference's peak: about 1e-7, up to 4e-6 at high resonance, where the response magnifies
    /// the 3e-7 error of the fast sin/cos behind the cutoff.
    fn against_textbook(cutoff: impl Fn(usize) -> f32, q: f32) -> f32 {
        let sr = 48_000.0;
        let (mut low, mut high, mut band) = (Svf::<LOW>::new(sr), Svf::<HIGH>::new(sr), Svf::<BAND>::new(sr));
        let mut reference = (0.0f32, 0.0f32);
        let (mut worst, mut peak, mut t) = (0f32, 0f32, 0);
        for frames in [64, 37, 1, 6, 64, 63, 2, 64].into_iter().cycle().take(200) {
            let x: Vec<f32> = (t..t + frames)
                .map(|i| ((i * 7919) % 200) as f32 / 100.0 - 1.0)
                .collect();
            let c: Vec<f32> = (t..t + frames).map(&cutoff).collect();
            t += frames;
            let r = [q; MAX_BLOCK];
            let ctx = Ctx::new(sr, frames, 0.0, 120.0);
            let mut outs = [[[0.0; MAX_BLOCK]]; 3];
            low.process(&ctx, &[&x, &c, &r[..frames]], &mut outs[0]);
            high.process(&ctx, &[&x, &c, &r[..frames]], &mut outs[1]);
            band.process(&ctx, &[&x, &c, &r[..frames]], &mut outs[2]);
            for (i, &v) in x.iter().enumerate() {
                let want = textbook(&mut reference, v, exact_g(c[i] / sr), 1.0 / q);
                for (mode, w) in want.iter().enumerate() {
                    worst = worst.max((outs[mode][0][i] - w).abs());
                    peak = peak.max(w.abs());
                }
            }
        }
        worst / peak
    }

    #[test]
    fn the_swept_filter_is_simpers_filter_under_a_fast_sweep() {
        for q in [0.5, 3.0, 30.0] {
            let worst = against_textbook(|i| 300.0 + 150.0 * (i % 97) as f32, q);
            assert!(worst < 1e-5, "q {q}: {worst}");
        }
    }

    #[test]
    fn a_steady_filter_four_samples_at_a_time_is_simpers_filter() {
        for (cutoff, q) in [(80.0f32, 0.5f32), (1234.0, 0.707), (9000.0, 20.0), (20_000.0, 50.0)] {
            let worst = against_textbook(|_| cutoff, q);
            assert!(worst < 1e-5, "{cutoff} Hz q {q}: {worst}");
        }
    }
}
