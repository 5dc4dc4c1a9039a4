//! Playing the patch language from a keyboard (issue 16), with in-process MIDI placed on exact frames (each test
//! listens on its own port, so tests running side by side never hear each other) and with `render --midi`. The
//! audio is analysed: chords by their fundamentals, stealing and sweeps by their largest step, the pedal by level.

use crate::common::{SR, level, peak, rms};
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::midi::input::send_at_frame;
use synchrotron_tui::engine::{Engine, MasterConfig};
use synchrotron_tui::live::{LiveConfig, Session};

fn hz(note: u8) -> f64 {
    440.0 * 2f64.powf((f64::from(note) - 69.0) / 12.0)
}

/// Render `seconds` of `src` (raw master) with `events` (frame, bytes) sent on `port`; the left channel.
fn play(src: &str, port: i32, events: &[(u64, Vec<u8>)], seconds: f64) -> Vec<f32> {
    let (graph, _) = compile::compile(src, &Settings::default()).expect("compiles");
    let mut engine = Engine::new(graph, SR, MasterConfig::raw());
    render(&mut engine, port, events, seconds)
}

fn render(engine: &mut Engine, port: i32, events: &[(u64, Vec<u8>)], seconds: f64) -> Vec<f32> {
    let frames = (seconds * f64::from(SR)) as usize;
    let mut out = Vec::with_capacity(frames);
    let mut buf = [0.0f32; 128];
    let mut next = 0;
    while out.len() < frames {
        let end = (out.len() + 64) as u64;
        while next < events.len() && events[next].0 < end {
            assert!(send_at_frame(port, events[next].0, &events[next].1));
            next += 1;
        }
        engine.process(&mut buf);
        out.extend(buf.iter().step_by(2));
    }
    out
}

fn on(frame: u64, note: u8) -> (u64, Vec<u8>) {
    (frame, vec![0x90, note, 100])
}

fn off(frame: u64, note: u8) -> (u64, Vec<u8>) {
    (frame, vec![0x80, note, 0])
}

const SAW_VOICE: &str =
    "saw keys.freq -> lowpass 4000 -> gain (adsr keys.gate a=2ms d=50ms s=0.8 r=50ms)*keys.vel*0.2 -> out";

#[test]
fn a_chord_gives_its_three_fundamentals() {
    let src = format!("keys = midi poly=8 port=21\n{SAW_VOICE}\n");
    let x = play(&src, 21, &[on(0, 60), on(0, 64), on(0, 67)], 1.0);
    let tail = &x[24_000..];
    for n in [60, 64, 67] {
        assert!(level(tail, hz(n)) > 0.05, "note {n}: {}", level(tail, hz(n)));
    }
    for n in [62, 65, 69] {
        assert!(
            level(tail, hz(n)) < 0.01,
            "note {n} was not played: {}",
            level(tail, hz(n))
        );
    }
}

#[test]
fn stealing_a_voice_never_steps_more_than_the_waveform_itself() {
    // Two voices, three notes held: the third (softer) steals the oldest. No envelope: the level follows the
    // velocity, so handing the voice over at once would jump.
    let src = "keys = midi poly=2 port=22\nsine keys.freq -> gain keys.vel*0.4 -> out\n";
    let soft = (9_600, vec![0x90, 67, 40]);
    let x = play(
        src,
        22,
        &[(0, vec![0x90, 60, 127]), (4_800, vec![0x90, 64, 127]), soft],
        0.5,
    );
    let step = |s: &[f32]| s.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0f32, f32::max);
    // The largest step of the loudest steady waveform here: two sines of 0.4 at up to 392 Hz.
    let own = 2.0 * 0.4 * (std::f32::consts::TAU * hz(67) as f32 / SR);
    // Around the steal (the first two notes start with no envelope, so their own starts jump by design).
    let around = &x[9_000..12_000];
    assert!(
        step(around) <= own * 1.05,
        "largest step {} against the waveform's {own}",
        step(around)
    );
    let tail = &x[14_400..];
    assert!(
        level(tail, hz(67)) > 0.1 && level(tail, hz(64)) > 0.3,
        "the newest two play"
    );
    assert!(
        level(tail, hz(60)) < 0.01,
        "the oldest was stolen: {}",
        level(tail, hz(60))
    );
}

#[test]
fn the_sustain_pedal_holds_released_notes_until_it_lifts() {
    let src = "keys = midi poly=4 port=23\nsine keys.freq -> gain (adsr keys.gate a=2ms s=1 r=20ms)*0.5 -> out\n";
    let pedal = |frame, v| (frame, vec![0xB0, 64, v]);
    let x = play(
        src,
        23,
        &[on(0, 69), pedal(100, 127), off(4_800, 69), pedal(24_000, 0)],
        1.0,
    );
    assert!(
        rms(&x[12_000..22_000]) > 0.3,
        "held by the pedal after the key was let go"
    );
    assert!(peak(&x[30_000..]) < 1e-3, "released when the pedal lifts");
}

#[test]
fn a_controller_sweep_moves_the_cutoff_smoothly() {
    let src = "keys = midi poly=1 port=24\ncut = cc 74 min=200 max=8000 curve=exp glide=20ms port=24\nsaw keys.freq -> lowpass cutoff=cut q=1 -> gain (adsr keys.gate s=1)*0.3 -> out\n";
    let mut events = vec![on(0, 45)];
    // CC 74 from 0 to 127 over a second, as a knob sends it.
    events.extend((0..=127u8).map(|v| (4_800 + u64::from(v) * 375, vec![0xB0, 74, v])));
    let x = play(src, 24, &events, 1.6);
    let early = &x[2_400..4_800];
    let late = &x[60_000..72_000];
    // The bright end lets far more of the saw's upper harmonics through.
    let high = |s: &[f32]| (8..24).map(|h| level(s, hz(45) * f64::from(h))).sum::<f64>();
    assert!(
        high(late) > 4.0 * high(early),
        "the sweep opened the filter: {} → {}",
        high(early),
        high(late)
    );
    let step = x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0f32, f32::max);
    assert!(step < 0.35, "no zipper or jump: largest step {step}");
}

