//! Following an external MIDI clock through the session and the engine: the patch says 60 bpm, the clock 120;
//! the transport follows the clock, stops and moves where it is told. Clock messages are fed in-process (this
//! machine has no MIDI devices), stamped as the MIDI threads stamp them.

use synchrotron_tui::live::{LiveConfig, Session};

use crate::common::run_session as run;

#[test]
fn the_transport_follows_an_external_clock_stops_and_locates() {
    let (mut s, mut e) = Session::new(LiveConfig {
        clock_in: true,
        ..LiveConfig::default()
    });
    s.reload("bpm 60\nsine 220 -> gain 0.1 -> out\n").expect("loads");
    run(&mut s, &mut e, 0.1);
    // Start, then two beats of clock at 120 bpm (stamps in µs; delivery is immediate here).
    synchrotron_tui::clock::feed(0, &[0xFA]);
    for k in 0..48u64 {
        synchrotron_tui::clock::feed(k * 20_833, &[0xF8]);
    }
    let status = |s: &Session| s.clock_status().unwrap_or_default();
    let start = run(&mut s, &mut e, 0.05);
    assert!(status(&s).starts_with("clock 1"), "{}", status(&s));
    let later = run(&mut s, &mut e, 1.0);
    let rate = later - start;
    assert!(
        (rate - 2.0).abs() < 0.05,
        "two beats a second at 120 bpm, not one: {rate}"
    );
    // Stop: the beat stands still. Song position 16 sixteenths: beat 4.
    synchrotron_tui::clock::feed(2_000_000, &[0xFC]);
    let stopped = run(&mut s, &mut e, 0.1);
    assert!((run(&mut s, &mut e, 0.5) - stopped).abs() < 1e-9, "stopped");
    assert_eq!(status(&s), "clock stopped");
    synchrotron_tui::clock::feed(2_100_000, &[0xF2, 16, 0]);
    synchrotron_tui::clock::feed(2_100_001, &[0xFB]);
    let moved = run(&mut s, &mut e, 0.25);
    assert!(
        (moved - 4.5).abs() < 0.1,
        "located at beat 4, then half a beat on: {moved}"
    );
    // A new patch tempo does not override the clock.
    s.reload("bpm 90\nsine 220 -> gain 0.1 -> out\n").expect("reloads");
    let a = run(&mut s, &mut e, 0.1);
    let b = run(&mut s, &mut e, 1.0);
    assert!((b - a - 2.0).abs() < 0.05, "still the clock's tempo: {}", b - a);
}
