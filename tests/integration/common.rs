//! Helpers: render a patch offline and analyse the audio (zero crossings, DFT, levels).

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;
use synchrotron_tui::audio::offline;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::simd::Simd;
use synchrotron_tui::engine::{Engine, MasterConfig};

pub const SR: f32 = 48_000.0;

pub struct Stereo {
    pub left: Vec<f32>,
    pub right: Vec<f32>,
}

/// Render `seconds` of a patch at 48 kHz in 256-frame buffers; panics with the diagnostics if it doesn't compile.
pub fn render(src: &str, seconds: f64) -> Stereo {
    render_with(src, seconds, SR, 256, 0)
}

/// Render through the graph only, no master section, so the DSP itself is measured.
pub fn render_with(src: &str, seconds: f64, sr: f32, buffer: usize, seed: u64) -> Stereo {
    render_master(src, seconds, sr, buffer, seed, MasterConfig::raw())
}

pub fn render_master(src: &str, seconds: f64, sr: f32, buffer: usize, seed: u64, master: MasterConfig) -> Stereo {
    render_simd(src, seconds, (sr, buffer, seed), master, Simd::best())
}

/// Render with the kernels compiled for `simd`; `how` is the sample rate, buffer size and seed.
pub fn render_simd(src: &str, seconds: f64, how: (f32, usize, u64), master: MasterConfig, simd: Simd) -> Stereo {
    let (sr, buffer, seed) = how;
    let (graph, _) = compile::compile(src, &Settings { sample_rate: sr, seed })
        .unwrap_or_else(|d| panic!("{}", synchrotron_tui::lang::diagnostic::render_all(&d, "test.syn", src)));
    let mut engine = Engine::new(graph, sr, master);
    engine.set_simd(simd);
    let frames = (seconds * f64::from(sr)).round() as usize;
    let inter = offline::render(&mut engine, frames, buffer);
    Stereo {
        left: inter.iter().step_by(2).copied().collect(),
        right: inter.iter().skip(1).step_by(2).copied().collect(),
    }
}

pub fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0f32, |m, v| m.max(v.abs()))
}

pub fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>() / x.len().max(1) as f64).sqrt() as f32
}

pub fn db(x: f32) -> f32 {
    20.0 * x.max(1e-12).log10()
}

/// Frequency from rising zero crossings, interpolated between samples.
pub fn zero_crossing_freq(x: &[f32], sr: f32) -> f64 {
    let mut crossings = Vec::new();
    for (i, w) in x.windows(2).enumerate() {
        if w[0] < 0.0 && w[1] >= 0.0 {
            let frac = f64::from(-w[0] / (w[1] - w[0]));
            crossings.push(i as f64 + frac);
        }
    }
    assert!(crossings.len() > 2, "too few zero crossings");
    let span = crossings[crossings.len() - 1] - crossings[0];
    (crossings.len() - 1) as f64 / span * f64::from(sr)
}

/// Power spectrum (Blackman–Harris window), bins of sr/len.
pub fn power_spectrum(x: &[f32]) -> Vec<f64> {
    let n = x.len();
    let mut buf: Vec<Complex<f64>> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let t = 2.0 * std::f64::consts::PI * i as f64 / n as f64;
            let w = 0.35875 - 0.48829 * t.cos() + 0.14128 * (2.0 * t).cos() - 0.01168 * (3.0 * t).cos();
            Complex::new(f64::from(v) * w, 0.0)
        })
        .collect();
    FftPlanner::new().plan_fft_forward(n).process(&mut buf);
    buf[..n / 2].iter().map(Complex::norm_sqr).collect()
}

/// The frequency of the strongest bin.
pub fn dominant_freq(x: &[f32], sr: f32) -> f64 {
    let p = power_spectrum(x);
    let (bin, _) = p
        .iter()
        .enumerate()
        .skip(1)
        .fold((0, 0.0), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
    bin as f64 * f64::from(sr) / x.len() as f64
}

/// Steady-state amplitude of a sinusoid: peak over the second half.
pub fn steady_amplitude(x: &[f32]) -> f32 {
    peak(&x[x.len() / 2..])
}

/// Indices where a signal changes value.
pub fn changes(x: &[f32]) -> Vec<usize> {
    x.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] != w[1])
        .map(|(i, _)| i + 1)
        .collect()
}