#[test]
fn a_reload_during_a_held_chord_keeps_every_voice() {
    let config = LiveConfig {
        master: MasterConfig::raw(),
        ..LiveConfig::default()
    };
    let (mut s, mut e) = Session::new(config);
    let src = format!("keys = midi poly=8 port=25\n{SAW_VOICE}\n");
    s.reload(&src).expect("loads");
    let mut buf = [0.0f32; 128];
    e.process(&mut buf);
    s.tick();
    let chord = [on(64, 60), on(64, 64), on(64, 67)];
    let before = render(&mut e, 25, &chord, 0.5);
    assert!(
        level(&before[12_000..], hz(64)) > 0.05,
        "{} {} rms {}",
        level(&before[12_000..], hz(64)),
        level(&before[12_000..], hz(60)),
        rms(&before)
    );
    // Retune the filter while the chord is held.
    s.reload(&src.replace("lowpass 4000", "lowpass 2500")).expect("reloads");
    let mut after = Vec::new();
    for _ in 0..(48_000 / 64) {
        e.process(&mut buf);
        s.tick();
        after.extend(buf.iter().step_by(2));
    }
    let tail = &after[24_000..];
    for n in [60, 64, 67] {
        assert!(
            level(tail, hz(n)) > 0.05,
            "note {n} kept sounding: {}",
            level(tail, hz(n))
        );
    }
    let joined: Vec<f32> = before.iter().chain(&after).copied().collect();
    let step = joined.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0f32, f32::max);
    assert!(step < 0.2, "no gap or click at the reload: {step}");
}

#[test]
fn a_flood_of_hostile_messages_leaves_no_stuck_note_and_no_nan() {
    let src = "keys = midi poly=8 port=26\nsaw keys.freq*(1+keys.bend/12) -> gain (adsr keys.gate a=1ms r=10ms)*keys.vel*0.1 -> out\n";
    // 10 000 messages a second for a second: notes at the edges, velocity-0 note-offs, wild bends, pressure,
    // stray controllers; every note let go by the end.
    let mut r = 12_345u64;
    let mut rand = |n: u64| {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        r % n
    };
    let mut events = Vec::new();
    for k in 0..10_000u64 {
        let frame = k * 48_000 / 10_000;
        let note = [0u8, 127, 60, 61, 62, rand(128) as u8][rand(6) as usize];
        let bytes = match rand(7) {
            0 | 1 => vec![0x90 | rand(16) as u8, note, rand(128) as u8],
            2 => vec![0x90, note, 0],
            3 => vec![0x80, note, 64],
            4 => vec![0xE0, rand(128) as u8, rand(128) as u8],
            5 => vec![0xD0, rand(128) as u8],
            _ => vec![0xB0, rand(128) as u8, rand(128) as u8],
        };
        events.push((frame, bytes));
    }
    events.push((48_000, vec![0xB0, 64, 0]));
    events.push((48_000, vec![0xB0, 123, 0]));
    let x = play(src, 26, &events, 1.5);
    assert!(x.iter().all(|v| v.is_finite()), "NaN or infinity");
    assert!(
        peak(&x[60_000..]) < 1e-3,
        "every voice released: {}",
        peak(&x[60_000..])
    );
}

/// A format-0 file: a C major chord for a second at 120 bpm, 96 ticks a beat.
fn chord_file() -> Vec<u8> {
    let track: &[u8] = &[
        0x00, 0x90, 60, 100, 0x00, 0x90, 64, 100, 0x00, 0x90, 67, 100, 0x81, 0x40, 0x80, 60, 0, 0x00, 0x80, 64, 0,
        0x00, 0x80, 67, 0, 0x00, 0xFF, 0x2F, 0x00,
    ];
    let mut f = b"MThd\0\0\0\x06\0\0\0\x01\0\x60".to_vec();
    f.extend_from_slice(b"MTrk");
    f.extend_from_slice(&(track.len() as u32).to_be_bytes());
    f.extend_from_slice(track);
    f
}

#[test]
fn render_midi_plays_a_song_into_the_patch() {
    let dir = crate::common::scratch("render-midi");
    std::fs::write(dir.join("p.syn"), format!("keys = midi\n{SAW_VOICE}\n")).unwrap();
    std::fs::write(dir.join("song.mid"), chord_file()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .current_dir(&dir)
        .args([
            "render",
            "p.syn",
            "--out",
            "o.wav",
            "--seconds",
            "2",
            "--midi",
            "song.mid",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut r = hound::WavReader::open(dir.join("o.wav")).unwrap();
    let x: Vec<f32> = r.samples::<f32>().step_by(2).map(Result::unwrap).collect();
    let held = &x[12_000..44_000];
    for n in [60, 64, 67] {
        assert!(level(held, hz(n)) > 0.05, "note {n}: {}", level(held, hz(n)));
    }
    assert!(peak(&x[60_000..]) < 1e-3, "the song let go after a second");
    // A corrupt file is a clear error.
    std::fs::write(dir.join("bad.mid"), b"MThd\0\0\0\x06\0\0\0\x01").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .current_dir(&dir)
        .args(["render", "p.syn", "--out", "o.wav", "--midi", "bad.mid"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("not a Standard MIDI File"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
