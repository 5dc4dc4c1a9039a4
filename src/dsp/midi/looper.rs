//! MidiLoopNode: a MIDI looper driven by rising edges of `loop` (1st: record, 2nd: fix the length and play, later:
//! back to the loop's start) and `reset` (forget everything). Recording stays on while it plays, so it overdubs.
//! The live input always passes through. `process` runs on the audio thread; the event store is allocated up front.

use super::nodes::midi_in;
use super::{Cursor, Msg, Note, Writer};
use crate::dsp::{Block, Ctx, Processor, input};

/// Events one loop can hold; more are dropped (a loop of 16 bars of dense chords stays well below).
pub const LOOP_CAPACITY: usize = 4096;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Idle,
    Recording { t: u32 },
    Playing { len: u32, pos: u32 },
}

#[derive(Clone)]
pub struct Looper {
    /// (offset in the loop, message), sorted by offset.
    events: Vec<(u32, Msg)>,
    mode: Mode,
    /// Index of the next event to play at or after `pos`.
    cursor: usize,
    prev: (bool, bool),
    /// Notes the playback has started and not ended, so a reset can end them.
    sounding: u128,
}

impl Looper {
    pub fn new() -> Self {
        Self {
            events: Vec::with_capacity(LOOP_CAPACITY),
            mode: Mode::Idle,
            cursor: 0,
            prev: (false, false),
            sounding: 0,
        }
    }

    fn record(&mut self, at: u32, m: Msg) {
        if self.events.len() >= LOOP_CAPACITY {
            return;
        }
        let i = self.events.partition_point(|&(t, _)| t <= at);
        self.events.insert(i, (at, m));
        if i < self.cursor || matches!(self.mode, Mode::Playing { .. }) && i == self.cursor {
            // Heard live just now: playback picks up after it.
            self.cursor += 1;
        }
    }

    fn track(&mut self, m: Msg) {
        match m.note() {
            Note::On { note, .. } => self.sounding |= 1 << note,
            Note::Off { note } => self.sounding &= !(1 << note),
            Note::Other => {}
        }
    }

    fn stop_sounding(&mut self, w: &mut Writer, i: usize) {
        for k in 0..128u8 {
            if self.sounding & (1 << k) != 0 {
                w.push(i, Msg::note_off(k));
            }
        }
        self.sounding = 0;
    }

    fn edges(&mut self, w: &mut Writer, i: usize, looping: bool, reset: bool) {
        if reset && !self.prev.1 {
            self.events.clear();
            self.mode = Mode::Idle;
            self.cursor = 0;
            self.stop_sounding(w, i);
        }
        if looping && !self.prev.0 {
            self.mode = match self.mode {
                Mode::Idle => Mode::Recording { t: 0 },
                Mode::Recording { t } if t > 0 => Mode::Playing { len: t, pos: 0 },
                Mode::Recording { t } => Mode::Recording { t },
                Mode::Playing { len, .. } => Mode::Playing { len, pos: 0 },
            };
            self.cursor = 0;
        }
        self.prev = (looping, reset);
    }

    fn play(&mut self, w: &mut Writer, i: usize) {
        let Mode::Playing { pos, .. } = self.mode else { return };
        while let Some(&(t, m)) = self.events.get(self.cursor) {
            if t != pos {
                break;
            }
            w.push(i, m);
            self.track(m);
            self.cursor += 1;
        }
    }
}

impl Default for Looper {
    fn default() -> Self {
        Self::new()
    }
}

impl Processor for Looper {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.events.clear();
            self.events
                .extend_from_slice(&o.events[..o.events.len().min(self.events.capacity())]);
            self.mode = o.mode;
            self.cursor = o.cursor;
            self.prev = o.prev;
            self.sounding = o.sounding;
        }
    }

    fn reset(&mut self) {
        self.sounding = 0;
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let mut live = Cursor::new(midi_in(ins, 0));
        let (looping, reset) = (input(ins, 1, n), input(ins, 2, n));
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        for i in 0..n {
            self.edges(&mut w, i, looping[i] > 0.0, reset[i] > 0.0);
            self.play(&mut w, i);
            while let Some(m) = live.at(i) {
                w.push(i, m);
                match self.mode {
                    Mode::Recording { t } => self.record(t, m),
                    Mode::Playing { pos, .. } => self.record(pos, m),
                    Mode::Idle => {}
                }
            }
            self.mode = match self.mode {
                Mode::Recording { t } => Mode::Recording { t: t.saturating_add(1) },
                Mode::Playing { len, pos } if pos + 1 >= len => {
                    self.cursor = 0;
                    Mode::Playing { len, pos: 0 }
                }
                Mode::Playing { len, pos } => Mode::Playing { len, pos: pos + 1 },
                Mode::Idle => Mode::Idle,
            };
        }
    }
}