/// A fresh, empty scratch folder for one test (`synchrotron-NAME-PID` in the temporary folder).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("synchrotron-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A temporary HOME whose .asoundrc sends ALSA's default output to `out.raw` inside it (see tests/alsa/).
pub fn alsa_home(name: &str, asoundrc: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let out = dir.join("out.raw");
    std::fs::write(dir.join(".asoundrc"), asoundrc.replace("OUT", out.to_str().unwrap())).unwrap();
    dir
}

pub const ALSA_FILE: &str = include_str!("../alsa/asoundrc.template");

/// Bytes of the stream captured in `home` so far.
pub fn captured_bytes(home: &std::path::Path) -> u64 {
    std::fs::metadata(home.join("out.raw")).map_or(0, |m| m.len())
}

/// Wait until the captured stream holds `seconds` more audio than now.
pub fn wait_captured(home: &std::path::Path, seconds: f64) {
    let target = captured_bytes(home) + (seconds * f64::from(SR) * 8.0) as u64;
    let started = std::time::Instant::now();
    while captured_bytes(home) < target {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the stream stopped growing"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// The left channel of the captured stream (interleaved stereo f32).
pub fn captured_left(home: &std::path::Path) -> Vec<f32> {
    let bytes = std::fs::read(home.join("out.raw")).unwrap();
    bytes
        .chunks_exact(8)
        .map(|f| f32::from_le_bytes([f[0], f[1], f[2], f[3]]))
        .collect()
}

/// The left channel of up to `frames` captured frames from byte `from` on (the capture runs far faster than real
/// time, so tests read only the part they look at).
pub fn captured_left_from(home: &std::path::Path, from: u64, frames: usize) -> Vec<f32> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(home.join("out.raw")).unwrap();
    f.seek(SeekFrom::Start(from / 8 * 8)).unwrap();
    let mut bytes = Vec::new();
    f.take(frames as u64 * 8).read_to_end(&mut bytes).unwrap();
    bytes
        .chunks_exact(8)
        .map(|f| f32::from_le_bytes([f[0], f[1], f[2], f[3]]))
        .collect()
}

/// Amplitude of the `hz` component of `x` (correlation with a sine and a cosine), at 48 kHz.
pub fn level(x: &[f32], hz: f64) -> f64 {
    let (mut c, mut s) = (0f64, 0f64);
    for (i, v) in x.iter().enumerate() {
        let t = i as f64 / f64::from(SR) * hz * std::f64::consts::TAU;
        c += f64::from(*v) * t.cos();
        s += f64::from(*v) * t.sin();
    }
    2.0 * (c * c + s * s).sqrt() / x.len() as f64
}

/// Render `seconds` of a live session in 256-frame callbacks, ticking it; the beat its engine reports at the end.
pub fn run_session(
    s: &mut synchrotron_tui::live::Session,
    e: &mut synchrotron_tui::engine::Engine,
    seconds: f64,
) -> f64 {
    let mut buf = [0.0f32; 512];
    for _ in 0..(seconds * 48_000.0 / 256.0) as usize {
        e.process(&mut buf);
        s.tick();
    }
    s.handle().levels().beat
}

/// The lines a child prints on stdout, gathered by a thread as they come.
pub type Lines = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

pub fn read_lines(child: &mut std::process::Child) -> Lines {
    use std::io::BufRead;
    let lines = Lines::default();
    let out = child.stdout.take().unwrap();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(l);
        }
    });
    lines
}

/// Wait (20 s at most) for a line containing `what`.
pub fn wait_line(lines: &Lines, what: &str) {
    let started = std::time::Instant::now();
    while !lines.lock().unwrap().iter().any(|l| l.contains(what)) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "no `{what}` in {:?}",
            lines.lock().unwrap()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The binary playing `dir/p.syn` headless, paced in real time with no sound card, no retro buffer, and `args`;
/// stdin and stdout piped. `timeout` ends it after a minute even if the test dies first.
pub fn headless(dir: &std::path::Path, args: &[&str]) -> std::process::Child {
    use std::process::Stdio;
    std::process::Command::new("timeout")
        .args(["-s", "TERM", "60"])
        .arg(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .arg(dir.join("p.syn"))
        .args(["--headless", "--no-audio", "--retro", "0"])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// A small deterministic generator, so a failure repeats.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() % 10_000) as f64 / 10_000.0
    }
}
