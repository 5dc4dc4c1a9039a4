//! The `pat` node in time (issue 19): steps start on the exact frames the mini-notation gives, at any buffer size;
//! values come out as numbers and notes in Hz; the gate follows `len`; a reload keeps the pattern's place, with no
//! step played twice or missed at the swap.

use crate::common::render_master;
use synchrotron_tui::engine::MasterConfig;

const SR: f32 = 48_000.0;
/// A bar at 120 bpm.
const BAR: usize = 96_000;

fn trig_frames(src: &str, seconds: f64, buffer: usize) -> Vec<usize> {
    let out = render_master(src, seconds, SR, buffer, 0, MasterConfig::raw());
    out.left
        .iter()
        .enumerate()
        .filter(|(_, x)| **x == 1.0)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn steps_start_on_the_frames_the_notation_gives_at_any_buffer_size() {
    // "bd*2 [sn cp] ~ hh": 0, 1/8, 1/4, 3/8, 3/4 of each bar.
    let src = "bpm 120\np = pat \"bd*2 [sn cp] ~ hh\"\np.trig -> out\n";
    let bar = [0, BAR / 8, BAR / 4, 3 * BAR / 8, 3 * BAR / 4];
    let want: Vec<usize> = bar.iter().copied().chain(bar.iter().map(|f| f + BAR)).collect();
    for buffer in [1, 37, 64, 256, 1000] {
        assert_eq!(trig_frames(src, 4.0, buffer), want, "buffer {buffer}");
    }
    // Thirds of a bar fall on whole frames (32000, 64000) and start exactly there.
    let thirds = trig_frames("bpm 120\np = pat \"a <b c> d\"\np.trig -> out\n", 2.0, 256);
    assert_eq!(thirds, [0, BAR / 3, 2 * BAR / 3]);
}

#[test]
fn values_are_numbers_and_notes_in_hz_and_the_gate_follows_len() {
    let src = "bpm 120\np = pat \"0.25 a4 ~ c3\" len=0.25\np -> out.left\np.gate -> out.right\n";
    let out = render_master(src, 2.0, SR, 64, 0, MasterConfig::raw());
    let q = BAR / 4;
    assert_eq!(out.left[10], 0.25);
    assert!((out.left[q + 10] - 440.0).abs() < 1e-3);
    assert!((out.left[2 * q + 10] - 440.0).abs() < 1e-3, "a rest holds the value");
    assert!((out.left[3 * q + 10] - 130.813).abs() < 1e-2);
    // Open for a quarter of each step, closed through the rest.
    let open = |from: usize| out.right[from..from + q].iter().filter(|g| **g == 1.0).count();
    assert_eq!(open(0), q / 4);
    assert_eq!(open(2 * q), 0, "nothing plays in a rest");
}

/// A live session playing `src` with the master off, and its engine.
fn playing(src: &str) -> (synchrotron_tui::live::Session, synchrotron_tui::engine::Engine) {
    use synchrotron_tui::live::{LiveConfig, Session};
    let (mut s, e) = Session::new(LiveConfig {
        preflight: false,
        master: MasterConfig::raw(),
        ..LiveConfig::default()
    });
    s.reload(src).expect("the first version loads");
    (s, e)
}

#[test]
fn a_reload_keeps_the_patterns_place_and_plays_no_step_twice_or_never() {
    let v1 = "bpm 120\np = pat \"1 2 3 4 5 6 7 8\"\np.trig -> out\n";
    let (mut s, mut e) = playing(v1);
    let mut trigs = Vec::new();
    let mut frame = 0usize;
    let mut buf = vec![0.0f32; 2 * 500];
    for block in 0..400 {
        // Mid-bar, the pattern changes (and again, a different length) while it plays.
        if block == 100 {
            s.reload(&v1.replace("7 8", "7 9")).expect("v2");
        }
        if block == 250 {
            s.reload(&v1.replace("1 2 3 4 5 6 7 8", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"))
                .expect("v3");
        }
        e.process(&mut buf);
        s.tick();
        for k in 0..500 {
            // During a crossfade both versions' triggers are mixed in, scaled: any is a step.
            if buf[2 * k] > 0.01 {
                trigs.push(frame + k);
            }
        }
        frame += 500;
    }
    // Eighths of a bar until the third version lands, sixteenths after: every step once, none repeated or lost.
    // (The first step, on frame 0, is inaudible: the first version fades in from silence there.)
    let change: usize = 250 * 500;
    let want: Vec<usize> = (BAR / 8..change)
        .step_by(BAR / 8)
        .chain((0..frame).step_by(BAR / 16).filter(|f| *f >= change))
        .collect();
    let near = |a: &[usize], b: &[usize]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.abs_diff(*y) <= 1);
    assert!(near(&trigs, &want), "got {trigs:?}\nwant {want:?}");
}

/// A changed pattern takes over mid-step with the value that was playing: a line fed to an oscillator does not
/// drop to 0 Hz until the new version's next step.
#[test]
fn a_reload_mid_step_holds_the_value_playing() {
    let v1 = "bpm 120\np = pat \"100 200\"\np -> out\n";
    let (mut s, mut e) = playing(v1);
    let mut buf = vec![0.0f32; 2 * 500];
    let mut left: Vec<f32> = Vec::new();
    for block in 0..120 {
        // A quarter into the bar, while the first step (100) plays.
        if block == 48 {
            s.reload(&v1.replace("200", "300")).expect("v2");
        }
        e.process(&mut buf);
        s.tick();
        left.extend(buf.iter().step_by(2).copied());
    }
    // From the swap to the second step (frame 48000), both versions say 100.
    assert!(
        left[24_000..47_990].iter().all(|x| (*x - 100.0).abs() < 1e-3),
        "the value held through the swap"
    );
    assert!((left[48_100] - 300.0).abs() < 1e-3, "then the new second step");
}
