//! The TUI's model: the buffer, what the engine last reported, the diagnostics of the text on screen, and the
//! overlays. `update` turns actions into state changes and effects; it touches no files and no audio, so it is
//! tested without either. UI thread.

use super::action::{Action, Effect};
use super::editor::{Editor, Pos};
use crate::compile;
use crate::engine::telemetry::Levels;
use crate::lang::Diagnostic;
use crate::live::{AudioInfo, Report};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Edit,
    Help {
        query: String,
        scroll: usize,
    },
    /// Quit with unsaved changes?
    ConfirmQuit,
    /// The file changed on disk while the buffer has unsaved changes.
    Conflict,
    /// The file on disk became empty (a save still being written, or deleted text): load it only if asked.
    EmptyOnDisk,
    /// An earlier session ended with unsaved text, kept in `PATCH.recovered`: restore it?
    Recovered(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Bad,
}

/// Meter state: levels with a peak hold that falls back after a while.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Meters {
    pub peak: [f32; 2],
    pub rms: [f32; 2],
    pub hold: [f32; 2],
    hold_ticks: [u32; 2],
    /// The limiter is working (or the output touched the ceiling) recently.
    pub limiting: bool,
}

/// Frames kept for the scope.
pub const SCOPE_FRAMES: usize = 4096;

// Its flags are independent facts about the screen (on disk, muted, quitting, a check waiting), not a state
// machine in disguise.
#[allow(clippy::struct_excessive_bools)]
pub struct App {
    pub editor: Editor,
    pub path: PathBuf,
    /// The text as it is on disk (after our last save or load).
    pub saved: String,
    pub on_disk: bool,
    /// Diagnostics of the buffer as it is now (or as it was when the last check of a large buffer finished).
    pub diagnostics: Vec<Diagnostic>,
    /// Line and column of each diagnostic, worked out once per check rather than on every frame.
    pub diag_at: Vec<(usize, usize)>,
    /// Diagnostic spans sorted by where they start, with their index, and the longest span: the editor finds the
    /// ones on a line by binary search, so a frame costs the same with 100 000 diagnostics as with one.
    pub spans: Vec<(usize, usize, usize)>,
    pub longest_span: usize,
    /// Names bound in the buffer, for highlighting, found once per change.
    pub bound: std::collections::HashSet<String>,
    /// A large buffer changed and waits to be checked off the UI thread (see `CHECK_INLINE`).
    pub check_due: bool,
    pub selected_diag: usize,
    pub status: (String, Tone),
    pub last_reload: String,
    pub mode: Mode,
    pub audio: AudioInfo,
    pub levels: Levels,
    pub meters: Meters,
    /// The tempo playing (not the one being typed: it changes when a version lands).
    pub bpm: f64,
    /// Interleaved L/R, the newest frames last.
    pub scope: Vec<f32>,
    pub muted: bool,
    pub quit: bool,
    /// DebugNode values, `name=value …`, shown in the footer.
    pub debug: String,
    /// Lines (0-based) of nodes the engine muted in the version playing, marked in the gutter.
    pub muted_lines: Vec<usize>,
    /// The side panel (scope, meters, errors) is shown; F3 hides it to give the text the whole width.
    pub show_panel: bool,
    /// An armed version's summary, shown in place of its PENDING line once it lands.
    pub pending: Option<String>,
}

/// Buffers up to this size are checked on every keystroke right here; larger ones on the checker thread.
pub const CHECK_INLINE: usize = 64 * 1024;

/// Diagnostics of a text, sorted errors first then by place.
pub type Checked = Vec<Diagnostic>;

/// Check `text` as the editor shows it. Pure; any thread.
pub fn check_text(text: &str) -> Checked {
    let mut diagnostics = match compile::check(text) {
        Ok(c) => c.warnings,
        Err(d) => d,
    };
    diagnostics.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.span.start));
    diagnostics
}

/// What a new file starts from.
pub const TEMPLATE: &str =
    "# A new patch: edit, then Ctrl-S to save and hear it.\nbpm 120\n\nsine a4 -> gain 0.2 -> out\n";

