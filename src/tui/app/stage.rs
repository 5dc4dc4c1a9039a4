//! The performer's stage keys: mute and solo a chain, evaluate one chain, and what the scope panel shows. UI
//! thread; like the rest of the app, it only asks the runner (effects) to touch the engine.

use super::super::action::{Action, Effect};
use super::{App, Tone};
use crate::live::chains::Toggled;
pub use crate::live::chains::{ChainState, ChainView};

fn lines_text((a, b): (usize, usize)) -> String {
    if a == b {
        format!("line {a}")
    } else {
        format!("lines {a}–{b}")
    }
}

impl App {
    pub(super) fn update_stage(&mut self, action: &Action) -> Option<Effect> {
        match action {
            Action::MuteChain | Action::SoloChain => Some(Effect::ToggleChain {
                line: self.cursor().line + 1,
                solo: *action == Action::SoloChain,
            }),
            Action::Evaluate => self.evaluate(),
            Action::PinScope => {
                self.scope_pinned = !self.scope_pinned;
                let what = if self.scope_pinned {
                    "the scope shows the master (F9 follows the cursor again)"
                } else {
                    "the scope follows the node under the cursor (F9 pins it to the master)"
                };
                self.status = (what.into(), Tone::Info);
                None
            }
            Action::ToggleSpectrum => {
                self.spectrum = !self.spectrum;
                None
            }
            Action::ToggleWrap => {
                self.wrap = !self.wrap;
                let what = if self.wrap { "on" } else { "off" };
                self.status = (format!("soft wrap {what} (Alt-Z)"), Tone::Info);
                None
            }
            _ => None,
        }
    }

    /// The answer to a mute or solo key.
    pub fn on_toggled(&mut self, result: Result<Toggled, String>) {
        match result {
            Ok(t) => {
                let (what, key) = if t.solo { ("soloed", "F8") } else { ("muted", "F7") };
                let text = if t.on {
                    format!("line {} {what} ({key} again undoes it)", t.line)
                } else {
                    format!("line {} no longer {what}", t.line)
                };
                if let Some(report) = &t.report {
                    self.on_sent(report);
                }
                self.status = (text, Tone::Info);
            }
            Err(why) => self.status = (why, Tone::Bad),
        }
    }

    /// The gutter's view of the chain on a 0-based line, if one is written there.
    pub fn chain_at(&self, line: usize) -> Option<&ChainView> {
        self.chains.iter().find(|c| c.lines.0 <= line + 1 && line < c.lines.1)
    }

    /// Ctrl-Enter: the statements under the cursor (or the selection) go live; nothing is saved.
    fn evaluate(&mut self) -> Option<Effect> {
        let text = self.editor.text();
        if crate::compile::Lang::detect(&text) == crate::compile::Lang::Synchrolang {
            self.status = (
                "Ctrl-Enter evaluates chains of the patch language; Ctrl-S sends a whole script".into(),
                Tone::Bad,
            );
            return None;
        }
        let (from, to) = self
            .editor
            .selection()
            .map_or((self.cursor().line, self.cursor().line), |(a, b)| (a.line, b.line));
        match crate::live::evaluate::splice(&self.live, &text, from, to) {
            Ok(s) if s.changed == 0 => {
                self.status = (format!("{} is live already", lines_text(s.lines)), Tone::Info);
                None
            }
            Ok(s) => {
                self.evaluated = Some(s.lines);
                Some(Effect::Evaluate(s.text))
            }
            Err(why) => {
                self.status = (why, Tone::Bad);
                None
            }
        }
    }

    /// The engine's answer to an evaluated chain.
    pub fn on_evaluated(&mut self, result: &Result<Option<crate::live::Report>, Vec<crate::lang::Diagnostic>>) {
        let lines = self.evaluated.take().map_or_else(String::new, lines_text);
        match result {
            Ok(report) => {
                if let Some(r) = report {
                    self.on_sent(r);
                }
                self.status = (
                    format!("{lines} evaluated; the file is not saved (Ctrl-S saves and sends it all)"),
                    Tone::Good,
                );
            }
            Err(diags) => {
                let first = diags.iter().find(|d| d.is_error()).map_or("", |d| d.message.as_str());
                self.status = (format!("{lines} not evaluated: {first}"), Tone::Bad);
            }
        }
    }
}
