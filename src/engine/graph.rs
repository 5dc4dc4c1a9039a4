//! A compiled graph as the audio thread runs it: slots in processing order, each with its processor, its input
//! wiring, its (gliding) constant inputs and its output buffers. Built on the control thread; `run`, `adopt` and
//! `reset` are real-time.

use super::fade_in::FadeIn;
use super::growth::{Growth, Verdict};
use crate::dsp::simd::Kernel;
use crate::dsp::{Block, Ctx, MAX_BLOCK, Processor, ZEROS};

/// Most signal inputs one node can have (the compiler splits larger sums).
pub const MAX_INPUTS: usize = 16;

/// Mean square above which a node's output counts as running away (a level of 10^6).
const RUNAWAY_MEAN_SQUARE: f32 = 1e12;

/// How long an opened loop's members are not judged for growth (they restart from silence), in seconds.
const LOOP_SETTLES: f32 = 0.5;

/// Where a slot's input reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InRef {
    /// `consts[k]` of the same slot.
    Const(usize),
    /// An output of another slot. A later slot here is a feedback edge: it reads the previous block.
    Node { slot: usize, port: usize },
    /// A MIDI output of an earlier slot: the whole block (its event list), not cut to the frames rendered.
    Events { slot: usize, port: usize },
    /// An unconnected MIDI input: no events.
    NoEvents,
}

/// A constant input. After a retune it glides from its old value to `target`.
#[derive(Clone)]
pub struct ConstIn {
    pub value: f32,
    pub target: f32,
    step: f32,
    remaining: u32,
    /// The last block ended a glide; the next one refills the buffer with the target.
    settle: bool,
    pub buf: Block,
}

impl ConstIn {
    pub fn new(v: f32) -> Self {
        Self {
            value: v,
            target: v,
            step: 0.0,
            remaining: 0,
            settle: false,
            buf: [v; MAX_BLOCK],
        }
    }

    /// Start from `from` and glide to the target over `frames`. Real-time.
    pub fn glide_from(&mut self, from: f32, frames: u32) {
        if from == self.target || frames == 0 || !from.is_finite() {
            return;
        }
        self.value = from;
        self.remaining = frames;
        self.step = (self.target - from) / frames as f32;
        self.buf.fill(from);
    }

    /// Fill the buffer for the next `n` frames; a no-op once settled. Real-time.
    #[inline]
    fn advance(&mut self, n: usize) {
        if self.remaining == 0 {
            if self.settle {
                self.buf.fill(self.target);
                self.settle = false;
            }
            return;
        }
        for v in &mut self.buf[..n] {
            if self.remaining > 0 {
                self.value += self.step;
                self.remaining -= 1;
                if self.remaining == 0 {
                    self.value = self.target;
                }
            }
            *v = self.value;
        }
        self.settle = self.remaining == 0;
    }
}

/// Why a node was muted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    NotFinite,
    Runaway,
}

pub struct Slot {
    /// The node's stable identity across edits.
    pub key: Box<str>,
    pub kind: &'static str,
    pub proc: Box<dyn Processor>,
    pub inputs: Vec<InRef>,
    pub consts: Vec<ConstIn>,
    pub outs: Vec<Block>,
    /// The slot of the previous graph this one continues, if any.
    pub from: Option<usize>,
    /// Set when the node produced NaN/inf or ran away; it then outputs silence.
    pub fault: Option<FaultKind>,
    /// Whether its output is checked for faults (not for processors that are `bounded` by construction).
    pub checked: bool,
    /// Its main input's fade-in when a crossfade adds it.
    pub fade_in: FadeIn,
    /// Watched for growth when it is on a feedback loop.
    pub growth: Option<Growth>,
}

pub struct Graph {
    pub slots: Vec<Slot>,
    /// The slot of the `out` node.
    pub out: usize,
    pub bpm: f64,
    /// Each chain's send to `out`, metered for the editor's gutter (set by the control thread before sending).
    pub taps: Vec<super::taps::Tap>,
}

