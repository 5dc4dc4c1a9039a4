//! What a node is, as the registry and the rooms that define nodes describe it: its parameters, outputs and how
//! its processor is built. Types only, so every room can define nodes without importing the registry that lists
//! them. Pure data, any thread.

use super::Processor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    None,
    Hz,
    Seconds,
    Beats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An audio-rate input: a number, a signal or an expression.
    Signal,
    /// A number fixed when the node is built (e.g. a delay's longest time).
    Setting,
    /// A list of numbers and rests.
    List,
    /// One of a few names.
    Choice(&'static [&'static str]),
    /// A MIDI input: a block of timestamped events, wired like a signal (Synchrolang nodes only).
    Midi,
    /// Text fixed when the node is built, such as a file path or a chord name (Synchrolang nodes only).
    Text(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    pub name: &'static str,
    pub kind: ParamKind,
    pub default: f32,
    pub min: f32,
    pub max: f32,
    pub unit: Unit,
    pub help: &'static str,
}

/// What a processor is built from. Signal inputs arrive at run time; everything else is here.
pub struct BuildCtx<'a> {
    /// The node's identity (`syn:name` for Synchrolang nodes), for nodes that show themselves by name.
    pub key: &'a str,
    pub sample_rate: f32,
    pub seed: u64,
    /// Values of `Setting` params, in declaration order among settings.
    pub settings: &'a [f32],
    pub list: &'a [Option<f32>],
    pub choice: usize,
    /// Which signal inputs are wired to another node (rather than constants).
    pub wired: &'a [bool],
    /// Values of `Text` params, in declaration order among them.
    pub text: &'a [String],
}

pub struct NodeDef {
    pub name: &'static str,
    pub help: &'static str,
    pub params: &'static [ParamDef],
    pub outputs: &'static [&'static str],
    /// The parameter a chain feeds (`a -> b` sets b's main input).
    pub main_input: Option<&'static str>,
    /// The parameter a bare first argument sets (`lowpass 800`).
    pub positional: Option<&'static str>,
    /// When the positional value carries a Hz unit it sets this parameter instead (`clock 8hz`).
    pub hz_param: Option<&'static str>,
    /// Internal nodes made by the compiler (arithmetic, sums); not listed or callable.
    pub hidden: bool,
    /// One of the original Synchrotron's nodes: only Synchrolang scripts can create it.
    pub compat: bool,
    /// Its outputs carry MIDI events, not samples.
    pub midi_out: bool,
    pub build: fn(&BuildCtx) -> Box<dyn Processor>,
}

/// Definitions are identified by name.
impl PartialEq for NodeDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl std::fmt::Debug for NodeDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeDef({})", self.name)
    }
}

impl NodeDef {
    pub fn param(&self, name: &str) -> Option<(usize, &ParamDef)> {
        self.params.iter().enumerate().find(|(_, p)| p.name == name)
    }

    pub fn output(&self, name: &str) -> Option<usize> {
        self.outputs.iter().position(|o| *o == name)
    }

    /// Parameters wired at run time (signals and MIDI), in input order.
    pub fn signals(&self) -> impl Iterator<Item = &ParamDef> {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Signal | ParamKind::Midi))
    }

    /// A node with no outputs that still does something (writes a file, shows values): always built.
    pub fn is_sink(&self) -> bool {
        self.outputs.is_empty()
    }

    pub fn is_stereo(&self) -> bool {
        self.outputs == ["left", "right"]
    }
}

pub const fn sig(name: &'static str, default: f32, min: f32, max: f32, unit: Unit, help: &'static str) -> ParamDef {
    ParamDef {
        name,
        kind: ParamKind::Signal,
        default,
        min,
        max,
        unit,
        help,
    }
}

pub const MONO: &[&str] = &["out"];
pub const STEREO: &[&str] = &["left", "right"];
