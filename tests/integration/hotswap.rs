//! Hot swap through the real session and engine, rendered offline and measured: continuity of a retune, tails
//! that survive structural edits, broken patches that change nothing, quantised commits, panic, fault muting.

use crate::common::{SR, peak, rms, zero_crossing_freq};
use std::time::Duration;
use synchrotron_tui::compile::plan::Counts;
use synchrotron_tui::engine::graph::FaultKind;
use synchrotron_tui::engine::{Engine, MasterConfig, SwapMode};
use synchrotron_tui::live::{Events, LiveConfig, Session};

fn live(src: &str, config: LiveConfig) -> (Session, Engine) {
    let (mut s, mut e) = Session::new(config);
    s.reload(src).expect("first patch compiles");
    step(&mut s, &mut e, 64);
    (s, e)
}

fn raw() -> LiveConfig {
    LiveConfig {
        master: MasterConfig::raw(),
        ..LiveConfig::default()
    }
}

/// Versions go out without preflight, to test what the engine does with what preflight would hold back.
fn untried(config: LiveConfig) -> LiveConfig {
    LiveConfig {
        preflight: false,
        ..config
    }
}

/// Raw, with one-frame crossfades: a patch whose only impulse comes at its first frame then stores it at full
/// level (a crossfade fades what enters new delay lines, as it fades what is heard).
fn raw_at_once() -> LiveConfig {
    LiveConfig {
        fade: Duration::ZERO,
        ..raw()
    }
}

/// Render `frames` frames (in 256-frame callbacks) and tick the session, returning the left channel.
fn step(s: &mut Session, e: &mut Engine, frames: usize) -> Vec<f32> {
    step_events(s, e, frames).0
}

fn step_events(s: &mut Session, e: &mut Engine, frames: usize) -> (Vec<f32>, Events) {
    let mut left = Vec::with_capacity(frames);
    let mut buf = vec![0.0; 512];
    let mut events = Events::default();
    while left.len() < frames {
        let n = (frames - left.len()).min(256);
        e.process(&mut buf[..2 * n]);
        left.extend(buf[..2 * n].iter().step_by(2));
        let ev = s.tick();
        events.faults.extend(ev.faults);
        events.sent.extend(ev.sent);
        events.freed += ev.freed;
        events.cancelled = events.cancelled.or(ev.cancelled);
    }
    (left, events)
}

fn max_step(x: &[f32]) -> f32 {
    x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max)
}

#[test]
fn retuning_a_sine_glides_without_a_discontinuity() {
    let (mut s, mut e) = live("sine freq=440 -> gain 0.5 -> out", raw());
    let before = step(&mut s, &mut e, 24_000);
    let report = s
        .reload("sine freq=660 -> gain 0.5 -> out")
        .unwrap()
        .expect("sent at once");
    assert_eq!(report.mode, SwapMode::Move);
    assert_eq!(
        report.counts,
        Counts {
            kept: 1,
            retuned: 1,
            ..Counts::default()
        }
    );
    assert!(
        report
            .to_string()
            .starts_with("v2 ok: 1 kept, 1 retuned, 0 added, 0 removed, compiled in ")
    );
    let after = step(&mut s, &mut e, 24_000);
    let steady_new = max_step(&after[12_000..]);
    let around: Vec<f32> = before[before.len() - 100..]
        .iter()
        .chain(&after[..1_000])
        .copied()
        .collect();
    assert!(
        max_step(&around) <= steady_new * 1.001,
        "step {} vs the new wave's own {steady_new}",
        max_step(&around)
    );
    assert!((zero_crossing_freq(&after[4_800..], SR) - 660.0).abs() < 0.5);
    assert!((zero_crossing_freq(&before, SR) - 440.0).abs() < 0.5);
}

/// An impulse into a long echo, so the tail can be heard for seconds.
const ECHO: &str = "perc (clock 1000) a=0 d=1ms -> delay 0.25 feedback=0.7 mix=1 -> gain 0.8 -> out";

fn echo_peaks(x: &[f32]) -> Vec<f32> {
    (1..7).map(|k| peak(&x[k * 12_000 - 300..k * 12_000 + 300])).collect()
}

