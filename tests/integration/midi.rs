//! MIDI and SoundFont nodes end to end: timestamped messages fed through the in-process hub land on exact samples
//! whatever the block size; MIDI drives pitch, triggers and SoundFont instruments (a SoundFont generated here);
//! mistakes are diagnostics.

use crate::common::{dominant_freq, power_spectrum, render_with, zero_crossing_freq};
use crate::sf2::tiny_sf2;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::midi::input;
use synchrotron_tui::engine::{Engine, MasterConfig};

const SR: f32 = 44_100.0;

/// Build `src`, then send `events` (µs, bytes) to `port`, then render; the left channel. Messages must arrive after
/// the graph is built, as live ones do.
fn render_midi(src: &str, port: i32, events: &[(u64, [u8; 3])], seconds: f64, buffer: usize) -> Vec<f32> {
    let settings = Settings {
        sample_rate: SR,
        seed: 0,
    };
    let (graph, _) = compile::compile(src, &settings).unwrap_or_else(|d| panic!("{d:?}"));
    for (t, bytes) in events {
        input::send(port, *t, bytes);
    }
    let mut engine = Engine::new(graph, SR, MasterConfig::raw());
    let frames = (seconds * f64::from(SR)) as usize;
    synchrotron_tui::audio::offline::render(&mut engine, frames, buffer)
        .iter()
        .step_by(2)
        .copied()
        .collect()
}

fn keys_into(port: i32, body: &str) -> String {
    format!("new {port} port; new MidiInputNode keys; link port.out -> keys.port;\n{body}")
}

#[test]
fn midi_input_places_messages_on_exact_samples_at_any_block_size() {
    let port = 7001;
    let src = keys_into(
        port,
        "new MidiTriggerNode hit; link keys.out -> hit.midi; new PlaybackNode out; link hit.trigger -> out.left;",
    );
    let events = [
        (1_000_000, [0x90, 60, 100]),
        (1_010_000, [0x90, 62, 100]),
        (1_010_000, [0x80, 60, 0]),
        (1_020_000, [0x90, 64, 100]),
        (1_035_000, [0x99, 65, 1]),
    ];
    let mut seen = Vec::new();
    for buffer in [1, 37, 64, 256, 1024] {
        let x = render_midi(&src, port, &events, 0.1, buffer);
        let hits: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.5).collect();
        seen.push(hits);
    }
    // One block of latency, then the spacing of the timestamps to the sample: 10 ms = 441 frames.
    assert_eq!(seen[0], vec![64, 64 + 441, 64 + 882, 64 + 1544]);
    assert!(
        seen.iter().all(|h| *h == seen[0]),
        "placement depends on the block size: {seen:?}"
    );
}

#[test]
fn keys_play_a_sine_through_monophonic_render() {
    let port = 7002;
    let src = keys_into(
        port,
        "new MonophonicRenderNode mono; new SineNode osc; new PlaybackNode out;
         link keys.out -> mono.midi; link mono.frequency -> osc.frequency; link osc.out -> out.left;",
    );
    let events = [
        (0, [0x90, 69, 100]),
        (500_000, [0x90, 81, 100]),
        (700_000, [0x80, 69, 0]),
    ];
    let x = render_midi(&src, port, &events, 1.0, 256);
    let sr = SR;
    assert!((zero_crossing_freq(&x[2000..20_000], sr) - 440.0).abs() < 1.0);
    assert!((zero_crossing_freq(&x[24_000..40_000], sr) - 880.0).abs() < 1.0);
}

