//! `midi_out`: notes to other gear from any gate and pitch. The audio thread pushes timestamped messages into a
//! ring of its own; the router (`keys::route`, on the MIDI-out thread) sends them and makes sure every note it
//! started is ended when its node goes (a reload that removes it), on panic, and on quit.

use crate::dsp::{Block, Ctx, Processor, input};
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::Mutex;

/// Messages one node (or the engine's clock) can have waiting for the MIDI-out thread.
const RING: usize = 4096;

/// What travels to the MIDI-out thread. `key` names the node across reloads (a hash of its key); 0 is the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutMsg {
    Born { key: u64, id: u64 },
    Gone { key: u64, id: u64 },
    Midi { key: u64, frame: u64, bytes: [u8; 3] },
}

static OUTS: Mutex<Vec<Consumer<OutMsg>>> = Mutex::new(Vec::new());
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A new ring to the MIDI-out thread. Control thread (while building).
pub fn register() -> Producer<OutMsg> {
    let (tx, rx) = RingBuffer::new(RING);
    OUTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(rx);
    tx
}

/// Everything waiting in every ring, oldest ring first; rings whose sender is gone and empty are dropped.
pub fn drain(into: &mut Vec<OutMsg>) {
    let mut outs = OUTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for rx in outs.iter_mut() {
        while let Ok(m) = rx.pop() {
            into.push(m);
        }
    }
    outs.retain(|rx| !(rx.is_abandoned() && rx.is_empty()));
}

pub struct MidiOut {
    tx: Producer<OutMsg>,
    key: u64,
    id: u64,
    channel: u8,
    frame: u64,
    gate: bool,
    /// The note sounding, if any.
    note: Option<u8>,
}

impl MidiOut {
    pub fn new(key: &str, channel: f32) -> Self {
        let mut tx = register();
        let key = crate::dsp::key_hash(key);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let _ = tx.push(OutMsg::Born { key, id });
        Self {
            tx,
            key,
            id,
            channel: (channel.clamp(1.0, 16.0) as u8 - 1) & 0x0F,
            frame: 0,
            gate: false,
            note: None,
        }
    }

    fn send(&mut self, at: usize, bytes: [u8; 3]) {
        let _ = self.tx.push(OutMsg::Midi {
            key: self.key,
            frame: self.frame + at as u64,
            bytes,
        });
    }
}

/// The nearest MIDI note to a frequency (`a4` = 440 Hz = 69), clamped to 0..127.
fn note_of(hz: f32) -> u8 {
    if hz <= 0.0 || !hz.is_finite() {
        return 0;
    }
    (69.0 + 12.0 * (hz / 440.0).log2()).round().clamp(0.0, 127.0) as u8
}

impl Processor for MidiOut {
    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], _outs: &mut [Block]) {
        let n = ctx.frames;
        let (gate, pitch, vel) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        for i in 0..n {
            let up = gate[i] > 0.5;
            if up == self.gate {
                continue;
            }
            self.gate = up;
            if let Some(old) = self.note.take() {
                self.send(i, [0x80 | self.channel, old, 0]);
            }
            if up {
                let note = note_of(pitch[i]);
                let v = (vel[i].clamp(0.0, 1.0) * 127.0).round().max(1.0) as u8;
                self.send(i, [0x90 | self.channel, note, v]);
                self.note = Some(note);
            }
        }
        self.frame += n as u64;
    }

    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.frame = o.frame;
            self.gate = o.gate;
            self.note = o.note;
        }
    }

    /// Panic: this note off, and every note off on every channel.
    fn reset(&mut self) {
        if let Some(old) = self.note.take() {
            self.send(0, [0x80 | self.channel, old, 0]);
        }
        for ch in 0..16u8 {
            self.send(0, [0xB0 | ch, 123, 0]);
        }
        self.gate = false;
    }
}

impl Drop for MidiOut {
    /// Dropped on the control thread when its graph is retired: the router ends its note unless a node of the
    /// same key (the version that replaced it) still plays.
    fn drop(&mut self) {
        let _ = self.tx.push(OutMsg::Gone {
            key: self.key,
            id: self.id,
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn frequencies_round_to_the_nearest_note() {
        assert_eq!(super::note_of(440.0), 69);
        assert_eq!(super::note_of(261.63), 60);
        assert_eq!(super::note_of(450.0), 69);
        assert_eq!(super::note_of(0.0), 0);
        assert_eq!(super::note_of(1e9), 127);
        assert_eq!(super::note_of(f32::NAN), 0);
    }
}
