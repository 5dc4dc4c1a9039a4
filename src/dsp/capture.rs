//! Audio input: the hub an input device (or a test) writes frames into, and RecordingNode (`input`), which plays
//! them. The hub is one static ring of atomic samples with a frame counter, read with no lock and no allocation.
//! Each engine block takes its input from the hub once (`shared`), so every input node plays the same frames and
//! the set log can keep them. `push` runs on the input device's thread (one writer); `Recording::process` runs on
//! the audio thread; `request` on the control thread.

mod shared;

pub use shared::{FED, InputChunk, drain_taken, feed, next_block, unfeed};

use super::{Block, Ctx, MAX_BLOCK, Processor};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Frames the ring holds (0.68 s at 48 kHz): far more than any device period.
pub const CAPACITY: usize = 1 << 15;
/// The most latency a reader builds up after repeated underruns (about 43 ms at 48 kHz).
pub const MAX_LAG: u64 = 2048;

static SAMPLES: [AtomicU32; 2 * CAPACITY] = [const { AtomicU32::new(0) }; 2 * CAPACITY];
/// Frames ever written. Samples of frame `f` live at `f % CAPACITY`.
static WRITTEN: AtomicU64 = AtomicU64::new(0);
static OPENER: OnceLock<fn(f32)> = OnceLock::new();

/// Append interleaved frames of `channels` channels (mono is copied to both sides; channels past two are dropped).
/// One writer at a time: the input device's callback, or a test.
pub fn push(interleaved: &[f32], channels: usize) {
    let channels = channels.max(1);
    let mut at = WRITTEN.load(Ordering::Relaxed);
    for frame in interleaved.chunks_exact(channels) {
        let left = frame[0];
        let right = frame.get(1).copied().unwrap_or(left);
        let i = 2 * (at as usize % CAPACITY);
        SAMPLES[i].store(left.to_bits(), Ordering::Relaxed);
        SAMPLES[i + 1].store(right.to_bits(), Ordering::Relaxed);
        at += 1;
    }
    // Release: a reader that sees the new count sees the samples before it.
    WRITTEN.store(at, Ordering::Release);
}

/// Frames written so far.
pub fn written() -> u64 {
    WRITTEN.load(Ordering::Acquire)
}

/// Install what opens the input device when a RecordingNode is first built (the cpal backend, set up by the app).
pub fn set_opener(open: fn(f32)) {
    let _ = OPENER.set(open);
}

/// Ask for the input device at `sample_rate`. Control thread, while building a graph.
pub fn request(sample_rate: f32) {
    if let Some(open) = OPENER.get() {
        open(sample_rate);
    }
}

/// The jitter buffer between two clocks: it starts right behind the newest frame (no latency when input and output
/// run in step); when it runs dry it plays silence until twice that latency is queued past the block, and when it
/// falls a ring behind it skips to the newest frames.
#[derive(Debug, Clone, Default)]
struct Reader {
    /// The next frame to play, once started.
    pos: Option<u64>,
    /// Frames kept queued behind the writer.
    lag: u64,
    /// Refilling after an underrun: silent until `lag` frames are queued.
    refilling: bool,
}

impl Reader {
    const NEW: Self = Self {
        pos: None,
        lag: 0,
        refilling: false,
    };

    /// Where to read from, given `w` frames written and `n` wanted; `None` plays silence this block.
    fn start(&mut self, w: u64, n: u64) -> Option<u64> {
        let pos = *self.pos.get_or_insert(w.saturating_sub(n));
        let queued = w.saturating_sub(pos);
        // Fallen so far behind that the writer is overwriting what we would read: jump to the newest frames.
        if queued + MAX_BLOCK as u64 > CAPACITY as u64 {
            self.pos = Some(w.saturating_sub(self.lag + n));
            return self.pos;
        }
        if self.refilling {
            if queued < self.lag + n {
                return None;
            }
            self.refilling = false;
        }
        if queued < n {
            self.lag = (self.lag.max(n) * 2).min(MAX_LAG);
            self.refilling = true;
            return None;
        }
        Some(pos)
    }

