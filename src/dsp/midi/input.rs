//! MidiInputNode and the hub that feeds it. Sources (the MIDI-port thread, tests, anything in-process) `send`
//! timestamped messages; every MidiInputNode built for that port has its own lock-free ring. The node places each
//! message at a sample from its timestamp, keeping the spacing between messages exact (a fixed latency of one block,
//! no jitter); the original put them at `(t·sr) mod N`, up to a buffer off and sometimes reordered.
//! `send`/`subscribe` run on control or MIDI threads (they lock); `process` runs on the audio thread (it does not).

use super::{Msg, Writer};
use crate::dsp::{Block, Ctx, MAX_BLOCK, Processor};
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

/// Messages one node can have waiting (a block is ~1.5 ms; nobody plays 1000 notes in that).
const RING: usize = 1024;
/// A message later than this many frames is placed by a fresh anchor instead (clock drift, a stalled device).
const LATE_LIMIT: i64 = 4096;

/// A message and when it happened, in microseconds on the hub's clock (`now_micros`), or (offline, from a MIDI
/// file) the exact frame it plays at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamped {
    pub micros: u64,
    pub msg: Msg,
    pub frame: Option<u64>,
}

struct Sub {
    port: i32,
    tx: Producer<Stamped>,
}

/// Messages sent to this port reach every MidiInputNode (the app's virtual port).
pub const ANY_PORT: i32 = -1;

static SUBS: Mutex<Vec<Sub>> = Mutex::new(Vec::new());
/// The last controller moved (channel 0..15, number), for MIDI learn.
static LAST_CONTROLLER: Mutex<Option<(u8, u8)>> = Mutex::new(None);

/// The controller moved since the last call (channel 0..15, number), if any. Control thread.
pub fn take_controller() -> Option<(u8, u8)> {
    LAST_CONTROLLER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}
static OPENER: OnceLock<fn(i32)> = OnceLock::new();
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Microseconds since the hub's clock started: what live sources stamp messages with.
pub fn now_micros() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// Open the app's own MIDI port (for MIDI learn), through the port backend if there is one. Control thread.
pub fn open_app_port() {
    if let Some(open) = OPENER.get() {
        open(ANY_PORT);
    }
}

/// Install what opens a device port when a node first asks for it (the MIDI-port backend, set up by the app).
pub fn set_opener(open: fn(i32)) {
    let _ = OPENER.set(open);
}

/// Deliver raw MIDI bytes, stamped `micros`, to every node listening on `port`. Never from the audio thread.
pub fn send(port: i32, micros: u64, bytes: &[u8]) {
    let Some(msg) = Msg::from_bytes(bytes) else { return };
    if msg.status & 0xF0 == 0xB0 {
        *LAST_CONTROLLER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((msg.status & 0x0F, msg.data1));
    }
    let mut subs = SUBS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    subs.retain(|s| !s.tx.is_abandoned());
    for s in subs.iter_mut().filter(|s| port == ANY_PORT || s.port == port) {
        let _ = s.tx.push(Stamped {
            micros,
            msg,
            frame: None,
        });
    }
}

/// Deliver a message to play at exactly `frame` of the render (offline: a MIDI file) to the nodes listening on
/// `port` (`ANY_PORT`: all). Sent a little ahead of the render, never from the audio thread. Returns false when a
/// listener's queue is full (send the rest later).
pub fn send_at_frame(port: i32, frame: u64, bytes: &[u8]) -> bool {
    let Some(msg) = Msg::from_bytes(bytes) else { return true };
    let mut subs = SUBS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    subs.retain(|s| !s.tx.is_abandoned());
    let hears = |s: &Sub| port == ANY_PORT || s.port == port;
    if subs.iter().any(|s| hears(s) && s.tx.slots() == 0) {
        return false;
    }
    for s in subs.iter_mut().filter(|s| hears(s)) {
        let _ = s.tx.push(Stamped {
            micros: frame,
            msg,
            frame: Some(frame),
        });
    }
    true
}

/// A new ring for a node listening on `port`. Control thread (while building a graph).
fn subscribe(port: i32) -> Consumer<Stamped> {
    if let Some(open) = OPENER.get() {
        open(port);
    }
    let (tx, rx) = RingBuffer::new(RING);
    let mut subs = SUBS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    subs.retain(|s| !s.tx.is_abandoned());
    subs.push(Sub { port, tx });
    rx
}

