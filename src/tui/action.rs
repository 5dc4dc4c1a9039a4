//! What the performer can do, as verbs. Produced by `keymap`, consumed by `App::update`. Pure; UI thread.

use super::editor::Move;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Insert(char),
    /// Text pasted from the terminal (bracketed paste).
    PasteText(String),
    Newline,
    Backspace,
    Delete,
    Indent,
    Dedent,
    /// Delete back to the start of the word.
    DeleteWordBack,
    ToggleComment,
    DuplicateLines,
    /// Move the touched lines down (`true`) or up.
    MoveLines(bool),
    /// Show or hide the side panel (scope, meters, errors).
    TogglePanel,
    /// Quantised commits on or off.
    ToggleQuantize,
    /// Master volume down (`false`) or up one step.
    Volume(bool),
    /// Mute the chain under the cursor, or unmute it.
    MuteChain,
    /// Solo the chain under the cursor, or take its solo back.
    SoloChain,
    /// Send only the statement(s) under the cursor live (Ctrl-Enter).
    Evaluate,
    /// The scope shows the master, or follows the node under the cursor.
    PinScope,
    /// The scope panel shows the waveform or the spectrum.
    ToggleSpectrum,
    /// Long lines wrap, or run past the edge.
    ToggleWrap,
    /// MIDI learn: the next knob moved takes the number under the cursor (again: cancel).
    Learn,
    /// Start or stop recording.
    ToggleRecording,
    /// Write the retro buffer (the last minutes) out.
    SaveRetro,
    /// The versions of this session (Ctrl-R).
    History,
    Move(Move, bool),
    SelectAll,
    Copy,
    Cut,
    Paste,
    Undo,
    Redo,
    Save,
    Quit,
    ToggleHelp,
    Escape,
    Panic,
    Unmute,
    NextError,
    PrevError,
    /// Typing in the help overlay's search box.
    HelpQuery(char),
    HelpBackspace,
    HelpScroll(i32),
    /// Answers in a question (quit with unsaved changes, file changed on disk).
    Answer(char),
}

/// What `App::update` asks the runner to do; the app itself never touches files or audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write this text to the patch file, then reload it.
    Save(String),
    /// Save, and quit only if the text is safely on disk.
    SaveThenQuit(String),
    /// Forget the recovery file of an earlier session (restored or discarded).
    DropRecovered,
    /// Replace the buffer with the file on disk and reload it.
    LoadFromDisk,
    Quit,
    Panic,
    Unmute,
    /// Drop the armed change before it lands.
    CancelPending,
    ToggleQuantize,
    /// Set the master volume, in dB.
    Volume(i32),
    /// Mute (or solo) the chain on this 1-based line, or undo it.
    ToggleChain {
        line: usize,
        solo: bool,
    },
    /// Send this text live without saving it (evaluate one chain).
    Evaluate(String),
    /// Start listening for a knob (forget any moved before).
    Learn,
    ToggleRecording,
    SaveRetro,
}
