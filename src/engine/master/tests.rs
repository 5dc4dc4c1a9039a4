//! The master's behaviour: the ceiling, the limiter's distortion and passthrough, levels and determinism.

use super::*;

const SR: f32 = 48_000.0;
const CEILING: f32 = 0.891_250_9;

fn protected() -> Master {
    Master::new(
        MasterConfig {
            soft_start: 0.0,
            ..MasterConfig::protected()
        },
        SR,
    )
}

/// Only the limiter: what goes in under the ceiling comes out as it was.
fn limiter_only() -> Master {
    Master::new(
        MasterConfig {
            ceiling: Some(CEILING),
            dc_block: false,
            soft_start: 0.0,
        },
        SR,
    )
}

/// Run a stereo signal through in blocks of the given sizes (cycled); returns both sides.
fn run(m: &mut Master, l: &[f32], r: &[f32], blocks: &[usize]) -> (Vec<f32>, Vec<f32>) {
    let (mut ol, mut or) = (Vec::new(), Vec::new());
    let mut at = 0;
    for &b in blocks.iter().cycle() {
        if at >= l.len() {
            break;
        }
        let n = b.clamp(1, MAX).min(l.len() - at);
        m.process(Simd::best(), [&l[at..at + n], &r[at..at + n]], |a, b| {
            ol.extend_from_slice(a);
            or.extend_from_slice(b);
        });
        at += n;
    }
    assert_eq!(ol.len(), l.len());
    (ol, or)
}

const MAX: usize = crate::dsp::MAX_BLOCK;

fn frame(m: &mut Master, x: f32) -> f32 {
    run(m, &[x], &[x], &[1]).0[0]
}

fn sine(hz: f32, amp: f32, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| amp * (std::f64::consts::TAU * f64::from(hz) * i as f64 / f64::from(SR)).sin() as f32)
        .collect()
}

/// Everything but the fundamental (and DC), against the fundamental, in dB: THD+N over whole cycles.
fn thd_n(x: &[f32], hz: f32) -> f64 {
    let n = x.len() as f64;
    let w = std::f64::consts::TAU * f64::from(hz) / f64::from(SR);
    let (mut c, mut s, mut mean) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let v = f64::from(v);
        c += v * (w * i as f64).cos();
        s += v * (w * i as f64).sin();
        mean += v;
    }
    let (c, s, mean) = (2.0 * c / n, 2.0 * s / n, mean / n);
    let mut rest = 0.0;
    for (i, &v) in x.iter().enumerate() {
        let fit = mean + c * (w * i as f64).cos() + s * (w * i as f64).sin();
        rest += (f64::from(v) - fit).powi(2);
    }
    let fundamental = 0.5 * (c * c + s * s) * n;
    10.0 * (rest / fundamental).log10()
}

#[test]
fn a_bass_sine_twelve_db_over_is_turned_down_undistorted() {
    for hz in [50.0, 100.0, 41.0] {
        let mut m = protected();
        let x = sine(hz, CEILING * 4.0, 3 * SR as usize);
        let (l, r) = run(&mut m, &x, &x, &[64]);
        let settled = &l[2 * SR as usize..];
        let db = thd_n(settled, hz);
        assert!(db <= -60.0, "{hz} Hz: THD+N {db:.1} dB");
        let peak = settled.iter().fold(0f32, |p, v| p.max(v.abs()));
        assert!(peak <= CEILING && peak > 0.99 * CEILING, "{hz} Hz: peak {peak}");
        assert_eq!(l, r);
    }
}

#[test]
fn under_the_ceiling_the_input_comes_out_bit_exact_after_the_latency() {
    let mut m = limiter_only();
    assert_eq!(m.latency(), LATENCY);
    let frames = SR as usize;
    let l: Vec<f32> = (0..frames)
        .map(|i| 0.5 * (i as f32 * 0.031).sin() + 0.39 * (i as f32 * 0.0071).sin())
        .collect();
    let r: Vec<f32> = l.iter().map(|x| -0.7 * x).collect();
    let (ol, or) = run(&mut m, &l, &r, &[1, 37, 64, 5, 64]);
    assert!(ol[..LATENCY].iter().chain(&or[..LATENCY]).all(|&x| x == 0.0));
    assert_eq!(ol[LATENCY..], l[..frames - LATENCY]);
    assert_eq!(or[LATENCY..], r[..frames - LATENCY]);
}

#[test]
fn after_a_loud_moment_it_recovers_to_bit_exact() {
    let mut m = limiter_only();
    let frames = 2 * SR as usize;
    let mut x = sine(440.0, 0.5, frames);
    for v in &mut x[1000..1200] {
        *v *= 6.0;
    }
    let (out, _) = run(&mut m, &x, &x, &[64]);
    let back = SR as usize;
    assert_eq!(
        out[back + LATENCY..],
        x[back..frames - LATENCY],
        "unity again a second later"
    );
    assert!(out.iter().all(|v| v.abs() <= CEILING));
    // The gain came down before the burst: the frame before it is already quieter.
    assert!(out[999 + LATENCY].abs() < x[999].abs());
}

