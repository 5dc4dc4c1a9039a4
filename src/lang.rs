//! The patch language front-end: source text → AST with byte spans, or diagnostics. Pure; runs on the UI/control thread.
//!
//! No pest type leaves this module: `parser` converts pest pairs and errors into `ast` and `Diagnostic` values.

pub mod ast;
pub mod diagnostic;
pub mod mini;
pub mod parser;
pub mod span;
pub mod sui_header;
pub mod synchrolang;

pub use diagnostic::{Diagnostic, Severity};
pub use parser::parse;
pub use span::Span;
