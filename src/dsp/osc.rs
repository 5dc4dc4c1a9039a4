//! Oscillators: sine, band-limited saw/square/triangle (PolyBLEP/PolyBLAMP) and phasor. Integer `u32` phase, so
//! pitch is exact, deterministic and block-size invariant. `process` runs on the audio thread.

use super::fast::{INV_2_32, increment, phase_scale, phase_turns, phase_unit, sin_phase};
use super::simd::Render;
use super::{Block, Ctx, MAX_BLOCK, Processor, input, output};

/// Advance `phase` through the block: fills `ph` with each frame's phase and `dt` with its increment in turns.
#[inline(always)]
fn run_phase(phase: &mut u32, k: f32, freq: &[f32], ph: &mut [u32; MAX_BLOCK], dt: &mut [f32; MAX_BLOCK]) {
    if super::is_constant(freq) {
        let inc = increment(freq.first().copied().unwrap_or(0.0), k);
        dt.fill(turns(inc));
        steady(*phase, inc, ph, |p| p);
        *phase = phase.wrapping_add(inc.wrapping_mul(freq.len() as u32));
        return;
    }
    let mut inc = [0u32; MAX_BLOCK];
    moving(phase, k, freq, ph, &mut inc);
    for (d, &i) in dt.iter_mut().zip(&inc) {
        *d = turns(i);
    }
}

/// Each frame's phase (`ph`) and increment (`inc`) for a frequency that moves: increments first, then phases;
/// only that second loop carries a dependency, one integer add per frame.
#[inline(always)]
fn moving(phase: &mut u32, k: f32, freq: &[f32], ph: &mut [u32; MAX_BLOCK], inc: &mut [u32; MAX_BLOCK]) {
    for (i, &f) in inc.iter_mut().zip(freq) {
        *i = increment(f, k);
    }
    let mut p = *phase;
    for (slot, &i) in ph.iter_mut().zip(&inc[..freq.len().min(MAX_BLOCK)]) {
        *slot = p;
        p = p.wrapping_add(i);
    }
    *phase = p;
}

/// A phase increment as a positive fraction of a turn.
#[inline(always)]
fn turns(inc: u32) -> f32 {
    (inc as i32).unsigned_abs() as f32 * INV_2_32
}

/// `f` of each frame's phase at a steady frequency: the same integer sums as one add per frame, computed in eight
/// lanes that each step by 8·inc, so both the adds and `f` run as vector code with no carried dependency.
#[inline(always)]
fn steady<T>(phase: u32, inc: u32, out: &mut [T], f: impl Fn(u32) -> T) {
    const LANES: usize = 8;
    let mut lane: [u32; LANES] = std::array::from_fn(|k| phase.wrapping_add(inc.wrapping_mul(k as u32)));
    let step = inc.wrapping_mul(LANES as u32);
    let mut chunks = out.chunks_exact_mut(LANES);
    for c in &mut chunks {
        for (o, l) in c.iter_mut().zip(lane.iter_mut()) {
            *o = f(*l);
            *l = l.wrapping_add(step);
        }
    }
    for (o, l) in chunks.into_remainder().iter_mut().zip(lane) {
        *o = f(l);
    }
}

/// The band-limited saw: the naive ramp everywhere, then the step residual (a step of −2 at the wrap) where it is
/// not zero. `blep4` is exactly ±0 two or more samples from the wrap, so skipping it there changes no bit, and
/// the residual costs a few samples per cycle instead of every sample.
#[inline(always)]
fn saw(out: &mut [f32], ph: &[u32; MAX_BLOCK], dt: &[f32; MAX_BLOCK]) {
    let mut near = [false; MAX_BLOCK];
    for (((o, &p), &d), m) in out.iter_mut().zip(ph).zip(dt).zip(&mut near) {
        *o = 2.0 * phase_unit(p) - 1.0;
        // A little wider than two samples (with `inverse`'s guard for a frozen oscillator), so rounding in 1/dt
        // can never leave out a sample that needs the residual.
        *m = phase_turns(p).abs() <= 2.01 * d.max(1e-9);
    }
    if !near.iter().fold(false, |a, &b| a | b) {
        return;
    }
    for (((o, &p), &d), &m) in out.iter_mut().zip(ph).zip(dt).zip(&near) {
        if m {
            *o -= 2.0 * blep4(phase_turns(p) * inverse(d));
        }
    }
}

