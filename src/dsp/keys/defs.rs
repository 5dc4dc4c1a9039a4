//! The registry entries of the keyboard nodes: `midi`, `cc`, `bend`, and the internal voice sum. Pure data.

use super::cc::Cc;
use super::sum::VoiceSum;
use super::{Keys, MAX_VOICES};
use crate::dsp::node_def::{MONO, NodeDef, ParamDef, ParamKind, Unit};

const fn setting(name: &'static str, default: f32, min: f32, max: f32, unit: Unit, help: &'static str) -> ParamDef {
    ParamDef {
        name,
        kind: ParamKind::Setting,
        default,
        min,
        max,
        unit,
        help,
    }
}

const CH: ParamDef = setting(
    "ch",
    0.0,
    0.0,
    16.0,
    Unit::None,
    "MIDI channel 1..16; 0 hears every channel",
);
const PORT: ParamDef = setting(
    "port",
    -1.0,
    -1.0,
    64.0,
    Unit::None,
    "input port number; -1 hears every port",
);
const GLIDE: ParamDef = setting(
    "glide",
    0.01,
    0.0,
    10.0,
    Unit::Seconds,
    "time to follow a move (no zipper noise)",
);

/// The outputs of each voice, in port order (the allocator's fade follows as a seventh, unnamed).
pub const VOICE_OUTPUTS: &[&str] = &["freq", "gate", "vel", "note", "bend", "press"];

pub static NODES: &[NodeDef] = &[
    NodeDef {
        name: "midi",
        help: "notes from a keyboard, polyphonic: .freq .gate .vel (0..1) .note .bend (semitones) .press per voice",
        params: &[
            CH,
            setting(
                "poly",
                8.0,
                1.0,
                MAX_VOICES as f32,
                Unit::None,
                "voices; 1 is mono with last-note priority",
            ),
            setting(
                "bend",
                2.0,
                0.0,
                48.0,
                Unit::None,
                "semitones of a full pitch-wheel throw",
            ),
            setting(
                "glide",
                0.0,
                0.0,
                10.0,
                Unit::Seconds,
                "mono: legato notes glide this long",
            ),
            PORT,
        ],
        outputs: VOICE_OUTPUTS,
        main_input: None,
        positional: None,
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Keys::new(c.sample_rate, c.settings)),
    },
    NodeDef {
        name: "cc",
        help: "a MIDI controller 0..1, or mapped: `cc 74 min=200 max=4000 curve=exp`; mod wheel is cc 1",
        params: &[
            setting("number", 1.0, 0.0, 127.0, Unit::None, "controller number"),
            CH,
            setting("min", 0.0, -1e9, 1e9, Unit::None, "value at 0"),
            setting("max", 1.0, -1e9, 1e9, Unit::None, "value at 127"),
            GLIDE,
            setting(
                "init",
                0.0,
                0.0,
                1.0,
                Unit::None,
                "position before the first move, 0..1",
            ),
            PORT,
            ParamDef {
                name: "curve",
                kind: ParamKind::Choice(&["lin", "exp"]),
                default: 0.0,
                min: 0.0,
                max: 1.0,
                unit: Unit::None,
                help: "lin, or exp for frequencies",
            },
        ],
        outputs: MONO,
        main_input: None,
        positional: Some("number"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Cc::controller(c.sample_rate, c.settings, c.choice)),
    },
    NodeDef {
        name: "bend",
        help: "the pitch wheel in semitones, −range..range",
        params: &[
            setting("range", 2.0, 0.0, 48.0, Unit::None, "semitones of a full throw"),
            CH,
            GLIDE,
            PORT,
        ],
        outputs: MONO,
        main_input: None,
        positional: Some("range"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Cc::wheel(c.sample_rate, c.settings)),
    },
    NodeDef {
        name: "midi_out",
        help: "sends a note on each rising gate (its pitch the nearest to `pitch`) to the MIDI output (--midi-out)",
        params: &[
            ParamDef {
                name: "gate",
                kind: ParamKind::Signal,
                default: 0.0,
                min: -1e9,
                max: 1e9,
                unit: Unit::None,
                help: "a note starts when it rises past 0.5 and ends when it falls",
            },
            ParamDef {
                name: "pitch",
                kind: ParamKind::Signal,
                default: 440.0,
                min: 0.0,
                max: 24_000.0,
                unit: Unit::Hz,
                help: "the note's frequency, e.g. a seq of notes",
            },
            ParamDef {
                name: "vel",
                kind: ParamKind::Signal,
                default: 0.8,
                min: 0.0,
                max: 1.0,
                unit: Unit::None,
                help: "velocity, 0..1",
            },
            setting("ch", 1.0, 1.0, 16.0, Unit::None, "MIDI channel 1..16"),
        ],
        outputs: &[],
        main_input: Some("gate"),
        positional: None,
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| {
            Box::new(super::out::MidiOut::new(
                c.key,
                c.settings.first().copied().unwrap_or(1.0),
            ))
        },
    },
    NodeDef {
        name: "ctl",
        help: "a named live control moved over OSC (/syn/ctl/NAME value): `cutoff = ctl 1200 min=200 max=4000`",
        params: &[
            setting(
                "value",
                0.0,
                -1e9,
                1e9,
                Unit::None,
                "where it starts (editing it moves the control there)",
            ),
            setting("min", -1e9, -1e9, 1e9, Unit::None, "lowest value it can be set to"),
            setting("max", 1e9, -1e9, 1e9, Unit::None, "highest value it can be set to"),
            setting("glide", 0.02, 0.0, 10.0, Unit::Seconds, "time to follow a move"),
        ],
        outputs: MONO,
        main_input: None,
        positional: Some("value"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(crate::dsp::ctl::Ctl::new(c.key, c.sample_rate, c.settings)),
    },
    NodeDef {
        name: "voices",
        help: "sums voices, each through its fade",
        params: &[],
        outputs: MONO,
        main_input: None,
        positional: None,
        hz_param: None,
        hidden: true,
        compat: false,
        midi_out: false,
        build: |_| Box::new(VoiceSum),
    },
];

/// Output blocks a node of `kind` needs: a `midi` source has one set per voice.
pub fn output_blocks(def: &NodeDef, settings: &[f32]) -> usize {
    if def.name == "midi" {
        super::voices_of(settings) * super::PER_VOICE
    } else {
        def.outputs.len()
    }
}
