//! A sound card made of two named pipes: ALSA's file plugin writes the real cpal output stream into one, which a
//! thread here reads at a chosen multiple of real time (so the device is paced, not run flat out), and reads its
//! input from the other, which a thread here fills with a test signal at the same pace. What the device was sent
//! is kept, byte for byte.

use crate::common::{SR, scratch};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const ASOUNDRC: &str = include_str!("../alsa/fifo.asoundrc");

pub struct FifoDevice {
    pub dir: PathBuf,
    sent: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

/// Sleep until `bytes` of stereo f32 at `speed` times real time are due since `t0`.
fn pace(t0: Instant, bytes: usize, speed: f64) {
    let due = Duration::from_secs_f64(bytes as f64 / (8.0 * f64::from(SR) * speed));
    if let Some(wait) = due.checked_sub(t0.elapsed()) {
        std::thread::sleep(wait);
    }
}

impl FifoDevice {
    /// A folder to use as HOME holding the `.asoundrc` and the pipes; the device's input plays `input(frame)`.
    pub fn start(name: &str, speed: f64, input: fn(usize) -> (f32, f32)) -> Self {
        let dir = scratch(name);
        let (out, inp) = (dir.join("out.fifo"), dir.join("in.fifo"));
        mkfifo(&out);
        mkfifo(&inp);
        let rc = ASOUNDRC
            .replace("@OUT@", out.to_str().unwrap())
            .replace("@IN@", inp.to_str().unwrap());
        std::fs::write(dir.join(".asoundrc"), rc).unwrap();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (sent.clone(), stop.clone());
        let reader = std::thread::spawn(move || {
            // ALSA may open the pipe more than once (probing, then playing): read each opening to its end.
            while !st.load(Ordering::Relaxed) {
                let Ok(mut f) = std::fs::File::open(&out) else { return };
                let (t0, mut n, mut buf) = (Instant::now(), 0usize, vec![0u8; 16_384]);
                while let Ok(k) = f.read(&mut buf) {
                    if k == 0 {
                        break;
                    }
                    s.lock().unwrap().extend_from_slice(&buf[..k]);
                    n += k;
                    pace(t0, n, speed);
                }
            }
        });
        let st = stop.clone();
        let writer = std::thread::spawn(move || {
            let mut frame = 0usize;
            while !st.load(Ordering::Relaxed) {
                let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&inp) else {
                    return;
                };
                let (t0, mut n) = (Instant::now(), 0usize);
                loop {
                    let block: Vec<u8> = (frame..frame + 512)
                        .flat_map(|f| {
                            let (l, r) = input(f);
                            [l.to_le_bytes(), r.to_le_bytes()].concat()
                        })
                        .collect();
                    if f.write_all(&block).is_err() {
                        break;
                    }
                    frame += 512;
                    n += block.len();
                    pace(t0, n, speed);
                }
            }
        });
        Self {
            dir,
            sent,
            stop,
            threads: vec![reader, writer],
        }
    }

    /// Bytes the device has been sent so far.
    pub fn sent_bytes(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    /// Wait until the device has been sent `seconds` more audio than now.
    pub fn wait_audio(&self, seconds: f64) {
        let want = self.sent_bytes() + (seconds * 8.0 * f64::from(SR)) as usize;
        let t0 = Instant::now();
        while self.sent_bytes() < want {
            assert!(t0.elapsed() < Duration::from_secs(30), "the device stalled");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The app has ended: stop the pumps and hand back every sample the device was sent (interleaved stereo).
    pub fn finish(mut self) -> Vec<f32> {
        self.stop.store(true, Ordering::Relaxed);
        // Opening a pipe for both reading and writing never blocks, and releases a pump waiting to open its end.
        for name in ["out.fifo", "in.fifo"] {
            drop(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(self.dir.join(name)),
            );
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        let bytes = std::mem::take(&mut *self.sent.lock().unwrap());
        bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    }
}
