//! The original's MIDI processing nodes (MidiTrigger, MidiTranspose, MonophonicRender, MidiHold, MidiSequence,
//! MidiArpeggiator, Chord, MidiStrum), with its behaviour where a script could depend on it and without its crash and
//! stuck-note bugs. MidiLoop lives in `looper.rs`. `process` runs on the audio thread.

use super::{Cursor, Msg, Note, Writer};
use crate::dsp::{Block, Ctx, Processor, input, output};

/// The empty MIDI block an unconnected MIDI input reads (no events, not the original's stale replay).
pub static NO_EVENTS: Block = [0.0; crate::dsp::MAX_BLOCK];

/// MIDI input `k`, full length (event lists are not cut to the block's frames).
#[inline]
pub fn midi_in<'a>(ins: &[&'a [f32]], k: usize) -> &'a [f32] {
    ins.get(k).copied().unwrap_or(&NO_EVENTS)
}

/// The nodes whose state is plain data: one enum keeps the registry short.
#[derive(Clone)]
pub enum Midi {
    /// MidiTriggerNode: 1 on each frame holding a note-on.
    Trigger,
    /// MidiHoldNode: drops note-offs so notes sustain.
    Hold,
    /// MonophonicRenderNode: last-note priority, the sounding note's frequency (0 when none, as the original).
    Mono { note: Option<u8> },
    /// MidiTransposeNode: each note moved by round(transposition) at its note-on; its note-off follows it.
    Transpose { shift: [i8; 128] },
}

impl Processor for Midi {
    crate::plain_state!(|s| match s {
        Midi::Mono { .. } => Midi::Mono { note: None },
        Midi::Transpose { .. } => Midi::Transpose { shift: [NONE; 128] },
        other => other.clone(),
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let mut events = Cursor::new(midi_in(ins, 0));
        match self {
            Midi::Trigger => {
                let Some(out) = output(outs, 0, n) else { return };
                for (i, o) in out.iter_mut().enumerate() {
                    *o = 0.0;
                    while let Some(m) = events.at(i) {
                        if matches!(m.note(), Note::On { .. }) {
                            *o = 1.0;
                        }
                    }
                }
            }
            Midi::Mono { note } => {
                let Some(out) = output(outs, 0, n) else { return };
                let hz =
                    |note: Option<u8>| note.map_or(0.0, |k| (440.0 * ((f64::from(k) - 69.0) / 12.0).exp2()) as f32);
                // The frequency is worked out when the note changes, not on every frame.
                let mut f = hz(*note);
                for (i, o) in out.iter_mut().enumerate() {
                    while let Some(m) = events.at(i) {
                        match m.note() {
                            Note::On { note: k, .. } => *note = Some(k),
                            Note::Off { note: k } if *note == Some(k) => *note = None,
                            _ => continue,
                        }
                        f = hz(*note);
                    }
                    *o = f;
                }
            }
            Midi::Hold => {
                let Some(block) = outs.first_mut() else { return };
                let mut w = Writer::new(block);
                for i in 0..n {
                    while let Some(m) = events.at(i) {
                        if !matches!(m.note(), Note::Off { .. }) {
                            w.push(i, m);
                        }
                    }
                }
            }
            Midi::Transpose { shift } => {
                let by = input(ins, 1, n);
                let Some(block) = outs.first_mut() else { return };
                let mut w = Writer::new(block);
                for (i, &t) in by.iter().enumerate().take(n) {
                    while let Some(m) = events.at(i) {
                        if let Some(m) = transpose(shift, m, t) {
                            w.push(i, m);
                        }
                    }
                }
            }
        }
    }
}

const NONE: i8 = i8::MIN;

/// A note-on takes the shift of the moment and remembers it; its note-off uses the same one. Notes pushed out of
/// 0..=127 are dropped (the original wrapped them into garbage bytes). Other messages pass through.
fn transpose(shift: &mut [i8; 128], m: Msg, t: f32) -> Option<Msg> {
    match m.note() {
        Note::On { note, velocity } => {
            let to = i32::from(note) + t.round_ties_even().clamp(-127.0, 127.0) as i32;
            if !(0..=127).contains(&to) {
                return None;
            }
            shift[usize::from(note)] = (to - i32::from(note)) as i8;
            Some(Msg::note_on(to as u8, velocity))
        }
        Note::Off { note } => {
            let s = std::mem::replace(&mut shift[usize::from(note)], NONE);
            (s != NONE).then(|| Msg::note_off((i32::from(note) + i32::from(s)) as u8))
        }
        Note::Other => Some(m),
    }
}

pub fn transposer() -> Midi {
    Midi::Transpose { shift: [NONE; 128] }
}

/// MidiSequenceNode: on each true `step` sample, note-off the current note, move on (pre-incrementing, like
/// SequenceNode) and play the next at velocity 127. 0 is note 0, not a rest, as in the original.
#[derive(Clone)]
pub struct Sequence {
    pub notes: Vec<u8>,
    pub pos: usize,
    pub playing: Option<u8>,
}

impl Processor for Sequence {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.pos = o.pos;
            self.playing = o.playing;
        }
    }

    fn reset(&mut self) {
        self.playing = None;
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let step = input(ins, 0, n);
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        let len = self.notes.len();
        for (i, &s) in step.iter().enumerate() {
            if s == 0.0 || len == 0 {
                continue;
            }
            if let Some(k) = self.playing.take() {
                w.push(i, Msg::note_off(k));
            }
            self.pos = (self.pos + 1) % len;
            let k = self.notes[self.pos];
            w.push(i, Msg::note_on(k, 127));
            self.playing = Some(k);
        }
    }
}

