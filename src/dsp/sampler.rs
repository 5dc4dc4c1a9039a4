//! `sample`: plays a sound file on each rising edge of its trigger, several at once (the oldest stolen with a
//! short fade), at a rate and pitch (negative rate plays backwards), between a start and an end (0..1), looping or
//! not; stereo files stay stereo. The sample is built on the control thread and shared (never freed here); the
//! audio thread only reads it, reading between frames with a 4-point cubic.

use super::{Block, Ctx, MAX_BLOCK, Processor, input};
use crate::sample::Sample;
use std::sync::Arc;

/// Choke groups (`cut=1` … `cut=15`).
pub const CUT_GROUPS: usize = 16;

thread_local! {
    /// Per choke group, the render frame of its latest trigger (plus one) and which node made it: a sampler in the
    /// group fades out its voices when another node in the group triggers. Per audio thread, nothing to drop.
    static CUTS: [std::cell::Cell<(u64, u64)>; CUT_GROUPS] = const { [const { std::cell::Cell::new((0, 0)) }; CUT_GROUPS] };
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Voices a node may hold at most.
pub const MAX_VOICES: usize = 32;
/// A stolen voice fades out over this long.
const STEAL_SECONDS: f32 = 0.003;

#[derive(Debug, Clone, Copy, Default)]
struct Voice {
    on: bool,
    /// Which of the node's samples it plays.
    which: usize,
    /// Where in the sample, in its frames.
    pos: f64,
    /// Fading out (stolen): the gain left, going down by `fade_step` a frame.
    fade: f32,
    fading: bool,
    /// Which trigger started it (older ones are stolen first).
    age: u64,
}

pub struct Sampler {
    /// The samples it plays (one, or one per name of the pattern driving it); `None` where a file failed.
    samples: Vec<Option<Arc<Sample>>>,
    voices: [Voice; MAX_VOICES],
    /// Voices allowed to sound at once (a stolen one's fade takes a slot beyond them).
    poly: usize,
    looping: bool,
    last_trig: f32,
    started: u64,
    fade_step: f32,
    /// Its choke group (0: none), its identity in it, and the group trigger it has already answered.
    cut: usize,
    id: u64,
    cut_seen: u64,
}

impl Sampler {
    /// Control thread. A sample is `None` when its file could not be loaded (the patch check said why).
    pub fn new(samples: Vec<Option<Arc<Sample>>>, sample_rate: f32, poly: f32, looping: bool, cut: f32) -> Self {
        Self {
            cut: (cut.round().max(0.0) as usize).min(CUT_GROUPS - 1),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            cut_seen: 0,
            samples,
            voices: [Voice::default(); MAX_VOICES],
            poly: (poly.round() as usize).clamp(1, MAX_VOICES / 2),
            looping,
            last_trig: 0.0,
            started: 0,
            fade_step: 1.0 / (STEAL_SECONDS * sample_rate).max(1.0),
        }
    }
}

/// Start a voice at `at`: a free one, after fading out the oldest when `poly` already sound. Real-time.
fn trigger(voices: &mut [Voice; MAX_VOICES], poly: usize, started: &mut u64, which: usize, at: f64) {
    let mut sounding = 0;
    let mut oldest: Option<usize> = None;
    for (i, v) in voices.iter().enumerate() {
        if v.on && !v.fading {
            sounding += 1;
            if oldest.is_none_or(|o| v.age < voices[o].age) {
                oldest = Some(i);
            }
        }
    }
    if sounding >= poly
        && let Some(o) = oldest
    {
        voices[o].fading = true;
    }
    let free = voices.iter().position(|v| !v.on);
    let slot = free.or_else(|| {
        (0..MAX_VOICES)
            .filter(|&i| voices[i].fading)
            .min_by_key(|&i| voices[i].age)
    });
    if let Some(i) = slot {
        *started += 1;
        voices[i] = Voice {
            on: true,
            which,
            pos: at,
            fade: 1.0,
            fading: false,
            age: *started,
        };
    }
}

/// The 4-point, 3rd-order Hermite interpolation of `y` at `t` in 0..1 between `y[1]` and `y[2]`.
#[inline]
fn hermite(y: [f32; 4], t: f32) -> f32 {
    let c1 = 0.5 * (y[2] - y[0]);
    let c2 = y[0] - 2.5 * y[1] + 2.0 * y[2] - 0.5 * y[3];
    let c3 = 0.5 * (y[3] - y[0]) + 1.5 * (y[1] - y[2]);
    ((c3 * t + c2) * t + c1) * t + y[1]
}

/// Channel `ch` of `s` at fractional frame `pos` (silence outside it).
#[inline]
fn read(s: &Sample, ch: usize, pos: f64) -> f32 {
    let frames = s.frames() as i64;
    let base = pos.floor() as i64;
    let t = (pos - pos.floor()) as f32;
    let c = ch.min(s.channels - 1);
    let at = |i: i64| {
        if (0..frames).contains(&i) {
            s.data[i as usize * s.channels + c]
        } else {
            0.0
        }
    };
    // Exactly on a frame: the frame itself, so a sample played at rate 1 comes back bit for bit.
    if t == 0.0 {
        return at(base);
    }
    hermite([at(base - 1), at(base), at(base + 1), at(base + 2)], t)
}

impl Processor for Sampler {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>()
            && o.samples.len() == self.samples.len()
            && o.samples
                .iter()
                .zip(&self.samples)
                .all(|(a, b)| a.as_ref().map(Arc::as_ptr) == b.as_ref().map(Arc::as_ptr))
        {
            self.voices = o.voices;
            self.last_trig = o.last_trig;
            self.started = o.started;
            self.cut_seen = o.cut_seen;
        }
    }

    fn reset(&mut self) {
        self.voices = [Voice::default(); MAX_VOICES];
        self.last_trig = 0.0;
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames.min(MAX_BLOCK);
        let [trig, rate, pitch, gain, start, end, which] = [0, 1, 2, 3, 4, 5, 6].map(|i| input(ins, i, n));
        for k in 0..n {
            let step = f64::from(rate[k]) * 2f64.powf(f64::from(pitch[k]) / 12.0);
            let span = |s: &Sample| {
                let frames = s.frames() as f64;
                let a = f64::from(start[k].clamp(0.0, 1.0)) * frames;
                let b = f64::from(end[k].clamp(0.0, 1.0)) * frames;
                (a.min(b), a.max(b))
            };
            let now = ctx.frame + k as u64 + 1;
            if self.cut > 0 {
                let (at, who) = CUTS.with(|c| c[self.cut].get());
                if at > self.cut_seen && at <= now && who != self.id {
                    // Another node of the group struck: ours fade out (an open hat stopped by a closed one).
                    self.voices.iter_mut().filter(|v| v.on).for_each(|v| v.fading = true);
                }
                self.cut_seen = self.cut_seen.max(at.min(now));
            }
            if trig[k] > 0.0 && self.last_trig <= 0.0 {
                if self.cut > 0 {
                    CUTS.with(|c| c[self.cut].set((now, self.id)));
                    self.cut_seen = now;
                }
                let w = (which[k].max(0.0).round() as usize).min(self.samples.len().saturating_sub(1));
                if let Some(Some(s)) = self.samples.get(w) {
                    let (lo, hi) = span(s);
                    let at = if step < 0.0 { hi - 1.0 } else { lo };
                    trigger(&mut self.voices, self.poly, &mut self.started, w, at);
                }
            }
            self.last_trig = trig[k];
            let (mut l, mut r) = (0.0f32, 0.0f32);
            for v in self.voices.iter_mut().filter(|v| v.on) {
                let Some(Some(s)) = self.samples.get(v.which) else {
                    v.on = false;
                    continue;
                };
                let (lo, hi) = span(s);
                let x = read(s, 0, v.pos) * v.fade;
                l += x;
                r += if s.channels > 1 { read(s, 1, v.pos) * v.fade } else { x };
                v.pos += step;
                if v.fading {
                    v.fade -= self.fade_step;
                    v.on = v.fade > 0.0;
                }
                let outside = v.pos >= hi || v.pos < lo;
                if outside && self.looping && hi - lo >= 1.0 {
                    v.pos = lo + (v.pos - lo).rem_euclid(hi - lo);
                } else if outside {
                    v.on = false;
                }
            }
            if let [left, right, ..] = outs {
                left[k] = l * gain[k];
                right[k] = r * gain[k];
            }
        }
    }
}