/// The band-limited pulse: the naive ±1 everywhere, then both edges' residuals where either is not zero (as for
/// the saw, skipping them elsewhere changes no bit).
#[inline(always)]
fn square(out: &mut [f32], ph: &[u32; MAX_BLOCK], dt: &[f32; MAX_BLOCK], width: &[f32]) {
    let mut near = [false; MAX_BLOCK];
    for ((((o, &p), &d), &w), m) in out.iter_mut().zip(ph).zip(dt).zip(width).zip(&mut near) {
        let w = pulse_width(w);
        let t = phase_unit(p);
        *o = if t < w { 1.0 } else { -1.0 };
        let reach = 2.01 * d.max(1e-9);
        *m = phase_turns(p).abs() <= reach || nearest_turn(t - w).abs() <= reach;
    }
    if !near.iter().fold(false, |a, &b| a | b) {
        return;
    }
    for ((((o, &p), &d), &w), &m) in out.iter_mut().zip(ph).zip(dt).zip(width).zip(&near) {
        if m {
            let t = phase_unit(p);
            let inv = inverse(d);
            let up = blep4(phase_turns(p) * inv);
            let down = blep4(nearest_turn(t - pulse_width(w)) * inv);
            *o += 2.0 * (up - down);
        }
    }
}

/// The pulse width kept inside the cycle; `max`/`min` rather than `clamp` so a NaN width becomes a valid one.
#[inline(always)]
#[allow(clippy::manual_clamp)] // on purpose: `clamp` keeps a NaN
fn pulse_width(w: f32) -> f32 {
    w.max(0.001).min(0.999)
}

/// 1/dt, guarded against a frozen (0 Hz) oscillator.
#[inline(always)]
fn inverse(dt: f32) -> f32 {
    1.0 / dt.max(1e-9)
}

/// `x` in (−1, 1) folded to (−0.5, 0.5]: the signed distance in turns to the nearest whole turn. Compare and
/// select rather than `round`, which is a libm call on baseline x86-64 and stops the loop vectorising.
#[inline(always)]
fn nearest_turn(x: f32) -> f32 {
    let x = if x > 0.5 { x - 1.0 } else { x };
    if x <= -0.5 { x + 1.0 } else { x }
}

/// Band-limited step residual (BLEP minus step) for a unit step at `x = 0`, `x` in samples. It is the step
/// smoothed by a cubic B-spline, four samples wide, which pushes aliasing far lower than two-point PolyBLEP.
#[inline(always)]
fn blep4(x: f32) -> f32 {
    let a = x.abs().min(2.0);
    let outer = (2.0 - a) * (2.0 - a) * (2.0 - a) * (2.0 - a) / 24.0;
    let inner = 0.5 + (-4.0 * a + 2.0 * a * a * a - 0.75 * a * a * a * a) / 6.0;
    let r = if a >= 1.0 { outer } else { inner };
    if x < 0.0 { r } else { -r }
}

/// Band-limited ramp residual (BLAMP minus ramp) for a unit change of slope per sample at `x = 0`: the second
/// integral of the same B-spline, so it is even in `x`.
#[inline(always)]
fn blamp4(x: f32) -> f32 {
    let a = x.abs().min(2.0);
    let b = 2.0 - a;
    let outer = b * b * b * b * b / 120.0;
    let a2 = a * a;
    let inner = 1.0 / 120.0 + 0.5 * (1.0 - a) + (2.0 * a2 - 0.5 * a2 * a2 + 0.15 * a2 * a2 * a) / 6.0 - 0.275;
    if a >= 1.0 { outer } else { inner }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    Sine,
    Saw,
    Square,
    Triangle,
    Phasor,
}

/// One oscillator. Inputs: `freq`, and `width` for the square.
#[derive(Clone)]
pub struct Osc {
    shape: Shape,
    phase: u32,
    k: f32,
}

impl Osc {
    pub fn new(shape: Shape, sample_rate: f32) -> Self {
        Self {
            shape,
            phase: 0,
            k: phase_scale(sample_rate),
        }
    }

    /// The sine goes straight from phase to sample: it needs no per-frame increments in turns as the band-limited
    /// shapes do.
    #[inline(always)]
    fn sine(&mut self, freq: &[f32], out: Option<&mut [f32]>) {
        let n = freq.len();
        if super::is_constant(freq) {
            let inc = increment(freq.first().copied().unwrap_or(0.0), self.k);
            if let Some(out) = out {
                steady(self.phase, inc, out, sin_phase);
            }
            self.phase = self.phase.wrapping_add(inc.wrapping_mul(n as u32));
            return;
        }
        let (mut ph, mut inc) = ([0u32; MAX_BLOCK], [0u32; MAX_BLOCK]);
        moving(&mut self.phase, self.k, freq, &mut ph, &mut inc);
        if let Some(out) = out {
            for (o, &p) in out.iter_mut().zip(&ph) {
                *o = sin_phase(p);
            }
        }
    }
}

