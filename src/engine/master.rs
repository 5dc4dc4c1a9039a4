//! The master section after the graph: the master volume, then NaN/inf scrubbing, DC blocking and a lookahead
//! limiter with a hard ceiling, on whole 64-frame chunks so they vectorise, then the soft start and the panic fade
//! on the way out. Real-time: audio thread.

mod dc;
mod limiter;

use crate::dsp::simd::{Kernel, Simd};
use dc::DcBlocker;
use limiter::Limiter;

/// Master settings, fixed when the engine is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MasterConfig {
    /// Output never exceeds this (linear); `None` turns the limiter off.
    pub ceiling: Option<f32>,
    pub dc_block: bool,
    /// Fade-in when the engine starts, in seconds.
    pub soft_start: f32,
}

impl MasterConfig {
    /// Protection on: −1 dBFS ceiling, DC blocker, 50 ms soft start.
    pub fn protected() -> Self {
        Self {
            ceiling: Some(0.891_250_9),
            dc_block: true,
            soft_start: 0.05,
        }
    }

    /// Nothing between the graph and the output (for measuring DSP).
    pub fn raw() -> Self {
        Self {
            ceiling: None,
            dc_block: false,
            soft_start: 0.0,
        }
    }
}

/// Frames gathered and decided on at once. The stream is always cut at the same frames (counted from the
/// engine's start), so the output does not depend on how the host cuts its buffers.
pub const CHUNK: usize = 64;

/// How late the protected master's output is, in frames: the chunk being gathered, and two more the limiter
/// looks ahead across (4 ms at 48 kHz). Constant, whatever the sound.
pub const LATENCY: usize = 3 * CHUNK;

/// Where each frame of a chunk lies between its two boundaries (0 at the first, 1 at the next chunk's).
const RAMP: [f32; CHUNK] = {
    let mut r = [0f32; CHUNK];
    let mut i = 0;
    while i < CHUNK {
        r[i] = i as f32 / CHUNK as f32;
        i += 1;
    }
    r
};

/// A stereo chunk.
type Chunk = [[f32; CHUNK]; 2];

pub struct Master {
    config: MasterConfig,
    /// Output level 0..1 (soft start, panic).
    level: f32,
    level_step: f32,
    target: f32,
    /// The performer's master volume (linear), gliding to `volume_target` so a change never clicks.
    volume: f32,
    volume_target: f32,
    volume_k: f32,
    dc: DcBlocker,
    limiter: Option<Limiter>,
    /// Four chunks in turn: the one gathering, two the limiter looks ahead across, the one leaving (the one
    /// gathering takes the place of the one that left).
    slots: Box<[Chunk; 4]>,
    /// Each slot's chunk needs the limiter (its peak is over the ceiling).
    loud: [bool; 4],
    /// Chunks finished, and frames into the one gathering.
    chunks: usize,
    fill: usize,
    /// The least gain of the chunk leaving.
    gain: f32,
}

impl Master {
    pub fn new(config: MasterConfig, sample_rate: f32) -> Self {
        let start = if config.soft_start > 0.0 { 0.0 } else { 1.0 };
        Self {
            config,
            level: start,
            level_step: 1.0 / (config.soft_start.max(1e-3) * sample_rate),
            target: 1.0,
            volume: 1.0,
            volume_target: 1.0,
            // A 10 ms glide.
            volume_k: 1.0 - (-1.0 / (0.01 * sample_rate)).exp(),
            dc: DcBlocker::new(5.0, sample_rate),
            limiter: config.ceiling.map(|c| Limiter::new(c, sample_rate, CHUNK)),
            slots: Box::new([[[0.0; CHUNK]; 2]; 4]),
            loud: [false; 4],
            chunks: 0,
            fill: 0,
            gain: 1.0,
        }
    }

    /// Frames the output is delayed by: `LATENCY` with protection on, else none.
    pub fn latency(&self) -> usize {
        if self.pipelined() { LATENCY } else { 0 }
    }

    fn pipelined(&self) -> bool {
        self.config.ceiling.is_some() || self.config.dc_block
    }

