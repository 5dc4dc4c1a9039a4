//! What crosses between the control thread and the audio thread. Everything is built before it is sent, and every
//! box sent to the audio thread comes back to be freed on the control thread.

use super::graph::{FaultKind, Graph};

/// How a new graph takes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapMode {
    /// Only values changed: processors move into the new graph and values glide. No crossfade needed.
    Move,
    /// The structure changed: kept nodes copy their state and both graphs play while the old one fades out.
    Crossfade,
}

/// A prepared graph change.
pub struct Swap {
    pub graph: Box<Graph>,
    pub mode: SwapMode,
    pub version: u32,
    /// Frames a retuned value glides over.
    pub glide_frames: u32,
    /// Frames of a crossfade.
    pub fade_frames: u32,
    /// Wait for the next multiple of this many beats (0: now).
    pub quantum_beats: f64,
}

pub enum ToAudio {
    Swap(Box<Swap>),
    /// Fade to silence fast and clear every tail.
    Panic,
    /// Come back from a panic.
    Resume,
    /// Drop the waiting (armed) swap of this version, if it has not landed yet.
    Cancel {
        version: u32,
    },
    /// The master volume, as a linear gain (it glides there).
    Volume(f32),
    /// What the scope shows: a node's output, or (`None`) the master.
    Scope(Option<super::taps::ScopeTap>),
    /// An external clock's tempo: it rules from now on, whatever the patch's `bpm` says.
    Tempo(f64),
    /// Move the transport to this beat.
    Locate(f64),
    /// Start (or continue) and stop the transport: stopped, the beat stands still.
    Run(bool),
    /// Send MIDI clock (24 a beat, on their frames) and start/stop into this ring from now on.
    ClockOut(rtrb::Producer<crate::dsp::keys::out::OutMsg>),
    /// Copy every frame sent to the device into this ring from now on (the recorder and the retro buffer).
    Capture(rtrb::Producer<f32>),
}

/// A command that changes what is heard, as the set log records it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmd {
    Panic,
    Resume,
    Volume(f32),
    Tempo(f64),
    Locate(f64),
    Run(bool),
    /// The recorder's copy of the output starts here (its first frame is this one).
    Capture,
}

pub enum FromAudio {
    /// A swap whose `graph` is now the graph it replaced, no longer needed; drop it here.
    Retired(Box<Swap>),
    /// A swap that was superseded before it was installed.
    Unused(Box<Swap>),
    /// A swap was installed, at this frame of the render.
    Installed { version: u32, frame: u64 },
    /// A command took effect at this frame (the set log keeps it, so a replay does the same).
    Applied { frame: u64, cmd: Cmd },
    /// A node was muted because its output went bad.
    Fault { version: u32, slot: u32, kind: FaultKind },
}
