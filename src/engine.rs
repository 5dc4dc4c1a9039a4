//! The real-time runtime. `Engine` runs on the audio thread (or the offline renderer); `EngineHandle` is its
//! control-thread side. They talk only through rtrb rings and atomics.
//!
//! Invariants (each tested):
//! 1. `Engine::process` never allocates, frees, locks, blocks, prints or formats.
//! 2. Everything it receives was built beforehand (`compile::build`); buffers are sized for `MAX_BLOCK`.
//! 3. Every box sent in comes back (`FromAudio::Retired`/`Unused`) and is dropped by `EngineHandle::collect`.
//!    When the return ring is full the box waits in a preallocated parking list; new messages are not taken
//!    until it is empty.
//! 4. Latest wins: a swap that arrives while another waits replaces it, and the older one goes back unused.
//! 5. Rendering is deterministic and independent of how the host cuts its buffers.

pub mod fade_in;
pub mod graph;
pub mod growth;
pub mod handle;
mod mailbox;
pub mod master;
pub mod messages;
mod meter;
pub mod taps;
pub mod telemetry;
mod transport;

pub use graph::{Graph, InRef, Slot};
pub use handle::{EngineHandle, pair};
pub use master::MasterConfig;
pub use messages::{Cmd, FromAudio, Swap, SwapMode, ToAudio};

use crate::dsp::simd::Simd;
use crate::dsp::{Block, Ctx, MAX_BLOCK};
use master::Master;
use meter::{Interleave, METER_WINDOW, Meter};
use rtrb::{Consumer, Producer};
use std::sync::Arc;
use telemetry::Telemetry;

/// A graph fading out after a crossfade swap; it lives in the swap that replaced it.
struct Fade {
    holder: Box<Swap>,
    remaining: u32,
    total: u32,
}

/// Renders graphs into interleaved stereo and swaps them on request.
// Its flags are independent facts (muted, tails cleared, tempo from a clock, transport stopped).
#[allow(clippy::struct_excessive_bools)]
pub struct Engine {
    current: Box<Graph>,
    version: u32,
    fade: Option<Fade>,
    pending: Option<Box<Swap>>,
    parked: Vec<FromAudio>,
    rx: Consumer<ToAudio>,
    tx: Producer<FromAudio>,
    scope: Producer<f32>,
    telemetry: Arc<Telemetry>,
    master: Master,
    muted: bool,
    tails_cleared: bool,
    sample_rate: f32,
    /// Frames since the transport was last rebased (start or tempo change).
    frames: u64,
    beat_origin: f64,
    bpm: f64,
    old_out: [Block; 2],
    meter: Meter,
    /// The instruction set the graph's kernels run with: the CPU's best unless set otherwise.
    simd: Simd,
    /// Each chain's peak over the meter window.
    peaks: taps::Peaks,
    scope_tap: Option<taps::ScopeTap>,
    /// An external clock sets the tempo (the patch's `bpm` is then ignored).
    tempo_locked: bool,
    /// The transport is stopped: the beat stands still.
    stopped: bool,
    /// Where MIDI clock goes, and the frames rendered since the start (its timeline).
    clock_out: Option<rtrb::Producer<crate::dsp::keys::out::OutMsg>>,
    rendered: u64,
    /// Where the output is copied for recording; frames that find it full are counted, never waited for.
    capture: Option<rtrb::Producer<f32>>,
}

/// Returned boxes that can wait when the return ring is full; more can't build up (invariant 3).
const PARKING: usize = 8;

impl Engine {
    /// An engine with no one listening: for offline rendering and tests.
    pub fn new(graph: Box<Graph>, sample_rate: f32, master: MasterConfig) -> Self {
        pair(graph, sample_rate, master).0
    }

