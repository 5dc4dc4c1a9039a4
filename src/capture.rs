//! Keeping what the audience heard: the recorder (`--record FILE.wav`, or a key) and the retro buffer (the last
//! minutes, always kept in memory, written out on request). The audio thread copies its output into one lock-free
//! ring; a writer thread of its own takes it from there. Control thread for the door, its own thread for the work.

mod writer;

use rtrb::RingBuffer;
use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

/// The ring between the audio thread and the writer: about 10 s of stereo at 48 kHz, so a slow disk never costs a
/// sample.
const RING: usize = 1 << 20;

/// What the writer is doing, for the status bar and the log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    /// The file being recorded, its frames so far and its bytes on disk (all parts).
    pub recording: Option<(PathBuf, u64, u64)>,
    /// The last thing to say: an error that stopped a recording, a retro capture written.
    pub message: Option<String>,
}

enum Command {
    Record(PathBuf),
    Stop,
    SaveRetro(PathBuf),
    /// The device was reopened: a new engine writes into this ring once the old one is drained.
    Ring(rtrb::Consumer<f32>),
    /// Finish and end the thread.
    Quit,
}

/// The door: start it once, then ask.
pub struct Capture {
    tx: Sender<Command>,
    status: Arc<Mutex<Status>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Capture {
    /// Start the writer thread, keeping `retro_minutes` of the output in memory (0: none). Returns the ring's
    /// producer, for the engine (`ToAudio::Capture`).
    pub fn start(sample_rate: u32, retro_minutes: f64) -> (Self, rtrb::Producer<f32>) {
        let (producer, consumer) = RingBuffer::new(RING);
        let (tx, rx) = channel();
        let status = Arc::new(Mutex::new(Status::default()));
        let shared = status.clone();
        let retro_frames = (retro_minutes.max(0.0) * 60.0 * f64::from(sample_rate)) as usize;
        let thread = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || writer::run(consumer, rx, &shared, sample_rate, retro_frames))
            .ok();
        (Self { tx, status, thread }, producer)
    }

    /// A ring for a new engine (the device was reopened): the recording goes on from it, after the old ring's
    /// last frames.
    pub fn reattach(&self) -> rtrb::Producer<f32> {
        let (producer, consumer) = RingBuffer::new(RING);
        let _ = self.tx.send(Command::Ring(consumer));
        producer
    }

    /// Start recording to `path` (a `.wav`), stopping any recording before.
    pub fn record(&self, path: PathBuf) {
        let _ = self.tx.send(Command::Record(path));
    }

    pub fn stop(&self) {
        let _ = self.tx.send(Command::Stop);
    }

    /// Write the retro buffer (the last minutes) to `path`, without stopping anything.
    pub fn save_retro(&self, path: PathBuf) {
        let _ = self.tx.send(Command::SaveRetro(path));
    }

    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Take the message to show once.
    pub fn take_message(&self) -> Option<String> {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .message
            .take()
    }
}

impl Drop for Capture {
    /// Quitting: the writer drains the ring, finishes the file and ends; waited for (two seconds at most), so the
    /// file is complete when the program exits.
    fn drop(&mut self) {
        let _ = self.tx.send(Command::Quit);
        if let Some(t) = self.thread.take() {
            let started = std::time::Instant::now();
            while !t.is_finished() && started.elapsed() < std::time::Duration::from_secs(2) {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
}
