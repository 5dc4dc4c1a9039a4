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
            Action::Learn => self.learn(),
            Action::ToggleWrap => {
                self.wrap = !self.wrap;
                let what = if self.wrap { "on" } else { "off" };
                self.status = (format!("soft wrap {what} (Alt-Z)"), Tone::Info);
                None
            }
            _ => None,
        }
    }

    /// Ctrl-L on a number: the next knob moved takes its place as `(cc N …)`, starting where the number was.
    fn learn(&mut self) -> Option<Effect> {
        if self.learning.take().is_some() {
            self.status = ("learn cancelled".into(), Tone::Info);
            return None;
        }
        let c = self.cursor();
        let Some((from, to, value)) = self.editor.number_at(c.line, c.col) else {
            self.status = ("learn: put the cursor on a number first".into(), Tone::Bad);
            return None;
        };
        self.learning = Some((c.line, from, to, value));
        self.status = (
            format!(
                "learn: move a knob to map it to {value} on line {} (Ctrl-L or Esc cancels)",
                c.line + 1
            ),
            Tone::Info,
        );
        Some(Effect::Learn)
    }

    /// A knob moved (channel 0..15, controller number): while learning, it replaces the number, as one edit.
    pub fn on_controller(&mut self, channel: u8, number: u8) {
        let Some((line, from, to, value)) = self.learning.take() else {
            return;
        };
        let text = learned(channel, number, value);
        self.editor.replace_in_line(line, from, to, &text);
        self.recheck();
        self.status = (
            format!(
                "learned cc {number} on line {}: Ctrl-S to play it, Ctrl-Z to undo",
                line + 1
            ),
            Tone::Good,
        );
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

/// The text a learned knob writes: around the number's value, a quarter to four times it on an exponential curve for
/// a positive value (frequencies, times), ±2·|value| linear otherwise; starting at the value.
pub fn learned(channel: u8, number: u8, value: f64) -> String {
    let ch = channel + 1;
    if value > 0.0 {
        let (min, max) = (tidy(value / 4.0), tidy(value * 4.0));
        format!("(cc {number} min={min} max={max} curve=exp init=0.5 ch={ch})")
    } else {
        let span = if value == 0.0 { 1.0 } else { 2.0 * value.abs() };
        let init = tidy((value + span) / (2.0 * span));
        format!(
            "(cc {number} min={} max={} init={init} ch={ch})",
            tidy(-span),
            tidy(span)
        )
    }
}

/// A number as a performer would write it: at most four significant digits, no trailing zeros.
fn tidy(v: f64) -> String {
    let digits = (3 - v.abs().max(1e-9).log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
