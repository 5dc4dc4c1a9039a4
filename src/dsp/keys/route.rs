//! The MIDI-out router: what `midi_out` nodes (and the engine's clock) sent, once each (a crossfade runs a node
//! twice), with every note a node started ended when the node goes for good. Pure; the MIDI-out thread runs it.

use super::out::OutMsg;
use std::collections::{HashMap, HashSet, VecDeque};

/// Messages remembered to drop the second copy a crossfade sends.
const RECENT: usize = 512;

#[derive(Default)]
pub struct Router {
    alive: HashMap<u64, HashSet<u64>>,
    sounding: HashMap<u64, (u8, u8)>,
    recent: VecDeque<(u64, u64, [u8; 3])>,
}

impl Router {
    /// Route `msgs`; `send(bytes, frame)` gets each message to send, in order.
    pub fn route(&mut self, msgs: &[OutMsg], send: &mut dyn FnMut([u8; 3], u64)) {
        for &m in msgs {
            match m {
                OutMsg::Born { key, id } => {
                    self.alive.entry(key).or_default().insert(id);
                }
                OutMsg::Gone { key, id } => {
                    let last = self.alive.get_mut(&key).is_none_or(|ids| {
                        ids.remove(&id);
                        ids.is_empty()
                    });
                    if last {
                        self.alive.remove(&key);
                        if let Some((ch, note)) = self.sounding.remove(&key) {
                            send([0x80 | ch, note, 0], 0);
                        }
                    }
                }
                OutMsg::Midi { key, frame, bytes } => {
                    if self.recent.contains(&(key, frame, bytes)) {
                        continue;
                    }
                    if self.recent.len() >= RECENT {
                        self.recent.pop_front();
                    }
                    self.recent.push_back((key, frame, bytes));
                    self.track(key, bytes);
                    send(bytes, frame);
                }
            }
        }
    }

    fn track(&mut self, key: u64, b: [u8; 3]) {
        match b[0] & 0xF0 {
            0x90 if b[2] > 0 => {
                self.sounding.insert(key, (b[0] & 0x0F, b[1]));
            }
            0x80 | 0x90 if self.sounding.get(&key).is_some_and(|&(_, n)| n == b[1]) => {
                self.sounding.remove(&key);
            }
            0xB0 if b[1] == 123 => {
                self.sounding.remove(&key);
            }
            _ => {}
        }
    }

    /// Quitting: every note still sounding off, then all notes off on every channel.
    pub fn all_off(&mut self, send: &mut dyn FnMut([u8; 3], u64)) {
        for (_, (ch, note)) in self.sounding.drain() {
            send([0x80 | ch, note, 0], 0);
        }
        for ch in 0..16u8 {
            send([0xB0 | ch, 123, 0], 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(r: &mut Router, msgs: &[OutMsg]) -> Vec<[u8; 3]> {
        let mut sent = Vec::new();
        r.route(msgs, &mut |b, _| sent.push(b));
        sent
    }

    #[test]
    fn a_crossfade_sends_once_and_a_node_that_goes_ends_its_note() {
        let mut r = Router::default();
        let on = OutMsg::Midi {
            key: 7,
            frame: 100,
            bytes: [0x91, 60, 100],
        };
        // The old node and the version replacing it both send the same note-on during a crossfade.
        let sent = run(
            &mut r,
            &[OutMsg::Born { key: 7, id: 1 }, on, OutMsg::Born { key: 7, id: 2 }, on],
        );
        assert_eq!(sent, vec![[0x91, 60, 100]]);
        // The old one goes: the new one still holds the note.
        assert!(run(&mut r, &[OutMsg::Gone { key: 7, id: 1 }]).is_empty());
        // The new one goes too (the chain was deleted): its note ends.
        assert_eq!(run(&mut r, &[OutMsg::Gone { key: 7, id: 2 }]), vec![[0x81, 60, 0]]);
    }

    #[test]
    fn quitting_ends_every_note_on_every_channel() {
        let mut r = Router::default();
        run(
            &mut r,
            &[
                OutMsg::Born { key: 1, id: 1 },
                OutMsg::Midi {
                    key: 1,
                    frame: 0,
                    bytes: [0x90, 64, 90],
                },
            ],
        );
        let mut sent = Vec::new();
        r.all_off(&mut |b, _| sent.push(b));
        assert_eq!(sent[0], [0x80, 64, 0]);
        assert_eq!(sent.len(), 17);
        assert!(
            sent[1..]
                .iter()
                .enumerate()
                .all(|(ch, b)| *b == [0xB0 | ch as u8, 123, 0])
        );
    }
}
