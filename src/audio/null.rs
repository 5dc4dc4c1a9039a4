//! A silent stand-in for a sound card: a thread that runs the engine in real time and throws the samples away, so
//! telemetry, swaps and faults behave as with a device. Its thread is an audio thread.

use crate::engine::Engine;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct NullOutput {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Engine>>,
}

impl NullOutput {
    pub fn start(mut engine: Engine, buffer_frames: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let period = Duration::from_secs_f64(buffer_frames as f64 / f64::from(engine.sample_rate()));
        let thread = std::thread::spawn(move || {
            let mut buf = vec![0.0f32; 2 * buffer_frames];
            let mut next = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                engine.process(&mut buf);
                next += period;
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            engine
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for NullOutput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // The engine comes back and is dropped here, on the control thread.
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