/// Where a live message was placed, for the set log (a replay sends it to that frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub micros: u64,
    pub frame: u64,
    pub port: i32,
    pub msg: Msg,
}

std::thread_local! {
    static PLACED: crate::dsp::reports::Rings<Placed> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Every live message placed since the last call by nodes built on this thread, once each (several nodes may
/// place the same one). Control thread.
pub fn drain_placed(into: &mut Vec<Placed>) {
    crate::dsp::reports::drain(&PLACED, into, |a, b| {
        a.micros == b.micros && a.port == b.port && a.msg == b.msg
    });
}

/// MidiInputNode. Output: the messages of this block, each at the frame its timestamp maps to.
pub struct MidiIn {
    rx: Consumer<Stamped>,
    port: i32,
    placed: Producer<Placed>,
    sr: f64,
    /// Frames rendered so far.
    frame: u64,
    /// (micros, frame) a timestamp and the frame it plays at; later messages keep their spacing from it.
    anchor: Option<(u64, u64)>,
    /// The stamp of the last message played.
    last: Option<u64>,
    /// Messages stamped at or before this were played by the node this one continues.
    skip_through: Option<u64>,
    /// Frame-placed messages before this render frame were played by the node this one continues.
    skip_before: u64,
    /// The render frame this node has reached.
    engine_frame: u64,
}

impl MidiIn {
    pub fn new(port: i32, sample_rate: f32) -> Self {
        let placed = crate::dsp::reports::register(&PLACED);
        Self {
            rx: subscribe(port),
            port,
            placed,
            sr: f64::from(sample_rate),
            frame: 0,
            anchor: None,
            last: None,
            skip_through: None,
            skip_before: 0,
            engine_frame: 0,
        }
    }

    /// The frame a message plays at, anchoring the clock on the first message (one block ahead, so a message that
    /// arrives during a block is never in the past) and again after drift.
    fn frame_of(&mut self, micros: u64) -> u64 {
        let (m0, f0) = *self.anchor.get_or_insert((micros, self.frame + MAX_BLOCK as u64));
        let offset = (micros as f64 - m0 as f64) * self.sr / 1e6;
        let at = f0 as i64 + offset.round() as i64;
        if at < self.frame as i64 - LATE_LIMIT || offset < 0.0 {
            self.anchor = Some((micros, self.frame));
            return self.frame;
        }
        at.max(0) as u64
    }
}

impl MidiIn {
    /// The next message that plays in this block of `n` frames starting at render frame `block`, with its position
    /// in the block. Real-time.
    pub fn poll(&mut self, block: u64, n: u64) -> Option<(usize, Msg)> {
        while let Ok(s) = self.rx.peek().copied() {
            let played = match s.frame {
                Some(f) => f < self.skip_before,
                None => self.skip_through.is_some_and(|t| s.micros <= t),
            };
            if played {
                let _ = self.rx.pop();
                continue;
            }
            // Frame-placed messages count in render frames; live ones are anchored on this node's own frames.
            let pos = match s.frame {
                Some(f) => f.max(block) - block,
                None => self.frame_of(s.micros).saturating_sub(self.frame),
            };
            if pos >= n {
                return None;
            }
            let _ = self.rx.pop();
            if s.frame.is_none() {
                self.last = Some(s.micros);
                let _ = self.placed.push(Placed {
                    micros: s.micros,
                    frame: block + pos,
                    port: self.port,
                    msg: s.msg,
                });
            }
            return Some((pos as usize, s.msg));
        }
        None
    }

    /// The block of `n` frames starting at render frame `block` is done. Real-time.
    pub fn advance(&mut self, block: u64, n: u64) {
        self.frame += n;
        self.engine_frame = block + n;
    }
}

impl Processor for MidiIn {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.frame = o.frame;
            self.anchor = o.anchor;
            self.last = o.last;
            self.skip_through = o.last;
            self.skip_before = o.engine_frame;
            self.engine_frame = o.engine_frame;
        }
    }

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, _ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames as u64;
        let Some(block) = outs.first_mut() else { return };
        let mut w = Writer::new(block);
        // A full block leaves the rest queued for the next one: late, never lost (a lost note-off sticks).
        while w.has_room()
            && let Some((pos, msg)) = self.poll(ctx.frame, n)
        {
            w.push(pos, msg);
        }
        self.advance(ctx.frame, n);
    }
}
