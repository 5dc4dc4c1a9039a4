//! The editor pane: line numbers with error marks, highlighted text, the selection, and underlined error spans.

use super::super::app::{App, ChainState};
use super::super::highlight::{self, Class};
use crate::lang::Severity;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Widget};
use unicode_width::UnicodeWidthChar;

/// Gutter: the line number (at least 4 digits, more for long files), the preview's mark (what a save would do to
/// the line), the error mark, the chain's meter (or its mute or solo), a bar.
fn gutter(lines: usize) -> u16 {
    lines.to_string().len().max(4) as u16 + 4
}

/// The chain cell: its level as a bar (red past full scale, where the limiter acts), or its mute or solo.
fn chain_cell(app: &App, line: usize) -> (&'static str, Style) {
    let Some(c) = app.chains.iter().find(|c| c.lines.0 == line + 1) else {
        return (" ", Style::new());
    };
    match c.state {
        ChainState::Muted => ("M", Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)),
        ChainState::Soloed => ("S", Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)),
        ChainState::Silenced => ("·", Style::new().fg(Color::DarkGray)),
        ChainState::Playing => level_cell(c.peak),
    }
}

fn level_cell(peak: f32) -> (&'static str, Style) {
    const BARS: [&str; 8] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    if peak > 1.0 {
        return ("█", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD));
    }
    let db = 20.0 * peak.max(1e-9).log10();
    if db < -60.0 {
        return ("▁", Style::new().fg(Color::DarkGray));
    }
    // −60 … 0 dB over the eight bars.
    let k = (((db + 60.0) / 60.0) * 7.0).round().clamp(0.0, 7.0) as usize;
    let color = if db > -6.0 { Color::Yellow } else { Color::Green };
    (BARS[k], Style::new().fg(color))
}

fn block(app: &App) -> Block<'static> {
    let modified = if app.modified() { " ●" } else { "" };
    let b = Block::bordered().title(format!(" {}{modified} ", app.file_name()));
    match super::preview::summary(app) {
        Some(s) => b.title_bottom(s),
        None => b,
    }
}

/// The text area inside the pane (after border and gutter) for a text of `lines` lines.
pub fn text_area(area: Rect, lines: usize) -> Rect {
    let inner = Block::bordered().inner(area);
    let g = gutter(lines);
    Rect {
        x: inner.x + g,
        width: inner.width.saturating_sub(g),
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
    let selection = app.editor.selection();
    let cursor = app.editor.cursor();
    let g = gutter(app.editor.lines().len());
    let digits = g as usize - 4;
    let width = inner.width.saturating_sub(g) as usize;
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
        // The diagnostics touching this line, found once; each character then looks only at these.
        let worst = app.diagnostics_in(line_start, line_end).map(|d| d.severity).max();
        let (from, to) = visible_bytes(line, hscroll, width);
        let here: Vec<&crate::lang::Diagnostic> = app.diagnostics_in(line_start + from, line_start + to).collect();
        let (mark, mark_style) = match worst {
            _ if app.muted_lines.contains(&i) => ("✕", Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)),
            Some(Severity::Error) => ("●", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
            Some(Severity::Warning) => ("▲", Style::new().fg(Color::Yellow)),
            None => (" ", Style::new()),
        };
        let num_style = if i == cursor.line {
            Style::new().fg(Color::White)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        buf.set_string(inner.x, y, format!("{:>digits$}", i + 1), num_style);
        let (change, change_style) = super::preview::mark(app, i);
        buf.set_string(inner.x + g - 4, y, change, change_style);
        buf.set_string(inner.x + g - 3, y, mark, mark_style);
        let (chain, chain_style) = chain_cell(app, i);
        buf.set_string(inner.x + g - 2, y, chain, chain_style);
        buf.set_string(inner.x + g - 1, y, "│", Style::new().fg(Color::DarkGray));
        let classes = classes(line, hscroll, width, app);
        let mut class_at = classes.iter().peekable();
        let mut x = 0usize;
        let mut cut = false;
        for (col, (byte, ch)) in line.char_indices().enumerate() {
            let w = ch.width().unwrap_or(0);
            if x + w > hscroll + width {
                cut = true;
                break;
            }
            // Classes come in order, so the one for this byte is found by walking along with it.
            while class_at.peek().is_some_and(|(r, _)| r.end <= byte) {
                class_at.next();
            }
            if x >= hscroll {
                let class = class_at
                    .peek()
                    .filter(|(r, _)| r.contains(&byte))
                    .map_or(Class::Plain, |(_, c)| *c);
                let mut st = style(class);
                let pos = super::super::editor::Pos { line: i, col };
                if selection.is_some_and(|(a, b)| a <= pos && pos < b) {
                    st = st.add_modifier(Modifier::REVERSED);
                }
                let at = line_start + byte;
                if let Some(d) = here
                    .iter()
                    .find(|d| at >= d.span.start && at < d.span.end.max(d.span.start + 1))
                {
                    let c = if d.is_error() { Color::Red } else { Color::Yellow };
                    st = st.add_modifier(Modifier::UNDERLINED).underline_color(c).fg(c);
                }
                let cx = inner.x + g + (x - hscroll) as u16;
                buf.set_string(cx, y, ch.to_string(), st);
            }
            x += w;
        }
        // An error at the end of a line (a missing value) still gets a mark to see.
        if let Some(d) = here
            .iter()
            .find(|d| d.is_error() && d.span.start == line_end && d.span.end <= line_end + 1)
            && x >= hscroll
            && x - hscroll < width
        {
            let _ = d;
            buf.set_string(inner.x + g + (x - hscroll) as u16, y, "◂", Style::new().fg(Color::Red));
        }
        // Text past either edge is marked, so nothing is hidden without a sign.
        let edge = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        if cut {
            buf.set_string(inner.x + inner.width.saturating_sub(1), y, "›", edge);
        }
        if hscroll > 0 && !line.is_empty() {
            buf.set_string(inner.x + g - 1, y, "‹", edge);
        }
        line_start = line_end + 1;
    }
}

/// Lines longer than this are highlighted only around what is visible.
const LONG_LINE: usize = 4096;

/// Highlighting for the part of `line` that can be seen: all of a normal line; for a very long one (a pasted
/// megabyte) a window around the visible columns, so no frame scans the whole line.
fn classes(line: &str, hscroll: usize, width: usize, app: &App) -> Vec<(std::ops::Range<usize>, Class)> {
    if line.len() <= LONG_LINE {
        return highlight::line(line, &app.bound);
    }
    let (start, to) = visible_bytes(line, hscroll.saturating_sub(64), width + 128);
    // Start on a word boundary, so the first visible word is classed whole.
    let from = line[..start]
        .rfind(' ')
        .map_or(0, |i| i + 1)
        .max(start.saturating_sub(256));
    let from = (from..=start).find(|&b| line.is_char_boundary(b)).unwrap_or(start);
    highlight::line(&line[from..to], &app.bound)
        .into_iter()
        .map(|(r, c)| (r.start + from..r.end + from, c))
        .collect()
}

/// The bytes of `line` shown from column `hscroll` over `width` columns (characters stand in for columns: wide
/// ones only widen the range).
fn visible_bytes(line: &str, hscroll: usize, width: usize) -> (usize, usize) {
    let byte_of = |chars: usize| line.char_indices().nth(chars).map_or(line.len(), |(b, _)| b);
    (byte_of(hscroll), byte_of(hscroll + width + 1))
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
