//! The input block an engine block plays: taken from the hub once per block by the first input node that runs
//! (every other input node, and the old graph in a crossfade, play the same frames), or fed by a set log's replay.
//! Per audio thread (a thread-local with nothing to drop, so touching it never allocates); the node that took a
//! block reports it to the control thread for the set log.

use super::Reader;
use crate::dsp::MAX_BLOCK;
use crate::dsp::reports::{self, Rings};
use std::cell::RefCell;

/// Frames a replay feeds at a time at most (its render buffer).
pub const FED: usize = 256;

/// One block of input as it was played, for the set log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputChunk {
    /// The render frame the block started on.
    pub frame: u64,
    pub frames: usize,
    /// Interleaved left, right.
    pub samples: [f32; 2 * MAX_BLOCK],
}

impl InputChunk {
    pub fn new(frame: u64, left: &[f32], right: &[f32]) -> Self {
        let mut samples = [0.0; 2 * MAX_BLOCK];
        for (k, (l, r)) in left.iter().zip(right).take(MAX_BLOCK).enumerate() {
            samples[2 * k] = *l;
            samples[2 * k + 1] = *r;
        }
        Self {
            frame,
            frames: left.len().min(right.len()).min(MAX_BLOCK),
            samples,
        }
    }

    /// The frames it holds, interleaved.
    pub fn interleaved(&self) -> &[f32] {
        &self.samples[..2 * self.frames]
    }
}

/// Frames a replay fed for the frames it is about to render.
struct Fed {
    active: bool,
    start: u64,
    frames: usize,
    data: [f32; 2 * FED],
}

struct Shared {
    /// Taken since the engine's last `next_block`.
    fresh: bool,
    frame: u64,
    frames: usize,
    left: [f32; MAX_BLOCK],
    right: [f32; MAX_BLOCK],
    reader: Reader,
    fed: Fed,
}

thread_local! {
    static SHARED: RefCell<Shared> = const {
        RefCell::new(Shared {
            fresh: false,
            frame: 0,
            frames: 0,
            left: [0.0; MAX_BLOCK],
            right: [0.0; MAX_BLOCK],
            reader: Reader::NEW,
            fed: Fed {
                active: false,
                start: 0,
                frames: 0,
                data: [0.0; 2 * FED],
            },
        })
    };
    static TAKEN: Rings<InputChunk> = const { RefCell::new(Vec::new()) };
}

/// Blocks of input a node keeps for the control thread (about 5 s at 48 kHz).
const RING: usize = 4096;

/// A report ring for an input node being built. Control thread.
pub(super) fn register() -> rtrb::Producer<InputChunk> {
    reports::register_sized(&TAKEN, RING)
}

/// Every block of input played since the last call by the nodes built on this thread, in order (one node takes
/// each block, so there is nothing to weed out). Control thread.
pub fn drain_taken(into: &mut Vec<InputChunk>) {
    let start = into.len();
    reports::drain_all(&TAKEN, into);
    into[start..].sort_by_key(|c| c.frame);
}

/// A new engine block begins: the next input node takes a fresh block. Real-time (the engine, per block).
pub fn next_block() {
    let _ = SHARED.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.fresh = false;
        }
    });
}

/// The input for the block at `frame` into `left` and `right`; true when this call took it (the first input node
/// of the block). Real-time.
pub(super) fn take(frame: u64, left: &mut [f32], right: &mut [f32]) -> bool {
    let n = left.len().min(right.len()).min(MAX_BLOCK);
    let taken = SHARED.try_with(|s| {
        let Ok(mut s) = s.try_borrow_mut() else {
            return None;
        };
        let s = &mut *s;
        let fresh = s.fresh && s.frame == frame && s.frames == n;
        if !fresh {
            s.fresh = true;
            s.frame = frame;
            s.frames = n;
            if s.fed.active {
                s.fed.read(frame, &mut s.left[..n], &mut s.right[..n]);
            } else {
                s.reader.read(&mut s.left[..n], &mut s.right[..n]);
            }
        }
        left[..n].copy_from_slice(&s.left[..n]);
        right[..n].copy_from_slice(&s.right[..n]);
        Some(!fresh)
    });
    taken.ok().flatten().unwrap_or_else(|| {
        left.fill(0.0);
        right.fill(0.0);
        false
    })
}

impl Fed {
    /// Frames `frame..` from what was fed; silence where nothing was.
    fn read(&self, frame: u64, left: &mut [f32], right: &mut [f32]) {
        for (k, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let at = (frame + k as u64).checked_sub(self.start).map(|d| d as usize);
            match at.filter(|&i| i < self.frames) {
                Some(i) => (*l, *r) = (self.data[2 * i], self.data[2 * i + 1]),
                None => (*l, *r) = (0.0, 0.0),
            }
        }
    }
}

/// Replaying a set on this thread: the input for frames `start..start + n` (interleaved, at most `FED` frames),
/// what the input nodes play instead of the device's. Call before rendering those frames.
pub fn feed(start: u64, interleaved: &[f32]) {
    let _ = SHARED.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            let n = (interleaved.len() / 2).min(FED);
            s.fed.active = true;
            s.fed.start = start;
            s.fed.frames = n;
            s.fed.data[..2 * n].copy_from_slice(&interleaved[..2 * n]);
            s.fresh = false;
        }
    });
}

/// The replay is over: input nodes on this thread read the device again.
pub fn unfeed() {
    let _ = SHARED.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.fed.active = false;
        }
    });
}