/// A seeded stream of numbers in 0..1.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// One of several hostile signals: impulses, full-scale or louder noise, loud sines, steps, garbage.
fn hostile(rng: &mut Rng, frames: usize) -> Vec<f32> {
    let gain = 10f32.powf(rng.next() * 3.0 - 1.0);
    let kind = (rng.next() * 5.0) as u32;
    let hz = 20.0 + rng.next() * 20_000.0;
    (0..frames)
        .map(|i| match kind {
            0 => {
                if rng.next() < 0.002 {
                    gain * 10.0
                } else {
                    0.0
                }
            }
            1 => gain * (rng.next() * 2.0 - 1.0),
            2 => gain * (hz * i as f32 / SR * std::f32::consts::TAU).sin(),
            3 => {
                if (i / 300) % 2 == 0 {
                    gain
                } else {
                    -gain
                }
            }
            _ => match (rng.next() * 50.0) as u32 {
                0 => f32::NAN,
                1 => f32::INFINITY,
                2 => f32::MAX,
                _ => gain * rng.next(),
            },
        })
        .collect()
}

#[test]
fn the_ceiling_holds_on_a_thousand_hostile_signals() {
    let mut rng = Rng(0x5eed);
    for case in 0..1_000 {
        let l = hostile(&mut rng, 2_400);
        let r = hostile(&mut rng, 2_400);
        let block = 1 + (rng.next() * 64.0) as usize;
        let mut m = if case % 2 == 0 { protected() } else { limiter_only() };
        let (ol, or) = run(&mut m, &l, &r, &[block]);
        for (i, v) in ol.iter().chain(&or).enumerate() {
            assert!(v.abs() <= CEILING, "case {case}, sample {i}: {v}");
        }
    }
}

#[test]
fn the_output_does_not_depend_on_the_hosts_buffer_size() {
    let mut rng = Rng(7);
    let x: Vec<f32> = (0..20_000).map(|_| 3.0 * (rng.next() - 0.4)).collect();
    let whole = run(&mut protected(), &x, &x, &[64]);
    for blocks in [&[1][..], &[37], &[13, 64, 2]] {
        assert_eq!(run(&mut protected(), &x, &x, blocks), whole, "blocks {blocks:?}");
    }
}

#[test]
fn garbage_becomes_silence() {
    let mut m = protected();
    let mut x = vec![0.0f32; 1_000];
    x[100] = f32::NAN;
    x[101] = f32::INFINITY;
    x[102] = -f32::INFINITY;
    let (out, _) = run(&mut m, &x, &x, &[64]);
    assert!(out.iter().all(|v| *v == 0.0));
}

#[test]
fn the_master_volume_glides_without_a_step() {
    let mut m = Master::new(MasterConfig::raw(), SR);
    assert!(!m.is_active());
    assert_eq!(m.latency(), 0);
    m.set_volume(0.5);
    assert!(m.is_active());
    let mut last = 1.0f32;
    for _ in 0..4_800 {
        let y = frame(&mut m, 1.0);
        assert!((last - y).abs() < 0.01, "a step from {last} to {y}");
        last = y;
    }
    assert_eq!(last, 0.5);
    m.set_volume(f32::NAN);
    assert_eq!(frame(&mut m, 1.0), 0.5, "a NaN volume is ignored");
}

#[test]
fn soft_start_and_panic_fade() {
    let mut m = Master::new(
        MasterConfig {
            ceiling: None,
            dc_block: false,
            soft_start: 0.01,
        },
        SR,
    );
    let go = |m: &mut Master, n: usize| (0..n).map(|_| frame(m, 0.5)).last().unwrap_or(1.0);
    assert!(go(&mut m, 10) < 0.02);
    assert_eq!(go(&mut m, 480), 0.5);
    m.set_muted(true, SR);
    assert_eq!(go(&mut m, 250), 0.0);
    assert!(m.is_silent());
}

#[test]
fn a_panic_acts_at_once_and_its_silence_is_exact() {
    let mut m = protected();
    let x = sine(440.0, 0.5, 24_000);
    let (before, _) = run(&mut m, &x, &x, &[64]);
    assert!(before[LATENCY..].iter().any(|v| v.abs() > 0.4), "it played");
    m.set_muted(true, SR);
    let (after, _) = run(&mut m, &x, &x, &[37]);
    // The 5 ms fade starts on the first frame out, not a latency later; then nothing at all, though the DC
    // blocker's memory of the sine is still decaying behind it.
    // 150 frames into the 240-frame fade the level is at most 0.375: a fade that waited for the latency would
    // still be letting the sine out at full level here (0.5).
    let fading = after[150..190].iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(fading > 0.0 && fading < 0.2, "{fading}");
    assert!(after[240..].iter().all(|v| *v == 0.0));
    assert!(m.is_silent());
}
