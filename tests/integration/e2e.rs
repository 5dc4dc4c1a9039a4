//! The real binary, `--headless`, through cpal and ALSA into a file (ALSA's `file` plugin over `null`, selected by
//! pointing HOME at a folder with our .asoundrc). The patch is rewritten on disk and the captured stream is
//! analysed.

use crate::common::{ALSA_FILE, SR, alsa_home, captured_left, wait_captured};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Headless {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    dir: PathBuf,
}

impl Headless {
    fn start(name: &str, patch: &str, asoundrc: &str, args: &[&str]) -> Self {
        let dir = alsa_home(&format!("e2e-{name}"), asoundrc);
        std::fs::write(dir.join("p.syn"), patch).unwrap();
        // `timeout` ends the app even if this test dies without cleaning up, so it can't fill the disk.
        let mut child = Command::new("timeout")
            .args(["-s", "TERM", "60"])
            .arg(env!("CARGO_BIN_EXE_synchrotron-tui"))
            .arg(dir.join("p.syn"))
            .arg("--headless")
            .args(args)
            .env("HOME", &dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let sink = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    sink.lock().unwrap().push(line);
                }
            });
        }
        Self { child, lines, dir }
    }

    fn wait_for(&self, what: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| l.contains(what)) {
                return l.clone();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no `{what}` in {:?}",
                self.lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn wait_audio(&self, seconds: f64) {
        wait_captured(&self.dir, seconds);
    }

    fn type_line(&mut self, line: &str) {
        use std::io::Write;
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    fn write_patch(&self, src: &str) {
        std::fs::write(self.dir.join("p.syn"), src).unwrap();
    }

    /// Wait, then `stop`.
    fn stop_after(self, wait: Duration) -> (bool, Vec<String>) {
        std::thread::sleep(wait);
        self.stop()
    }

    /// SIGTERM, then the exit status and everything printed.
    fn stop(mut self) -> (bool, Vec<String>) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let lines = self.lines.lock().unwrap().clone();
        (status.success(), lines)
    }

    fn left(&self) -> Vec<f32> {
        captured_left(&self.dir)
    }
}

impl Drop for Headless {
    fn drop(&mut self) {
        // TERM, which `timeout` passes on; a KILL would orphan the app.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Rising zero crossings, interpolated.
fn crossings(x: &[f32]) -> Vec<f64> {
    x.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(-w[0] / (w[1] - w[0])))
        .collect()
}

#[test]
fn a_save_retunes_the_live_stream_without_a_click_and_a_broken_save_keeps_it() {
    let h = Headless::start("retune", "sine 440 -> gain 0.5 -> out\n", ALSA_FILE, &[]);
    h.wait_for("playing on");
    h.wait_for("v1 ok");
    h.wait_audio(1.0);
    h.write_patch("sine 660 -> gain 0.5 -> out\n");
    let v2 = h.wait_for("v2 ok");
    assert!(
        v2.starts_with("v2 ok: 1 kept, 1 retuned, 0 added, 0 removed, compiled in "),
        "{v2}"
    );
    h.wait_audio(1.0);
    h.write_patch("sine 660 -> gain 0.5 ->\n");
    h.wait_for("v2 keeps playing");
    h.wait_audio(1.0);
    let left = h.left();
    let (clean, lines) = h.stop();
    assert!(clean, "exit was not clean: {lines:?}");
    assert!(lines.iter().any(|l| l == "stopped"), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("error[E001]")),
        "the broken save's diagnostics: {lines:?}"
    );