    fn from_parts(
        graph: Box<Graph>,
        sample_rate: f32,
        master: MasterConfig,
        rx: Consumer<ToAudio>,
        tx: Producer<FromAudio>,
        scope: Producer<f32>,
        telemetry: Arc<Telemetry>,
    ) -> Self {
        let bpm = graph.bpm;
        Self {
            current: graph,
            version: 0,
            fade: None,
            pending: None,
            parked: Vec::with_capacity(PARKING),
            rx,
            tx,
            scope,
            telemetry,
            master: Master::new(master, sample_rate),
            muted: false,
            tails_cleared: false,
            sample_rate,
            frames: 0,
            beat_origin: 0.0,
            bpm,
            old_out: [[0.0; MAX_BLOCK]; 2],
            meter: Meter::NEW,
            simd: Simd::best(),
            peaks: taps::Peaks::NEW,
            scope_tap: None,
            tempo_locked: false,
            stopped: false,
            clock_out: None,
            rendered: 0,
            capture: None,
        }
    }

    /// Run the kernels with `simd` from the next block on (benchmarks and tests compare the sets).
    pub fn set_simd(&mut self, simd: Simd) {
        self.simd = simd;
    }

    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// Beat position now.
    pub fn beat(&self) -> f64 {
        self.beat_origin + self.frames as f64 * self.beats_per_frame()
    }

    fn beats_per_frame(&self) -> f64 {
        self.bpm / 60.0 / f64::from(self.sample_rate)
    }

    /// Go on from render frame `frame` (a new engine taking over from one whose device was lost). Before it plays.
    pub fn start_at(&mut self, frame: u64) {
        self.rendered = frame;
        self.telemetry.store_rendered(frame);
    }

    /// Fill `out` (interleaved L/R, any length) with the next frames.
    ///
    /// Real-time: audio thread.
    pub fn process(&mut self, out: &mut [f32]) {
        self.flush_parked();
        if self.parked.is_empty() {
            self.receive();
        }
        let total = out.len() / 2;
        let mut done = 0;
        while done < total {
            // Blocks also end on the render's 64-frame grid, so what happens at block ends (a panic's tails
            // cleared) lands on the same frame whatever the host's buffer size: replay depends on it.
            let to_grid = MAX_BLOCK - (self.rendered % MAX_BLOCK as u64) as usize;
            let mut frames = (total - done).min(to_grid);
            if let Some(wait) = self.frames_until_pending() {
                if wait == 0 {
                    self.install_pending();
                } else {
                    frames = frames.min(wait);
                }
            }
            self.render_block(&mut out[2 * done..2 * (done + frames)]);
            done += frames;
        }
        if self.meter.frames >= METER_WINDOW {
            self.meter.publish(&self.telemetry);
            self.telemetry.store_beat(self.beat());
            self.telemetry.store_chains(&self.peaks.peak[..self.peaks.count]);
            self.peaks = taps::Peaks::NEW;
        }
        if self.tapped().is_none() {
            self.push_scope(out);
        }
        if let Some(tx) = &mut self.capture {
            let n = out.len().min(tx.slots());
            if n < out.len() {
                self.telemetry.count_dropped((out.len() - n) as u64);
            }
            if let Ok(chunk) = tx.write_chunk_uninit(n) {
                chunk.fill_from_iter(out.iter().copied());
            }
        }
        self.telemetry.store_rendered(self.rendered);
    }

    /// The scope's tap, when it is for the graph playing.
    fn tapped(&self) -> Option<taps::ScopeTap> {
        self.scope_tap.filter(|t| t.version == self.version)
    }

