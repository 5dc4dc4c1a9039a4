//! Drawing the app: the layout and the widgets of each pane. Pure functions of `App` into a `Buffer`, so screens
//! are snapshot-tested with `TestBackend`. Only the 16 basic colours are used. UI thread.

mod diagnostics;
mod editor;
mod help;
mod meters;
mod preview;
mod scope;
mod spectrum;
mod status;

use super::app::{App, Mode};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

/// Where the editor's text goes, so the runner can place the terminal cursor and scroll.
pub fn editor_area(app: &App, area: Rect) -> Rect {
    let [main, _, _] = rows(area);
    let [left, _] = columns(app, main);
    editor::text_area(left, app.editor.lines().len())
}

fn rows(area: Rect) -> [Rect; 3] {
    Layout::vertical([Constraint::Min(3), Constraint::Length(1), Constraint::Length(1)]).areas(area)
}

/// Whether the side panel shows at this width: F3 hides it, and below 72 columns the text gets the whole width.
pub fn panel_shown(app: &App, width: u16) -> bool {
    app.show_panel && width >= 72
}

/// The editor and the side panel. The panel takes about 30% of the width (24 to 40 columns), so the text keeps
/// most of a narrow terminal.
fn columns(app: &App, main: Rect) -> [Rect; 2] {
    let side = if panel_shown(app, main.width) {
        (main.width * 3 / 10).clamp(24, 40)
    } else {
        0
    };
    Layout::horizontal([Constraint::Min(20), Constraint::Length(side)]).areas(main)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let [main, status_row, footer] = rows(area);
    let [left, right] = columns(app, main);
    editor::render(app, left, buf);
    if right.width > 0 {
        let scope_h = if right.height >= 30 { 14 } else { 8 };
        let [scope_area, meter_area, diag_area] =
            Layout::vertical([Constraint::Length(scope_h), Constraint::Length(4), Constraint::Min(3)]).areas(right);
        scope::render(app, scope_area, buf);
        meters::render(app, meter_area, buf);
        diagnostics::render(app, diag_area, buf);
    }
    status::render(app, status_row, buf);
    status::footer(app, footer, buf);
    match &app.mode {
        Mode::Help { query, scroll } => help::render(query, *scroll, area, buf),
        Mode::ConfirmQuit => question(
            "Unsaved changes",
            "Quit without saving?  y = quit, s = save and quit, n = stay",
            area,
            buf,
        ),
        Mode::Conflict { disk } if disk.trim().is_empty() => question(
            "The file on disk is empty",
            "Another program emptied it (or a save is still being written). Your text keeps playing.  l = load the empty file (silence), k = keep mine",
            area,
            buf,
        ),
        Mode::Conflict { .. } => question(
            "The file changed on disk",
            "It was changed by another program while you have unsaved edits here.  k = keep mine (Ctrl-S to overwrite), l = load theirs (Ctrl-Z undoes)",
            area,
            buf,
        ),
        Mode::Recovered(_) => question(
            "Unsaved text from an earlier session",
            "It ended before saving; its text was kept.  r = restore it (Ctrl-Z undoes), d = discard it, k = decide later",
            area,
            buf,
        ),
        Mode::History { selected } => history(app, *selected, area, buf),
        Mode::Edit => {}
    }
}

/// The versions of this session, newest first: `v7  12:03  saw notes -> lowpass …`.
fn history(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let w = area.width.saturating_sub(6).min(90);
    let h = (app.history.len() as u16 + 2).min(area.height.saturating_sub(4)).max(3);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + 2,
        width: w,
        height: h,
    };
    Clear.render(r, buf);
    let rows = usize::from(h.saturating_sub(2));
    let first = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<ratatui::text::Line> = app
        .history
        .iter()
        .rev()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, (v, t, text))| {
            let code = text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            let secs = *t as u64;
            let line = format!("v{v:<4} {:02}:{:02}  {}", secs / 60, secs % 60, code.unwrap_or(""));
            let style = if i == selected {
                Style::new().add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                Style::new()
            };
            ratatui::text::Line::styled(line, style)
        })
        .collect();
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(" versions this session · Enter loads one (Ctrl-Z undoes) · Esc ")
                .border_style(Style::new().fg(Color::Cyan)),
        )
        .render(r, buf);
}

/// A small centred box with a question.
fn question(title: &str, text: &str, area: Rect, buf: &mut Buffer) {
    let w = area.width.saturating_sub(8).min(64);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + area.height / 3,
        width: w,
        height: 5.min(area.height),
    };
    Clear.render(r, buf);
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .block(
            Block::bordered()
                .title(format!(" {title} "))
                .border_style(Style::new().fg(Color::Yellow)),
        )
        .render(r, buf);
}

/// The terminal cursor's position for the editor.
/// Scroll the editor so the cursor shows in a screen of `area` (by rows of text when lines wrap).
pub fn scroll_to_cursor(app: &mut App, area: Rect) {
    let text = editor_area(app, area);
    app.editor.scroll_to_cursor(text.height as usize);
    editor::fit_wrapped(app, text.width as usize, text.height as usize);
}

pub fn cursor_in(app: &App, area: Rect) -> (u16, u16) {
    editor::cursor_position(app, editor_area(app, area))
}
