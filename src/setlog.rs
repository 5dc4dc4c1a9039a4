//! Keeping the take: the set log (every version that went live and every command, on the frame it landed) and
//! replaying it offline, sample for sample. Written on the control thread; replay runs anywhere.

pub mod input;
pub mod record;
pub mod replay;
pub mod writer;

pub use record::{Landed, Record};
