//! Lossy, non-blocking telemetry from the audio thread: levels and counters in atomics, the scope in a ring.
//! Written on the audio thread, read on the UI thread; neither ever waits.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

/// Shared between the two threads behind an `Arc`.
#[derive(Default)]
pub struct Telemetry {
    peak: [AtomicU32; 2],
    rms: [AtomicU32; 2],
    /// Gain reduction of the limiter in the last block, in dB (f32 bits).
    reduction: AtomicU32,
    /// Callback time over buffer time (f32 bits), set by the device backend.
    load: AtomicU32,
    xruns: AtomicU32,
    faults: AtomicU32,
    beat: AtomicU64,
    version: AtomicU32,
    /// Each chain's peak since the last read (f32 bits), and how many chains were metered.
    chains: [AtomicU32; super::taps::MAX_TAPS],
    chain_count: AtomicU32,
    /// Frames rendered since the start, and samples the recorder's ring had no room for.
    rendered: AtomicU64,
    dropped: AtomicU64,
}

/// What the UI reads.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Levels {
    /// Peak since the last read, per channel.
    pub peak: [f32; 2],
    pub rms: [f32; 2],
    pub reduction_db: f32,
    pub load: f32,
    pub xruns: u32,
    pub faults: u32,
    pub beat: f64,
    pub version: u32,
}

impl Telemetry {
    /// Real-time: audio thread.
    pub fn store_block(&self, peak: [f32; 2], rms: [f32; 2], reduction_db: f32) {
        for c in 0..2 {
            // Positive floats order as their bits. The plain load first: a steady level then skips the atomic
            // read-modify-write, the dearest instruction of the callback.
            let bits = peak[c].to_bits();
            if bits > self.peak[c].load(Relaxed) {
                self.peak[c].fetch_max(bits, Relaxed);
            }
            self.rms[c].store(rms[c].to_bits(), Relaxed);
        }
        self.reduction.store(reduction_db.to_bits(), Relaxed);
    }

    /// Real-time: audio thread. Peaks only rise until the UI takes them.
    pub fn store_chains(&self, peaks: &[f32]) {
        for (a, p) in self.chains.iter().zip(peaks) {
            let bits = p.to_bits();
            if bits > a.load(Relaxed) {
                a.fetch_max(bits, Relaxed);
            }
        }
        self.chain_count.store(peaks.len() as u32, Relaxed);
    }

    /// Each chain's peak since the last read, into `out`. UI thread.
    pub fn read_chains(&self, out: &mut Vec<f32>) {
        out.clear();
        let n = (self.chain_count.load(Relaxed) as usize).min(self.chains.len());
        out.extend(self.chains[..n].iter().map(|a| f32::from_bits(a.swap(0, Relaxed))));
    }

    pub fn store_rendered(&self, frames: u64) {
        self.rendered.store(frames, Relaxed);
    }

    pub fn rendered(&self) -> u64 {
        self.rendered.load(Relaxed)
    }

    pub fn count_dropped(&self, samples: u64) {
        self.dropped.fetch_add(samples, Relaxed);
    }

    /// Samples the recorder missed because its ring was full (its writer fell behind).
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Relaxed)
    }

    /// The master's RMS now (the louder side), without taking the meters' peaks. Any thread.
    pub fn rms_now(&self) -> f32 {
        let get = |a: &AtomicU32| f32::from_bits(a.load(Relaxed));
        get(&self.rms[0]).max(get(&self.rms[1]))
    }

    pub fn store_beat(&self, beat: f64) {
        self.beat.store(beat.to_bits(), Relaxed);
    }

    pub fn store_version(&self, v: u32) {
        self.version.store(v, Relaxed);
    }

    pub fn store_load(&self, load: f32) {
        self.load.store(load.to_bits(), Relaxed);
    }

    pub fn count_xrun(&self) {
        self.xruns.fetch_add(1, Relaxed);
    }

    pub fn count_fault(&self) {
        self.faults.fetch_add(1, Relaxed);
    }

    /// Read, resetting the peaks (so each read sees the peak since the last). UI thread.
    /// The beat position last published, without taking the meters' peaks.
    pub fn beat(&self) -> f64 {
        f64::from_bits(self.beat.load(Relaxed))
    }

    pub fn read(&self) -> Levels {
        // Non-negative f32 bits order like the floats, so fetch_max above and swap here are exact.
        let take = |a: &AtomicU32| f32::from_bits(a.swap(0, Relaxed));
        let get = |a: &AtomicU32| f32::from_bits(a.load(Relaxed));
        Levels {
            peak: [take(&self.peak[0]), take(&self.peak[1])],
            rms: [get(&self.rms[0]), get(&self.rms[1])],
            reduction_db: get(&self.reduction),
            load: get(&self.load),
            xruns: self.xruns.load(Relaxed),
            faults: self.faults.load(Relaxed),
            beat: f64::from_bits(self.beat.load(Relaxed)),
            version: self.version.load(Relaxed),
        }
    }
}
