use super::*;
use crate::dsp::MAX_BLOCK;
use crate::dsp::midi::input::send_at_frame;

/// A `midi` node on its own `port` with `settings` (ch, poly, bend, glide, port), fed `events` (frame, bytes);
/// voice 0's (freq, gate) at the end of each block.
fn run(settings: &[f32], events: &[(u64, Vec<u8>)], blocks: usize) -> Vec<(f32, f32)> {
    let port = settings[4] as i32;
    let mut k = Keys::new(48_000.0, settings);
    let mut outs = vec![[0.0; MAX_BLOCK]; PER_VOICE * voices_of(settings)];
    let mut seen = Vec::new();
    let mut next = 0;
    for b in 0..blocks {
        let end = ((b + 1) * MAX_BLOCK) as u64;
        while next < events.len() && events[next].0 < end {
            assert!(send_at_frame(port, events[next].0, &events[next].1));
            next += 1;
        }
        let mut ctx = Ctx::new(48_000.0, MAX_BLOCK, 0.0, 120.0);
        ctx.frame = (b * MAX_BLOCK) as u64;
        k.process(&ctx, &[], &mut outs);
        seen.push((outs[0][MAX_BLOCK - 1], outs[1][MAX_BLOCK - 1]));
    }
    seen
}

fn note_hz(n: u8) -> f32 {
    440.0 * ((f32::from(n) - 69.0) / 12.0).exp2()
}

#[test]
fn mono_plays_the_last_note_and_falls_back_to_the_newest_still_held() {
    let ev = [
        (0, vec![0x90, 60, 100]),
        (640, vec![0x90, 64, 100]),
        (1280, vec![0x80, 64, 0]),
        (1920, vec![0x80, 60, 0]),
    ];
    let s = run(&[0.0, 1.0, 2.0, 0.0, 31.0], &ev, 40);
    assert_eq!(s[5], (note_hz(60), 1.0));
    assert_eq!(s[15], (note_hz(64), 1.0), "the last note wins");
    assert_eq!(
        s[25],
        (note_hz(60), 1.0),
        "back to the key still held, gate still up (legato)"
    );
    assert_eq!(s[35].1, 0.0, "all keys up");
}

#[test]
fn mono_glide_moves_the_pitch_over_time_and_a_channel_filter_ignores_others() {
    let ev = [
        (0, vec![0x90, 48, 100]),
        (640, vec![0x90, 60, 100]),
        // Channel 2: not heard by a node on channel 1.
        (1280, vec![0x91, 72, 100]),
    ];
    let s = run(&[1.0, 1.0, 2.0, 0.05, 32.0], &ev, 60);
    let just_after = s[11].0;
    assert!(
        just_after > note_hz(48) && just_after < note_hz(60),
        "gliding: {just_after}"
    );
    assert!((s[59].0 - note_hz(60)).abs() < 2.0, "arrived: {}", s[59].0);
}

#[test]
fn pitch_bend_and_the_pedal_reach_every_voice() {
    let ev = [
        (0, vec![0x90, 69, 100]),
        (64, vec![0xE0, 0x7F, 0x7F]),
        (128, vec![0xB0, 64, 127]),
        (192, vec![0x80, 69, 0]),
    ];
    let s = run(&[0.0, 4.0, 2.0, 0.0, 33.0], &ev, 6);
    assert!(
        (s[2].0 - note_hz(71)).abs() < 0.5,
        "a full bend up is 2 semitones: {}",
        s[2].0
    );
    assert_eq!(s[5].1, 1.0, "the pedal keeps the gate up after the key is let go");
}
