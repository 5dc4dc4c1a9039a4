//! MIDI inside the block engine: a MIDI port is one ordinary `Block` holding a list of timestamped events, so MIDI
//! flows through the same buffers, wiring and hot swaps as audio. The layout is `[count, (pos, status, data), …]`,
//! each number a small integer in an f32 (exact), with `data = data1·128 + data2`. Read and written on the audio
//! thread; nothing here allocates.

pub mod chord;
pub mod input;
pub mod looper;
pub mod nodes;

use super::{Block, MAX_BLOCK};

/// Most events one port carries in one block (a chord change is 2 × 6 notes; a block is 64 frames).
pub const MAX_EVENTS: usize = (MAX_BLOCK - 1) / 3;

const NOTE_OFF: u8 = 0x80;
const NOTE_ON: u8 = 0x90;

/// One channel message (the channel is ignored, as in the original).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    pub status: u8,
    pub data1: u8,
    pub data2: u8,
}

/// What a message means to the note-handling nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    On { note: u8, velocity: u8 },
    Off { note: u8 },
    Other,
}

impl Msg {
    pub const fn note_on(note: u8, velocity: u8) -> Self {
        Self {
            status: NOTE_ON,
            data1: note & 0x7f,
            data2: velocity & 0x7f,
        }
    }

    pub const fn note_off(note: u8) -> Self {
        Self {
            status: NOTE_OFF,
            data1: note & 0x7f,
            data2: 0,
        }
    }

    /// From raw bytes; running status and system messages are not carried.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&status, rest) = bytes.split_first()?;
        if !(0x80..0xF0).contains(&status) {
            return None;
        }
        Some(Self {
            status,
            data1: rest.first().copied().unwrap_or(0) & 0x7f,
            data2: rest.get(1).copied().unwrap_or(0) & 0x7f,
        })
    }

    /// A note-on with velocity 0 is a note-off, as keyboards send it (the original held such notes forever).
    pub fn note(self) -> Note {
        match self.status & 0xF0 {
            NOTE_ON if self.data2 > 0 => Note::On {
                note: self.data1,
                velocity: self.data2,
            },
            NOTE_ON | NOTE_OFF => Note::Off { note: self.data1 },
            _ => Note::Other,
        }
    }
}

/// The events of a MIDI block, in position order.
pub fn read(block: &[f32]) -> impl Iterator<Item = (usize, Msg)> + '_ {
    let count = block.first().map_or(0, |&c| (c as usize).min(MAX_EVENTS));
    (0..count).filter_map(move |k| event(block, k))
}

fn event(block: &[f32], k: usize) -> Option<(usize, Msg)> {
    let e = block.get(1 + 3 * k..4 + 3 * k)?;
    let data = e[2] as u32;
    let m = Msg {
        status: e[1] as u8,
        data1: ((data >> 7) & 0x7f) as u8,
        data2: (data & 0x7f) as u8,
    };
    Some((e[0] as usize, m))
}

/// Appends events to a MIDI block, which it empties first. Events must come in position order.
pub struct Writer<'a> {
    block: &'a mut Block,
    count: usize,
}

impl<'a> Writer<'a> {
    pub fn new(block: &'a mut Block) -> Self {
        block[0] = 0.0;
        Self { block, count: 0 }
    }

    pub fn has_room(&self) -> bool {
        self.count < MAX_EVENTS
    }

    /// False when the block is full; the event is dropped (MAX_EVENTS in one 64-frame block is far beyond playing).
    pub fn push(&mut self, pos: usize, m: Msg) -> bool {
        if self.count >= MAX_EVENTS {
            return false;
        }
        let at = 1 + 3 * self.count;
        self.block[at] = pos.min(MAX_BLOCK - 1) as f32;
        self.block[at + 1] = f32::from(m.status);
        self.block[at + 2] = f32::from(m.data1) * 128.0 + f32::from(m.data2);
        self.count += 1;
        self.block[0] = self.count as f32;
        true
    }
}

/// Walks a block's events alongside a per-sample loop: `at(i)` yields the events at frame `i`.
pub struct Cursor<'a> {
    block: &'a [f32],
    next: usize,
    count: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(block: &'a [f32]) -> Self {
        let count = block.first().map_or(0, |&c| (c as usize).min(MAX_EVENTS));
        Self { block, next: 0, count }
    }

    /// The next event at or before frame `i`, if any (events at earlier frames than asked are never skipped).
    pub fn at(&mut self, i: usize) -> Option<Msg> {
        if self.next >= self.count {
            return None;
        }
        let (pos, m) = event(self.block, self.next)?;
        if pos > i {
            return None;
        }
        self.next += 1;
        Some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_a_block() {
        let mut b = [0.0; MAX_BLOCK];
        let mut w = Writer::new(&mut b);
        assert!(w.push(3, Msg::note_on(60, 100)));
        assert!(w.push(63, Msg::note_off(127)));
        let got: Vec<_> = read(&b).collect();
        assert_eq!(got, vec![(3, Msg::note_on(60, 100)), (63, Msg::note_off(127))]);
    }

    #[test]
    fn a_full_block_drops_further_events() {
        let mut b = [0.0; MAX_BLOCK];
        let mut w = Writer::new(&mut b);
        let pushed = (0..30).filter(|&k| w.push(k, Msg::note_on(k as u8, 1))).count();
        assert_eq!(pushed, MAX_EVENTS);
        assert_eq!(read(&b).count(), MAX_EVENTS);
    }

    #[test]
    fn velocity_zero_is_a_note_off_and_the_channel_is_ignored() {
        let m = Msg::from_bytes(&[0x93, 64, 0]).map(Msg::note);
        assert_eq!(m, Some(Note::Off { note: 64 }));
        let m = Msg::from_bytes(&[0x9F, 64, 9]).map(Msg::note);
        assert_eq!(m, Some(Note::On { note: 64, velocity: 9 }));
        assert_eq!(Msg::from_bytes(&[0xF8]), None);
    }

    #[test]
    fn the_cursor_hands_out_events_at_their_frame() {
        let mut b = [0.0; MAX_BLOCK];
        let mut w = Writer::new(&mut b);
        w.push(2, Msg::note_on(1, 1));
        w.push(2, Msg::note_on(2, 1));
        w.push(5, Msg::note_on(3, 1));
        let mut c = Cursor::new(&b);
        let mut seen = Vec::new();
        for i in 0..8 {
            while let Some(m) = c.at(i) {
                seen.push((i, m.data1));
            }
        }
        assert_eq!(seen, vec![(2, 1), (2, 2), (5, 3)]);
    }
}