    /// Fade out in 5 ms (panic) or back in.
    pub fn set_muted(&mut self, muted: bool, sample_rate: f32) {
        self.target = if muted { 0.0 } else { 1.0 };
        self.level_step = 1.0 / (0.005 * sample_rate);
    }

    /// Forget what a faulted node left in the DC blocker and the limiter, so the sound after a mute is not offset
    /// or ducked by it for seconds. Real-time.
    pub fn clear(&mut self) {
        self.dc.clear();
        if let Some(l) = &mut self.limiter {
            l.clear();
        }
    }

    /// Set the master volume (linear gain); it glides there. Real-time.
    pub fn set_volume(&mut self, gain: f32) {
        if gain.is_finite() {
            self.volume_target = gain.clamp(0.0, 4.0);
        }
    }

    /// Whether `process` can change anything: protection is on, or the level or volume is not simply 1.
    pub fn is_active(&self) -> bool {
        self.pipelined() || self.level != 1.0 || self.target != 1.0 || self.volume != 1.0 || self.volume_target != 1.0
    }

    /// True once a panic fade has reached silence.
    pub fn is_silent(&self) -> bool {
        self.target == 0.0 && self.level == 0.0
    }

    /// Take a block of the graph's output (both sides the same length, at most `MAX_BLOCK` frames) and hand the
    /// master's output for it to `emit`, in order, in one or more pieces. Returns the least gain the limiter
    /// applied. Real-time.
    #[inline]
    pub fn process(&mut self, simd: Simd, input: [&[f32]; 2], mut emit: impl FnMut(&[f32], &[f32])) -> f32 {
        let frames = input[0].len().min(input[1].len());
        if !self.pipelined() {
            // Slot 0 as scratch: nothing is delayed.
            let [l, r] = &mut self.slots[0];
            let (l, r) = (&mut l[..frames], &mut r[..frames]);
            l.copy_from_slice(&input[0][..frames]);
            r.copy_from_slice(&input[1][..frames]);
            self.ramps_at(0, 0..frames, true, true);
            let [l, r] = &self.slots[0];
            emit(&l[..frames], &r[..frames]);
            return 1.0;
        }
        let mut least = self.gain;
        let mut done = 0;
        while done < frames {
            let n = (CHUNK - self.fill).min(frames - done);
            let (here, there) = (done..done + n, self.fill..self.fill + n);
            // The chunk leaving was gathered three before the one gathering (the latency).
            let gathering = self.chunks % 4;
            let leaving = (self.chunks + 1) % 4;
            for (side, from) in input.iter().enumerate() {
                copy(&mut self.slots[gathering][side][there.clone()], &from[here.clone()]);
            }
            self.ramps_at(gathering, there.clone(), false, true);
            self.ramps_at(leaving, there.clone(), true, false);
            let [l, r] = &self.slots[leaving];
            emit(&l[there.clone()], &r[there]);
            self.fill += n;
            done += n;
            if self.fill == CHUNK {
                self.fill = 0;
                simd.run(ChunkDone(self));
                least = least.min(self.gain);
            }
        }
        least
    }

    /// The soft start and panic fade (`level`) and the master volume (`volume`), on frames `at` of a slot. With
    /// protection on, the volume goes before the limiter (it may raise the sound) and the level after it, on the
    /// way out: a panic then takes effect at once, and silence after it is exact (the DC blocker's decay is not
    /// left ringing under it).
    #[inline]
    fn ramps_at(&mut self, slot: usize, at: std::ops::Range<usize>, level: bool, volume: bool) {
        let [l, r] = &mut self.slots[slot];
        let (l, r) = (&mut l[at.clone()], &mut r[at]);
        let gain = |lv: f32, vol: f32| (if level { lv } else { 1.0 }) * (if volume { vol } else { 1.0 });
        if (!level || self.level == self.target) && (!volume || self.volume == self.volume_target) {
            let g = gain(self.level, self.volume);
            if g != 1.0 {
                l.iter_mut().chain(r.iter_mut()).for_each(|x| *x *= g);
            }
            return;
        }
        for (a, b) in l.iter_mut().zip(r.iter_mut()) {
            if level && self.level != self.target {
                self.level = if self.level < self.target {
                    (self.level + self.level_step).min(self.target)
                } else {
                    (self.level - self.level_step).max(self.target)
                };
            }
            if volume && self.volume != self.volume_target {
                self.volume += (self.volume_target - self.volume) * self.volume_k;
                // Within -80 dB of the target the last step is inaudible.
                if (self.volume - self.volume_target).abs() < 1e-4 {
                    self.volume = self.volume_target;
                }
            }
            let g = gain(self.level, self.volume);
            *a *= g;
            *b *= g;
        }
    }

