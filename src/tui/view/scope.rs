//! The scope: both channels in braille, triggered on a rising zero crossing so a steady tone stands still.

use super::super::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::widgets::canvas::{Canvas, Line};
use ratatui::widgets::{Block, Widget};

/// Frames shown across the scope.
const WINDOW: usize = 1024;

/// Index (in frames) where the shown window starts: the first rising zero crossing of the left channel in the
/// older half of the buffer, so the window that follows is complete.
pub fn trigger(scope: &[f32]) -> usize {
    let frames = scope.len() / 2;
    if frames < WINDOW + 2 {
        return 0;
    }
    let last_start = frames - WINDOW;
    (1..last_start)
        .rev()
        .find(|&i| scope[2 * (i - 1)] < 0.0 && scope[2 * i] >= 0.0)
        .unwrap_or(last_start)
}

/// The panel's title: what is shown, and from where (the master, or the node under the cursor).
pub fn title(app: &App, view: &str) -> String {
    let from = match (&app.scope_source, app.scope_pinned) {
        (Some(node), false) => node.as_str(),
        _ => "master",
    };
    let muted = if app.muted { " · MUTED" } else { "" };
    format!(" {view} · {from}{muted} ")
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if app.spectrum {
        super::spectrum::render(app, area, buf);
        return;
    }
    let start = trigger(&app.scope);
    let frames = (app.scope.len() / 2).saturating_sub(start).min(WINDOW);
    let data = &app.scope[2 * start..2 * (start + frames)];
    // A node's output may be a control signal (a cutoff in Hz): the scale grows to hold it.
    let top = data.iter().fold(1.0f32, |m, x| if x.abs() > m { x.abs() } else { m });
    let tapped = app.scope_source.is_some() && !app.scope_pinned;
    let top = if tapped { f64::from(top) } else { 1.0 };
    Canvas::default()
        .block(Block::bordered().title(title(app, "scope")))
        .marker(Marker::Braille)
        .x_bounds([0.0, WINDOW as f64])
        .y_bounds([-top, top])
        .paint(|ctx| {
            for (ch, color) in [(1, Color::Cyan), (0, Color::Green)] {
                for i in 1..frames {
                    ctx.draw(&Line {
                        x1: (i - 1) as f64,
                        y1: f64::from(data[2 * (i - 1) + ch]),
                        x2: i as f64,
                        y2: f64::from(data[2 * i + ch]),
                        color,
                    });
                }
            }
        })
        .render(area, buf);
    if area.width > 30 && !tapped {
        buf.set_string(area.x + area.width - 8, area.y, " L R ", Style::new());
        buf.set_string(area.x + area.width - 7, area.y, "L", Style::new().fg(Color::Green));
        buf.set_string(area.x + area.width - 5, area.y, "R", Style::new().fg(Color::Cyan));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_tone_triggers_on_the_same_phase() {
        let tone = |offset: usize| -> Vec<f32> {
            (0..4000)
                .flat_map(|i| {
                    let v = ((i + offset) as f32 * 0.05).sin();
                    [v, v]
                })
                .collect()
        };
        for offset in [0, 17, 40] {
            let s = tone(offset);
            let t = trigger(&s);
            assert!(s[2 * t] >= 0.0 && s[2 * t - 2] < 0.0);
            assert!(s[2 * t] < 0.06, "starts near zero");
        }
    }
}
