//! What the MIDI-port and audio-input backends share: one thread that owns device connections (they are not `Send`
//! on every platform) and opens them on request, and one list of messages for the performer about what opened or
//! failed. Requests come from the control thread while graphs are built; never from the audio thread.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Mutex, OnceLock, PoisonError};

/// The request line into a device thread. Lives in a `static`, one per backend.
pub struct Requests<T>(OnceLock<Mutex<Sender<T>>>);

impl<T: Send + 'static> Requests<T> {
    pub const fn new() -> Self {
        Self(OnceLock::new())
    }

    /// Start `serve` on a thread named `name`, the first time only; true when this call started it.
    pub fn start(&self, name: &str, serve: fn(&Receiver<T>)) -> bool {
        let (tx, rx) = channel();
        if self.0.set(Mutex::new(tx)).is_err() {
            return false;
        }
        let _ = std::thread::Builder::new().name(name.into()).spawn(move || serve(&rx));
        true
    }

    /// Ask the thread for something; dropped when it was never started.
    pub fn send(&self, request: T) {
        if let Some(tx) = self.0.get() {
            let _ = tx.lock().unwrap_or_else(PoisonError::into_inner).send(request);
        }
    }
}

impl<T: Send + 'static> Default for Requests<T> {
    fn default() -> Self {
        Self::new()
    }
}

static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Something the performer should know about a device (a port that isn't there, the input that opened).
pub fn report(line: String) {
    REPORTS.lock().unwrap_or_else(PoisonError::into_inner).push(line);
}

/// Reports since the last call, for the status line or the log.
pub fn take_reports() -> Vec<String> {
    std::mem::take(&mut *REPORTS.lock().unwrap_or_else(PoisonError::into_inner))
}
