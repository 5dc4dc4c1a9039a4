//! The output meters: peak, RMS and gain reduction gathered over a window while the output is interleaved, then
//! published to the telemetry atomics. Audio thread; allocates nothing.

use super::telemetry::Telemetry;
use crate::dsp::simd::Kernel;

/// Frames the meters gather before they are published: about 21 ms at 48 kHz, quicker than the UI reads them.
/// Small callbacks then don't each pay for the reduction and the atomics.
pub(super) const METER_WINDOW: usize = 1024;

/// Levels gathered over a meter window, in eight lanes per side so the per-block pass vectorises; reduced once
/// when published.
pub(super) struct Meter {
    peak: [[f32; 8]; 2],
    energy: [[f32; 8]; 2],
    pub(super) gain: f32,
    pub(super) frames: usize,
}

impl Meter {
    pub(super) const NEW: Self = Self {
        peak: [[0.0; 8]; 2],
        energy: [[0.0; 8]; 2],
        gain: 1.0,
        frames: 0,
    };

    /// Interleave `l` and `r` into `out`, then take their levels.
    #[inline(always)]
    pub(super) fn interleave(&mut self, l: &[f32], r: &[f32], out: &mut [f32]) {
        self.frames += l.len();
        // Two passes, each a shape the compiler vectorises well: an interleave alone becomes shuffles, where
        // mixing it with the levels made it load and store one sample at a time.
        for ((o, &x), &y) in out.chunks_exact_mut(2).zip(l).zip(r) {
            o[0] = x;
            o[1] = y;
        }
        let ([pl, pr], [el, er]) = (&mut self.peak, &mut self.energy);
        levels(pl, el, l);
        levels(pr, er, r);
    }

    /// Publish peak, RMS and gain reduction of the window, and start the next.
    pub(super) fn publish(&mut self, telemetry: &Telemetry) {
        let peak = self.peak.map(|lanes| {
            let mut p = 0f32;
            for &v in &lanes {
                louder(&mut p, v);
            }
            p
        });
        let rms = self
            .energy
            .map(|e| (e.iter().sum::<f32>() / self.frames.max(1) as f32).sqrt());
        // Gain reduction in dB; the log only when the limiter is actually working.
        let reduction = if self.gain < 1.0 {
            -20.0 * self.gain.max(1e-6).log10()
        } else {
            0.0
        };
        telemetry.store_block(peak, rms, reduction);
        *self = Self::NEW;
    }
}

/// Keep the larger magnitude. Compare and select, not `max`, whose NaN rule keeps the meter loop scalar.
#[inline(always)]
fn louder(peak: &mut f32, x: f32) {
    let a = x.abs();
    *peak = if a > *peak { a } else { *peak };
}

/// Take `x`'s peak and energy into eight lanes, working on copies so they stay in registers. A short last
/// chunk is padded with silence and taken like the others: folding it into lane 0 instead split the lanes into
/// ragged groups the compiler no longer vectorised.
#[inline(always)]
fn levels(peak: &mut [f32; 8], energy: &mut [f32; 8], x: &[f32]) {
    let (mut p, mut e) = (*peak, *energy);
    let (chunks, rest) = x.as_chunks::<8>();
    for c in chunks {
        take(&mut p, &mut e, c);
    }
    if !rest.is_empty() {
        let mut last = [0f32; 8];
        last[..rest.len()].copy_from_slice(rest);
        take(&mut p, &mut e, &last);
    }
    (*peak, *energy) = (p, e);
}

/// One chunk of eight into the lanes. A function, not a closure: only inlined code runs in the AVX2 copy.
#[inline(always)]
fn take(p: &mut [f32; 8], e: &mut [f32; 8], c: &[f32; 8]) {
    for k in 0..8 {
        louder(&mut p[k], c[k]);
        e[k] += c[k] * c[k];
    }
}

/// `Meter::interleave` as a kernel, so it runs as wide as the graph.
pub(super) struct Interleave<'a>(
    pub(super) &'a mut Meter,
    pub(super) &'a [f32],
    pub(super) &'a [f32],
    pub(super) &'a mut [f32],
);

impl Kernel for Interleave<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        self.0.interleave(self.1, self.2, self.3);
    }
}
