//! Checks large buffers off the UI thread: the newest text in, its diagnostics out, older requests dropped, so a
//! megabyte paste never makes a keystroke wait for the compiler. The worker thread is its own; results are read
//! on the UI thread.

use super::app::{Checked, check_text};
use std::sync::mpsc::{Receiver, Sender, channel};

pub struct Checker {
    tx: Sender<(u64, String)>,
    rx: Receiver<(u64, String, Checked)>,
    /// The generation of the newest request; results of older ones are stale.
    newest: u64,
}

impl Checker {
    pub fn start() -> Self {
        let (tx, requests) = channel::<(u64, String)>();
        let (results, rx) = channel();
        let _ = std::thread::Builder::new().name("checker".into()).spawn(move || {
            while let Ok(mut job) = requests.recv() {
                // Only the newest text matters; skip what typing has already replaced.
                while let Ok(newer) = requests.try_recv() {
                    job = newer;
                }
                let (generation, text) = job;
                let checked = check_text(&text);
                if results.send((generation, text, checked)).is_err() {
                    break;
                }
            }
        });
        Self { tx, rx, newest: 0 }
    }

    /// Ask for `text` to be checked; it supersedes every earlier request.
    pub fn request(&mut self, text: String) {
        self.newest += 1;
        let _ = self.tx.send((self.newest, text));
    }

    /// The result for the newest request, once it is ready.
    pub fn latest(&self) -> Option<(String, Checked)> {
        let mut out = None;
        while let Ok((generation, text, checked)) = self.rx.try_recv() {
            if generation == self.newest {
                out = Some((text, checked));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_text_wins() {
        let mut c = Checker::start();
        c.request("sinn 440 -> out".into());
        c.request("sine 440 -> out\nfoo -> out".into());
        let started = std::time::Instant::now();
        let (text, diags) = loop {
            if let Some(r) = c.latest() {
                break r;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert!(text.contains("foo"));
        assert!(
            diags.diagnostics.iter().any(|d| d.message.contains("foo")),
            "{:?}",
            diags.diagnostics
        );
    }
}
