//! Integration tests: one binary so the crate links once. Audio is reached through `audio::offline`; nothing here
//! needs a terminal or a sound card.

mod cli;
mod common;
mod corpus;
mod diagnostics;
mod dsp;
mod hotswap;
mod props;
mod readme;
mod timing;