impl Processor for Osc {
    // Reset keeps the phase: a panic silences tails, and an oscillator has none.
    crate::plain_state!(|s| s.clone());

    fn bounded(&self) -> bool {
        true
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        ctx.simd.render(self, ctx, ins, outs);
    }
}

impl Render for Osc {
    #[inline(always)]
    fn render(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let freq = input(ins, 0, n);
        if self.shape == Shape::Sine {
            return self.sine(freq, output(outs, 0, n));
        }
        let mut ph = [0u32; MAX_BLOCK];
        let mut dt = [0f32; MAX_BLOCK];
        run_phase(&mut self.phase, self.k, freq, &mut ph, &mut dt);
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        match self.shape {
            // Handled above, without the per-frame arrays.
            Shape::Sine => {}
            Shape::Phasor => {
                for (o, &p) in out.iter_mut().zip(&ph) {
                    *o = phase_unit(p);
                }
            }
            Shape::Saw => saw(out, &ph, &dt),
            Shape::Square => square(out, &ph, &dt, input(ins, 1, n)),
            Shape::Triangle => {
                for ((o, &p), &d) in out.iter_mut().zip(&ph).zip(&dt) {
                    let t = phase_unit(p);
                    // Starts at 0 rising, like the sine; corners at 0.25 (peak) and 0.75 (trough).
                    let from_peak = nearest_turn(t - 0.25);
                    let naive = 1.0 - 4.0 * from_peak.abs();
                    // The slope turns by ∓8 per cycle, that is 8·dt per sample, at each corner.
                    let inv = inverse(d);
                    let peak = blamp4(from_peak * inv);
                    let trough = blamp4(nearest_turn(t - 0.75) * inv);
                    *o = naive + 8.0 * d * (trough - peak);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(shape: Shape, freq: f32, width: f32, frames: usize) -> Vec<f32> {
        let sr = 48_000.0;
        let mut osc = Osc::new(shape, sr);
        let mut out = Vec::new();
        let f = [freq; MAX_BLOCK];
        let w = [width; MAX_BLOCK];
        let mut outs = [[0.0; MAX_BLOCK]];
        while out.len() < frames {
            let ctx = Ctx::new(sr, MAX_BLOCK, 0.0, 120.0);
            osc.process(&ctx, &[&f, &w], &mut outs);
            out.extend_from_slice(&outs[0]);
        }
        out.truncate(frames);
        out
    }

    #[test]
    fn every_shape_is_bounded_and_starts_where_documented() {
        for shape in [Shape::Sine, Shape::Saw, Shape::Square, Shape::Triangle, Shape::Phasor] {
            let x = render(shape, 1000.0, 0.5, 4800);
            let peak = x.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!(peak <= 1.05, "{shape:?} peak {peak}");
            assert!(peak > 0.9, "{shape:?} peak {peak}");
        }
        assert_eq!(render(Shape::Sine, 1000.0, 0.5, 1)[0], 0.0);
        assert_eq!(render(Shape::Triangle, 100.0, 0.5, 1)[0], 0.0);
    }

    #[test]
    fn steady_and_moving_sines_are_one_phase_add_per_frame_then_the_polynomial() {
        let sr = 48_000.0;
        let mut osc = Osc::new(Shape::Sine, sr);
        let mut outs = [[0.0; MAX_BLOCK]];
        let mut p = 0u32;
        for (block, n) in [64, 37, 1, 64, 13, 64, 40].into_iter().enumerate() {
            // Odd blocks glide, even ones hold.
            let f: Vec<f32> = (0..n)
                .map(|i| 1234.5 + block as f32 * 100.0 + (block % 2 * i) as f32 * 37.0)
                .collect();
            osc.process(&Ctx::new(sr, n, 0.0, 120.0), &[&f], &mut outs);
            for (k, v) in outs[0][..n].iter().enumerate() {
                assert_eq!(*v, sin_phase(p), "block {block} frame {k}");
                p = p.wrapping_add(increment(f[k], osc.k));
            }
            assert_eq!(osc.phase, p);
        }
    }

    #[test]
    fn the_saw_skips_its_residual_only_where_it_is_zero() {
        let sr = 48_000.0;
        let k = phase_scale(sr);
        for f in [0.0f32, 55.0, 1234.5, 9000.0, 23_000.0, -440.0] {
            let mut osc = Osc::new(Shape::Saw, sr);
            osc.phase = 3;
            let mut outs = [[0.0; MAX_BLOCK]];
            let (mut p, inc) = (3u32, increment(f, k));
            for _ in 0..40 {
                osc.process(&Ctx::new(sr, MAX_BLOCK, 0.0, 120.0), &[&[f; MAX_BLOCK]], &mut outs);
                for v in outs[0] {
                    let d = turns(inc);
                    let want = 2.0 * phase_unit(p) - 1.0 - 2.0 * blep4(phase_turns(p) * inverse(d));
                    assert_eq!(v.to_bits(), want.to_bits(), "{f} Hz");
                    p = p.wrapping_add(inc);
                }
            }
        }
    }

    #[test]
    fn the_square_skips_its_residuals_only_where_they_are_zero() {
        let sr = 48_000.0;
        let k = phase_scale(sr);
        for (f, w) in [
            (0.0f32, 0.5f32),
            (110.0, 0.5),
            (1234.5, 0.1),
            (9000.0, 0.93),
            (-440.0, 0.3),
            (300.0, 0.0),
        ] {
            let mut osc = Osc::new(Shape::Square, sr);
            let mut outs = [[0.0; MAX_BLOCK]];
            let (mut p, inc) = (0u32, increment(f, k));
            for _ in 0..40 {
                osc.process(
                    &Ctx::new(sr, MAX_BLOCK, 0.0, 120.0),
                    &[&[f; MAX_BLOCK], &[w; MAX_BLOCK]],
                    &mut outs,
                );
                for v in outs[0] {
                    let d = turns(inc);
                    let (wc, t, inv) = (pulse_width(w), phase_unit(p), inverse(d));
                    let naive = if t < wc { 1.0 } else { -1.0 };
                    let want = naive + 2.0 * (blep4(phase_turns(p) * inv) - blep4(nearest_turn(t - wc) * inv));
                    assert_eq!(v.to_bits(), want.to_bits(), "{f} Hz width {w}");
                    p = p.wrapping_add(inc);
                }
            }
        }
    }

    #[test]
    fn residuals_are_continuous_and_vanish_outside_four_samples() {
        for x in [-2.5f32, -2.0, 2.0, 3.0] {
            assert_eq!(blep4(x), 0.0);
            assert!(blamp4(x).abs() < 1e-9);
        }
        // The step residual jumps by exactly −1 at the step, cancelling the naive step.
        assert!((blep4(-1e-6) - blep4(0.0) - 1.0).abs() < 1e-5);
        for x in [-1.0f32, 1.0] {
            assert!((blep4(x - 1e-4) - blep4(x + 1e-4)).abs() < 1e-3);
            assert!((blamp4(x - 1e-4) - blamp4(x + 1e-4)).abs() < 1e-4);
        }
        assert!((blamp4(0.0) - 0.233_333).abs() < 1e-5);
    }

    #[test]
    fn every_shape_stays_bounded_whatever_its_inputs() {
        let sr = 48_000.0;
        let wild = [
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            1e30,
            -1e30,
            0.0,
            24_000.0,
            1e-30,
            440.0,
        ];
        for shape in [Shape::Sine, Shape::Saw, Shape::Square, Shape::Triangle, Shape::Phasor] {
            let mut osc = Osc::new(shape, sr);
            assert!(osc.bounded());
            let mut outs = [[0.0; MAX_BLOCK]];
            for (i, &f) in wild.iter().enumerate() {
                for &w in &wild {
                    // Steady and changing frequencies both.
                    let freq: Vec<f32> = (0..MAX_BLOCK)
                        .map(|k| if k % 3 == 0 { wild[(i + k) % 9] } else { f })
                        .collect();
                    for fr in [&[f; MAX_BLOCK][..], &freq] {
                        osc.process(&Ctx::new(sr, MAX_BLOCK, 0.0, 120.0), &[fr, &[w; MAX_BLOCK]], &mut outs);
                        assert!(
                            outs[0].iter().all(|v| v.abs() <= 2.0),
                            "{shape:?} freq {f} width {w}: {:?}",
                            outs[0]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn square_width_sets_the_duty_cycle() {
        let x = render(Shape::Square, 100.0, 0.25, 48_000);
        let high = x.iter().filter(|&&v| v > 0.0).count() as f32 / x.len() as f32;
        assert!((high - 0.25).abs() < 0.01, "{high}");
    }
}