    /// A chunk is gathered: clean it, measure it, and let the limiter finish the one leaving next.
    #[inline(always)]
    fn chunk_done(&mut self) {
        let new = self.chunks % 4;
        // The chunk the limiter finishes is the one gathered two before: it leaves while the next is gathered.
        let leaving = (self.chunks + 2) % 4;
        self.chunks = self.chunks.wrapping_add(1);
        let chunk = &mut self.slots[new];
        if self.config.dc_block {
            self.dc.run(chunk);
        }
        // NaN and infinity come through the DC blocker as they went in, and this peak keeps them.
        let peak = peak_or_garbage(chunk);
        if !peak.is_finite() {
            scrub(chunk, self.config.dc_block);
            self.clear();
        }
        let Some(limiter) = &mut self.limiter else {
            return;
        };
        let peak = if peak.is_finite() {
            peak
        } else {
            peak_or_garbage(&self.slots[new])
        };
        self.loud[new] = peak > limiter.ceiling();
        let (g0, g1) = limiter.next(peak);
        self.gain = g0.min(g1);
        if g0 == 1.0 && g1 == 1.0 && !self.loud[leaving] {
            // Below the ceiling, the input's own bits go out.
            return;
        }
        let ceiling = limiter.ceiling();
        let rise = g1 - g0;
        for side in &mut self.slots[leaving] {
            for (x, t) in side.iter_mut().zip(&RAMP) {
                let y = *x * (g0 + rise * t);
                // Compare and select: `clamp`'s NaN rule would keep this loop one sample at a time.
                let y = if y > ceiling { ceiling } else { y };
                *x = if y < -ceiling { -ceiling } else { y };
            }
        }
    }
}

/// `Master::chunk_done` as a kernel, so it runs as wide as the graph.
struct ChunkDone<'a>(&'a mut Master);

impl Kernel for ChunkDone<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.0.chunk_done();
    }
}

/// The largest magnitude in the chunk, or NaN if it holds any NaN or infinity (which make `x·0` NaN, kept to
/// the end by the sum). In eight lanes, by compare and select, so it vectorises.
#[inline(always)]
fn peak_or_garbage(chunk: &Chunk) -> f32 {
    let mut lanes = [0f32; 8];
    let mut probe = [0f32; 8];
    for side in chunk {
        for c in side.as_chunks::<8>().0 {
            for k in 0..8 {
                let a = c[k].abs();
                lanes[k] = if a > lanes[k] { a } else { lanes[k] };
                probe[k] += c[k] * 0.0;
            }
        }
    }
    let peak = lanes.iter().fold(0.0, |m, &v| if v > m { v } else { m });
    peak + probe.iter().sum::<f32>()
}

/// Copy a piece; whole chunks (the usual case) at a size the compiler knows, so no call to `memcpy`.
#[inline(always)]
fn copy(to: &mut [f32], from: &[f32]) {
    match (<&mut [f32; CHUNK]>::try_from(&mut *to), <&[f32; CHUNK]>::try_from(from)) {
        (Ok(to), Ok(from)) => *to = *from,
        _ => to.copy_from_slice(from),
    }
}

/// Garbage becomes silence. After the DC blocker, one bad sample has spoilt the rest of the chunk, so all of
/// it goes; without it, just the bad samples.
fn scrub(chunk: &mut Chunk, whole: bool) {
    for x in chunk.iter_mut().flatten() {
        if whole || !x.is_finite() {
            *x = 0.0;
        }
    }
}

#[cfg(test)]
mod tests;
