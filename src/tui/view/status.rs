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
    // The device name wherever 80 columns leave room for it; long names are cut.
    let device = match area.width {
        120.. => format!("{} ", app.audio.device.chars().take(18).collect::<String>()),
        80.. => format!("{} ", app.audio.device.chars().take(10).collect::<String>()),
        _ => String::new(),
    };
    let mut spans = vec![
        Span::styled(
            format!("{}{modified}", app.file_name()),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        sep.clone(),
        // Spelled out: `10.4` reads as a tempo or a decimal, `bar 10 · beat 4` does not.
        Span::raw(match &app.clock {
            Some(c) => format!("{c} bpm bar {bar:.0} · beat {beat:.0}"),
            None => format!("{:.0} bpm bar {bar:.0} · beat {beat:.0}", app.bpm),
        }),
        sep.clone(),
        Span::raw(format!("DSP {:>2.0}% xruns {}", l.load * 100.0, l.xruns)),
        Span::raw(if app.volume_db == 0 {
            String::new()
        } else {
            format!(" vol {}", crate::live::volume_text(app.volume_db))
        }),
        sep.clone(),
        Span::raw(format!("{device}{} Hz/{buffer}", app.audio.sample_rate)),
        sep,
        Span::styled(message, tone),
    ];
    if let Some(rec) = &app.recording {
        // Right after the file name, where it cannot be missed.
        spans.insert(
            1,
            Span::styled(
                format!(" ● {rec}"),
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        );
    }
    Paragraph::new(Line::from(spans))
        .style(Style::new().bg(Color::Black))
        .render(area, buf);
}

/// The footer: PANIC state first, then (with the side panel hidden) the selected error, then key hints.
pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    if app.muted {
        spans.push(Span::styled(
            "PANIC: MUTED (^U unmute)  ",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    let panel_hidden = !super::panel_shown(app, area.width);
    if let (true, Some(d)) = (panel_hidden, app.diagnostics.get(app.selected_diag)) {
        let (l, c) = app.diag_at.get(app.selected_diag).copied().unwrap_or((0, 0));
        let color = if d.is_error() { Color::Red } else { Color::Yellow };
        let count = app.diagnostics.len();
        let message: String = d.message.chars().take(120).collect();
        let nth = app.selected_diag + 1;
        spans.push(Span::styled(
            format!("{l}:{c} {message} ({nth}/{count}, F2)  "),
            Style::new().fg(color),
        ));
    } else if !app.debug.is_empty() {
        spans.push(Span::styled(
            format!("{}  ", app.debug),
            Style::new().fg(Color::DarkGray),
        ));
    }
    spans.push(Span::styled(HINTS, Style::new().fg(Color::DarkGray)));
    Paragraph::new(Line::from(spans)).render(area, buf);
}
