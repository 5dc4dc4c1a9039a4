//! Fast, branch-free approximations of sin and tanh, written so loops over blocks vectorise. Pure, any thread.

/// 2^-32: turns per unit of a `u32` phase.
pub const INV_2_32: f32 = 1.0 / 4_294_967_296.0;

/// sin(2πx) for `x` in turns, `x` in [-0.5, 0.5]. Error below 3e-7.
#[inline(always)]
pub fn sin_turns(x: f32) -> f32 {
    let a = x.abs();
    // Fold onto [-0.25, 0.25], where one odd polynomial covers it.
    sin_quarter(if a > 0.25 { (0.5 - a).copysign(x) } else { x })
}

/// sin(2π·p/2^32) for a `u32` phase: folded onto a quarter turn in integers (three operations and no float
/// compare), then the same polynomial. Error below 3e-7.
#[inline(always)]
pub fn sin_phase(p: u32) -> f32 {
    let s = p as i32;
    // Bits 31 and 30 differ in the outer half of the turn; there the phase mirrors about a quarter turn (to within
    // one unit of the 2^32 in a turn, far below float resolution).
    let outer = (s ^ (s << 1)) >> 31;
    sin_quarter((s ^ (outer & i32::MAX)) as f32 * INV_2_32)
}

/// sin(2πx) for `x` in [-0.25, 0.25] turns: an odd degree-9 polynomial fitted for the least worst-case error
/// (3.4e-9, below float rounding), one term shorter than the Taylor series of the same accuracy.
#[inline(always)]
#[allow(clippy::approx_constant)] // the fitted first coefficient, a little below 2π
pub fn sin_quarter(x: f32) -> f32 {
    let x2 = x * x;
    let p = 39.536_69f32;
    let p = p * x2 - 76.549_78;
    let p = p * x2 + 81.601_006;
    let p = p * x2 - 41.341_655;
    let p = p * x2 + 6.283_185;
    p * x
}

/// A `u32` phase as signed turns in [-0.5, 0.5): phase 0 is 0 turns.
#[inline(always)]
pub fn phase_turns(p: u32) -> f32 {
    (p as i32) as f32 * INV_2_32
}

/// A `u32` phase as turns in [0, 1].
#[inline(always)]
pub fn phase_unit(p: u32) -> f32 {
    p as f32 * INV_2_32
}

/// Phase increment per sample for frequency `f` given `k = 2^32 / sample_rate`. Negative frequencies run backwards;
/// frequencies beyond Nyquist saturate.
#[inline(always)]
pub fn increment(f: f32, k: f32) -> u32 {
    (f * k) as i32 as u32
}

/// 2^32 / sample rate.
pub fn phase_scale(sample_rate: f32) -> f32 {
    (4_294_967_296.0f64 / f64::from(sample_rate)) as f32
}

/// A tanh-shaped soft clipper: exact at 0 and ±3 and beyond, within 2.5% between.
#[inline(always)]
pub fn soft_clip(x: f32) -> f32 {
    let x = x.clamp(-3.0, 3.0);
    let x2 = x * x;
    (x * (27.0 + x2) / (27.0 + 9.0 * x2)).clamp(-1.0, 1.0)
}

/// The larger of `start` and the peak of `x`, in eight lanes so it vectorises. Compare and select keeps NaN out.
#[inline(always)]
pub fn peak_of(x: &[f32], start: f32) -> f32 {
    let mut lanes = [start; 8];
    let (chunks, rest) = x.as_chunks::<8>();
    for c in chunks {
        for k in 0..8 {
            let a = c[k].abs();
            lanes[k] = if a > lanes[k] { a } else { lanes[k] };
        }
    }
    for &v in rest {
        let a = v.abs();
        lanes[0] = if a > lanes[0] { a } else { lanes[0] };
    }
    lanes.iter().fold(start, |m, &v| if v > m { v } else { m })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f32::consts::TAU;

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
    fn the_integer_fold_gives_the_same_sine() {
        let mut worst = 0f64;
        for i in 0..=100_000u64 {
            let p = (i * 42_949) as u32;
            let want = (f64::from(p) / 4_294_967_296.0 * std::f64::consts::TAU).sin();
            worst = worst.max((f64::from(sin_phase(p)) - want).abs());
        }
        for p in [0, 1 << 30, (1 << 30) - 1, 1 << 31, 3 << 30, u32::MAX] {
            let want = (f64::from(p) / 4_294_967_296.0 * std::f64::consts::TAU).sin();
            worst = worst.max((f64::from(sin_phase(p)) - want).abs());
        }
        assert!(worst < 3e-7, "{worst}");
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

    #[test]
    fn the_peak_is_the_largest_magnitude_wherever_it_falls() {
        for len in [0, 3, 8, 13, 64] {
            for at in 0..len {
                let mut x = vec![0.25f32; len];
                x[at] = -0.9;
                assert_eq!(super::peak_of(&x, 0.1), 0.9, "len {len}, at {at}");
            }
        }
        assert_eq!(super::peak_of(&[f32::NAN, 0.5], 0.0), 0.5);
        assert_eq!(super::peak_of(&[0.2], 0.7), 0.7);
    }
}
