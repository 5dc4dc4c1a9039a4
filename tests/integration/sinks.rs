//! Synchrolang's sink nodes: WavFileNode writes its input to a WAV file next to the script (from the real binary's
//! `render`, so the file is whole when the command returns), and DebugNode's value reaches the display side.

use crate::common::{render_with, zero_crossing_freq};
use std::process::Command;

fn dir(name: &str) -> std::path::PathBuf {
    crate::common::scratch(&format!("sinks-{name}"))
}

#[test]
fn a_wav_file_node_records_its_input_beside_the_script() {
    let d = dir("wav");
    let script = d.join("tape.syn");
    std::fs::write(
        &script,
        "new 441 f; new SineNode osc; new \"take1.wav\" name; new WavFileNode tape;
         link f.out -> osc.frequency; link name.out -> tape.path; link osc.out -> tape.signal;",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(["render", "--seconds", "3", "--sample-rate", "44100", "--raw"])
        .arg(&script)
        .arg("--out")
        .arg(d.join("mix.wav"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut r = hound::WavReader::open(d.join("take1.wav")).expect("take1.wav written next to the script");
    assert_eq!(r.spec().channels, 1);
    assert_eq!(r.spec().sample_rate, 44_100);
    let x: Vec<f32> = r.samples::<f32>().map(Result::unwrap).collect();
    assert_eq!(x.len(), 3 * 44_100, "every frame once: none dropped, none doubled");
    assert_eq!(x[0], 0.0);
    assert!((zero_crossing_freq(&x, 44_100.0) - 441.0).abs() < 0.5);
    // The compat sine's float32 phase, sample for sample.
    let mut phase = 0f32;
    for (i, &v) in x.iter().enumerate().take(5000) {
        assert_eq!(v, f64::from(phase).sin() as f32, "sample {i}");
        phase = (phase + std::f32::consts::TAU * 441.0 / 44_100.0) % std::f32::consts::TAU;
    }
}

#[test]
fn a_debug_node_shows_its_latest_value() {
    let src = "new 0.625 v; new DebugNode probe_a; link v.out -> probe_a.input;";
    let _ = render_with(src, 0.1, 44_100.0, 64, 0);
    // The engine is gone, so its tap is too: values belong to running graphs only.
    assert!(
        !synchrotron_tui::dsp::io::debug_values()
            .iter()
            .any(|(n, _, _)| n == "probe_a")
    );
    let (graph, _) = synchrotron_tui::compile::compile(src, &synchrotron_tui::compile::Settings::default()).unwrap();
    let mut e = synchrotron_tui::engine::Engine::new(graph, 48_000.0, synchrotron_tui::engine::MasterConfig::raw());
    let mut buf = vec![0.0; 512];
    e.process(&mut buf);
    let seen = synchrotron_tui::dsp::io::debug_values();
    let probe = seen.iter().find(|(n, _, _)| n == "probe_a").expect("probe_a listed");
    assert_eq!(probe.1, 0.625);
    assert!(synchrotron_tui::dsp::io::debug_line().contains("probe_a=0.6250"));
}
