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
    let g = gutter(app.editor.lines().len());
    let width = inner.width.saturating_sub(g) as usize;
    let hscroll = if app.wrap { 0 } else { horizontal_scroll(app, width) };
    let bottom = inner.y + inner.height;
    let mut y = inner.y;
    let mut line_start = app.editor.offset_of(super::super::editor::Pos {
        line: app.editor.scroll,
        col: 0,
    });
    for (i, line) in app.editor.lines().iter().enumerate().skip(app.editor.scroll) {
        if y >= bottom {
            break;
        }
        let rows = if app.wrap { usize::from(bottom - y) } else { 1 };
        let pane = Pane {
            x: inner.x + g,
            width,
            hscroll,
            bottom,
        };
        draw_gutter(app, i, line_start, line.len(), (inner.x, y, g), buf);
        y = draw_line(app, i, line, line_start, &pane, (y, rows), buf) + 1;
        line_start += line.len() + 1;
    }
}

/// Where a line's text goes: the column it starts at, its width, the columns scrolled off, and the last row + 1.
struct Pane {
    x: u16,
    width: usize,
    hscroll: usize,
    bottom: u16,
}

/// The gutter of line `i`: its number, the preview's mark, the error mark, the chain's meter, the bar.
fn draw_gutter(app: &App, i: usize, start: usize, len: usize, (x, y, g): (u16, u16, u16), buf: &mut Buffer) {
    let digits = g as usize - 4;
    let worst = app.diagnostics_in(start, start + len).map(|d| d.severity).max();
    let (mark, mark_style) = match worst {
        _ if app.muted_lines.contains(&i) => ("✕", Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)),
        Some(Severity::Error) => ("●", Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)),
        Some(Severity::Warning) => ("▲", Style::new().fg(Color::Yellow)),
        None => (" ", Style::new()),
    };
    let num_style = if i == app.editor.cursor().line {
        Style::new().fg(Color::White)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    buf.set_string(x, y, format!("{:>digits$}", i + 1), num_style);
    let (change, change_style) = super::preview::mark(app, i);
    buf.set_string(x + g - 4, y, change, change_style);
    buf.set_string(x + g - 3, y, mark, mark_style);
    let (chain, chain_style) = chain_cell(app, i);
    buf.set_string(x + g - 2, y, chain, chain_style);
    buf.set_string(x + g - 1, y, "│", Style::new().fg(Color::DarkGray));
}

/// Draw one buffer line from row `y`, over at most `rows` rows (more than one when wrapping). Returns the last row
/// it used.
fn draw_line(
    app: &App,
    i: usize,
    line: &str,
    line_start: usize,
    p: &Pane,
    (mut y, rows): (u16, usize),
    buf: &mut Buffer,
) -> u16 {
    let selection = app.editor.selection();
    let span = p.width * rows;
    let (from, to) = visible_bytes(line, p.hscroll, span);
    let here: Vec<&crate::lang::Diagnostic> = app.diagnostics_in(line_start + from, line_start + to).collect();
    let classes = classes(line, p.hscroll, span, app);
    let mut class_at = classes.iter().peekable();
    let bar = Style::new().fg(Color::DarkGray);
    let (mut x, mut cut) = (0usize, false);
    for (col, (byte, ch)) in line.char_indices().enumerate() {
        let w = ch.width().unwrap_or(0);
        if x + w > p.hscroll + p.width {
            // Wrapping: on to the next row, marked in the gutter; otherwise the rest is past the edge.
            if !app.wrap || y + 1 >= p.bottom {
                cut = true;
                break;
            }
            y += 1;
            x = 0;
            buf.set_string(p.x - 1, y, "↪", bar);
        }
        // Classes come in order, so the one for this byte is found by walking along with it.
        while class_at.peek().is_some_and(|(r, _)| r.end <= byte) {
            class_at.next();
        }
        if x >= p.hscroll {
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
            buf.set_string(p.x + (x - p.hscroll) as u16, y, ch.to_string(), st);
        }
        x += w;
    }
    let line_end = line_start + line.len();
    // An error at the end of a line (a missing value) still gets a mark to see.
    if here
        .iter()
        .any(|d| d.is_error() && d.span.start == line_end && d.span.end <= line_end + 1)
        && x >= p.hscroll
        && x - p.hscroll < p.width
    {
        buf.set_string(p.x + (x - p.hscroll) as u16, y, "◂", Style::new().fg(Color::Red));
    }
    // Text past either edge is marked, so nothing is hidden without a sign.
    let edge = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    if cut {
        buf.set_string(p.x + p.width.saturating_sub(1) as u16, y, "›", edge);
    }
    if p.hscroll > 0 && !line.is_empty() {
        buf.set_string(p.x - 1, y, "‹", edge);
    }
    y
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
    if app.wrap {
        let width = usize::from(text.width).max(1);
        let above: usize = (app.editor.scroll..c.line)
            .map(|l| wrapped_rows(&app.editor.lines()[l], width))
            .sum();
        let (row, col) = wrapped_at(&app.editor.lines()[c.line], c.col, width);
        let y = (above + row).min(usize::from(text.height.saturating_sub(1)));
        return (text.x + col as u16, text.y + y as u16);
    }
    let x = x - horizontal_scroll(app, text.width as usize);
    (
        text.x + x as u16,
        text.y + (c.line.saturating_sub(app.editor.scroll)) as u16,
    )
}

/// Rows a line takes when wrapped at `width` cells (wide characters are not split).
pub fn wrapped_rows(line: &str, width: usize) -> usize {
    wrapped_at(line, line.chars().count(), width).0 + 1
}

/// The row and cell of character `col` of a line wrapped at `width` cells, as `draw_line` lays it out.
fn wrapped_at(line: &str, col: usize, width: usize) -> (usize, usize) {
    let (mut row, mut x) = (0, 0);
    for ch in line.chars().take(col) {
        let w = ch.width().unwrap_or(0);
        if x + w > width {
            row += 1;
            x = 0;
        }
        x += w;
    }
    // A cursor right after a full row sits at the start of the next.
    if x >= width && col < line.chars().count() {
        let next = line.chars().nth(col).map_or(0, |c| c.width().unwrap_or(0));
        if x + next > width {
            return (row + 1, 0);
        }
    }
    (row, x)
}

/// With soft wrap on, scroll down until the cursor's row fits in a pane of `height` rows.
pub fn fit_wrapped(app: &mut App, width: usize, height: usize) {
    if !app.wrap || width == 0 {
        return;
    }
    let c = app.editor.cursor();
    loop {
        let above: usize = (app.editor.scroll..c.line)
            .map(|l| wrapped_rows(&app.editor.lines()[l], width))
            .sum();
        let (row, _) = wrapped_at(&app.editor.lines()[c.line], c.col, width);
        if above + row < height || app.editor.scroll >= c.line {
            break;
        }
        app.editor.scroll += 1;
    }
}