#[test]
fn adding_an_unrelated_chain_keeps_a_ringing_delay_tail() {
    for added in ["\nsine 3000 -> gain 0.005 -> out", "sine 3000 -> gain 0.005 -> out\n"] {
        let (mut s, mut e) = live(ECHO, raw_at_once());
        let mut x = step(&mut s, &mut e, 30_000 - 64);
        let edit = if added.starts_with('\n') {
            format!("{ECHO}{added}")
        } else {
            format!("{added}{ECHO}")
        };
        let report = s.reload(&edit).unwrap().unwrap();
        assert_eq!(
            (report.mode, report.counts.added, report.counts.removed),
            (SwapMode::Crossfade, 2, 0)
        );
        x.extend(step(&mut s, &mut e, 60_000));
        let p = echo_peaks(&x);
        for k in 1..p.len() {
            assert!(
                (p[k] / p[k - 1] - 0.7).abs() < 0.03,
                "{edit:?}: echo {k} fell to {} of the last\n{p:?}",
                p[k] / p[k - 1]
            );
        }
    }
}

#[test]
fn a_broken_patch_leaves_the_sound_exactly_as_it_was() {
    let src = "lfo = sine 0.5\nsaw 110 -> lowpass cutoff=lfo*400+800 q=4 -> delay 0.1 -> out";
    let (mut a, mut ea) = live(src, LiveConfig::default());
    let (mut b, mut eb) = live(src, LiveConfig::default());
    let mut reference = step(&mut a, &mut ea, 10_000);
    let mut edited = step(&mut b, &mut eb, 10_000);
    for broken in [
        "saw 110 -> lowpas 800 -> out",
        "saw 110 ->",
        "x = sine x\nx -> out",
        "sine [1 2] -> out",
    ] {
        let errors = b.reload(broken).unwrap_err();
        assert!(
            errors.iter().any(synchrotron_tui::lang::Diagnostic::is_error),
            "{broken}"
        );
        reference.extend(step(&mut a, &mut ea, 5_000));
        edited.extend(step(&mut b, &mut eb, 5_000));
    }
    assert_eq!(reference, edited);
    assert_eq!(b.version(), 1);
}

#[test]
fn a_quantised_swap_lands_on_the_next_beat() {
    let config = LiveConfig {
        glide: Duration::ZERO,
        quantum_beats: 1.0,
        ..raw()
    };
    let (mut s, mut e) = live("bpm 120\n0.25 -> out", config);
    let mut x = step(&mut s, &mut e, 30_000 - 64);
    s.reload("bpm 120\n0.5 -> out").unwrap();
    x.extend(step(&mut s, &mut e, 30_000));
    // A beat at 120 bpm is 24000 frames; the request came during beat 1, so it lands on beat 2.
    let first_change = x.iter().position(|&v| v == 0.5).unwrap();
    assert_eq!(first_change + 64, 48_000, "landed at frame {}", first_change + 64);
}

#[test]
fn with_quantize_bar_the_first_version_starts_at_once() {
    let config = LiveConfig {
        quantum_beats: 4.0,
        ..raw()
    };
    let (mut s, mut e) = Session::new(config);
    // The engine has been running for a while (the device opened first) when the patch arrives.
    step(&mut s, &mut e, 10_000);
    s.reload("sine 440 -> out").unwrap();
    let x = step(&mut s, &mut e, 4_800);
    assert!(peak(&x[..1_200]) > 0.5, "it waited for the bar instead of starting");
    // Later versions wait for the bar (4 beats at 120 bpm = 96 000 frames from the start), and say so.
    let report = s.reload("sine 660 -> out").unwrap().expect("sent");
    let (bar, beats) = report.lands.expect("armed");
    assert_eq!(bar, 2);
    assert!((beats - (4.0 - 14_800.0 / 24_000.0)).abs() < 0.05, "{beats}");
    assert!(
        report.to_string().starts_with("PENDING v2 → bar 2 (3.4 beats): "),
        "{report}"
    );
    let y = step(&mut s, &mut e, 100_000);
    let before = zero_crossing_freq(&y[60_000..70_000], SR);
    assert!((before - 440.0).abs() < 1.0, "{before}");
}