impl Graph {
    /// Process every slot once, in order. Returns the first slot that faulted in this block, if any.
    ///
    /// Real-time: audio thread.
    pub fn run(&mut self, ctx: &Ctx) -> Option<(usize, FaultKind)> {
        let n = ctx.frames.min(MAX_BLOCK);
        let mut first_fault = None;
        // The loop that grew in this block, if any: it is opened after the pass, at its loudest member.
        let mut grown_loop: Option<u32> = None;
        for i in 0..self.slots.len() {
            let (before, rest) = self.slots.split_at_mut(i);
            let Some((cur, after)) = rest.split_first_mut() else {
                break;
            };
            if cur.fault.is_some() {
                continue;
            }
            let Slot {
                proc,
                inputs,
                consts,
                outs,
                fade_in,
                ..
            } = cur;
            for c in consts.iter_mut() {
                c.advance(n);
            }
            // `out` has nothing to compute: `output` reads its inputs where they are, saving a copy per block.
            if i == self.out {
                continue;
            }
            let mut ins: [&[f32]; MAX_INPUTS] = [&ZEROS[..0]; MAX_INPUTS];
            let count = inputs.len().min(MAX_INPUTS);
            for (dst, r) in ins.iter_mut().zip(inputs.iter()) {
                // Samples are cut to the frames rendered; a MIDI block is an event list, read whole.
                let (block, len) = match *r {
                    InRef::Const(k) => (consts.get(k).map(|c| &c.buf), n),
                    InRef::Node { slot, port } if slot < i => (before.get(slot).and_then(|s| s.outs.get(port)), n),
                    InRef::Node { slot, port } => {
                        (after.get(slot.wrapping_sub(i + 1)).and_then(|s| s.outs.get(port)), n)
                    }
                    InRef::Events { slot, port } => (before.get(slot).and_then(|s| s.outs.get(port)), MAX_BLOCK),
                    InRef::NoEvents => (None, MAX_BLOCK),
                };
                *dst = &block.unwrap_or(&ZEROS)[..len];
            }
            if fade_in.active()
                && let Some(k) = fade_in.port.filter(|&k| k < count)
            {
                ins[k] = fade_in.apply(ins[k], n);
            }
            proc.process(ctx, &ins[..count], outs);
            if !cur.checked {
                continue;
            }
            let checked = match ctx.simd.run(Check(outs, n)) {
                Ok(mean_square) => match cur.growth.as_mut() {
                    Some(g) => match g.observe(mean_square, n, ctx.sample_rate) {
                        Verdict::Fine => Ok(()),
                        Verdict::Growing => {
                            grown_loop = grown_loop.or(Some(g.loop_id));
                            Ok(())
                        }
                        Verdict::TooLoud => Err(FaultKind::Runaway),
                    },
                    None => Ok(()),
                },
                Err(kind) => Err(kind),
            };
            if let Err(kind) = checked {
                cur.fault = Some(kind);
                for o in &mut cur.outs {
                    o.fill(0.0);
                }
                first_fault = first_fault.or(Some((i, kind)));
            }
        }
        if let Some(id) = grown_loop {
            first_fault = first_fault.or(self.open_loop(id, ctx.sample_rate));
        }
        first_fault
    }

    /// A loop is growing: mute its loudest member among those fed only by the loop (the feedback path, so what
    /// feeds the loop from outside plays on), clear every member's state (its delay lines hold the runaway), and
    /// judge none of them for growth while they restart. Real-time.
    fn open_loop(&mut self, id: u32, sample_rate: f32) -> Option<(usize, FaultKind)> {
        let on_loop = |s: &Slot| s.fault.is_none() && s.growth.is_some_and(|g| g.loop_id == id);
        // Feedback-only members first, then the loudest.
        let rank = |s: &Slot| s.growth.map_or((false, 0.0), |g| (g.only_feedback, g.level()));
        let loudest = (0..self.slots.len())
            .filter(|&i| on_loop(&self.slots[i]))
            .max_by(|&a, &b| {
                let (fa, la) = rank(&self.slots[a]);
                let (fb, lb) = rank(&self.slots[b]);
                fa.cmp(&fb).then(la.total_cmp(&lb))
            })?;
        self.slots[loudest].fault = Some(FaultKind::Runaway);
        // What the loop's delay lines hold is the runaway itself: drop it, so the loud part ends now and not when
        // it has played out.
        for s in &mut self.slots {
            if let Some(g) = s.growth.as_mut().filter(|g| g.loop_id == id) {
                g.hold(LOOP_SETTLES, sample_rate);
                s.proc.reset();
                for o in &mut s.outs {
                    o.fill(0.0);
                }
            }
        }
        Some((loudest, FaultKind::Runaway))
    }

