//! Tempo with others: following an external MIDI clock. MIDI threads `feed` real-time messages here; the session
//! drains them on the control thread into a `Follower`, which tells the engine's transport what to do.

pub mod follow;
pub mod link;

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

/// A clock message and when it arrived (µs, the MIDI hub's clock).
pub type Stamped = (u64, [u8; 3]);

/// Where the MIDI threads hand clock messages, when a session follows a clock.
static FEED: Mutex<Option<Sender<Stamped>>> = Mutex::new(None);

/// Whether a message is one the clock follower reads (clock, start, continue, stop, song position).
pub fn is_clock(bytes: &[u8]) -> bool {
    matches!(bytes.first(), Some(0xF8 | 0xFA | 0xFB | 0xFC | 0xF2))
}

/// Hand a clock message stamped `micros` (hub clock) to the follower, if one listens. MIDI threads.
pub fn feed(micros: u64, bytes: &[u8]) {
    let mut b = [0u8; 3];
    for (d, s) in b.iter_mut().zip(bytes) {
        *d = *s;
    }
    if let Some(tx) = FEED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
        let _ = tx.send((micros, b));
    }
}

/// Start listening for clock messages (replacing any earlier listener).
pub fn listen() -> Receiver<Stamped> {
    let (tx, rx) = channel();
    *FEED.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tx);
    rx
}