#[test]
fn panic_silences_within_5ms_and_clears_tails() {
    let (mut s, mut e) = live(ECHO, raw_at_once());
    step(&mut s, &mut e, 13_000);
    s.panic();
    let muted = step(&mut s, &mut e, 30_000);
    assert!(peak(&muted[240..]) == 0.0, "still sounding after the fade");
    s.resume();
    let back = step(&mut s, &mut e, 30_000);
    // Tails were cleared, so nothing comes back until the next impulse (there is none for 1000 beats).
    assert_eq!(peak(&back), 0.0);
    s.reload("sine 440 -> gain 0.3 -> out").unwrap();
    assert!(peak(&step(&mut s, &mut e, 4_800)) > 0.29);
}

#[test]
fn a_node_that_runs_away_is_muted_alone_and_reported() {
    let src = "x = (saw 110 + x*3) -> delay 0.01 feedback=0 mix=1\nx -> out\nsine 440 -> gain 0.3 -> out";
    // The engine's own safety net, behind preflight (which would hold this version back).
    let (mut s, mut e) = live(src, untried(raw()));
    let mut faults = Vec::new();
    let mut last = Vec::new();
    for _ in 0..100 {
        let (x, events) = step_events(&mut s, &mut e, 1_024);
        last = x;
        faults.extend(events.faults);
    }
    assert_eq!(faults.len(), 1, "{faults:?}");
    let fault = &faults[0];
    assert_eq!(fault.kind, FaultKind::Runaway);
    assert!(
        fault.key.starts_with("x/"),
        "the fault names the node in the loop: {}",
        fault.key
    );
    assert_eq!(fault.name(), "x");
    assert_eq!(fault.line, 1);
    assert!(
        fault.describe().contains("`x` (line 1) muted: it ran away"),
        "{}",
        fault.describe()
    );
    // The loop is broken where it ran away; the saw through the delay and the sine play on, bounded.
    assert!(
        last.iter().all(|v| v.is_finite()) && peak(&last) < 2.0,
        "peak {}",
        peak(&last)
    );
    assert!(rms(&last) > 0.3, "{faults:?} rms {}", rms(&last));
}

#[test]
fn edits_while_a_swap_is_in_flight_wait_and_the_newest_wins() {
    let (mut s, mut e) = live("sine 440 -> out", raw());
    assert!(s.reload("sine 550 -> out").unwrap().is_some());
    assert!(
        s.reload("sine 660 -> out").unwrap().is_none(),
        "waits for the first swap"
    );
    assert!(s.reload("sine 770 -> out").unwrap().is_none());
    let mut sent = Vec::new();
    let mut buf = vec![0.0; 512];
    for _ in 0..10 {
        e.process(&mut buf);
        sent.extend(s.tick().sent);
    }
    assert_eq!(sent.len(), 1);
    assert!(s.is_settled());
    let x = step(&mut s, &mut e, 24_000);
    assert!((zero_crossing_freq(&x[4_800..], SR) - 770.0).abs() < 0.5);
}

#[test]
fn adding_a_delay_or_filter_live_never_steps_more_than_the_waveform() {
    for added in [
        "delay 0.2 feedback=0.5",
        "reverb mix=0.5",
        "lowpass 2000 q=4",
        "delay 0.05 feedback=0.9 mix=1",
    ] {
        let (mut s, mut e) = live("sine 440 -> gain 0.3 -> out", raw());
        let before = step(&mut s, &mut e, 24_000);
        s.reload(&format!("sine 440 -> {added} -> gain 0.3 -> out"))
            .unwrap()
            .expect("sent at once");
        let after = step(&mut s, &mut e, 96_000);
        // The steady sound's own largest step (the echoes have built up by the last quarter second).
        let own = max_step(&after[after.len() - 12_000..]).max(max_step(&before[12_000..]));
        let worst = max_step(&[&before[before.len() - 1..], &after[..]].concat());
        assert!(
            worst <= own * 1.05,
            "{added}: a step of {worst} against the waveform's own {own}"
        );
    }
}

/// Frames from the first sample above `level` to the last one.
fn loud_frames(x: &[f32], level: f32) -> usize {
    let first = x.iter().position(|v| v.abs() > level).unwrap_or(x.len());
    let last = x.iter().rposition(|v| v.abs() > level).unwrap_or(0);
    last.saturating_sub(first)
}

