//! The performer's screen: `synchrotron-tui PATCH`. An editor beside the sound it makes (scope, meters), errors
//! where the code is, and the reload report. TEA-style: `keymap` turns keys into `Action`s, `App::update` returns
//! `Effect`s, `view` draws; `run` owns the terminal, the files and the engine. UI thread.

pub mod action;
pub mod app;
pub mod checker;
pub mod editor;
pub mod highlight;
pub mod keymap;
mod remote;
pub mod run;
pub mod save;
pub mod view;

pub use run::run;
