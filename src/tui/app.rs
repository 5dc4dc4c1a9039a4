//! The TUI's model: the buffer, what the engine last reported, the diagnostics of the text on screen, and the
//! overlays. `update` turns actions into state changes and effects; it touches no files and no audio, so it is
//! tested without either. UI thread.

use super::action::{Action, Effect};
use super::editor::{Editor, Pos};
use crate::compile;
use crate::engine::telemetry::Levels;
use crate::lang::Diagnostic;
use crate::live::AudioInfo;
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
    /// The file changed on disk (to `disk`) while the buffer has unsaved changes, or it became empty (a save still
    /// being written, or deleted text): load theirs only if asked.
    Conflict {
        disk: String,
    },
    /// An earlier session ended with unsaved text, kept in `PATCH.recovered`: restore it?
    Recovered(String),
    /// The versions of this session, newest first; `selected` indexes them.
    History {
        selected: usize,
    },
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
    /// The quantum (beats) F4 turns back on: the `--quantize` given, or a bar.
    pub quantum: f64,
    /// The master volume in dB (0: as the patch plays it; −60 and below: silent).
    pub volume_db: i32,
    /// The chains of the version playing, with their mute state and level, for the gutter.
    pub chains: Vec<ChainView>,
    /// The scope shows the master rather than the node under the cursor.
    pub scope_pinned: bool,
    /// The scope panel shows the spectrum rather than the waveform.
    pub spectrum: bool,
    /// Long lines wrap at the pane's edge.
    pub wrap: bool,
    /// What the scope shows when it follows the cursor: the node's name and line.
    pub scope_source: Option<String>,
    /// The newest text sent live (saved, or spliced by Ctrl-Enter), as the runner last saw it.
    pub live: std::sync::Arc<str>,
    /// The graph of the buffer as last checked (none while it has errors), waiting to be previewed.
    pub preview_spec: Option<compile::GraphSpec>,
    pub preview_due: bool,
    /// What saving the buffer would do, line by line, against the version playing.
    pub preview: Option<crate::live::preview::Preview>,
    /// `REC 01:23 45.2 MB` while recording.
    pub recording: Option<String>,
    /// The versions that went live this session: number, seconds into the set, text.
    pub history: Vec<(u32, f64, String)>,
    /// MIDI learn waiting for a knob: the number's line, columns and value.
    pub learning: Option<(usize, usize, usize, f64)>,
    /// The external clock's state (`clock 120.0`), shown in place of the patch's tempo.
    pub clock: Option<String>,
    /// The lines of the chain being evaluated, until the engine answers.
    pub evaluated: Option<(usize, usize)>,
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
            quantum: 4.0,
            volume_db: 0,
            chains: Vec::new(),
            scope_pinned: false,
            spectrum: false,
            wrap: false,
            scope_source: None,
            live: "".into(),
            evaluated: None,
            clock: None,
            learning: None,
            recording: None,
            history: Vec::new(),
            preview_spec: None,
            preview_due: false,
            preview: None,
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
            Mode::History { selected } => {
                match action {
                    Action::Move(super::editor::Move::Up, _) => *selected = selected.saturating_sub(1),
                    Action::Move(super::editor::Move::Down, _) => {
                        *selected = (*selected + 1).min(self.history.len().saturating_sub(1));
                    }
                    Action::Newline => {
                        let pick = self
                            .history
                            .len()
                            .checked_sub(1 + *selected)
                            .and_then(|i| self.history.get(i));
                        if let Some((v, _, text)) = pick.cloned() {
                            self.editor.replace_all(&text);
                            self.recheck();
                            self.status = (format!("v{v} loaded (Ctrl-Z undoes it); Ctrl-S plays it"), Tone::Info);
                        }
                        self.mode = Mode::Edit;
                    }
                    Action::Escape | Action::History => self.mode = Mode::Edit,
                    _ => {}
                }
                None
            }
            Mode::Conflict { disk } => match action {
                Action::Answer('l') => {
                    self.mode = Mode::Edit;
                    Some(Effect::LoadFromDisk)
                }
                Action::Answer('k' | 'n') => {
                    // What is on disk now differs from the buffer, so it counts as unsaved until Ctrl-S.
                    self.saved = std::mem::take(disk);
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
            Action::Escape if self.learning.is_some() => {
                self.learning = None;
                self.status = ("learn cancelled".into(), Tone::Info);
                None
            }
            Action::Escape => {
                self.editor.set_cursor(self.editor.cursor());
                // Esc also takes back an armed change that has not landed.
                self.pending.is_some().then_some(Effect::CancelPending)
            }
            Action::ToggleQuantize => Some(Effect::ToggleQuantize),
            Action::Volume(up) => {
                // 3 dB a step, from silence (−60) to +12.
                self.volume_db = (self.volume_db + if up { 3 } else { -3 }).clamp(-60, 12);
                self.status = (
                    format!("master volume {}", crate::live::volume_text(self.volume_db)),
                    Tone::Info,
                );
                Some(Effect::Volume(self.volume_db))
            }
            Action::MuteChain
            | Action::SoloChain
            | Action::Evaluate
            | Action::PinScope
            | Action::ToggleSpectrum
            | Action::ToggleWrap
            | Action::Learn => self.update_stage(&action),
            Action::ToggleRecording => Some(Effect::ToggleRecording),
            Action::History => {
                if self.history.is_empty() {
                    self.status = ("no version has gone live yet".into(), Tone::Info);
                } else {
                    self.mode = Mode::History { selected: 0 };
                }
                None
            }
            Action::SaveRetro => Some(Effect::SaveRetro),
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

    /// Where the cursor is (line, character column).
    pub fn cursor(&self) -> Pos {
        self.editor.cursor()
    }
}

mod checks;
mod events;
mod stage;

pub use checks::{CHECK_INLINE, Checked, check_text};
pub use stage::{ChainState, ChainView};

#[cfg(test)]
mod tests;