    /// The left and right master buffers of the last block: what the `out` node's inputs hold. `out` only
    /// gathers what was checked upstream; the master scrubs and limits whatever that becomes.
    pub fn output(&self, frames: usize) -> (&[f32], &[f32]) {
        let n = frames.min(MAX_BLOCK);
        let Some(out) = self.slots.get(self.out) else {
            return (&ZEROS[..n], &ZEROS[..n]);
        };
        let side = |k: usize| -> &[f32] {
            let block = match out.inputs.get(k) {
                Some(InRef::Const(c)) => out.consts.get(*c).map(|c| &c.buf),
                Some(InRef::Node { slot, port }) => self.slots.get(*slot).and_then(|s| s.outs.get(*port)),
                _ => None,
            };
            &block.unwrap_or(&ZEROS)[..n]
        };
        (side(0), side(1))
    }

    /// Continue the linked slots of `old`: outputs (for feedback readers), constants (gliding to the new values
    /// over `glide` frames), and the processors' state, moved when `take` is set (the old graph is then dead) or
    /// copied (it keeps playing during a crossfade). Faulted nodes start afresh.
    ///
    /// Real-time: audio thread.
    pub fn adopt(&mut self, old: &mut Graph, take: bool, glide: u32) {
        for slot in &mut self.slots {
            let Some(prev) = slot.from.take().and_then(|o| old.slots.get_mut(o)) else {
                continue;
            };
            if prev.fault.is_some() {
                continue;
            }
            if take {
                std::mem::swap(&mut slot.proc, &mut prev.proc);
            } else {
                slot.proc.copy_state(&*prev.proc);
            }
            for (a, b) in slot.outs.iter_mut().zip(&prev.outs) {
                a.copy_from_slice(b);
            }
            for (a, b) in slot.consts.iter_mut().zip(&prev.consts) {
                a.glide_from(b.value, glide);
            }
            if let (Some(g), Some(before)) = (slot.growth.as_mut(), prev.growth.as_ref()) {
                g.continue_from(before);
            }
        }
    }

    /// Fade in the main input of every node this graph adds (one not continuing a node of the graph it replaces),
    /// over `frames`. Call before `adopt`, which consumes the links. Real-time.
    pub fn fade_in_new(&mut self, frames: u32) {
        for slot in &mut self.slots {
            if slot.from.is_none() {
                slot.fade_in.start(frames);
            }
        }
    }

    /// Silence every node's tails. Real-time.
    pub fn reset(&mut self) {
        for s in &mut self.slots {
            s.proc.reset();
            for o in &mut s.outs {
                o.fill(0.0);
            }
        }
    }
}

/// `check` as a kernel, so it runs as wide as the nodes it checks.
struct Check<'a>(&'a [Block], usize);

impl Kernel for Check<'_> {
    type Output = Result<f32, FaultKind>;

    #[inline(always)]
    fn run(self) -> Self::Output {
        check(self.0, self.1)
    }
}

/// NaN/inf or a runaway level in any output; otherwise the loudest output's mean square. Eight independent sums so
/// the loop vectorises: a strict sequential float sum here cost more than many of the nodes it checks.
#[inline(always)]
fn check(outs: &[Block], n: usize) -> Result<f32, FaultKind> {
    let mut loudest = 0f32;
    for o in outs {
        let x = &o[..n];
        let mut lanes = [0f32; 8];
        let chunks = x.chunks_exact(8);
        let tail: f32 = chunks.remainder().iter().map(|v| v * v).sum();
        for c in chunks {
            for (l, v) in lanes.iter_mut().zip(c) {
                *l += v * v;
            }
        }
        let energy = lanes.iter().sum::<f32>() + tail;
        if !energy.is_finite() {
            return Err(if x.iter().any(|v| !v.is_finite()) {
                FaultKind::NotFinite
            } else {
                FaultKind::Runaway
            });
        }
        if energy > RUNAWAY_MEAN_SQUARE * n as f32 {
            return Err(FaultKind::Runaway);
        }
        loudest = loudest.max(energy / n.max(1) as f32);
    }
    Ok(loudest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_glides_linearly_to_its_target_then_stays() {
        let mut c = ConstIn::new(660.0);
        c.glide_from(440.0, 4);
        c.advance(8);
        assert_eq!(&c.buf[..8], &[495.0, 550.0, 605.0, 660.0, 660.0, 660.0, 660.0, 660.0]);
        c.advance(3);
        assert_eq!(c.buf[0], 660.0);
        assert_eq!(c.buf[63], 660.0);
    }

    #[test]
    fn faults_are_told_apart() {
        let mut b = [[0.5f32; MAX_BLOCK]];
        assert_eq!(check(&b, 64), Ok(0.25));
        b[0][3] = f32::NAN;
        assert_eq!(check(&b, 64), Err(FaultKind::NotFinite));
        b[0][3] = 1e7;
        assert_eq!(check(&b, 64), Err(FaultKind::Runaway));
    }
}
