//! Level meters: RMS bar, peak marker and peak hold per channel on a −60..0 dB scale, with a limiter light.

use super::super::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Widget};

fn db(x: f32) -> f32 {
    20.0 * x.max(1e-6).log10()
}

/// Position 0..=width of a level on the −60..0 dB scale.
fn cell(x: f32, width: u16) -> u16 {
    (((db(x) + 60.0) / 60.0).clamp(0.0, 1.0) * f32::from(width)).round() as u16
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let m = &app.meters;
    let light = if m.limiting {
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let block = Block::bordered()
        .title(" levels ")
        .title_top(ratatui::text::Line::styled(" LIMIT ", light).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let bar_w = inner.width.saturating_sub(9);
    for (c, name) in ["L", "R"].iter().enumerate().take(inner.height as usize) {
        let y = inner.y + c as u16;
        buf.set_string(inner.x, y, *name, Style::new());
        let (rms, peak, hold) = (cell(m.rms[c], bar_w), cell(m.peak[c], bar_w), cell(m.hold[c], bar_w));
        for i in 0..bar_w {
            let color = if i >= bar_w * 9 / 10 {
                Color::Red
            } else if i >= bar_w * 3 / 4 {
                Color::Yellow
            } else {
                Color::Green
            };
            let sym = if i < rms {
                "█"
            } else if i < peak {
                "▒"
            } else if i + 1 == hold {
                "│"
            } else {
                "·"
            };
            let st = if sym == "·" {
                Style::new().fg(Color::DarkGray)
            } else {
                Style::new().fg(color)
            };
            buf.set_string(inner.x + 2 + i, y, sym, st);
        }
        let text = if m.hold[c] > 0.0 {
            format!("{:>5.1}", db(m.hold[c]))
        } else {
            "  -∞ ".to_string()
        };
        buf.set_string(inner.x + 2 + bar_w + 1, y, text, Style::new());
    }
}
