//! Integration tests: one binary so the crate links once. Audio is reached through `audio::offline`; nothing here
//! needs a terminal or a sound card.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod cli;
mod clock;
mod common;
mod corpus;
mod diagnostics;
mod dsp;
#[cfg(feature = "cpal")]
#[cfg(feature = "cpal")]
mod e2e;
#[cfg(feature = "cpal")]
mod fifo;
mod fuzz;
mod hostile_files;
mod hostile_process;
#[cfg(feature = "cpal")]
mod hostile_tui;
mod hotswap;
mod keys;
mod limiter;
mod link;
mod live_set;
mod midi;
mod midi_out;
mod original;
mod osc;
mod patterns;
mod preflight;
mod props;
mod readme;
mod recording;
mod rest;
#[cfg(feature = "cpal")]
mod rest_tui;
mod samples;
mod sf2;
mod sinks;
mod soak;
#[cfg(feature = "cpal")]
mod stage;
mod stage_tui;
mod synchrolang;
mod take;
#[cfg(feature = "cpal")]
mod take_device;
mod timing;
#[cfg(feature = "cpal")]
mod tmux;
mod tui;
