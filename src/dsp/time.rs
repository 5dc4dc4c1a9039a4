//! Time and control: `clock` and `seq` (following the transport's beat, or Hz), `sample_hold` and `slew`.
//! Beat-following nodes derive their position from the transport, so they stay in step across edits and tempo
//! changes. `process`: audio thread.

use super::{Block, Ctx, Processor, input, output};

/// Rounding slack: a position this close below a step boundary counts as on it, so rational rates tick on the
/// exact frame instead of one late after float rounding.
const SNAP: f64 = 1e-9;

/// Beat position of frame `i` of the block.
#[inline]
fn beat_at(ctx: &Ctx, i: usize) -> f64 {
    ctx.beat + i as f64 * ctx.beats_per_frame
}

/// Inputs `every` (beats), `rate` (Hz; when > 0 it overrides `every`). Output: a gate, high for the first half of
/// each tick, so it serves both as trigger (rising edge) and gate.
#[derive(Clone)]
pub struct Clock {
    phase: f64,
    inv_sr: f64,
}

impl Clock {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            phase: 0.0,
            inv_sr: 1.0 / f64::from(sample_rate),
        }
    }
}

impl Processor for Clock {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (every, rate) = (input(ins, 0, n), input(ins, 1, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for (i, ((o, &e), &r)) in out.iter_mut().zip(every).zip(rate).enumerate() {
            let ph = if r > 0.0 {
                let p = self.phase;
                self.phase += f64::from(r) * self.inv_sr;
                if self.phase >= 1.0 - SNAP {
                    self.phase = (self.phase - 1.0).max(0.0).fract();
                }
                p
            } else if e > 0.0 {
                (beat_at(ctx, i) / f64::from(e) + SNAP).rem_euclid(1.0)
            } else {
                1.0
            };
            *o = if ph < 0.5 { 1.0 } else { 0.0 };
        }
    }
}

/// A step sequencer over a list (`None` = rest). Inputs `every` (beats per step), `trig` (when wired, each rising
/// edge steps instead of the beat), `len` (gate length as a fraction of a step). Outputs: value, gate.
pub struct Seq {
    steps: Vec<Option<f32>>,
    held: f32,
    trig_mode: bool,
    trig: bool,
    pos: usize,
}

impl Seq {
    pub fn new(steps: Vec<Option<f32>>, trig_wired: bool) -> Self {
        let held = steps.iter().flatten().next().copied().unwrap_or(0.0);
        Self {
            steps,
            held,
            trig_mode: trig_wired,
            trig: false,
            pos: usize::MAX,
        }
    }

    /// (step index, fraction of the step elapsed) at frame `i`.
    #[inline]
    fn position(&mut self, ctx: &Ctx, i: usize, every: f32, trig: f32) -> (usize, f64) {
        let len = self.steps.len().max(1);
        if self.trig_mode {
            let high = trig > 0.0;
            if high && !self.trig {
                self.pos = self.pos.wrapping_add(1) % len;
            }
            self.trig = high;
            (self.pos % len, if high { 0.0 } else { 1.0 })
        } else if every > 0.0 {
            let x = beat_at(ctx, i) / f64::from(every) + SNAP;
            let step = x.floor();
            (step.rem_euclid(len as f64) as usize, x - step)
        } else {
            (0, 0.0)
        }
    }
}

impl Processor for Seq {
    fn copy_state(&mut self, other: &dyn Processor) {
        // The step list is the same (a changed list is a new node), so only the position moves.
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            (self.held, self.trig, self.pos) = (o.held, o.trig, o.pos);
        }
    }

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (every, trig, len) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let [value, gate, ..] = outs else { return };
        for i in 0..n.min(every.len()).min(trig.len()).min(len.len()) {
            let (idx, frac) = self.position(ctx, i, every[i], trig[i]);
            let step = self.steps.get(idx).copied().flatten();
            if let Some(v) = step {
                self.held = v;
            }
            value[i] = self.held;
            let open = step.is_some() && frac < f64::from(len[i].clamp(0.0, 1.0));
            gate[i] = if open { 1.0 } else { 0.0 };
        }
    }
}

/// Inputs `in`, `trig`: samples `in` on each rising edge of `trig` and holds it.
#[derive(Default, Clone)]
pub struct SampleHold {
    held: f32,
    prev: f32,
}

impl Processor for SampleHold {
    crate::plain_state!(|s| Self {
        held: 0.0,
        prev: s.prev
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, trig) = (input(ins, 0, n), input(ins, 1, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for ((o, &x), &t) in out.iter_mut().zip(x).zip(trig) {
            if t > 0.0 && self.prev <= 0.0 {
                self.held = x;
            }
            self.prev = t;
            *o = self.held;
        }
    }
}

/// Inputs `in`, `time` (seconds to cover 99% of a jump): a one-pole glide.
#[derive(Clone)]
pub struct Slew {
    y: f32,
    sr: f32,
    time: f32,
    k: f32,
    started: bool,
}

impl Slew {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            y: 0.0,
            sr: sample_rate,
            time: -1.0,
            k: 1.0,
            started: false,
        }
    }
}

impl Processor for Slew {
    crate::plain_state!(|s| Self::new(s.sr));

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, time) = (input(ins, 0, n), input(ins, 1, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for ((o, &x), &t) in out.iter_mut().zip(x).zip(time) {
            if !self.started {
                // Start at the first value rather than gliding up from 0.
                self.y = x;
                self.started = true;
            }
            if t != self.time {
                self.time = t;
                self.k = if t <= 0.0 {
                    1.0
                } else {
                    1.0 - (-4.605_17 / (t * self.sr)).exp()
                };
            }
            self.y += (x - self.y) * self.k;
            *o = self.y;
        }
    }
}
