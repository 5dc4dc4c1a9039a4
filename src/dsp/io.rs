//! DebugNode and WavFileNode: sinks that get values and samples out of the audio thread without I/O there.
//! DebugNode stores its input's latest value in an atomic that the UI and the log read. WavFileNode pushes its
//! samples, numbered by frame, into a lock-free ring; one writer thread per file drains every ring for that file,
//! skips frames already written (two graphs run side by side while a swap crossfades), and keeps the WAV header
//! current so the file is valid at every moment. `process` runs on the audio thread; everything else off it.

use super::{Block, Ctx, MAX_BLOCK, Processor, input};
use rtrb::{Consumer, Producer, RingBuffer};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

/// A DebugNode's latest value, shared between its processor and whoever displays it.
pub struct Tap {
    name: String,
    bits: AtomicU32,
    /// Blocks seen; 0 until the node first runs.
    blocks: AtomicU64,
}

static TAPS: Mutex<Vec<Weak<Tap>>> = Mutex::new(Vec::new());

/// The latest value of every running DebugNode, by name: (name, value, blocks seen). Control or UI thread.
pub fn debug_values() -> Vec<(String, f32, u64)> {
    let mut taps = TAPS.lock().unwrap_or_else(PoisonError::into_inner);
    taps.retain(|t| t.strong_count() > 0);
    let mut out: Vec<(String, f32, u64)> = Vec::new();
    for t in taps.iter().filter_map(Weak::upgrade) {
        let blocks = t.blocks.load(Ordering::Relaxed);
        if blocks == 0 {
            continue;
        }
        let v = f32::from_bits(t.bits.load(Ordering::Relaxed));
        match out.iter_mut().find(|(n, _, _)| *n == t.name) {
            Some(e) if e.2 < blocks => *e = (t.name.clone(), v, blocks),
            Some(_) => {}
            None => out.push((t.name.clone(), v, blocks)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The values as one line, `name=value …` (empty when no DebugNode runs).
pub fn debug_line() -> String {
    debug_values()
        .iter()
        .map(|(n, v, _)| format!("{n}={v:.4}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// DebugNode: shows its input. The original printed each buffer from the render thread; this keeps the first
/// sample of each block (as its 2025 version printed) for the UI and the log to read.
pub struct Debug {
    tap: Arc<Tap>,
}

impl Debug {
    pub fn new(name: &str) -> Self {
        let tap = Arc::new(Tap {
            name: name.trim_start_matches(super::compat::SCRIPT_KEY).to_string(),
            bits: AtomicU32::new(0),
            blocks: AtomicU64::new(0),
        });
        TAPS.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::downgrade(&tap));
        Self { tap }
    }
}

impl Processor for Debug {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            let blocks = o.tap.blocks.load(Ordering::Relaxed);
            self.tap.blocks.store(blocks, Ordering::Relaxed);
        }
    }

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], _outs: &mut [Block]) {
        let x = input(ins, 0, ctx.frames);
        if let Some(&v) = x.first() {
            self.tap.bits.store(v.to_bits(), Ordering::Relaxed);
            self.tap.blocks.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Samples of one block and the frame the first one belongs to.
#[derive(Clone, Copy)]
struct Chunk {
    start: u64,
    len: usize,
    data: Block,
}

/// The most frames a mono 32-bit float WAV holds.
const WAV_MONO_MAX_FRAMES: u64 = (u32::MAX as u64 - 44) / 4;

/// Chunks one node can have waiting: about 2.7 s at 48 kHz, far more than the writer's 20 ms naps.
const RING: usize = 2048;

struct FileWriter {
    path: PathBuf,
    sources: Arc<Mutex<Vec<Consumer<Chunk>>>>,
}

static WRITERS: Mutex<Vec<FileWriter>> = Mutex::new(Vec::new());
static THREADS: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// WavFileNode: its input, written to a mono 32-bit float WAV file.
pub struct WavOut {
    /// `None` when the file was refused (outside the allowed folders, or not ours to replace): a silent sink.
    tx: Option<Producer<Chunk>>,
    frame: u64,
}

impl WavOut {
    /// Joins (or starts) the writer of `path`. Control thread. The file is created when the first samples arrive,
    /// so a node built and then dropped by a swap leaves an existing file alone.
    pub fn new(path: Option<PathBuf>, sample_rate: f32) -> Self {
        let Some(path) = path else {
            return Self { tx: None, frame: 0 };
        };
        let (tx, rx) = RingBuffer::new(RING);
        let mut writers = WRITERS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(w) = writers.iter().find(|w| w.path == path) {
            w.sources.lock().unwrap_or_else(PoisonError::into_inner).push(rx);
        } else {
            let sources = Arc::new(Mutex::new(vec![rx]));
            writers.push(FileWriter {
                path: path.clone(),
                sources: sources.clone(),
            });
            let sr = sample_rate.round() as u32;
            if let Ok(h) = std::thread::Builder::new()
                .name("wav-writer".into())
                .spawn(move || write_file(&path, sr, &sources))
            {
                THREADS.lock().unwrap_or_else(PoisonError::into_inner).push(h);
            }
        }
        Self { tx: Some(tx), frame: 0 }
    }
}

impl Processor for WavOut {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.frame = o.frame;
        }
    }

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], _outs: &mut [Block]) {
        let n = ctx.frames.min(MAX_BLOCK);
        let mut data = [0.0; MAX_BLOCK];
        data[..n].copy_from_slice(&input(ins, 0, n)[..n]);
        // A full ring (the disk stalled for seconds) drops the block rather than wait.
        if let Some(tx) = &mut self.tx {
            let _ = tx.push(Chunk {
                start: self.frame,
                len: n,
                data,
            });
        }
        self.frame += n as u64;
    }
}

/// The writer thread of one file: runs until every node writing it is gone and drained.
fn write_file(path: &Path, sr: u32, sources: &Mutex<Vec<Consumer<Chunk>>>) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: sr,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut file: Option<hound::WavWriter<_>> = None;
    let mut refused = false;
    let mut written = 0u64;
    loop {
        let done = {
            let mut writers = WRITERS.lock().unwrap_or_else(PoisonError::into_inner);
            let mut srcs = sources.lock().unwrap_or_else(PoisonError::into_inner);
            for rx in srcs.iter_mut() {
                while let Ok(c) = rx.pop() {
                    if file.is_none() && !refused {
                        // Opened through `files`, which never replaces a file this session did not make.
                        file = crate::files::open_for_writing(path)
                            .ok()
                            .and_then(|f| hound::WavWriter::new(std::io::BufWriter::new(f), spec).ok());
                        refused = file.is_none();
                    }
                    for (i, &x) in c.data[..c.len].iter().enumerate() {
                        if c.start + i as u64 >= written {
                            // A WAV file's sizes are 32 bits: it stops, whole and valid, at 4 GiB (6 h at 48 kHz).
                            if let Some(f) = file.as_mut().filter(|_| written < WAV_MONO_MAX_FRAMES) {
                                let _ = f.write_sample(x);
                            }
                            written = c.start + i as u64 + 1;
                        }
                    }
                }
            }
            srcs.retain(|rx| !rx.is_abandoned() || !rx.is_empty());
            let done = srcs.is_empty();
            if done {
                writers.retain(|w| w.path != path);
            }
            done
        };
        if let Some(f) = &mut file {
            let _ = f.flush();
        }
        if done {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(f) = file {
        let _ = f.finalize();
    }
}

/// Wait until the writers have taken every block rendered so far (offline rendering, which outruns them).
pub fn wait_written() {
    loop {
        let pending = WRITERS.lock().unwrap_or_else(PoisonError::into_inner).iter().any(|w| {
            w.sources
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .any(|rx| !rx.is_empty())
        });
        if !pending {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Wait until every WAV file whose nodes are gone is complete on disk (call after dropping the engine).
pub fn finish_files() {
    let threads: Vec<JoinHandle<()>> = std::mem::take(&mut *THREADS.lock().unwrap_or_else(PoisonError::into_inner));
    for t in threads {
        let _ = t.join();
    }
}
