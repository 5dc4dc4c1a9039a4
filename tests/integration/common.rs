//! Helpers: render a patch offline and analyse the audio (zero crossings, DFT, levels).

use rustfft::FftPlanner;
use rustfft::num_complex::Complex;
use synchrotron_tui::audio::offline;
use synchrotron_tui::compile::{self, Settings};
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
    let (graph, _) = compile::compile(src, &Settings { sample_rate: sr, seed })
        .unwrap_or_else(|d| panic!("{}", synchrotron_tui::lang::diagnostic::render_all(&d, "test.syn", src)));
    let mut engine = Engine::new(graph, sr, master);
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
