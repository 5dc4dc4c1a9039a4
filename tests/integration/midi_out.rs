//! Out to other gear (issue 16): `midi_out` notes on their frames, sent once across a crossfade, ended when their
//! chain is deleted, on panic and on quit; MIDI clock from our transport on sample positions. The device is the
//! MIDI-out thread's stand-in (`route_now`), which hands back what would be written. One test, because every ring
//! to the MIDI-out thread is drained together.

use synchrotron_tui::audio::midi_out::route_now;
use synchrotron_tui::dsp::keys::route::Router;
use synchrotron_tui::engine::Engine;
use synchrotron_tui::live::{LiveConfig, Session};

fn run(s: &mut Session, e: &mut Engine, frames: usize) {
    let mut buf = [0.0f32; 2 * 100];
    for _ in 0..frames / 100 {
        e.process(&mut buf);
        s.tick();
    }
}

#[test]
fn notes_and_clock_go_out_on_their_frames_and_every_note_ends() {
    let mut router = Router::default();
    route_now(&mut router);
    let (mut s, mut e) = Session::new(LiveConfig {
        clock_out: true,
        ..LiveConfig::default()
    });
    let src =
        "notes = seq [a3 c4 e4] every=1/4\nsine 220 -> gain 0.1 -> out\nnotes.gate -> midi_out pitch=notes ch=2\n";
    s.reload(src).expect("loads");
    run(&mut s, &mut e, 48_000);
    let sent = route_now(&mut router);
    // Clock: 24 ticks a beat at 120 bpm, one every 1000 frames, each on its frame (well inside a millisecond).
    let ticks: Vec<u64> = sent.iter().filter(|(b, _)| b[0] == 0xF8).map(|(_, f)| *f).collect();
    assert!(ticks.len() >= 47, "{} ticks in a second", ticks.len());
    let first = ticks[0];
    for (k, f) in ticks.iter().enumerate() {
        let exact = first + 1_000 * k as u64;
        assert!(f.abs_diff(exact) <= 1, "tick {k} at {f}, not {exact}");
    }
    assert!(sent.iter().any(|(b, _)| b[0] == 0xFA), "start");
    // Notes: a new one every quarter beat (6000 frames) on channel 2, a3 c4 e4 a3…, each ended before the next.
    let ons: Vec<(u8, u64)> = sent
        .iter()
        .filter(|(b, _)| b[0] == 0x91 && b[2] > 0)
        .map(|(b, f)| (b[1], *f))
        .collect();
    assert!(ons.len() >= 7, "{ons:?}");
    assert_eq!(ons[..4].iter().map(|o| o.0).collect::<Vec<_>>(), vec![57, 60, 64, 57]);
    for w in ons.windows(2) {
        assert_eq!(w[1].1 - w[0].1, 6_000, "{ons:?}");
    }
    let offs = sent.iter().filter(|(b, _)| b[0] == 0x81).count();
    assert!(offs >= ons.len() - 1);

    // A reload that keeps the node (a crossfade runs it twice): nothing sent twice.
    s.reload(&src.replace("sine 220", "sine 330")).expect("reloads");
    run(&mut s, &mut e, 24_000);
    let sent = route_now(&mut router);
    let ons: Vec<u64> = sent
        .iter()
        .filter(|(b, _)| b[0] == 0x91 && b[2] > 0)
        .map(|(_, f)| *f)
        .collect();
    let mut unique = ons.clone();
    unique.dedup();
    assert_eq!(ons, unique, "a note sent twice");

    // Deleting the chain mid-note ends its note.
    run(&mut s, &mut e, 1_000);
    route_now(&mut router);
    s.reload("notes = seq [a3 c4 e4] every=1/4\nsine 220 -> gain 0.1 -> out\n")
        .expect("reloads");
    run(&mut s, &mut e, 4_800);
    let sent = route_now(&mut router);
    assert!(
        sent.iter().any(|(b, _)| b[0] == 0x81),
        "the sounding note ended: {sent:?}"
    );

    // Panic: every note off on every channel.
    s.reload(src).expect("reloads");
    run(&mut s, &mut e, 4_800);
    route_now(&mut router);
    s.panic();
    run(&mut s, &mut e, 1_000);
    let sent = route_now(&mut router);
    let off_channels: std::collections::BTreeSet<u8> = sent
        .iter()
        .filter(|(b, _)| b[0] & 0xF0 == 0xB0 && b[1] == 123)
        .map(|(b, _)| b[0] & 0x0F)
        .collect();
    assert_eq!(off_channels.len(), 16, "{sent:?}");

    // Quit: what still sounds is ended everywhere.
    let mut quit = Vec::new();
    router.all_off(&mut |b, _| quit.push(b));
    assert!(quit.iter().filter(|b| b[1] == 123).count() == 16);
}
