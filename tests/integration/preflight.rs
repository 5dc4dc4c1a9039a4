//! Preflight through the real session and engine: a version that would blast the room is held back and the sound
//! stays as it was; saving the same text again lands it with a one-second fade-in; a version that runs away is
//! held for good. Rendered offline and measured.

use crate::common::{peak, rms};
use synchrotron_tui::engine::Engine;
use synchrotron_tui::live::{LiveConfig, Session};

/// Render `frames` frames in 256-frame callbacks, ticking the session; the left channel.
fn play(s: &mut Session, e: &mut Engine, frames: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(frames);
    let mut buf = vec![0.0f32; 512];
    while out.len() < frames {
        e.process(&mut buf);
        s.tick();
        out.extend(buf.iter().step_by(2));
    }
    out
}

#[test]
fn a_blast_is_held_back_and_the_same_save_again_fades_it_in_over_a_second() {
    let (mut s, mut e) = Session::new(LiveConfig::default());
    s.reload("sine 220 -> gain 0.1 -> out\n").expect("first version");
    let before = play(&mut s, &mut e, 24_000);
    let blast = "sine 220 -> gain 0.1 -> out\nnoise -> gain 1000 -> out\n";
    let held = s.reload(blast).expect_err("held back");
    assert_eq!(held[0].code, "E018");
    assert!(held[0].message.contains("dB over what plays"), "{}", held[0].message);
    assert_eq!(held[0].span.start, 28, "the noise chain is to blame");
    let after = play(&mut s, &mut e, 24_000);
    assert!(
        (rms(&after) - rms(&before)).abs() < 0.005,
        "what plays keeps playing: {} then {}",
        rms(&before),
        rms(&after)
    );
    // Saved again: the performer means it. It lands, under the master's ceiling.
    assert!(s.reload(blast).expect("forced").is_some());
    let x = play(&mut s, &mut e, 96_000);
    assert!(rms(&x[72_000..]) > 0.5, "it landed");
    assert!(peak(&x) <= 0.8913 + 1e-4, "the master's ceiling still holds");
}

#[test]
fn a_held_jump_saved_again_rises_over_a_second() {
    let (mut s, mut e) = Session::new(LiveConfig::default());
    s.reload("sine 220 -> gain 0.02 -> out\n").expect("first version");
    play(&mut s, &mut e, 24_000);
    let loud = "sine 220 -> gain 0.02 -> out\nsine 330 -> gain 2 -> out\n";
    let r = s.reload(loud);
    assert!(r.is_err(), "+40 dB is held: {r:?}");
    assert!(s.reload(loud).expect("forced").is_some());
    let x = play(&mut s, &mut e, 72_000);
    let at = |ms: usize| rms(&x[ms * 48..ms * 48 + 2_400]);
    assert!(at(950) > 0.35, "it landed: {}", at(950));
    assert!(at(100) < 0.2 * at(950), "rising: {} at 100 ms", at(100));
    assert!(at(400) > 2.0 * at(100), "still rising at 400 ms: {}", at(400));
}

#[test]
fn a_runaway_is_held_at_its_line_however_often_it_is_saved() {
    let (mut s, mut e) = Session::new(LiveConfig::default());
    s.reload("sine 220 -> gain 0.1 -> out\n").expect("first version");
    play(&mut s, &mut e, 4_800);
    let src = "sine 220 -> gain 0.1 -> out\nx = (saw 110 + x*3) -> delay 0.01 feedback=0 mix=1\nx -> out\n";
    for _ in 0..2 {
        let held = s.reload(src).expect_err("held back");
        assert!(held[0].message.contains("runs away"), "{}", held[0].message);
        assert_eq!(
            src[..held[0].span.start].matches('\n').count(),
            1,
            "on line 2: {:?}",
            held[0]
        );
    }
    let x = play(&mut s, &mut e, 24_000);
    assert!((rms(&x) - 0.0707).abs() < 0.005, "the sine alone plays: {}", rms(&x));
}
