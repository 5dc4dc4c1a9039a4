//! synchrotron-tui: a terminal live-coding synthesizer.
//!
//! Module map (dependencies point one way: `lang` → `compile` → `engine` ← `audio`):
//! - `lang`    — patch text → AST with byte spans, and `Diagnostic`s. Control thread.
//! - `compile` — AST → `GraphSpec` → built `engine::Graph` (all allocation happens here). Control thread.
//! - `dsp`     — the `Processor` trait, the node registry and every processor. Pure DSP; runs where it is called.
//! - `engine`  — `Engine::process`, the only code that runs on the audio thread.
//! - `live`    — a live session: reload, plan, send, collect; shared by the headless runner and the TUI. Control thread.
//! - `audio`   — the offline renderer and WAV output. Control thread.
//! - `files`   — every file read or written for a patch: bounded reads, the folders file nodes may use. Control.
//! - `headless` — `PATCH --headless`: play, watch the file, reload on save. Control thread.
//! - `tui`     — the performer's screen: editor, scope, meters, diagnostics, help. UI thread.
//! - `cli`     — reading patches, rendering diagnostics and the node reference for the binary. Control thread.

pub mod audio;
pub mod capture;
pub mod cli;
pub mod clock;
pub mod compile;
pub mod dsp;
pub mod engine;
pub mod files;
pub mod headless;
pub mod keep;
pub mod lang;
pub mod live;
pub mod osc;
pub mod patches;
pub mod pattern;
pub mod sample;
pub mod serve;
pub mod setlog;
pub mod tui;