impl App {
    pub fn new(path: PathBuf, text: &str, on_disk: bool, audio: AudioInfo) -> Self {
        let mut app = Self {
            editor: Editor::new(text),
            path,
            saved: if on_disk { text.to_string() } else { String::new() },
            on_disk,
            diagnostics: vec![],
            diag_at: vec![],
            spans: vec![],
            longest_span: 0,
            bound: std::collections::HashSet::new(),
            check_due: false,
            selected_diag: 0,
            status: (String::new(), Tone::Info),
            last_reload: String::new(),
            mode: Mode::Edit,
            audio,
            levels: Levels::default(),
            debug: String::new(),
            meters: Meters::default(),
            bpm: 120.0,
            scope: Vec::with_capacity(4 * SCOPE_FRAMES),
            muted: false,
            muted_lines: Vec::new(),
            show_panel: true,
            pending: None,
            quit: false,
        };
        if !on_disk {
            app.status = ("new file: Ctrl-S creates it".into(), Tone::Info);
        }
        app.recheck();
        app
    }

    pub fn modified(&self) -> bool {
        !self.on_disk || self.editor.text() != self.saved
    }

    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }

    /// Check the buffer as it is, so errors show while typing. A large buffer (a big paste) is checked off the UI
    /// thread instead, so typing never waits for the compiler: `check_due` asks the runner to do it.
    fn recheck(&mut self) {
        let text = self.editor.text();
        self.bound = super::highlight::bindings(&text);
        if text.len() > CHECK_INLINE {
            self.check_due = true;
            return;
        }
        let checked = check_text(&text);
        self.set_checked(&text, checked);
    }

    /// The result of checking `text` (here or on the checker thread); stale results are for the runner to drop.
    pub fn set_checked(&mut self, text: &str, diagnostics: Checked) {
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

    pub fn update(&mut self, action: Action) -> Option<Effect> {
        // The performer's safety keys act the same on every screen, dialog and mode.
        match action {
            Action::Panic => {
                self.muted = true;
                self.status = ("PANIC: muted and tails cleared; Ctrl-U to unmute".into(), Tone::Bad);
                return Some(Effect::Panic);
            }
            Action::Unmute => {
                self.muted = false;
                self.status = ("unmuted".into(), Tone::Info);
                return Some(Effect::Unmute);
            }
            _ => {}
        }
        match &mut self.mode {
            Mode::Help { query, scroll } => {
                match action {
                    Action::ToggleHelp | Action::Escape => self.mode = Mode::Edit,
                    Action::HelpQuery(c) => {
                        query.push(c);
                        *scroll = 0;
                    }
                    Action::HelpBackspace => {
                        query.pop();
                    }
                    Action::HelpScroll(d) => *scroll = scroll.saturating_add_signed(d as isize),
                    Action::Quit => return self.update_edit(Action::Quit),
                    _ => {}
                }
                None
            }
            Mode::ConfirmQuit => match action {
                Action::Answer('y') => {
                    self.quit = true;
                    Some(Effect::Quit)
                }
                Action::Answer('s') => {
                    self.mode = Mode::Edit;
                    Some(Effect::SaveThenQuit(self.editor.text()))
                }
                Action::Answer(_) => {
                    self.mode = Mode::Edit;
                    None
                }
                _ => None,
            },
            Mode::Recovered(text) => match action {
                Action::Answer('r') => {
                    let text = std::mem::take(text);
                    self.mode = Mode::Edit;
                    self.editor.replace_all(&text);
                    self.recheck();
                    self.status = (
                        "recovered text restored (Ctrl-Z undoes it); Ctrl-S saves it".into(),
                        Tone::Info,
                    );
                    Some(Effect::DropRecovered)
                }
                Action::Answer('d') => {
                    self.mode = Mode::Edit;
                    self.status = ("recovered text discarded".into(), Tone::Info);
                    Some(Effect::DropRecovered)
                }
                Action::Answer('k' | 'n') => {
                    self.mode = Mode::Edit;
                    self.status = ("the recovered text stays in its .recovered file".into(), Tone::Info);
                    None
                }
                _ => None,
            },
            Mode::EmptyOnDisk => match action {
                Action::Answer('l') => {
                    self.mode = Mode::Edit;
                    Some(Effect::LoadFromDisk)
                }
                Action::Answer('k' | 'n') => {
                    self.mode = Mode::Edit;
                    self.status = (
                        "kept your text; the file on disk is empty (Ctrl-S writes yours)".into(),
                        Tone::Info,
                    );
                    self.saved = String::new();
                    None
                }
                _ => None,
            },
            Mode::Conflict => match action {
                Action::Answer('l') => {
                    self.mode = Mode::Edit;
                    Some(Effect::LoadFromDisk)
                }
                Action::Answer('k') => {
                    self.mode = Mode::Edit;
                    self.status = ("kept your version; Ctrl-S overwrites the file".into(), Tone::Info);
                    None
                }
                _ => None,
            },
            Mode::Edit => self.update_edit(action),
        }
    }

    fn update_edit(&mut self, action: Action) -> Option<Effect> {
        let text_changed = matches!(
            action,
            Action::Insert(_)
                | Action::PasteText(_)
                | Action::Newline
                | Action::Backspace
                | Action::Delete
                | Action::Indent
                | Action::Dedent
                | Action::DeleteWordBack
                | Action::ToggleComment
                | Action::DuplicateLines
                | Action::MoveLines(_)
                | Action::Cut
                | Action::Paste
                | Action::Undo
                | Action::Redo
        );
        let effect = match action {
            Action::Insert(c) => {
                self.editor.insert(&c.to_string());
                None
            }
            Action::PasteText(t) => {
                self.editor.insert(&t.replace("\r\n", "\n").replace('\r', "\n"));
                None
            }
            Action::Newline => {
                self.editor.newline();
                None
            }
            Action::Backspace => {
                self.editor.backspace();
                None
            }
            Action::Delete => {
                self.editor.delete();
                None
            }
            Action::Indent => {
                self.editor.indent();
                None
            }
            Action::Dedent => {
                self.editor.dedent();
                None
            }
            Action::DeleteWordBack => {
                self.editor.delete_word_back();
                None
            }
            Action::ToggleComment => {
                // Scripts comment with `//`, patches with `#`.
                let mark = match compile::Lang::detect(&self.editor.text()) {
                    compile::Lang::Synchrolang => "//",
                    compile::Lang::Patch => "#",
                };
                self.editor.toggle_comment(mark);
                None
            }
            Action::DuplicateLines => {
                self.editor.duplicate_lines();
                None
            }
            Action::MoveLines(down) => {
                self.editor.move_lines(down);
                None
            }
            Action::TogglePanel => {
                self.show_panel = !self.show_panel;
                None
            }
            Action::Move(m, select) => {
                self.editor.move_to(m, select);
                None
            }
            Action::SelectAll => {
                self.editor.select_all();
                None
            }
            Action::Copy => {
                self.editor.copy();
                None
            }
            Action::Cut => {
                self.editor.cut();
                None
            }
            Action::Paste => {
                self.editor.paste();
                None
            }
            Action::Undo => {
                self.editor.undo();
                None
            }
            Action::Redo => {
                self.editor.redo();
                None
            }
            Action::Save => Some(Effect::Save(self.editor.text())),
            Action::Quit if self.modified() => {
                self.mode = Mode::ConfirmQuit;
                None
            }
            Action::Quit => {
                self.quit = true;
                Some(Effect::Quit)
            }
            Action::ToggleHelp => {
                self.mode = Mode::Help {
                    query: String::new(),
                    scroll: 0,
                };
                None
            }
            Action::Escape => {
                self.editor.set_cursor(self.editor.cursor());
                None
            }
            Action::NextError => self.jump_to_diagnostic(1),
            Action::PrevError => self.jump_to_diagnostic(-1),
            // Panic and unmute were handled in `update`, in every mode.
            Action::Panic
            | Action::Unmute
            | Action::HelpQuery(_)
            | Action::HelpBackspace
            | Action::HelpScroll(_)
            | Action::Answer(_) => None,
        };
        if text_changed {
            self.recheck();
        }
        effect
    }

    /// Select the next (or previous) diagnostic and put the cursor at its place.
    fn jump_to_diagnostic(&mut self, dir: isize) -> Option<Effect> {
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

    /// The result of saving: written or not.
    pub fn on_saved(&mut self, text: &str, result: Result<(), String>) {
        self.on_saved_then(text, result, false);
    }

    /// As `on_saved`; with `quit`, quit once the text is on disk, and stay (saying why) when it is not.
    pub fn on_saved_then(&mut self, text: &str, result: Result<(), String>, quit: bool) {
        match result {
            Ok(()) => {
                self.saved = text.to_string();
                self.on_disk = true;
                self.quit |= quit;
            }
            Err(e) => {
                let staying = if quit { " (not quitting)" } else { "" };
                self.status = (format!("NOT SAVED{staying}: {e}; your text is still here"), Tone::Bad);
            }
        }
    }

    /// Every version sent has landed: an armed one's PENDING line becomes its summary.
    pub fn on_settled(&mut self) {
        if let Some(summary) = self.pending.take() {
            self.last_reload = summary;
        }
    }

    /// The first version, as the file was opened: errors keep silence (nothing played before), said so.
    pub fn on_opened(&mut self, result: &Result<Option<Report>, Vec<Diagnostic>>) {
        match result {
            Err(diags) => {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                self.status = (
                    format!("opened with {errors} error(s): nothing plays until they are fixed and saved"),
                    Tone::Bad,
                );
            }
            _ => self.on_reload(result),
        }
    }

    /// The engine's answer to a reload of the saved text.
    pub fn on_reload(&mut self, result: &Result<Option<Report>, Vec<Diagnostic>>) {
        match result {
            Ok(Some(report)) => self.on_sent(report),
            Ok(None) => self.status = ("saved; waiting for the previous change to land".into(), Tone::Info),
            Err(diags) => {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                self.status = (
                    format!("saved, but {errors} error(s): the last good version keeps playing"),
                    Tone::Bad,
                );
            }
        }
    }

    /// The engine muted a node: say which and where, and mark its line.
    pub fn on_fault(&mut self, fault: &crate::live::Fault) {
        self.status = (fault.describe(), Tone::Bad);
        if fault.line > 0 && !self.muted_lines.contains(&(fault.line - 1)) {
            self.muted_lines.push(fault.line - 1);
        }
    }

    /// A version reached the engine: its report replaces any older message.
    pub fn on_sent(&mut self, report: &Report) {
        self.last_reload = report.to_string();
        self.pending = report.lands.map(|_| report.summary());
        self.bpm = report.bpm;
        self.muted_lines.clear();
        // A new file keeps saying how to create it until it exists.
        if self.on_disk {
            self.status = (String::new(), Tone::Good);
        }
    }

    /// The file changed on disk (not by us).
    pub fn on_disk_change(&mut self, disk: &str) -> Option<Effect> {
        if disk == self.saved {
            return None;
        }
        // An empty file replacing a patch is far more often a save caught half-way, or a mistake, than a wish for
        // silence: it goes live only when the performer says so.
        if disk.trim().is_empty() && !self.editor.text().trim().is_empty() {
            self.mode = Mode::EmptyOnDisk;
            return None;
        }
        if self.modified() {
            self.mode = Mode::Conflict;
            return None;
        }
        Some(Effect::LoadFromDisk)
    }

    /// Replace the buffer with `text` from disk, keeping the cursor where it can be. Undoable: Ctrl-Z brings back
    /// the text it replaced (unsaved edits included).
    pub fn load(&mut self, text: &str) {
        self.editor.replace_all(text);
        self.saved = text.to_string();
        self.on_disk = true;
        self.status = ("reloaded from disk (Ctrl-Z brings your text back)".into(), Tone::Info);
        self.recheck();
    }

    /// Offer the text an earlier session left in its recovery file, when it differs from the buffer.
    pub fn offer_recovered(&mut self, text: String) {
        if text != self.editor.text() {
            self.mode = Mode::Recovered(text);
        }
    }

    /// New telemetry and scope samples from the engine.
    pub fn on_levels(&mut self, levels: Levels, scope: &[f32]) {
        self.levels = levels;
        let m = &mut self.meters;
        for c in 0..2 {
            m.peak[c] = levels.peak[c];
            m.rms[c] = levels.rms[c];
            if levels.peak[c] >= m.hold[c] {
                m.hold[c] = levels.peak[c];
                m.hold_ticks[c] = 0;
            } else {
                m.hold_ticks[c] += 1;
                // Hold for about a second at 30 updates a second, then fall.
                if m.hold_ticks[c] > 30 {
                    m.hold[c] *= 0.9;
                }
            }
        }
        m.limiting = levels.reduction_db > 0.1;
        self.scope.extend_from_slice(scope);
        let keep = 2 * SCOPE_FRAMES;
        if self.scope.len() > keep {
            self.scope.drain(..self.scope.len() - keep);
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

    /// Where the cursor is (line, character column).
    pub fn cursor(&self) -> Pos {
        self.editor.cursor()
    }
}

#[cfg(test)]
mod tests;
