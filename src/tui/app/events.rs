//! What the runner tells the app: saves, reloads, faults, disk changes, recovered text and telemetry. The app
//! turns each into state and status; it touches no files and no audio. UI thread.

use super::super::action::{Action, Effect};
use super::{App, Mode, SCOPE_FRAMES, Tone};
use crate::engine::telemetry::Levels;
use crate::lang::Diagnostic;
use crate::live::Report;

impl App {
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

    /// The armed version was taken back before it landed.
    pub fn on_cancelled(&mut self, version: u32) {
        self.pending = None;
        self.last_reload = format!("v{version} cancelled: the version before it plays on");
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
                if let Some(d) = diags.iter().find(|d| d.code == "E018") {
                    self.on_held(d);
                    return;
                }
                let errors = diags.iter().filter(|d| d.is_error()).count();
                self.status = (
                    format!("saved, but {errors} error(s): the last good version keeps playing"),
                    Tone::Bad,
                );
            }
        }
    }

    /// Preflight held the version back: say why and where, and mark the line.
    fn on_held(&mut self, d: &Diagnostic) {
        let line = crate::lang::span::line_col(&self.editor.text(), d.span.start).0;
        let help = d.help.as_deref().unwrap_or("");
        self.status = (format!("{} (line {line}); {help}", d.message), Tone::Bad);
        if !self.muted_lines.contains(&(line - 1)) {
            self.muted_lines.push(line - 1);
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
        let emptied = disk.trim().is_empty() && !self.editor.text().trim().is_empty();
        if emptied || self.modified() {
            self.mode = Mode::Conflict { disk: disk.to_string() };
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

    /// A change made over REST: the whole text replaced as one undoable edit, then saved like Ctrl-S.
    pub fn take_remote(&mut self, text: &str) -> Option<Effect> {
        self.editor.replace_all(text);
        self.recheck();
        self.update(Action::Save)
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
}
