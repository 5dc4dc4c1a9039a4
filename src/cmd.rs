//! The binary's subcommands that do more than call the library: rendering and replaying. Binary only.

pub mod render;
pub mod replay;
