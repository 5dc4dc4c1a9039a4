//! The editor pane: line numbers with error marks, highlighted text, the selection, and underlined error spans.

use super::super::app::App;
use super::super::highlight::{self, Class};
use crate::lang::Severity;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthChar;

/// Gutter: 4 digits, a mark, a bar.
const GUTTER: u16 = 6;

fn block(app: &App) -> Block<'static> {
    let modified = if app.modified() { " ●" } else { "" };
    Block::bordered().title(format!(" {}{modified} ", app.file_name()))
}

/// The text area inside the pane (after border and gutter).
pub fn text_area(area: Rect) -> Rect {
    let inner = Block::bordered().inner(area);
    Rect {
        x: inner.x + GUTTER,
        width: inner.width.saturating_sub(GUTTER),
        ..inner
    }
}

pub fn style(class: Class) -> Style {
    match class {
        Class::Plain => Style::new(),
        Class::Comment => Style::new().fg(Color::DarkGray),
        Class::Number => Style::new().fg(Color::Magenta),
        Class::Note => Style::new().fg(Color::LightMagenta),
        Class::Node => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        Class::Param => Style::new().fg(Color::Yellow),
        Class::Binding => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        Class::Operator => Style::new().fg(Color::Blue),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let b = block(app);
    let inner = b.inner(area);
    b.render(area, buf);
    let text = app.editor.text();
    let bound = highlight::bindings(&text);
    let selection = app.editor.selection();
    let cursor = app.editor.cursor();
    let width = inner.width.saturating_sub(GUTTER) as usize;
    let hscroll = horizontal_scroll(app, width);
    let mut line_start = 0;
    let lines = app.editor.lines();
    for (row, (i, line)) in lines
        .iter()
        .enumerate()
        .skip(app.editor.scroll)
        .take(inner.height as usize)
        .enumerate()
    {
        let y = inner.y + row as u16;
        line_start = if row == 0 {
            app.editor.offset_of(super::super::editor::Pos { line: i, col: 0 })
        } else {
            line_start
        };
        let line_end = line_start + line.len();
        let worst = app
            .diagnostics
            .iter()
            .filter(|d| {
                d.span.start.max(line_start.min(d.span.end)) <= line_end
                    && d.span.end.max(d.span.start + 1) > line_start
            })
            .map(|d| d.severity)
            .max();
        let (mark, mark_style) = match worst {
            Some(Severity::Error) => ("●", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
            Some(Severity::Warning) => ("▲", Style::new().fg(Color::Yellow)),
            None => (" ", Style::new()),
        };
        let num_style = if i == cursor.line {
            Style::new().fg(Color::White)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        buf.set_string(inner.x, y, format!("{:>4}", i + 1), num_style);
        buf.set_string(inner.x + 4, y, mark, mark_style);
        buf.set_string(inner.x + 5, y, "│", Style::new().fg(Color::DarkGray));
        let classes = highlight::line(line, &bound);
        let mut x = 0usize;
        for (col, (byte, ch)) in line.char_indices().enumerate() {
            let w = ch.width().unwrap_or(0);
            if x + w > hscroll + width {
                break;
            }
            if x >= hscroll {
                let class = classes
                    .iter()
                    .find(|(r, _)| r.contains(&byte))
                    .map_or(Class::Plain, |(_, c)| *c);
                let mut st = style(class);
                let pos = super::super::editor::Pos { line: i, col };
                if selection.is_some_and(|(a, b)| a <= pos && pos < b) {
                    st = st.add_modifier(Modifier::REVERSED);
                }
                let at = line_start + byte;
                if let Some(d) = app
                    .diagnostics
                    .iter()
                    .find(|d| at >= d.span.start && at < d.span.end.max(d.span.start + 1))
                {
                    let c = if d.is_error() { Color::Red } else { Color::Yellow };
                    st = st.add_modifier(Modifier::UNDERLINED).underline_color(c).fg(c);
                }
                let cx = inner.x + GUTTER + (x - hscroll) as u16;
                buf.set_string(cx, y, ch.to_string(), st);
            }
            x += w;
        }
        // An error at the end of a line (a missing value) still gets a mark to see.
        if let Some(d) = app
            .diagnostics
            .iter()
            .find(|d| d.is_error() && d.span.start == line_end && d.span.end <= line_end + 1)
            && x >= hscroll
            && x - hscroll < width
        {
            let _ = d;
            buf.set_string(
                inner.x + GUTTER + (x - hscroll) as u16,
                y,
                "◂",
                Style::new().fg(Color::Red),
            );
        }
        line_start = line_end + 1;
    }
}

/// The cursor's column on screen, in cells (wide characters take two).
fn cursor_column(app: &App) -> usize {
    let c = app.editor.cursor();
    app.editor.lines()[c.line]
        .chars()
        .take(c.col)
        .map(|ch| ch.width().unwrap_or(0))
        .sum()
}

/// Columns scrolled off to the left so the cursor stays visible.
pub fn horizontal_scroll(app: &App, width: usize) -> usize {
    let x = cursor_column(app);
    if width == 0 || x < width { 0 } else { x + 1 - width }
}

/// The cursor's screen position inside `text` (the text area).
pub fn cursor_position(app: &App, text: Rect) -> (u16, u16) {
    let c = app.editor.cursor();
    let x = cursor_column(app);
    let x = x - horizontal_scroll(app, text.width as usize);
    (
        text.x + x as u16,
        text.y + (c.line.saturating_sub(app.editor.scroll)) as u16,
    )
}
