//! Diagnostics shared by the parser and the compiler, rendered rustc-style (`file:line:col`, source line, caret).
//! Pure; line and column are computed only when rendering. Control/UI thread.

use super::span::{LineIndex, Span, line_col};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    /// Short text under the caret.
    pub label: Option<String>,
    /// A hint on how to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            span,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, span, message)
        }
    }

    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// 1-based line and column of the start of the span.
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        line_col(src, self.span.start)
    }

    /// The rustc-style report:
    /// ```text
    /// error[E002]: unknown node `sinn`
    ///  --> bass.syn:3:7
    ///   |
    /// 3 | osc = sinn 440 -> out
    ///   |       ^^^^ did you mean `sine`?
    /// ```
    pub fn render(&self, path: &str, src: &str) -> String {
        self.render_indexed(path, src, &LineIndex::new(src))
    }

    /// As `render`, with the text's line index made once for many diagnostics. Whatever the input, the report
    /// stays short and printable: the line is cut to a window around the caret, control characters are shown as
    /// symbols, and long names in messages are shortened.
    pub fn render_indexed(&self, path: &str, src: &str, index: &LineIndex) -> String {
        let (line, file_col) = index.line_col(src, self.span.start);
        let full = index.line_text(src, line);
        let width = caret_width(full, file_col, self.span, src);
        let (text, col) = window(full, file_col, width);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let _ = writeln!(out, "{kind}[{}]: {}", self.code, printable(&self.message, MAX_NOTE));
        let _ = writeln!(out, "{pad}--> {path}:{line}:{file_col}");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line} | {text}");
        let lead: String = text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let label = self
            .label
            .as_deref()
            .map_or(String::new(), |l| format!(" {}", printable(l, MAX_NOTE)));
        let carets = width.min(text.chars().count().saturating_sub(col - 1)).max(1);
        let _ = writeln!(out, "{pad} | {lead}{}{label}", "^".repeat(carets));
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {}", printable(help, MAX_NOTE));
        }
        out
    }
}

/// The most characters of a message, label or help shown (a pasted megabyte of name stays readable).
const MAX_NOTE: usize = 160;
/// The most characters of the source line shown around the caret.
const MAX_LINE: usize = 120;

/// `text` with control characters shown as symbols (␀ for NUL) and cut to `max` characters with an ellipsis.
fn printable(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).map(visible).collect();
    if text.chars().nth(max).is_some() {
        out.pop();
        out.push('…');
    }
    out
}

/// A control character as its Unicode picture; tabs stay (the caret line keeps them to align).
fn visible(c: char) -> char {
    match c {
        '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
        '\u{7f}' => '␡',
        // C1 controls (and any other) have no picture: a replacement character keeps the width.
        _ if c.is_control() => '\u{fffd}',
        _ => c,
    }
}

/// The part of a long line around the caret, printable, and the caret's column in it.
fn window(line: &str, col: usize, width: usize) -> (String, usize) {
    let len = line.chars().count();
    if len <= MAX_LINE {
        return (line.chars().map(visible).collect(), col);
    }
    let first = (col - 1).saturating_sub(MAX_LINE / 3).min(len.saturating_sub(MAX_LINE));
    let keep = MAX_LINE.max(width.min(MAX_LINE));
    let mut text: String = line.chars().skip(first).take(keep).map(visible).collect();
    let mut col = col - first;
    if first > 0 {
        text.insert(0, '…');
        col += 1;
    }
    if first + keep < len {
        text.push('…');
    }
    (text, col)
}

/// How many carets: the span's width in characters, clipped to the end of its first line, at least one.
fn caret_width(line: &str, col: usize, span: Span, src: &str) -> usize {
    let rest = line.chars().count().saturating_sub(col - 1);
    let end = span.end.min(src.len()).max(span.start);
    let spanned = src
        .get(span.start..end)
        .map_or(0, |s| s.split('\n').next().unwrap_or("").chars().count());
    spanned.min(rest).max(1)
}

/// Render all diagnostics, errors first, in source order.
pub fn render_all(diags: &[Diagnostic], path: &str, src: &str) -> String {
    let index = LineIndex::new(src);
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.start));
    sorted
        .iter()
        .map(|d| d.render_indexed(path, src, &index))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_caret_under_span() {
        let src = "bpm 120\nosc = sinn 440 -> out\n";
        let start = src.find("sinn").unwrap();
        let d = Diagnostic::error("E002", Span::new(start, start + 4), "unknown node `sinn`")
            .with_label("did you mean `sine`?")
            .with_help("`synchrotron-tui nodes` lists every node");
        insta::assert_snapshot!(d.render("bass.syn", src), @r"
        error[E002]: unknown node `sinn`
         --> bass.syn:2:7
          |
        2 | osc = sinn 440 -> out
          |       ^^^^ did you mean `sine`?
          = help: `synchrotron-tui nodes` lists every node
        ");
    }

    #[test]
    fn a_huge_line_shows_a_window_and_control_characters_show_as_symbols() {
        let name = "x".repeat(1 << 20);
        let src = format!("sine 440 -> out\n{name}\u{0} -> out\n");
        let start = src.find('x').unwrap();
        let d = Diagnostic::error(
            "E002",
            Span::new(start, start + name.len()),
            format!("unknown node `{name}`"),
        )
        .with_label(format!("did you mean `{name}`?"));
        let text = d.render("big.syn", &src);
        assert!(text.len() < 1200, "{} bytes", text.len());
        assert!(text.contains("big.syn:2:1") && text.contains('…'), "{text}");
        let nul = src.find('\u{0}').unwrap();
        let d = Diagnostic::error("E001", Span::new(nul, nul + 1), "unexpected `\u{0}`");
        let text = d.render("big.syn", &src);
        assert!(!text.contains('\u{0}') && text.contains('␀'), "{text:?}");
        assert!(text.contains("big.syn:2:1048577"), "{text}");
        let caret_line = text.lines().nth(4).unwrap();
        let code_line = text.lines().nth(3).unwrap();
        let caret_at = caret_line.chars().position(|c| c == '^').unwrap();
        assert_eq!(
            code_line.chars().nth(caret_at),
            Some('␀'),
            "the caret sits under it:\n{text}"
        );
    }

    #[test]
    fn caret_at_end_of_file_is_one_wide() {
        let src = "sine 440 ->";
        let d = Diagnostic::error("E001", Span::new(11, 11), "expected a node");
        let text = d.render("x.syn", src);
        assert!(text.contains("1:12"), "{text}");
        assert!(text.ends_with("|            ^\n"), "{text:?}");
    }
}