fn font_path() -> String {
    let dir = std::env::temp_dir().join(format!("synchrotron-sf2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // File nodes use files in the patch's folder or folders the performer names (`--files`): this one is named.
    synchrotron_tui::files::allow_dir(&dir).unwrap();
    let path = dir.join("tiny.sf2");
    std::fs::write(&path, tiny_sf2()).unwrap();
    path.display().to_string()
}

#[test]
fn the_committed_test_font_is_the_generated_one() {
    let committed = std::fs::read("patches/synchrolang/tiny.sf2").unwrap_or_default();
    if std::env::var_os("SYNCHROTRON_BLESS").is_some() {
        std::fs::write("patches/synchrolang/tiny.sf2", tiny_sf2()).unwrap();
        return;
    }
    assert!(
        committed == tiny_sf2(),
        "regenerate with SYNCHROTRON_BLESS=1 cargo test the_committed_test_font"
    );
}

#[test]
fn a_chord_plays_its_notes_on_a_soundfont() {
    let src = format!(
        "new \"{}\" f; new \"Am\" c; new 5 o; new 1 on; new ChordNode chord; new SoundFontNode sf; new PlaybackNode out;
         link f.out -> sf.path; link c.out -> chord.chord; link o.out -> chord.octave; link on.out -> chord.trigger;
         link chord.out -> sf.midi; link sf.left -> out.left;",
        font_path()
    );
    let x = render_with(&src, 1.0, SR, 256, 0).left;
    let spec = power_spectrum(&x[4096..4096 + 32_768]);
    let bin = |f: f64| (f * 32_768.0 / f64::from(SR)).round() as usize;
    let level = |f: f64| (bin(f) - 2..=bin(f) + 2).map(|b| spec[b]).fold(0.0, f64::max);
    let floor = level(300.0).max(level(600.0)).max(level(800.0));
    for f in [440.0, 523.25, 659.26] {
        assert!(
            level(f) > 1000.0 * floor,
            "{f} Hz missing: {} vs floor {floor}",
            level(f)
        );
    }
}

#[test]
fn preset_127_plays_the_drum_kit() {
    let play = |preset: u32| {
        let src = format!(
            "new \"{}\" f; new {preset} p; new [69] seq; new 1 r; new ClockNode clock; new MidiSequenceNode s;
             new SoundFontNode sf; new PlaybackNode out; link f.out -> sf.path; link p.out -> sf.preset;
             link seq.out -> s.sequence; link r.out -> clock.frequency; link clock.out -> s.step;
             link s.out -> sf.midi; link sf.left -> out.left;",
            font_path()
        );
        let x = render_with(&src, 1.5, SR, 256, 0).left;
        dominant_freq(&x[48_000..64_000], SR)
    };
    assert!((play(0) - 440.0).abs() < 5.0, "preset 0: {}", play(0));
    assert!((play(127) - 1760.0).abs() < 10.0, "preset 127: {}", play(127));
}

#[test]
fn the_midi_example_steps_four_notes_a_second_an_octave_up() {
    let src = std::fs::read_to_string("patches/synchrolang/midi.syn").unwrap();
    let x = render_with(&src, 2.0, SR, 256, 0).left;
    // Clock f=2 → 4 steps/s; the sequence pre-increments: C4 E4 G4 A3 … lifted an octave.
    let step = SR as usize / 4;
    let expect = [523.25, 659.26, 783.99, 440.0, 523.25];
    for (k, f) in expect.iter().enumerate() {
        let at = step * (k + 1) + 200;
        let got = zero_crossing_freq(&x[at..at + 4000], SR);
        assert!((got - f).abs() / f < 0.01, "step {k}: {got} Hz, want {f}");
    }
}

#[test]
fn midi_and_samples_do_not_mix_and_bad_chords_and_fonts_are_errors() {
    let cases = [
        (
            "new MidiInputNode k; new SineNode s; link k.out -> s.frequency;",
            "gives MIDI, but `frequency` takes samples",
        ),
        (
            "new SineNode s; new SoundFontNode f; link s.out -> f.midi;",
            "gives samples, but `midi` takes MIDI",
        ),
        (
            "new \"Hm9\" c; new ChordNode ch; link c.out -> ch.chord;",
            "`Hm9` is not a chord name",
        ),
        // An absolute path outside every allowed folder: refused without looking it up.
        (
            "new \"/nonexistent/nowhere.sf2\" p; new SoundFontNode f; link p.out -> f.path;",
            "`/nonexistent/nowhere.sf2`: outside the patch's folder",
        ),
        (
            "new SineNode s; new ChordNode ch; link s.out -> ch.octave;",
            "takes a value, not the output of `s`",
        ),
    ];
    for (src, want) in cases {
        let d = compile::check(src).expect_err(src);
        let text = format!("{d:?}");
        assert!(text.contains(want), "{src}: {text}");
    }
}

#[test]
fn the_originals_midi_in_example_plays_keys_on_port_1() {
    let Ok(src) = std::fs::read_to_string("../shared/synchrotron-examples/midi_in.syn") else {
        eprintln!("skipped: ../shared/synchrotron-examples/midi_in.syn is not beside this checkout");
        return;
    };
    // Its MidiInputNode listens on port 1; the hub stands in for the keyboard.
    let x = render_midi(&src, 1, &[(0, [0x90, 69, 100]), (400_000, [0x90, 76, 100])], 0.8, 256);
    assert!((zero_crossing_freq(&x[2_000..16_000], SR) - 440.0).abs() < 1.0);
    assert!((zero_crossing_freq(&x[20_000..34_000], SR) - 659.26).abs() < 1.0);
}
