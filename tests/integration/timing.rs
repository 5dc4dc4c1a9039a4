//! Time-based nodes measured on rendered control signals: clock and seq on the beat, envelopes' timing,
//! sample & hold, slew.

use crate::common::{SR, changes, render};

fn rising_edges(x: &[f32]) -> Vec<usize> {
    x.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] <= 0.0 && w[1] > 0.0)
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn clock_ticks_on_the_beat_and_follows_bpm() {
    // 120 bpm, every half beat = every 0.25 s = 12000 frames; the first tick is frame 0.
    let out = render("bpm 120\nclock 1/2 -> out", 1.2);
    assert_eq!(out.left[0], 1.0);
    assert_eq!(rising_edges(&out.left), vec![12_000, 24_000, 36_000, 48_000]);
    let slow = render("bpm 60\nclock 1/2 -> out", 1.2);
    assert_eq!(rising_edges(&slow.left), vec![24_000, 48_000]);
    let hz = render("clock 8hz -> out", 0.5);
    assert_eq!(rising_edges(&hz.left), vec![6_000, 12_000, 18_000]);
}

#[test]
fn seq_steps_exactly_on_the_beat_and_rests_close_the_gate() {
    let out = render(
        "bpm 120\ns = seq [100 200 _ 400] every=1/4 len=0.5\ns -> out.left\ns.gate -> out.right",
        1.1,
    );
    // A sixteenth at 120 bpm is 6000 frames.
    assert_eq!(out.left[0], 100.0);
    assert_eq!(changes(&out.left), vec![6_000, 18_000, 24_000, 30_000, 42_000, 48_000]);
    assert_eq!(out.left[12_500], 200.0, "a rest holds the last value");
    assert_eq!(out.left[24_000], 100.0, "the list wraps");
    assert_eq!(
        rising_edges(&out.right),
        vec![6_000, 18_000, 24_000, 30_000, 42_000, 48_000]
    );
    assert_eq!(out.right[3_000], 0.0, "gate length is half a step");
    assert_eq!(out.right[12_100], 0.0, "a rest keeps the gate closed");
}

#[test]
fn seq_with_a_trigger_steps_on_each_rising_edge() {
    let out = render("seq [1 2 3] trig=(clock 10hz) -> out", 0.35);
    // Ticks at 0, 4800, 9600, 14400: the first plays step 0.
    assert_eq!(out.left[10], 1.0);
    assert_eq!(out.left[4_810], 2.0);
    assert_eq!(out.left[9_610], 3.0);
    assert_eq!(out.left[14_410], 1.0);
}

#[test]
fn adsr_times_its_stages() {
    // Gate high for 0.5 s of each second: attack 10 ms, decay 100 ms to 0.5, release 200 ms.
    let out = render("adsr (clock 1hz) a=10ms d=100ms s=0.5 r=200ms -> out", 1.0);
    let x = &out.left;
    let top = x.iter().position(|&v| v >= 1.0).unwrap();
    assert!((top as f32 - 0.010 * SR).abs() <= 1.0, "attack peaks at frame {top}");
    assert!(
        (x[(0.110 * SR) as usize] - 0.5).abs() < 0.5 * 0.002,
        "decay reaches sustain: {}",
        x[5280]
    );
    assert!((x[(0.4 * SR) as usize] - 0.5).abs() < 1e-4);
    let released = (0.5 * SR + 0.2 * SR) as usize;
    assert!(
        (x[released] / 0.5 - 0.001).abs() < 0.0002,
        "release at −60 dB after 200 ms: {}",
        x[released]
    );
}

#[test]
fn perc_attacks_then_decays_by_60_db_in_its_time() {
    let out = render("perc (clock 1hz) a=5ms d=300ms -> out", 0.5);
    let x = &out.left;
    let top = x.iter().position(|&v| v >= 1.0).unwrap();
    assert!((top as f32 - 0.005 * SR).abs() <= 1.0, "peak at {top}");
    let later = x[top + (0.3 * SR) as usize];
    assert!((later - 0.001).abs() < 0.0002, "{later}");
}

#[test]
fn sample_hold_and_slew() {
    let held = render("phasor 1 -> sample_hold (clock 4hz) -> out", 1.0);
    assert_eq!(changes(&held.left), vec![12_000, 24_000, 36_000]);
    assert!((held.left[13_000] - 0.25).abs() < 1e-4);
    // A jump from 100 to 200 after 0.5 s covers 99% of it in 50 ms.
    let glide = render("seq [100 200] every=1 -> slew 50ms -> out", 1.0);
    let at = |s: f32| glide.left[(0.5 * SR + s * SR) as usize];
    assert!((at(0.05) - 199.0).abs() < 0.1, "{}", at(0.05));
    assert!(at(0.01) > 110.0 && at(0.01) < 190.0);
}
