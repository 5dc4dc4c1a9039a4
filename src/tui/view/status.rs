//! The status bar (file, last reload, device, load, tempo) and the footer of key hints.

use super::super::app::{App, Tone};
use super::super::keymap::HINTS;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let l = &app.levels;
    let modified = if app.modified() { "*" } else { "" };
    let (msg, tone) = &app.status;
    let tone = match tone {
        Tone::Info => Style::new().fg(Color::White),
        Tone::Good => Style::new().fg(Color::Green),
        Tone::Bad => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    };
    let bar = 1.0 + (l.beat / 4.0).floor();
    let beat = 1.0 + (l.beat % 4.0).floor();
    let buffer = app.audio.buffer.map_or_else(|| "auto".to_string(), |b| b.to_string());
    let sep = Span::styled(" │ ", Style::new().fg(Color::DarkGray));
    let message = if msg.is_empty() {
        app.last_reload.clone()
    } else {
        msg.clone()
    };
    // The device name only where it fits beside the rest; long names are cut.
    let device = if area.width >= 120 {
        let name: String = app.audio.device.chars().take(18).collect();
        format!("{name} ")
    } else {
        String::new()
    };
    let spans = vec![
        Span::styled(
            format!("{}{modified}", app.file_name()),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        sep.clone(),
        Span::raw(format!("{:.0} bpm {bar:.0}.{beat:.0}", app.bpm)),
        sep.clone(),
        Span::raw(format!("DSP {:>2.0}% xruns {}", l.load * 100.0, l.xruns)),
        sep.clone(),
        Span::raw(format!("{device}{} Hz/{buffer}", app.audio.sample_rate)),
        sep,
        Span::styled(message, tone),
    ];
    Paragraph::new(Line::from(spans))
        .style(Style::new().bg(Color::Black))
        .render(area, buf);
}

pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let text = match (app.muted, app.debug.is_empty()) {
        (true, _) => format!("MUTED (^U unmute)  {HINTS}"),
        (false, false) => format!("{}  {HINTS}", app.debug),
        (false, true) => HINTS.to_string(),
    };
    Paragraph::new(text)
        .style(Style::new().fg(Color::DarkGray))
        .render(area, buf);
}
