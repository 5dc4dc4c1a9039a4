//! The control-thread side of the engine: sends prepared swaps and commands, frees what comes back, and reads
//! telemetry. Runs on the UI/control thread; never blocks.

use super::Engine;
use super::graph::{FaultKind, Graph};
use super::master::MasterConfig;
use super::messages::{FromAudio, ToAudio};
use super::telemetry::{Levels, Telemetry};
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::Arc;

const TO_AUDIO: usize = 32;
/// Twice the forward ring, so returns rarely have to wait (Firewheel's rule).
const FROM_AUDIO: usize = 2 * TO_AUDIO;
/// About 0.34 s of stereo at 48 kHz.
const SCOPE: usize = 1 << 15;

pub struct EngineHandle {
    tx: Producer<ToAudio>,
    rx: Consumer<FromAudio>,
    scope: Consumer<f32>,
    telemetry: Arc<Telemetry>,
}

/// What `collect` found.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Collected {
    /// The newest version the audio thread installed, if any since the last call.
    pub installed: Option<u32>,
    pub faults: Vec<(u32, u32, FaultKind)>,
    /// Boxes freed here.
    pub freed: usize,
    /// Versions dropped before they were installed (superseded or cancelled).
    pub unused: Vec<u32>,
    /// Every version installed and command applied, with its frame, in order.
    pub journal: Vec<(u64, Journal)>,
}

/// What the set log records from the audio thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Journal {
    Installed(u32),
    Cmd(super::messages::Cmd),
}

/// A connected engine and handle.
pub fn pair(graph: Box<Graph>, sample_rate: f32, master: MasterConfig) -> (Engine, EngineHandle) {
    let (tx, rx_audio) = RingBuffer::new(TO_AUDIO);
    let (tx_audio, rx) = RingBuffer::new(FROM_AUDIO);
    let (scope_tx, scope) = RingBuffer::new(SCOPE);
    let telemetry = Arc::new(Telemetry::default());
    let engine = Engine::from_parts(
        graph,
        sample_rate,
        master,
        rx_audio,
        tx_audio,
        scope_tx,
        telemetry.clone(),
    );
    (
        engine,
        EngineHandle {
            tx,
            rx,
            scope,
            telemetry,
        },
    )
}

impl EngineHandle {
    /// Queue a message; gives it back when the ring is full (the audio thread has stalled).
    pub fn send(&mut self, msg: ToAudio) -> Result<(), ToAudio> {
        self.tx.push(msg).map_err(|rtrb::PushError::Full(m)| m)
    }

    /// Drain what the audio thread sent back, dropping retired graphs here. Call every UI tick.
    pub fn collect(&mut self) -> Collected {
        let mut c = Collected::default();
        while let Ok(msg) = self.rx.pop() {
            match msg {
                FromAudio::Retired(b) => {
                    drop(b);
                    c.freed += 1;
                }
                FromAudio::Unused(b) => {
                    c.unused.push(b.version);
                    drop(b);
                    c.freed += 1;
                }
                FromAudio::Installed { version, frame } => {
                    c.installed = Some(version);
                    c.journal.push((frame, Journal::Installed(version)));
                }
                FromAudio::Applied { frame, cmd } => c.journal.push((frame, Journal::Cmd(cmd))),
                FromAudio::Fault { version, slot, kind } => c.faults.push((version, slot, kind)),
            }
        }
        c
    }

    /// Move the scope samples (interleaved L/R) that arrived since the last call into `out`.
    pub fn read_scope(&mut self, out: &mut Vec<f32>) {
        let n = self.scope.slots();
        if let Ok(chunk) = self.scope.read_chunk(n) {
            out.extend(chunk);
        }
    }

    pub fn levels(&self) -> Levels {
        self.telemetry.read()
    }

    pub fn telemetry(&self) -> &Arc<Telemetry> {
        &self.telemetry
    }

    /// Whether the audio side has gone away (its stream was dropped).
    pub fn is_abandoned(&self) -> bool {
        self.tx.is_abandoned()
    }
}
