//! What a live session tells its runner: the report of a reload, a node the engine muted, the events of a tick,
//! the device's description and the master volume's wording. Pure data; control thread.

use crate::compile::plan::Counts;
use crate::engine::SwapMode;
use crate::engine::graph::FaultKind;
use crate::lang::Diagnostic;
use std::fmt;
use std::time::Duration;

/// A master volume as the screen and the log show it.
pub fn volume_text(db: i32) -> String {
    if db <= -60 {
        "off (−∞ dB)".into()
    } else {
        format!("{db:+} dB")
    }
}

/// Where the sound goes, for status displays.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AudioInfo {
    pub device: String,
    pub sample_rate: u32,
    pub buffer: Option<u32>,
}

/// What a reload did, as printed after each save.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub version: u32,
    /// Where an armed (quantised) version lands: the bar (from 1) and the beats left until it, as sent.
    pub lands: Option<(u64, f64)>,
    /// The tempo of the version sent.
    pub bpm: f64,
    pub counts: Counts,
    pub mode: SwapMode,
    pub compile_time: Duration,
    pub warnings: Vec<Diagnostic>,
}

impl Report {
    /// The line once the version plays: `v7 ok: 3 kept, 1 retuned, …, compiled in 0.4 ms`.
    pub fn summary(&self) -> String {
        format!(
            "v{} ok: {}, compiled in {:.1} ms",
            self.version,
            self.counts,
            self.compile_time.as_secs_f64() * 1000.0
        )
    }
}

/// As sent: an armed version says where it will land first (`PENDING v42 → bar 17 (1.5 beats): …`).
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((bar, beats)) = self.lands {
            write!(f, "PENDING v{} → bar {bar} ({beats:.1} beats): ", self.version)?;
        }
        f.write_str(&self.summary())
    }
}

/// A node the engine muted: which version, its key (`binding/place:node`), what went wrong, and where it is
/// written in the patch.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub version: u32,
    pub key: String,
    pub kind: FaultKind,
    pub span: crate::lang::Span,
    /// The 1-based line of `span` in the version's text.
    pub line: usize,
}

impl Fault {
    /// The name a performer wrote: the binding (or chain) the node belongs to.
    pub fn name(&self) -> &str {
        self.key.split('/').next().unwrap_or(&self.key)
    }

    /// One line for the log or the status bar: `v3: `echoes` (line 4) muted: it ran away`.
    pub fn describe(&self) -> String {
        let what = match self.kind {
            FaultKind::NotFinite => "its output became NaN or infinite",
            FaultKind::Runaway => "it ran away (a feedback loop growing past full scale)",
        };
        let line = self.line;
        let name = self.name();
        let name = if name.starts_with('~') { self.key.as_str() } else { name };
        format!("v{}: `{name}` (line {line}) muted: {what}", self.version)
    }
}

/// Things the session learned on a tick.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Events {
    /// Reloads that waited for the previous swap and have now been sent.
    pub sent: Vec<Report>,
    /// Nodes muted because their output went bad.
    pub faults: Vec<Fault>,
    /// An armed version that was cancelled before it landed.
    pub cancelled: Option<u32>,
    /// What an external clock did to the transport.
    pub transport: Vec<crate::clock::follow::Transport>,
    /// What went live, for the set log.
    pub log: Vec<crate::setlog::Record>,
    /// The audio input as the input nodes played it, for the set log.
    pub input: Vec<crate::dsp::capture::InputChunk>,
    pub freed: usize,
}
