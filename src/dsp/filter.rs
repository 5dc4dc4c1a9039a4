//! Resonant state-variable filters (Zavalishin/Simper TPT form): lowpass, highpass, bandpass. Stable under audio-rate
//! cutoff modulation because the coefficients are recomputed per sample from `tan`. Run four samples at a time
//! (`groups`), in groups counted from the node's first frame, so the output doesn't depend on how blocks are cut.
//! `process`: audio thread.

use super::fast::sin_quarter;
use super::simd::Render;
use super::{Block, Ctx, Processor, input, output};
use groups::{Sweep, Virtual};

mod groups;

pub const LOW: u8 = 0;
pub const HIGH: u8 = 1;
pub const BAND: u8 = 2;

/// Inputs: `in`, `cutoff` (Hz), `q`.
#[derive(Clone)]
pub struct Svf<const MODE: u8> {
    inv_sr: f32,
    /// The state at the start of the group of four under way.
    start: (f32, f32),
    /// The block with the unfinished group's frames in front, and its weights; kept here so the audio thread
    /// neither zeroes nor moves them per block.
    v: Virtual,
    sw: Sweep,
}

impl<const MODE: u8> Svf<MODE> {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            inv_sr: 1.0 / sample_rate,
            start: (0.0, 0.0),
            v: Virtual::EMPTY,
            sw: Sweep::ZERO,
        }
    }

    /// sin and cos of π·cutoff/sr: their ratio is the prewarped g = tan(π·fc/sr).
    #[inline(always)]
    fn warp(inv_sr: f32, cutoff: f32) -> (f32, f32) {
        let t = 0.5 * (cutoff * inv_sr).clamp(1e-5, 0.49);
        (sin_quarter(t), sin_quarter(0.25 - t))
    }

    /// The per-sample update as a 2×2 system, by its distinct entries `[m11, 2·a2, m22, b2, k]`: the next state
    /// is `(m11·s1 + b1·x) + m12·s2` and `(m22·s2 + b2·x) + m21·s1` with `m12 = −2·a2` and `m21 = b1 = 2·a2`
    /// (Simper's v1/v2/v3 steps, reassociated). With g = s/c, a1 = 1/(1 + g(g + k)) = c²/d, a2 = g·a1 = sc/d and
    /// a3 = g·a2 = s²/d where d = c² + s² + ksc: one division instead of two.
    #[inline(always)]
    fn parts((s, c): (f32, f32), k: f32) -> [f32; 5] {
        let inv = 1.0 / (c * c + s * s + k * (s * c));
        let (a1, a2, a3) = (c * c * inv, s * c * inv, s * s * inv);
        [2.0 * a1 - 1.0, 2.0 * a2, 1.0 - 2.0 * a3, 2.0 * a3, k]
    }

    /// 1/q, the damping.
    #[inline(always)]
    fn damping(q: f32) -> f32 {
        1.0 / q.clamp(0.1, 50.0)
    }

    /// Every frame's coefficients, by group, and the weights over each group's start state that follow from
    /// them; left as they are while cutoff and q hold still.
    #[inline(always)]
    fn sweep(&mut self) {
        let Self { v, sw, inv_sr, .. } = self;
        // A copy, not a reference into `self`: the compiler can't tell the coefficient stores from it otherwise,
        // and won't vectorise a loop that may overwrite its own input.
        let inv_sr = *inv_sr;
        let held = v.steady();
        if held.is_some() && held == sw.held {
            return;
        }
        if let Some((cutoff, q)) = held {
            let c = Self::parts(Self::warp(inv_sr, cutoff), Self::damping(q));
            for (lanes, value) in sw.coef.iter_mut().zip(c) {
                for lane in lanes.iter_mut() {
                    lane.fill(value);
                }
            }
        } else {
            let width = v.width();
            let (ct, qt) = (Virtual::lanes(&v.cutoff, width), Virtual::lanes(&v.q, width));
            let [m11, two_a2, m22, b2, k] = &mut sw.coef;
            for j in 0..4 {
                for g in 0..width {
                    let c = Self::parts(Self::warp(inv_sr, ct[j][g]), Self::damping(qt[j][g]));
                    (m11[j][g], two_a2[j][g], m22[j][g], b2[j][g], k[j][g]) = (c[0], c[1], c[2], c[3], c[4]);
                }
            }
        }
        sw.held = held;
        if held.is_some() {
            sw.weigh_held::<MODE>();
        }
    }
}