    /// Render one block of at most `MAX_BLOCK` frames into `out`. Works on whole blocks (mix, master,
    /// telemetry, interleave) so the per-frame cost stays small next to the graph's.
    fn render_block(&mut self, out: &mut [f32]) {
        let frames = out.len() / 2;
        crate::dsp::capture::next_block();
        let mut ctx = Ctx::with_simd(self.simd, self.sample_rate, frames, self.beat(), self.bpm);
        ctx.frame = self.rendered;
        if let Some((slot, kind)) = self.current.run(&ctx) {
            self.master.clear();
            self.telemetry.count_fault();
            self.send_back(FromAudio::Fault {
                version: self.version,
                slot: slot as u32,
                kind,
            });
        }
        self.peaks.take(&self.current.taps, &self.current, frames);
        if let Some(tap) = self.tapped()
            && let Some(block) = tap.block(&self.current, frames)
        {
            let n = (2 * block.len()).min(self.scope.slots());
            if let Ok(chunk) = self.scope.write_chunk_uninit(n) {
                chunk.fill_from_iter(block.iter().flat_map(|&x| [x, x]));
            }
        }
        let fading = self.run_fade(&ctx);
        if fading.is_none() && !self.master.is_active() {
            // The common case: the graph's output goes out as it is, with no copy on the way.
            let (l, r) = self.current.output(frames);
            self.simd.run(Interleave(&mut self.meter, l, r, out));
        } else if let Some((remaining, total)) = fading {
            let lr = self.crossfade(frames, remaining, total);
            let input = [&lr[0][..frames], &lr[1][..frames]];
            master_out(&mut self.master, self.simd, &mut self.meter, input, out);
        } else {
            let (l, r) = self.current.output(frames);
            master_out(&mut self.master, self.simd, &mut self.meter, [l, r], out);
        }
        self.send_clock(frames);
        if !self.stopped {
            self.frames += frames as u64;
        }
        self.rendered += frames as u64;
        if self.muted
            && !self.tails_cleared
            && self.master.is_silent()
            && self.rendered.is_multiple_of(MAX_BLOCK as u64)
        {
            self.current.reset();
            if let Some(f) = &mut self.fade {
                f.holder.graph.reset();
            }
            self.tails_cleared = true;
        }
    }

    /// The two graphs' outputs mixed by the crossfade.
    fn crossfade(&self, frames: usize, remaining: u32, total: u32) -> [Block; 2] {
        let mut lr = [[0.0f32; MAX_BLOCK]; 2];
        let (l, r) = self.current.output(frames);
        lr[0][..frames].copy_from_slice(l);
        lr[1][..frames].copy_from_slice(r);
        // Linear: kept parts are identical in both graphs, so their level stays put.
        for (side, old) in lr.iter_mut().zip(&self.old_out) {
            for (i, (x, o)) in side[..frames].iter_mut().zip(&old[..frames]).enumerate() {
                let g = remaining.saturating_sub(i as u32) as f32 / total as f32;
                *x = *x * (1.0 - g) + o * g;
            }
        }
        lr
    }

    /// Run the fading-out graph for this block; returns (frames left, total) while a fade is on.
    fn run_fade(&mut self, ctx: &Ctx) -> Option<(u32, u32)> {
        let fade = self.fade.as_mut()?;
        fade.holder.graph.run(ctx);
        let (l, r) = fade.holder.graph.output(ctx.frames);
        self.old_out[0][..ctx.frames].copy_from_slice(l);
        self.old_out[1][..ctx.frames].copy_from_slice(r);
        let state = (fade.remaining, fade.total);
        fade.remaining = fade.remaining.saturating_sub(ctx.frames as u32);
        if fade.remaining == 0
            && let Some(done) = self.fade.take()
        {
            self.send_back(FromAudio::Retired(done.holder));
        }
        Some(state)
    }

    fn push_scope(&mut self, out: &[f32]) {
        let n = out.len().min(self.scope.slots());
        if let Ok(chunk) = self.scope.write_chunk_uninit(n) {
            chunk.fill_from_iter(out.iter().copied());
        }
    }

