//! The app's view of its text's diagnostics: checking (here for small buffers, on the checker thread for large
//! ones), where each one stands, the ones on a line, and moving between them. Pure; UI thread.

use super::super::action::Effect;
use super::{App, Tone};
use crate::compile;
use crate::lang::Diagnostic;

/// Buffers up to this size are checked on every keystroke right here; larger ones on the checker thread.
pub const CHECK_INLINE: usize = 64 * 1024;

/// A text's diagnostics, sorted errors first then by place, and its graph when it has no errors (for the preview).
#[derive(Debug, Clone)]
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub spec: Option<compile::GraphSpec>,
}

/// Check `text` as the editor shows it. Pure; any thread.
pub fn check_text(text: &str) -> Checked {
    let (mut diagnostics, spec) = match compile::check(text) {
        Ok(c) => (c.warnings, Some(c.spec)),
        Err(d) => (d, None),
    };
    diagnostics.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.start));
    Checked { diagnostics, spec }
}

impl App {
    /// Check the buffer as it is, so errors show while typing. A large buffer (a big paste) is checked off the UI
    /// thread instead, so typing never waits for the compiler: `check_due` asks the runner to do it.
    pub(super) fn recheck(&mut self) {
        let text = self.editor.text();
        self.bound = super::super::highlight::bindings(&text);
        if text.len() > CHECK_INLINE {
            self.check_due = true;
            return;
        }
        let checked = check_text(&text);
        self.set_checked(&text, checked);
    }

    /// The result of checking `text` (here or on the checker thread); stale results are for the runner to drop.
    pub fn set_checked(&mut self, text: &str, checked: Checked) {
        let diagnostics = checked.diagnostics;
        // The preview is worked out by the runner, which knows the graph playing.
        // Large buffers go without: planning them on every keystroke would make typing wait.
        self.preview_spec = checked.spec.filter(|_| text.len() <= CHECK_INLINE);
        self.preview_due = true;
        let index = crate::lang::span::LineIndex::new(text);
        self.diag_at = diagnostics.iter().map(|d| index.line_col(text, d.span.start)).collect();
        self.spans = diagnostics
            .iter()
            .enumerate()
            .map(|(i, d)| (d.span.start, d.span.end.max(d.span.start + 1), i))
            .collect();
        self.spans.sort_unstable();
        self.longest_span = self.spans.iter().map(|(a, b, _)| b - a).max().unwrap_or(0);
        self.diagnostics = diagnostics;
        self.selected_diag = self.selected_diag.min(self.diagnostics.len().saturating_sub(1));
    }

    /// Select the next (or previous) diagnostic and put the cursor at its place.
    pub(super) fn jump_to_diagnostic(&mut self, dir: isize) -> Option<Effect> {
        if self.diagnostics.is_empty() {
            self.status = ("no errors".into(), Tone::Good);
            return None;
        }
        let n = self.diagnostics.len();
        let at = self.editor.offset_of(self.editor.cursor());
        // In the order they stand in the text (the list shows errors first), so every one is reached.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (self.diagnostics[i].span.start, i));
        let start = |k: usize| self.diagnostics[order[k]].span.start;
        let on_selected = self
            .diagnostics
            .get(self.selected_diag)
            .is_some_and(|d| d.span.start == at);
        let k = match order.iter().position(|&i| i == self.selected_diag) {
            // On one already: step to its neighbour, even one at the same place.
            Some(k) if on_selected => (k as isize + dir).rem_euclid(n as isize) as usize,
            // From the cursor: the first after it (or before it, going back), wrapping round.
            _ if dir > 0 => (0..n).find(|&k| start(k) > at).unwrap_or(0),
            _ => (0..n).rev().find(|&k| start(k) < at).unwrap_or(n - 1),
        };
        let next = order[k];
        self.selected_diag = next;
        self.goto_selected();
        None
    }

    pub fn goto_selected(&mut self) {
        if let Some(d) = self.diagnostics.get(self.selected_diag) {
            let p = self.editor.pos_of(d.span.start);
            self.editor.set_cursor(p);
        }
    }

    /// The diagnostics touching the bytes `start..=end` of the text.
    pub fn diagnostics_in(&self, start: usize, end: usize) -> impl Iterator<Item = &Diagnostic> {
        let lo = self
            .spans
            .partition_point(|s| s.0 < start.saturating_sub(self.longest_span));
        let hi = self.spans.partition_point(|s| s.0 <= end);
        self.spans[lo..hi.max(lo)]
            .iter()
            .filter(move |s| s.1 > start)
            .filter_map(|s| self.diagnostics.get(s.2))
    }
}
