//! Oscillators: sine, band-limited saw/square/triangle (PolyBLEP/PolyBLAMP) and phasor. Integer `u32` phase, so
//! pitch is exact, deterministic and block-size invariant. `process` runs on the audio thread.

use super::fast::{INV_2_32, increment, phase_scale, phase_turns, phase_unit, sin_turns};
use super::{Block, Ctx, MAX_BLOCK, Processor, input, output};

/// Advance `phase` through the block: fills `ph` with each frame's phase and `dt` with its increment in turns.
/// The only loop with a carried dependency; everything after it vectorises.
#[inline]
fn run_phase(
    phase: &mut u32,
    k: f32,
    freq: &[f32],
    ph: &mut [u32; MAX_BLOCK],
    dt: &mut [f32; MAX_BLOCK],
) {
    let mut p = *phase;
    for ((slot, d), &f) in ph.iter_mut().zip(dt.iter_mut()).zip(freq) {
        let inc = increment(f, k);
        *slot = p;
        *d = (inc as i32).unsigned_abs() as f32 * INV_2_32;
        p = p.wrapping_add(inc);
    }
    *phase = p;
}

/// PolyBLEP residual for a unit step at phase 0.
#[inline]
fn blep(t: f32, dt: f32) -> f32 {
    let inv = 1.0 / dt.max(1e-9);
    let x0 = t * inv;
    let x1 = (t - 1.0) * inv;
    let a = if t < dt { x0 + x0 - x0 * x0 - 1.0 } else { 0.0 };
    let b = if t > 1.0 - dt {
        x1 * x1 + x1 + x1 + 1.0
    } else {
        0.0
    };
    a + b
}

/// PolyBLAMP residual for a unit slope change at phase 0 (in units of phase).
#[inline]
fn blamp(t: f32, dt: f32) -> f32 {
    let inv = 1.0 / dt.max(1e-9);
    let x0 = t * inv - 1.0;
    let x1 = (t - 1.0) * inv + 1.0;
    let a = if t < dt { -x0 * x0 * x0 / 3.0 } else { 0.0 };
    let b = if t > 1.0 - dt {
        x1 * x1 * x1 / 3.0
    } else {
        0.0
    };
    (a + b) * dt
}

#[inline]
fn fract(x: f32) -> f32 {
    x - x.floor()
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
}

impl Processor for Osc {
    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let freq = input(ins, 0, n);
        let mut ph = [0u32; MAX_BLOCK];
        let mut dt = [0f32; MAX_BLOCK];
        run_phase(&mut self.phase, self.k, freq, &mut ph, &mut dt);
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        match self.shape {
            Shape::Sine => {
                for (o, &p) in out.iter_mut().zip(&ph) {
                    *o = sin_turns(phase_turns(p));
                }
            }
            Shape::Phasor => {
                for (o, &p) in out.iter_mut().zip(&ph) {
                    *o = phase_unit(p);
                }
            }
            Shape::Saw => {
                for ((o, &p), &d) in out.iter_mut().zip(&ph).zip(&dt) {
                    let t = phase_unit(p);
                    *o = 2.0 * t - 1.0 - blep(t, d);
                }
            }
            Shape::Square => {
                let width = input(ins, 1, n);
                for (((o, &p), &d), &w) in out.iter_mut().zip(&ph).zip(&dt).zip(width) {
                    let w = w.clamp(0.001, 0.999);
                    let t = phase_unit(p);
                    let naive = if t < w { 1.0 } else { -1.0 };
                    *o = naive + blep(t, d) - blep(fract(t + 1.0 - w), d);
                }
            }
            Shape::Triangle => {
                for ((o, &p), &d) in out.iter_mut().zip(&ph).zip(&dt) {
                    let t = phase_unit(p);
                    // Starts at 0 rising, like the sine; corners at 0.25 (peak) and 0.75 (trough).
                    let naive = 1.0 - 4.0 * (fract(t + 0.25) - 0.5).abs();
                    *o = naive + 8.0 * (blamp(fract(t + 0.25), d) - blamp(fract(t + 0.75), d));
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
        for shape in [
            Shape::Sine,
            Shape::Saw,
            Shape::Square,
            Shape::Triangle,
            Shape::Phasor,
        ] {
            let x = render(shape, 1000.0, 0.5, 4800);
            let peak = x.iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!(peak <= 1.05, "{shape:?} peak {peak}");
            assert!(peak > 0.9, "{shape:?} peak {peak}");
        }
        assert_eq!(render(Shape::Sine, 1000.0, 0.5, 1)[0], 0.0);
        assert_eq!(render(Shape::Triangle, 100.0, 0.5, 1)[0], 0.0);
    }

    #[test]
    fn square_width_sets_the_duty_cycle() {
        let x = render(Shape::Square, 100.0, 0.25, 48_000);
        let high = x.iter().filter(|&&v| v > 0.0).count() as f32 / x.len() as f32;
        assert!((high - 0.25).abs() < 0.01, "{high}");
    }
}