    // Periods go from 440 Hz to 660 Hz once, and stay there through the broken save.
    let c = crossings(&left[4_800..]);
    let freqs: Vec<f64> = c.windows(2).map(|w| f64::from(SR) / (w[1] - w[0])).collect();
    let switch = freqs
        .iter()
        .position(|f| (f - 440.0).abs() > 2.0)
        .expect("the pitch changed");
    assert!(switch > 200, "played 440 Hz first");
    // The period in which the glide starts is already a little higher; every one before is 440 Hz.
    assert!(freqs[..switch - 1].iter().all(|f| (f - 440.0).abs() < 0.5));
    let settled = switch + 20;
    assert!(
        freqs[settled..].iter().all(|f| (f - 660.0).abs() < 0.5),
        "steady 660 Hz to the end"
    );
    // No click: no step between samples is larger than the 660 Hz wave's own largest step.
    let own = 0.5 * std::f32::consts::TAU * 660.0 / SR;
    let worst = left[4_800..]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max);
    assert!(worst <= own * 1.01, "largest step {worst} vs the wave's own {own}");
    let tail = &left[left.len() - 24_000..];
    assert!(
        (tail.iter().fold(0f32, |m, v| m.max(v.abs())) - 0.5).abs() < 0.01,
        "still at full level after the broken save"
    );
}

#[test]
fn typing_p_silences_the_stream_and_r_brings_it_back() {
    let mut h = Headless::start("panic", "sine 440 -> gain 0.5 -> out\n", ALSA_FILE, &[]);
    h.wait_for("v1 ok");
    h.wait_audio(0.5);
    h.type_line("p");
    h.wait_for("panic: muted");
    h.wait_audio(0.5);
    let muted = h.left();
    let tail = &muted[muted.len() - 12_000..];
    assert!(tail.iter().all(|v| *v == 0.0), "silent after the panic");
    h.type_line("r");
    h.wait_for("resumed");
    h.wait_audio(0.5);
    let back = h.left();
    let tail = &back[back.len() - 12_000..];
    assert!(tail.iter().fold(0f32, |m, v| m.max(v.abs())) > 0.49, "the sine is back");
    let (clean, _) = h.stop();
    assert!(clean);
}

#[test]
fn without_a_usable_device_it_says_so_and_keeps_reloading() {
    let h = Headless::start(
        "nodevice",
        "sine 440 -> out\n",
        include_str!("../alsa/broken.asoundrc"),
        &[],
    );
    let line = h.wait_for("running silently");
    assert!(!line.contains("panicked"));
    h.wait_for("v1 ok");
    std::thread::sleep(Duration::from_millis(100));
    h.write_patch("sine 440 -> lowpass 800 -> out\n");
    h.wait_for("v2 ok: 1 kept, 0 retuned, 1 added, 0 removed");
    let (clean, _) = h.stop();
    assert!(clean);
}