#[test]
fn a_growing_loop_is_muted_within_50_ms_of_passing_full_scale_and_leaves_no_offset() {
    let protected = untried(LiveConfig::default());
    let cases = [
        // Louder by half at every echo, through a long delay: it never jumps, it grows.
        "echoes = (sine 220*0.5 + echoes*1.5) -> delay 0.3 feedback=0 mix=1\nechoes -> out",
        // Loud at once and held just under the old absolute cut of a million.
        "x = ((sine 50)*950000 + x*0.001) -> delay 0.01 feedback=0 mix=1\nx -> out",
    ];
    for src in cases {
        for config in [untried(raw()), protected] {
            let (mut s, mut e) = live(src, config);
            let (x, events) = step_events(&mut s, &mut e, 6 * 48_000);
            assert_eq!(events.faults.len(), 1, "{src}: {:?}", events.faults);
            if config.master.ceiling.is_none() {
                let loud = loud_frames(&x, 2.0);
                assert!(
                    loud <= 2_400,
                    "{src}: {loud} frames above twice full scale before the mute"
                );
            } else {
                // The master forgot the fault: no offset or ducking is left a moment later, and what feeds the
                // loop from outside plays on at its own level.
                let tail = &x[x.len() - 24_000..];
                let mean = tail.iter().sum::<f32>() / tail.len() as f32;
                assert!(mean.abs() < 1e-3, "{src}: an offset of {mean} left after the mute");
                assert!(peak(tail) < 1.0, "{src}: {} left after the mute", peak(tail));
            }
        }
    }
}

#[test]
fn steady_loops_and_large_control_signals_are_not_faults() {
    let src = "fm = (sine 3 + fm*0.5) -> delay 0.02 feedback=0 mix=1\n\
               sine fm*200+440 -> gain 0.2 -> out\n\
               notes = seq [110 880 55 1760] every=1/8\n\
               saw notes -> lowpass cutoff=(sine 0.5)*4000+5000 -> gain 0.1 -> out";
    let (mut s, mut e) = live(src, raw());
    let (_, events) = step_events(&mut s, &mut e, 4 * 48_000);
    assert!(events.faults.is_empty(), "{:?}", events.faults);
}

#[test]
fn an_armed_change_can_be_cancelled_before_it_lands() {
    let config = LiveConfig {
        quantum_beats: 4.0,
        ..raw()
    };
    let (mut s, mut e) = live("sine 440 -> out", config);
    step(&mut s, &mut e, 10_000);
    let report = s.reload("sine 660 -> out").unwrap().expect("sent");
    assert!(report.lands.is_some());
    assert_eq!(s.cancel(), Some(report.version));
    let (x, events) = step_events(&mut s, &mut e, 120_000);
    assert_eq!(events.cancelled, Some(report.version));
    assert!(s.is_settled(), "nothing is left in flight");
    let tail = zero_crossing_freq(&x[x.len() - 12_000..], SR);
    assert!(
        (tail - 440.0).abs() < 1.0,
        "the bar passed and 440 Hz still plays: {tail}"
    );
    // The next change is armed and lands as usual.
    assert!(s.reload("sine 550 -> out").unwrap().is_some());
    let y = step(&mut s, &mut e, 120_000);
    let tail = zero_crossing_freq(&y[y.len() - 12_000..], SR);
    assert!((tail - 550.0).abs() < 1.0, "{tail}");
}

#[test]
fn the_master_volume_turns_the_whole_mix_down_smoothly() {
    let (mut s, mut e) = live("sine 440 -> gain 0.8 -> out", raw());
    let before = step(&mut s, &mut e, 4_800);
    s.set_volume_db(-6.0);
    let after = step(&mut s, &mut e, 24_000);
    assert!((peak(&before) - 0.8).abs() < 0.01);
    let level = peak(&after[after.len() - 4_800..]);
    assert!((level - 0.8 * 0.501).abs() < 0.01, "{level}");
    let joined = [&before[before.len() - 1..], &after[..]].concat();
    assert!(max_step(&joined) <= max_step(&before) * 1.01, "the change glides");
    s.set_volume_db(-60.0);
    assert_eq!(
        peak(&step(&mut s, &mut e, 24_000)[19_200..]),
        0.0,
        "−60 dB and below is off"
    );
}
