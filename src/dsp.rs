//! Pure DSP: the `Processor` trait, the node registry and every processor. Knows nothing of threads; a processor's
//! `process` runs on the audio thread (or the offline renderer) and must not allocate, lock, print or panic.

pub mod budget;
pub mod capture;
pub mod compat;
pub mod compat_io;
pub mod ctl;
pub mod delay;
pub mod env;
pub mod fast;
pub mod filter;
pub mod io;
pub mod keys;
pub mod midi;
pub mod mix;
pub mod node_def;
pub mod noise;
pub mod osc;
pub mod pat;
pub mod registry;
pub mod reports;
pub mod reverb;
pub mod sampler;
pub mod simd;
pub mod soundfont;
pub mod time;

/// Frames per processing block. Hosts' buffers are cut into blocks of at most this many frames.
pub const MAX_BLOCK: usize = 64;

/// One output buffer of a node.
pub type Block = [f32; MAX_BLOCK];

/// A block of silence, for inputs that are missing.
pub static ZEROS: Block = [0.0; MAX_BLOCK];

/// What every processor knows about the block being rendered.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub sample_rate: f32,
    /// Frames in this block, `1..=MAX_BLOCK`.
    pub frames: usize,
    /// Transport position in beats at the first frame of the block.
    pub beat: f64,
    /// Beats per frame at the current tempo.
    pub beats_per_frame: f64,
    /// The instruction set hot kernels run with (`Simd::run`).
    pub simd: simd::Simd,
    /// The render's frame at the first frame of the block (MIDI placed on exact frames counts in these).
    pub frame: u64,
}

impl Ctx {
    /// A block run with the CPU's best kernels (asking the CPU: for tests and tools, not per block).
    pub fn new(sample_rate: f32, frames: usize, beat: f64, bpm: f64) -> Self {
        Self::with_simd(simd::Simd::best(), sample_rate, frames, beat, bpm)
    }

    /// A block run with `simd`, the set the engine chose once.
    pub fn with_simd(simd: simd::Simd, sample_rate: f32, frames: usize, beat: f64, bpm: f64) -> Self {
        Self {
            sample_rate,
            frames,
            beat,
            beats_per_frame: bpm / 60.0 / f64::from(sample_rate),
            simd,
            frame: 0,
        }
    }
}

/// A node's DSP. `ins[k]` holds exactly `ctx.frames` samples of the k-th signal parameter (constants arrive as
/// filled buffers); write the first `ctx.frames` samples of each output block.
pub trait Processor: Send + AsAny {
    /// Real-time: audio thread.
    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]);

    /// Take over the running state (phase, filter memory, delay contents…) of `other`, a processor of the same kind
    /// built from the same settings. Used when a hot swap crossfades, so kept nodes sound the same in both graphs.
    /// Real-time: audio thread; must not allocate (buffers are the same size, so copies suffice).
    fn copy_state(&mut self, other: &dyn Processor);

    /// Silence every tail (the panic button). Real-time: audio thread.
    fn reset(&mut self);

    /// Whether the output is finite and within ±2 whatever the inputs (NaN and infinities included). The graph
    /// then skips the node's fault check, which would cost about as much as a sine.
    fn bounded(&self) -> bool {
        false
    }
}

/// Lets `copy_state` find the concrete type of the other processor.
pub trait AsAny {
    fn as_any(&self) -> &dyn std::any::Any;
}

impl<T: std::any::Any> AsAny for T {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `copy_state` and `reset` for processors whose state is plain data (no heap), so `Clone` copies it without
/// allocating and `fresh` rebuilds a silent one.
#[macro_export]
macro_rules! plain_state {
    ($fresh:expr) => {
        fn copy_state(&mut self, other: &dyn $crate::dsp::Processor) {
            if let Some(o) = other.as_any().downcast_ref::<Self>() {
                *self = o.clone();
            }
        }

        #[allow(clippy::redundant_closure_call)]
        fn reset(&mut self) {
            let fresh: fn(&Self) -> Self = $fresh;
            *self = fresh(self);
        }
    };
}

/// A node key's stable hash (FNV-1a): the same on every run and machine, unlike `HashMap`'s.
pub fn key_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The k-th input, or silence of the right length when the graph did not wire it (never happens for compiled graphs).
#[inline(always)]
pub fn input<'a>(ins: &[&'a [f32]], k: usize, frames: usize) -> &'a [f32] {
    match ins.get(k) {
        Some(s) => s,
        None => &ZEROS[..frames.min(MAX_BLOCK)],
    }
}

/// The first `frames` samples of output `k`, if the node has it.
#[inline(always)]
pub fn output(outs: &mut [Block], k: usize, frames: usize) -> Option<&mut [f32]> {
    outs.get_mut(k).map(|b| &mut b[..frames.min(MAX_BLOCK)])
}

/// Output 0 = `f(input 0, input 1)`, sample by sample: the shape of every two-input arithmetic node.
///
/// Real-time: audio thread.
#[inline(always)]
pub fn map2(ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block], f: impl Fn(f32, f32) -> f32) {
    let n = ctx.frames;
    let (a, b) = (input(ins, 0, n), input(ins, 1, n));
    if let Some(out) = output(outs, 0, n) {
        for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
            *o = f(a, b);
        }
    }
}

/// Whether every sample of a block is the same, so per-sample coefficient work can be skipped.
#[inline(always)]
pub fn is_constant(x: &[f32]) -> bool {
    // Counting differences rather than `all`: no early exit, so it runs as vector compares.
    x.first()
        .is_none_or(|&v| x.iter().map(|&y| u32::from(y != v)).sum::<u32>() == 0)
}