#[test]
fn an_unknown_device_is_one_clear_error() {
    let dir = std::env::temp_dir().join(format!("synchrotron-e2e-dev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".asoundrc"), ALSA_FILE.replace("OUT", "/dev/null")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args(["patches/hello.syn", "--headless", "--device", "no-such-card"])
        .env("HOME", &dir)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: no output device matches `no-such-card` (available: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn recording_node_plays_the_real_input_device() {
    let dir = std::env::temp_dir().join(format!("synchrotron-capture-in-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.raw");
    let tone: Vec<u8> = (0..SR as usize * 10)
        .flat_map(|f| {
            let v = 0.5 * (std::f32::consts::TAU * 440.0 * f as f32 / SR).sin();
            [v.to_le_bytes(), (-v).to_le_bytes()].concat()
        })
        .collect();
    std::fs::write(&input, tone).unwrap();
    let asoundrc = include_str!("../alsa/capture.asoundrc").replace("INPUT_FILE", input.to_str().unwrap());
    let script =
        "new RecordingNode mic; new PlaybackNode out; link mic.left -> out.left; link mic.right -> out.right;\n";
    let h = Headless::start("capture", script, &asoundrc, &[]);
    h.wait_for("audio input: ");
    h.wait_audio(1.0);
    let bytes = std::fs::read(h.dir.join("out.raw")).unwrap();
    let (_, lines) = h.stop();
    let _ = std::fs::remove_dir_all(&dir);
    let frames: Vec<(f32, f32)> = bytes
        .chunks_exact(8)
        .map(|f| {
            let s = |i: usize| f32::from_le_bytes([f[i], f[i + 1], f[i + 2], f[i + 3]]);
            (s(0), s(4))
        })
        .collect();
    // The file plugin runs both streams as fast as it can, unpaced, so the node skips to catch up now and then;
    // between skips the input must come through whole: 440 Hz, right the inverse of left.
    let left: Vec<f32> = frames.iter().map(|f| f.0).collect();
    let whole = left
        .windows(4_800)
        .step_by(480)
        .position(|w| w.windows(2).all(|p| (p[1] - p[0]).abs() < 0.1) && w.iter().any(|v| v.abs() > 0.3))
        .unwrap_or_else(|| panic!("no stretch of input in {} frames; log {lines:?}", frames.len()));
    let at = whole * 480;
    let f = crossings(&left[at..at + 4_800]);
    let hz = f64::from(SR) * (f.len() - 1) as f64 / (f[f.len() - 1] - f[0]);
    assert!((hz - 440.0).abs() < 1.0, "{hz} Hz");
    assert!(frames[at..at + 4_800].iter().all(|(l, r)| (l + r).abs() < 1e-3));
}

#[test]
fn saves_caught_half_way_never_play_silence_and_an_emptied_file_waits_a_second() {
    use std::io::Write;
    let h = Headless::start("inplace", "sine 440 -> gain 0.3 -> out\n", ALSA_FILE, &[]);
    h.wait_for("v1 ok");
    h.wait_audio(0.2);
    let path = h.dir.join("p.syn");
    // A slow save in place: the file is empty, then half written, each for longer than the app waits for a
    // save to settle (30 ms).
    for i in 0..20 {
        let text = format!("sine {} -> gain 0.3 -> out\n", 450 + 10 * (i % 2));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        std::thread::sleep(Duration::from_millis(45));
        f.write_all(&text.as_bytes()[..10]).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(45));
        f.write_all(&text.as_bytes()[10..]).unwrap();
        drop(f);
        std::thread::sleep(Duration::from_millis(45));
    }
    h.wait_for("v3 ok");
    h.wait_audio(0.2);
    let x = h.left();
    let start = x.iter().position(|v| v.abs() > 1e-3).unwrap();
    let mut longest = 0;
    let mut run = 0;
    for v in &x[start..] {
        run = if v.abs() < 1e-4 { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    assert!(
        longest < 480,
        "{longest} silent frames in a row while saves were caught half-way"
    );
    // Emptied for good: it waits, then goes silent.
    std::fs::write(&path, "").unwrap();
    h.wait_for("p.syn is empty");
    let (ok, lines) = h.stop_after(Duration::from_millis(1_600));
    assert!(ok);
    let empty_at = lines.iter().position(|l| l.contains("is empty")).unwrap();
    assert!(
        lines[empty_at..].iter().any(|l| l.contains(" ok: ")),
        "silence went live after a second: {lines:?}"
    );
}

#[test]
fn headless_holds_a_blast_back_and_lands_it_when_the_same_text_is_saved_again() {
    use crate::common::{captured_bytes, captured_left_from, rms};
    let h = Headless::start("preflight", "sine 220 -> gain 0.1 -> out\n", ALSA_FILE, &[]);
    h.wait_for("v1 ok");
    // Printed once the file is watched: a save before it would go unseen.
    h.wait_for("type p + Enter");
    let blast = "sine 220 -> gain 0.1 -> out\nnoise -> gain 1000 -> out\n";
    std::fs::write(h.dir.join("p.syn"), blast).unwrap();
    h.wait_for("held back: this version would jump");
    h.wait_for("save it again to land it");
    let from = captured_bytes(&h.dir);
    h.wait_audio(0.5);
    let x = captured_left_from(&h.dir, from, 24_000);
    assert!((rms(&x) - 0.0707).abs() < 0.01, "the sine plays on alone: {}", rms(&x));
    std::fs::write(h.dir.join("p.syn"), blast).unwrap();
    h.wait_for("v2 ok");
}