/// Notes held down, in press order, in a fixed array (no allocation on the audio thread).
#[derive(Clone, Copy, Default)]
pub struct Held {
    notes: [u8; 32],
    len: usize,
}

impl Held {
    pub fn new() -> Self {
        Self::default()
    }

    fn notes(&self) -> &[u8] {
        &self.notes[..self.len]
    }

    /// Press or release from a message; true when it changed the set.
    fn apply(&mut self, m: Msg) -> bool {
        match m.note() {
            Note::On { note, .. } if !self.notes().contains(&note) && self.len < self.notes.len() => {
                self.notes[self.len] = note;
                self.len += 1;
                true
            }
            Note::Off { note } => match self.notes().iter().position(|&k| k == note) {
                Some(at) => {
                    self.notes.copy_within(at + 1..self.len, at);
                    self.len -= 1;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}

/// MidiArpeggiatorNode: each true `step` sample turns the previous note off and plays the next held note, cycling in
/// press order. Letting go of every key stops the sounding note and starts over from the first.
#[derive(Clone)]
pub struct Arpeggiator {
    pub held: Held,
    pub next: usize,
    pub playing: Option<u8>,
}

impl Processor for Arpeggiator {
    crate::plain_state!(|_| Self {
        held: Held::new(),
        next: 0,
        playing: None
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let mut events = Cursor::new(midi_in(ins, 0));
        let step = input(ins, 1, n);
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        for (i, &s) in step.iter().enumerate() {
            while let Some(m) = events.at(i) {
                self.held.apply(m);
            }
            if self.held.len == 0 {
                if let Some(k) = self.playing.take() {
                    w.push(i, Msg::note_off(k));
                }
                self.next = 0;
                continue;
            }
            if s != 0.0 {
                if let Some(k) = self.playing.take() {
                    w.push(i, Msg::note_off(k));
                }
                let k = self.held.notes()[self.next % self.held.len];
                w.push(i, Msg::note_on(k, 127));
                self.playing = Some(k);
                self.next = (self.next % self.held.len) + 1;
            }
        }
    }
}

/// ChordNode: the chord's notes (worked out when the script compiles) sound while `trigger` is above 0: note-ons on
/// the rising edge, note-offs on the falling edge.
#[derive(Clone)]
pub struct Chord {
    pub notes: Vec<u8>,
    pub on: bool,
}

impl Processor for Chord {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            // A changed chord takes over the gate; the old notes end in the old graph as it fades.
            self.on = o.on && o.notes == self.notes;
        }
    }

    fn reset(&mut self) {
        self.on = false;
    }

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let gate = input(ins, 0, n);
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        for (i, &g) in gate.iter().enumerate() {
            let high = g > 0.0;
            if high != self.on {
                self.on = high;
                for &k in &self.notes {
                    w.push(i, if high { Msg::note_on(k, 127) } else { Msg::note_off(k) });
                }
            }
        }
    }
}

/// MidiStrumNode: the held pitch classes in every octave, low to high, like an Omnichord's strum plate; `strum` 0..1
/// picks one. Moving to another note ends the old one and plays the new at velocity 64.
#[derive(Clone)]
pub struct Strum {
    pub held: Held,
    pub playing: Option<u8>,
    /// (pitch-class mask, strum value) the target was last worked out for.
    pub last: (u16, f32),
}

impl Default for Strum {
    fn default() -> Self {
        Self::new()
    }
}

impl Strum {
    pub fn new() -> Self {
        Self {
            held: Held::new(),
            playing: None,
            last: (0, f32::NAN),
        }
    }

    fn target(mask: u16, s: f32) -> Option<u8> {
        let count: usize = (0..12u8)
            .filter(|pc| mask & (1 << pc) != 0)
            .map(|pc| (127 - pc) / 12 + 1)
            .sum::<u8>() as usize;
        if count == 0 {
            return None;
        }
        let idx = ((s.clamp(0.0, 1.0) * count as f32) as usize).min(count - 1);
        (0..=127u8).filter(|k| mask & (1 << (k % 12)) != 0).nth(idx)
    }
}

impl Processor for Strum {
    crate::plain_state!(|_| Strum::new());

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let mut events = Cursor::new(midi_in(ins, 0));
        let strum = input(ins, 1, n);
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        for (i, &s) in strum.iter().enumerate() {
            while let Some(m) = events.at(i) {
                self.held.apply(m);
            }
            let mask = self.held.notes().iter().fold(0u16, |m, k| m | 1 << (k % 12));
            if (mask, s) == self.last {
                continue;
            }
            self.last = (mask, s);
            let target = Self::target(mask, s);
            if target != self.playing {
                if let Some(k) = self.playing {
                    w.push(i, Msg::note_off(k));
                }
                if let Some(k) = target {
                    w.push(i, Msg::note_on(k, 64));
                }
                self.playing = target;
            }
        }
    }
}

#[cfg(test)]
#[path = "nodes_tests.rs"]
mod tests;
