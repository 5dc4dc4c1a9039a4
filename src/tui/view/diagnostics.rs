//! The diagnostics panel: every error and warning of the text on screen, with line:col and hint.

use super::super::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let errors = app.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = app.diagnostics.len() - errors;
    let (title, color) = match (errors, warnings) {
        (0, 0) => (" no errors ".to_string(), Color::Green),
        (0, w) => (format!(" {w} warning(s) "), Color::Yellow),
        (e, _) => (format!(" {e} error(s) · F2 next "), Color::Red),
    };
    // Only what fits is built: from a little before the selected one, so it stays in view (10 000 errors cost the
    // same frame as ten).
    let room = area.height.saturating_sub(2) as usize;
    let first = app.selected_diag.saturating_sub(room / 3);
    let mut lines = Vec::new();
    for (i, d) in app.diagnostics.iter().enumerate().skip(first).take(room) {
        let (l, c) = app.diag_at.get(i).copied().unwrap_or((0, 0));
        let color = if d.is_error() { Color::Red } else { Color::Yellow };
        let mut st = Style::new().fg(color);
        if i == app.selected_diag {
            st = st.add_modifier(Modifier::BOLD);
        }
        let marker = if i == app.selected_diag { "▶" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{l}:{c} "), st),
            Span::raw(clip(&d.message)),
        ]));
        if let Some(label) = &d.label {
            lines.push(Line::styled(format!("   {}", clip(label)), Style::new().fg(color)));
        }
        if let Some(help) = &d.help {
            lines.push(Line::styled(
                format!("   {}", clip(help)),
                Style::new().fg(Color::DarkGray),
            ));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(title).title_style(Style::new().fg(color)))
        .render(area, buf);
}

/// A message as the panel shows it: at most a few lines' worth, control characters made visible.
fn clip(text: &str) -> String {
    const MAX: usize = 240;
    let mut out: String = text
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}
