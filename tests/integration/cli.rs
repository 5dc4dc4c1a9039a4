//! The real binary: exit codes and messages for good and bad invocations, and the WAV it writes.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("synchrotron-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn check_accepts_good_patches_and_rejects_bad_ones_with_place() {
    let ok = run(&["check", "patches/demo.syn"]);
    assert!(ok.status.success(), "{:?}", text(&ok));
    let bad = run(&["check", "tests/errors/unknown_node.syn"]);
    assert_eq!(bad.status.code(), Some(1));
    let (_, err) = text(&bad);
    assert!(err.contains("--> tests/errors/unknown_node.syn:1:7"), "{err}");
    assert!(err.contains("did you mean `sine`?"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn user_mistakes_get_one_clear_line_and_a_failing_exit() {
    let missing = run(&["check", "no/such/patch.syn"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        text(&missing).1.trim(),
        "error: cannot read patch `no/such/patch.syn`: no such file"
    );
    let unwritable = run(&[
        "render",
        "patches/hello.syn",
        "--out",
        "/no/such/dir/x.wav",
        "--seconds",
        "0.1",
    ]);
    assert_eq!(unwritable.status.code(), Some(1));
    let (_, err) = text(&unwritable);
    assert!(err.starts_with("error: cannot write `/no/such/dir/x.wav`"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for args in [
        &["render", "patches/hello.syn"][..],
        &["render", "patches/hello.syn", "-o", "x.wav", "--seconds", "-3"],
        &["render", "patches/hello.syn", "-o", "x.wav", "--sample-rate", "fast"],
        &["check"],
        &["--frobnicate"],
    ] {
        let o = run(args);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    }
    let node = run(&["nodes", "lowpas"]);
    assert_eq!(node.status.code(), Some(1));
    assert!(text(&node).1.contains("did you mean `lowpass`?"));
}

#[test]
fn render_writes_a_float_stereo_wav_and_reports_speed() {
    let path = tmp("hello.wav");
    let o = run(&[
        "render",
        "patches/hello.syn",
        "-o",
        path.to_str().unwrap(),
        "-s",
        "0.5",
        "--sample-rate",
        "44100",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("faster than real time"), "{out}");
    let mut wav = hound::WavReader::open(&path).unwrap();
    let spec = wav.spec();
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (2, 44_100, 32));
    assert_eq!(spec.sample_format, hound::SampleFormat::Float);
    let samples: Vec<f32> = wav.samples::<f32>().map(Result::unwrap).collect();
    assert_eq!(samples.len(), 44_100);
    let peak = samples.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!((peak - 0.2).abs() < 0.01, "{peak}");
}

#[test]
fn nodes_lists_the_reference() {
    let all = run(&["nodes"]);
    let (out, _) = text(&all);
    for name in [
        "sine",
        "saw",
        "square",
        "triangle",
        "noise",
        "phasor",
        "lowpass",
        "highpass",
        "bandpass",
        "gain",
        "mix",
        "pan",
        "clip",
        "drive",
        "delay",
        "reverb",
        "adsr",
        "perc",
        "clock",
        "seq",
        "sample_hold",
        "slew",
        "out",
        "bpm",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{name} "))),
            "{name} missing:\n{out}"
        );
    }
    assert!(!out.contains("\nsum "), "internal nodes are hidden");
    let one = run(&["nodes", "lowpass"]);
    insta::assert_snapshot!(text(&one).0);
}

#[test]
fn list_devices_names_outputs_and_says_what_midi_offers() {
    let home = crate::common::alsa_home("list-devices", crate::common::ALSA_FILE);
    let o = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .arg("--list-devices")
        .env("HOME", &home)
        .output()
        .expect("binary runs");
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.lines().any(|l| l.starts_with("* ")),
        "no default output marked: {out}"
    );
    // Either the numbered ports or why there are none (this machine class has no ALSA sequencer).
    assert!(
        out.contains("MIDI input ports (MidiInputNode port)") || out.contains("MIDI unavailable: "),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(home);
}

#[test]
fn the_editor_screen_without_a_terminal_says_to_use_headless_instead_of_panicking() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(["patches/hello.syn", "--no-audio"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("needs a terminal") && err.contains("--headless"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} nodes | head -1; {} check --graph patches/demo.syn | head -1",
            env!("CARGO_BIN_EXE_synchrotron-tui"),
            env!("CARGO_BIN_EXE_synchrotron-tui")
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}
