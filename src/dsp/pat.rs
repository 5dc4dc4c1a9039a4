//! `pat`: a pattern in the mini-notation played in time with the transport (a cycle is a bar of four beats), so
//! MIDI clock and Link carry it. Outputs the value of the step playing (`out`: notes in Hz), `gate` (1 while a
//! step sounds) and `trig` (1 on a step's first frame). Everything it plays follows from the beat: a version that
//! joins mid-bar (a reload, a new chain) starts with the step sounding there, so a swap neither repeats, skips nor
//! silences a step, with no state handed over. Built on the control thread; `process` on the audio thread,
//! allocating nothing.

use super::{Block, Ctx, Processor};
use crate::pattern::Compiled;

/// Beats in a cycle.
const BEATS_PER_CYCLE: f64 = 4.0;
/// A billionth of a cycle's grace, so a step that falls on a frame (a third of a bar at 96000 frames) starts on
/// it, not one frame late through rounding.
const GRACE: f64 = 1e-9;

pub struct Pat {
    /// (begin, end, value) over one period, sorted by begin.
    events: Vec<(f64, f64, f32)>,
    period: f64,
    /// Where the last frame played was, in cycles within the period; `None` before the first.
    last: Option<f64>,
    /// The next event to start.
    next: usize,
    value: f32,
    /// The cycle position the gate closes at (may pass the period's end).
    gate_until: f64,
    /// The share of each step the gate is open for.
    len: f64,
}

impl Pat {
    /// Control thread. `text` was checked when the patch was resolved; a pattern that fails here plays silence.
    pub fn new(text: &str, seed: u64, len: f32) -> Self {
        let c = crate::pattern::compile(text, seed).unwrap_or(Compiled {
            period: 1,
            events: Vec::new(),
            names: Vec::new(),
        });
        Self {
            events: c.events.iter().map(|e| (e.begin, e.end, c.signal(&e.value))).collect(),
            period: f64::from(c.period),
            last: None,
            next: 0,
            value: 0.0,
            gate_until: f64::NEG_INFINITY,
            len: f64::from(len.clamp(0.0, 1.0)),
        }
    }

    /// Advance from the last position to `t`: true when a step starts on the way (one starting exactly at `t`
    /// included: a pattern that begins on the bar plays its first step).
    fn step_to(&mut self, t: f64) -> bool {
        let mut hit = false;
        match self.last {
            None => {
                self.next = self.events.partition_point(|e| e.0 < t - GRACE);
                // Joining mid-pattern: the step sounding now (the period's last, for a place before its first),
                // as if this version had been playing all along.
                let before = match self.next.checked_sub(1) {
                    Some(i) => Some((i, 0.0)),
                    None => self.events.len().checked_sub(1).map(|i| (i, -self.period)),
                };
                if let Some((i, offset)) = before {
                    self.start(i);
                    self.gate_until += offset;
                }
            }
            Some(last) if t < last => {
                // Wrapped round the period: the rest of it, then from its start.
                while self.next < self.events.len() {
                    self.start(self.next);
                    hit = true;
                    self.next += 1;
                }
                self.gate_until -= self.period;
                self.next = 0;
            }
            Some(_) => {}
        }
        while self.next < self.events.len() && self.events[self.next].0 <= t + GRACE {
            self.start(self.next);
            hit = true;
            self.next += 1;
        }
        self.last = Some(t);
        hit
    }

    fn start(&mut self, i: usize) {
        let (b, e, v) = self.events[i];
        self.value = v;
        self.gate_until = b + self.len * (e - b);
    }
}

impl Processor for Pat {
    // Nothing to hand over: the place, the value and the gate all follow from the beat.
    fn copy_state(&mut self, _other: &dyn Processor) {}

    fn reset(&mut self) {
        self.last = None;
        self.gate_until = f64::NEG_INFINITY;
    }

    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let step = ctx.beats_per_frame / BEATS_PER_CYCLE;
        let start = ctx.beat / BEATS_PER_CYCLE;
        // A locate (or a jump of the transport) starts over from the new place without playing what lies between.
        if let Some(last) = self.last {
            let d = (start - last - step).rem_euclid(self.period);
            if d.min(self.period - d) > 2.0 * step + 1e-6 && step > 0.0 {
                self.last = None;
            }
        }
        for k in 0..n {
            let t = (start + k as f64 * step).rem_euclid(self.period);
            let trig = self.step_to(t);
            let gate = t < self.gate_until;
            if let [out, g, tr, ..] = outs {
                out[k] = self.value;
                g[k] = if gate { 1.0 } else { 0.0 };
                tr[k] = if trig { 1.0 } else { 0.0 };
            }
        }
    }
}