impl<const MODE: u8> Processor for Svf<MODE> {
    crate::plain_state!(|s| Self {
        inv_sr: s.inv_sr,
        ..Self::new(1.0)
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        ctx.simd.render(self, ctx, ins, outs);
    }
}

impl<const MODE: u8> Render for Svf<MODE> {
    #[inline(always)]
    fn render(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, cutoff, q) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        self.v.fill(x, cutoff, q);
        self.sweep();
        let (s1, s2) = self.sw.run::<MODE>(self.start, &self.v, out);
        // A state gone non-finite (a NaN input) starts again from silence rather than poisoning the filter.
        self.start = if s1.is_finite() && s2.is_finite() {
            (s1, s2)
        } else {
            (0.0, 0.0)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::MAX_BLOCK;

    /// tan(π·fc/sr) in f64, for a reference free of the filter's own approximation.
    fn exact_g(ratio: f32) -> f32 {
        (std::f64::consts::PI * f64::from(ratio.clamp(1e-5, 0.49))).tan() as f32
    }

    /// Simper's steps as published (v3, v1, v2, then the integrator states), which `parts` reassociates.
    fn textbook(s: &mut (f32, f32), x: f32, g: f32, k: f32) -> [f32; 3] {
        let a1 = 1.0 / (1.0 + g * (g + k));
        let (a2, a3) = (g * a1, g * g * a1);
        let v3 = x - s.1;
        let v1 = a1 * s.0 + a2 * v3;
        let v2 = s.1 + a2 * s.0 + a3 * v3;
        *s = (2.0 * v1 - s.0, 2.0 * v2 - s.1);
        [v2, x - k * v1 - v2, v1]
    }

    /// Blocks of uneven sizes, so groups of four are cut every which way.
    const UNEVEN: [usize; 8] = [64, 37, 1, 6, 64, 63, 2, 64];

    /// Runs the three outputs against the textbook filter over blocks of the sizes given (cycled), the cutoff a function of the frame. Returns the worst difference
    /// relative to the reference's peak: about 1e-7, up to 4e-6 at high resonance, where the response magnifies
    /// the 3e-7 error of the fast sin/cos behind the cutoff.
    fn against_textbook(blocks: &[usize], cutoff: impl Fn(usize) -> f32, q: f32) -> f32 {
        let sr = 48_000.0;
        let (mut low, mut high, mut band) = (Svf::<LOW>::new(sr), Svf::<HIGH>::new(sr), Svf::<BAND>::new(sr));
        let mut reference = (0.0f32, 0.0f32);
        let (mut worst, mut peak, mut t) = (0f32, 0f32, 0);
        for &frames in blocks.iter().cycle().take(200) {
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
            let worst = against_textbook(&UNEVEN, |i| 300.0 + 150.0 * (i % 97) as f32, q);
            assert!(worst < 1e-5, "q {q}: {worst}");
        }
    }

    #[test]
    fn a_steady_filter_four_samples_at_a_time_is_simpers_filter() {
        for (cutoff, q) in [(80.0f32, 0.5f32), (1234.0, 0.707), (9000.0, 20.0), (20_000.0, 50.0)] {
            let worst = against_textbook(&UNEVEN, |_| cutoff, q);
            assert!(worst < 1e-5, "{cutoff} Hz q {q}: {worst}");
        }
        // Held, then held at another cutoff: the weights kept from one hold must not leak into the next.
        let worst = against_textbook(&[64], |i| [200.0, 5000.0, 800.0][(i / 512) % 3], 2.0);
        assert!(worst < 1e-5, "stepped cutoff: {worst}");
    }

    /// The same input through a lowpass and a highpass, cut into blocks as given; the cutoff sweeps for a while,
    /// then holds (and q moves in the middle third).
    fn cut(blocks: &[usize]) -> Vec<f32> {
        let sr = 48_000.0;
        let (mut low, mut high) = (Svf::<LOW>::new(sr), Svf::<HIGH>::new(sr));
        let (mut out, mut t) = (Vec::new(), 0);
        for &frames in blocks.iter().cycle() {
            if t >= 3000 {
                break;
            }
            let x: Vec<f32> = (t..t + frames)
                .map(|i| ((i * 7919) % 200) as f32 / 100.0 - 1.0)
                .collect();
            let c: Vec<f32> = (t..t + frames)
                .map(|i| if i < 1500 { 300.0 + 7.0 * i as f32 } else { 2000.0 })
                .collect();
            let q: Vec<f32> = (t..t + frames)
                .map(|i| {
                    if (1000..2000).contains(&i) {
                        1.0 + (i % 9) as f32
                    } else {
                        4.0
                    }
                })
                .collect();
            t += frames;
            let ctx = Ctx::new(sr, frames, 0.0, 120.0);
            let mut outs = [[[0.0; MAX_BLOCK]]; 2];
            low.process(&ctx, &[&x, &c, &q], &mut outs[0]);
            high.process(&ctx, &[&x, &c, &q], &mut outs[1]);
            out.extend(
                outs[0][0][..frames]
                    .iter()
                    .zip(&outs[1][0][..frames])
                    .flat_map(|(a, b)| [*a, *b]),
            );
        }
        out
    }

    #[test]
    fn the_output_is_the_same_however_the_blocks_are_cut() {
        let reference = cut(&[64]);
        for blocks in [&[1][..], &[37], &[3, 64, 2, 5], &[63, 1]] {
            let other = cut(blocks);
            let n = reference.len().min(other.len());
            assert!(n >= 6000);
            assert!(reference[..n] == other[..n], "{blocks:?}");
        }
    }
}
