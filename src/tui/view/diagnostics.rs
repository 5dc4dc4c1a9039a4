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
    let text = app.editor.text();
    let mut lines = Vec::new();
    for (i, d) in app.diagnostics.iter().enumerate() {
        let (l, c) = d.line_col(&text);
        let color = if d.is_error() { Color::Red } else { Color::Yellow };
        let mut st = Style::new().fg(color);
        if i == app.selected_diag {
            st = st.add_modifier(Modifier::BOLD);
        }
        let marker = if i == app.selected_diag { "▶" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{l}:{c} "), st),
            Span::raw(d.message.clone()),
        ]));
        if let Some(label) = &d.label {
            lines.push(Line::styled(format!("   {label}"), Style::new().fg(color)));
        }
        if let Some(help) = &d.help {
            lines.push(Line::styled(format!("   {help}"), Style::new().fg(Color::DarkGray)));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(title).title_style(Style::new().fg(color)))
        .render(area, buf);
}
