//! `pat`: a pattern in the mini-notation played in time with the transport (a cycle is a bar of four beats), so
//! MIDI clock and Link carry it. Outputs the value of the step playing (`out`: notes in Hz), `gate` (1 while a
//! step sounds) and `trig` (1 on a step's first frame). Its place comes from the beat, and a reload hands the
//! new version the old one's last position, so a swap neither repeats nor skips a step. Built on the control
//! thread; `process` on the audio thread, allocating nothing.

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

    /// The first event starting after `t` (the events up to it, grace included, have started).
    fn seek(&self, t: f64) -> usize {
        self.events.partition_point(|e| e.0 <= t + GRACE)
    }

    /// Advance from the last position to `t`: true when a step starts on the way (one starting exactly at `t`
    /// included: a pattern that begins on the bar plays its first step).
    fn step_to(&mut self, t: f64) -> bool {
        let mut hit = false;
        match self.last {
            None => self.next = self.events.partition_point(|e| e.0 < t - GRACE),
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
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>()
            && (o.period - self.period).abs() < 1e-9
        {
            // Go on from where the old version was: its next step is this one's next step after that place.
            self.last = o.last;
            self.next = o.last.map_or(0, |t| self.seek(t));
            self.value = o.value;
            self.gate_until = o.gate_until;
        }
    }

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