    /// The next `left.len()` frames from the hub (silence while it refills). Real-time.
    fn read(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let Some(pos) = self.start(written(), n as u64) else {
            left.fill(0.0);
            right.fill(0.0);
            return;
        };
        for k in 0..n {
            let i = 2 * ((pos + k as u64) as usize % CAPACITY);
            left[k] = f32::from_bits(SAMPLES[i].load(Ordering::Relaxed));
            right[k] = f32::from_bits(SAMPLES[i + 1].load(Ordering::Relaxed));
        }
        // A writer a whole ring ahead overwrote frames while we read them: silence beats a torn block.
        if written().saturating_sub(pos) > CAPACITY as u64 {
            left.fill(0.0);
            right.fill(0.0);
        }
        self.pos = Some(pos + n as u64);
    }
}

/// RecordingNode and `input`: the input's left and right channels, the block this engine block took from the hub
/// (or, replaying a set, the block the set log kept). The node that takes it reports it for the set log.
pub struct Recording {
    taken: rtrb::Producer<InputChunk>,
}

impl Recording {
    /// Control thread (it asks for the device and registers the node's report ring).
    pub fn new(sample_rate: f32) -> Self {
        request(sample_rate);
        Self {
            taken: shared::register(),
        }
    }
}

impl Processor for Recording {
    // Where the input is read from is the audio thread's, not the node's: nothing to copy.
    fn copy_state(&mut self, _other: &dyn Processor) {}

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames.min(MAX_BLOCK);
        if let [left, right, ..] = outs
            && shared::take(ctx.frame, &mut left[..n], &mut right[..n])
            && self.taken.slots() > 0
        {
            let _ = self.taken.push(InputChunk::new(ctx.frame, &left[..n], &right[..n]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn play(r: &mut Recording, n: usize) -> Vec<(f32, f32)> {
        let ctx = Ctx {
            beats_per_frame: 0.0,
            ..Ctx::new(48_000.0, n, 0.0, 120.0)
        };
        next_block();
        let mut outs = [[0.0; MAX_BLOCK]; 2];
        r.process(&ctx, &[], &mut outs);
        (0..n).map(|k| (outs[0][k], outs[1][k])).collect()
    }

    // One test owns the hub in this binary, so nothing else writes while it runs.
    #[test]
    fn in_step_plays_each_frame_once_and_a_late_writer_costs_silence_then_latency() {
        let base = written() as f32;
        let mut next = base;
        let mut write = |frames: usize| {
            let v: Vec<f32> = (0..frames)
                .flat_map(|k| [next + k as f32, -(next + k as f32)])
                .collect();
            push(&v, 2);
            next += frames as f32;
        };
        let mut r = Recording::new(48_000.0);
        // In step, 48 frames at a time: every frame once, in order, left and right apart.
        let mut heard = Vec::new();
        for _ in 0..10 {
            write(48);
            heard.extend(play(&mut r, 48));
        }
        assert!(
            heard
                .iter()
                .enumerate()
                .all(|(k, &(l, r))| l == base + k as f32 && r == -l)
        );
        // The writer misses a block: silence, then silence until a full 96 frames are queued, then no gap.
        assert!(play(&mut r, 48).iter().all(|&(l, _)| l == 0.0));
        write(48);
        assert!(play(&mut r, 48).iter().all(|&(l, _)| l == 0.0));
        write(96);
        let resumed = play(&mut r, 48);
        assert_eq!(resumed[0].0, base + 480.0, "playback resumes where it stopped");
        // Mono input reaches both sides; a reader a ring behind jumps to the newest frames.
        push(&vec![0.25; CAPACITY + 100], 1);
        let caught_up = play(&mut r, 48);
        assert!(caught_up.iter().all(|&(l, r)| l == 0.25 && r == 0.25));
    }
}