    /// Frames to wait before the pending swap may go in: after any running fade, on its beat quantum.
    fn frames_until_pending(&self) -> Option<usize> {
        let swap = self.pending.as_ref()?;
        if let Some(f) = &self.fade {
            return Some(f.remaining.max(1) as usize);
        }
        let q = swap.quantum_beats;
        if q <= 0.0 {
            return Some(0);
        }
        let bpf = self.beats_per_frame();
        let pos = self.beat() / q;
        // On a boundary (to within half a frame), or the frames to the next one, rounded so float error never
        // carries the block past it.
        if (pos - pos.round()).abs() * q < 0.5 * bpf {
            return Some(0);
        }
        let to_next = (pos.floor() + 1.0 - pos) * q;
        Some(((to_next / bpf - 1e-6).ceil() as usize).max(1))
    }

    fn install_pending(&mut self) {
        let Some(mut swap) = self.pending.take() else { return };
        std::mem::swap(&mut self.current, &mut swap.graph);
        let take = swap.mode == SwapMode::Move || swap.fade_frames == 0;
        if !take {
            self.current.fade_in_new(swap.fade_frames);
        }
        self.current.adopt(&mut swap.graph, take, swap.glide_frames);
        if !self.tempo_locked && self.current.bpm != self.bpm {
            self.set_tempo(self.current.bpm);
        }
        self.version = swap.version;
        self.telemetry.store_version(swap.version);
        // The chains are numbered anew in each version.
        self.peaks = taps::Peaks::NEW;
        let version = swap.version;
        if take {
            self.send_back(FromAudio::Retired(swap));
        } else {
            let total = swap.fade_frames;
            self.fade = Some(Fade {
                holder: swap,
                remaining: total,
                total,
            });
        }
        let frame = self.rendered;
        self.send_back(FromAudio::Installed { version, frame });
    }

    /// Whether the control side has gone away.
    pub fn is_abandoned(&self) -> bool {
        self.rx.is_abandoned()
    }
}

/// `input` through the master section into `out` (interleaved), metered. Real-time.
fn master_out(master: &mut Master, simd: Simd, meter: &mut Meter, input: [&[f32]; 2], out: &mut [f32]) {
    let mut at = 0;
    let gain = master.process(simd, input, |l, r| {
        let n = l.len();
        simd.run(Interleave(meter, l, r, &mut out[2 * at..2 * (at + n)]));
        at += n;
    });
    meter.gain = meter.gain.min(gain);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::{self, Settings};

    fn engine() -> (Engine, EngineHandle) {
        let src = "sine 1000 -> gain 0.5 -> out.left\nsine 1000 -> gain 0.25 -> out.right\n";
        let (graph, _) = compile::compile(src, &Settings::default()).expect("compiles");
        pair(graph, 48_000.0, MasterConfig::raw())
    }

    fn run(e: &mut Engine, frames: usize, callback: usize) {
        let mut buf = vec![0.0; 2 * callback];
        for _ in 0..frames / callback {
            e.process(&mut buf);
        }
    }

    #[test]
    fn meters_publish_peak_and_rms_of_each_side_once_a_window_is_full() {
        let (mut e, h) = engine();
        run(&mut e, METER_WINDOW - 64, 64);
        assert_eq!(h.levels().peak, [0.0, 0.0], "published before the window was full");
        run(&mut e, 64, 64);
        let l = h.levels();
        for (side, amp) in [0.5f32, 0.25].into_iter().enumerate() {
            assert!((l.peak[side] - amp).abs() < 2e-3 * amp, "peak {side}: {}", l.peak[side]);
            let want = amp / std::f32::consts::SQRT_2;
            assert!((l.rms[side] - want).abs() < 1e-2 * want, "rms {side}: {}", l.rms[side]);
        }
        // Read peaks reset; a callback longer than the window publishes at its end.
        assert_eq!(h.levels().peak, [0.0, 0.0]);
        run(&mut e, 3 * METER_WINDOW, 3 * METER_WINDOW);
        assert!((h.levels().peak[0] - 0.5).abs() < 1e-3);
    }
}
