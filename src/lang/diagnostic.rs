//! Diagnostics shared by the parser and the compiler, rendered rustc-style (`file:line:col`, source line, caret).
//! Pure; line and column are computed only when rendering. Control/UI thread.

use super::span::{Span, line_col, line_text};
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
        let (line, col) = self.line_col(src);
        let text = line_text(src, line);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let _ = writeln!(out, "{kind}[{}]: {}", self.code, self.message);
        let _ = writeln!(out, "{pad}--> {path}:{line}:{col}");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line} | {text}");
        let width = caret_width(text, col, self.span, src);
        let lead: String = text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let label = self.label.as_deref().map_or(String::new(), |l| format!(" {l}"));
        let _ = writeln!(out, "{pad} | {lead}{}{label}", "^".repeat(width));
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        out
    }
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
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.start));
    sorted
        .iter()
        .map(|d| d.render(path, src))
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
    fn caret_at_end_of_file_is_one_wide() {
        let src = "sine 440 ->";
        let d = Diagnostic::error("E001", Span::new(11, 11), "expected a node");
        let text = d.render("x.syn", src);
        assert!(text.contains("1:12"), "{text}");
        assert!(text.ends_with("|            ^\n"), "{text:?}");
    }
}
