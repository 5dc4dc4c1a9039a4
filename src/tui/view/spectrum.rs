//! The scope panel's second view: the spectrum of what the scope shows, on a log frequency axis (20 Hz to 20 kHz)
//! and a dB scale, from a Hann-windowed Goertzel filter per column. UI thread.

use super::super::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::canvas::{Canvas, Line};
use ratatui::widgets::{Block, Widget};

/// Frames analysed: the newest of the scope's buffer.
const FRAMES: usize = 2048;
/// The floor of the dB scale.
const FLOOR: f64 = -90.0;

/// Level in dB (full-scale sine = 0) of the left channel of interleaved `scope` at each frequency.
pub fn levels(scope: &[f32], rate: f32, freqs: &[f64]) -> Vec<f64> {
    let frames = scope.len() / 2;
    let n = frames.min(FRAMES);
    if n < 64 {
        return vec![FLOOR; freqs.len()];
    }
    let x: Vec<f64> = (0..n)
        .map(|i| {
            let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / (n - 1) as f64).cos();
            f64::from(scope[2 * (frames - n + i)]) * w
        })
        .collect();
    freqs
        .iter()
        .map(|&f| {
            let k = 2.0 * (std::f64::consts::TAU * f / f64::from(rate)).cos();
            let (mut s1, mut s2) = (0.0, 0.0);
            for &v in &x {
                let s = v + k * s1 - s2;
                s2 = s1;
                s1 = s;
            }
            let power = (s1 * s1 + s2 * s2 - k * s1 * s2).max(0.0);
            // A Hann window halves a sine's amplitude: full scale reads 0 dB.
            let amp = 4.0 * power.sqrt() / n as f64;
            (20.0 * amp.max(1e-9).log10()).max(FLOOR)
        })
        .collect()
}

/// `count` frequencies spaced evenly on a log axis from 20 Hz to 20 kHz (or Nyquist).
pub fn axis(count: usize, rate: f32) -> Vec<f64> {
    let top = (f64::from(rate) / 2.0).min(20_000.0);
    let span = (top / 20.0).ln();
    (0..count)
        .map(|i| 20.0 * (span * i as f64 / (count.max(2) - 1) as f64).exp())
        .collect()
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let columns = usize::from(area.width.saturating_sub(2)) * 2;
    let rate = if app.audio.sample_rate > 0 {
        app.audio.sample_rate as f32
    } else {
        48_000.0
    };
    let freqs = axis(columns.max(2), rate);
    let db = levels(&app.scope, rate, &freqs);
    Canvas::default()
        .block(Block::bordered().title(super::scope::title(app, "spectrum")))
        .marker(Marker::Braille)
        .x_bounds([0.0, columns as f64])
        .y_bounds([FLOOR, 0.0])
        .paint(|ctx| {
            for (i, &d) in db.iter().enumerate() {
                if d > FLOOR {
                    ctx.draw(&Line {
                        x1: i as f64,
                        y1: FLOOR,
                        x2: i as f64,
                        y2: d,
                        color: if d > -6.0 { Color::Yellow } else { Color::Green },
                    });
                }
            }
        })
        .render(area, buf);
    // The axis, where there is room: 100 Hz, 1 kHz, 10 kHz.
    if area.width > 20 && area.height > 3 {
        let y = area.y + area.height - 1;
        for (f, label) in [(100.0, "100"), (1000.0, "1k"), (10_000.0, "10k")] {
            if let Some(i) = freqs.iter().position(|&x| x >= f) {
                let x = area.x + 1 + (i / 2) as u16;
                if x + 3 < area.x + area.width {
                    buf.set_string(x, y, label, ratatui::style::Style::new().fg(Color::DarkGray));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sine_peaks_at_its_frequency_at_full_scale() {
        let scope: Vec<f32> = (0..4096)
            .flat_map(|i| {
                let v = (i as f32 * std::f32::consts::TAU * 1000.0 / 48_000.0).sin();
                [v, v]
            })
            .collect();
        let freqs = [100.0, 500.0, 1000.0, 2000.0, 8000.0];
        let db = levels(&scope, 48_000.0, &freqs);
        assert!(db[2].abs() < 1.0, "1 kHz reads {} dB", db[2]);
        for (i, d) in db.iter().enumerate().filter(|(i, _)| *i != 2) {
            assert!(*d < -40.0, "{} Hz reads {d} dB", freqs[i]);
        }
        let a = axis(10, 48_000.0);
        assert!((a[0] - 20.0).abs() < 1e-9 && (a[9] - 20_000.0).abs() < 1e-6);
    }
}
