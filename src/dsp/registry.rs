//! The node registry: every node's name, ports, defaults, ranges, help, and how to build its processor.
//! The compiler resolves names here; the grammar knows none of them. Pure data, any thread.

use super::delay::Delay;
use super::env::{Adsr, Perc};
use super::filter::{BAND, HIGH, LOW, Svf};
use super::mix::{Binary, Mix, Op, Out, Pan, Sum};
use super::noise::Noise;
use super::osc::{Osc, Shape};
use super::reverb::Reverb;
use super::time::{Clock, SampleHold, Seq, Slew};

pub use super::node_def::{BuildCtx, MONO, NodeDef, ParamDef, ParamKind, STEREO, Unit, sig};

const IN: ParamDef = sig("in", 0.0, -1e9, 1e9, Unit::None, "the signal to process");
const FREQ: ParamDef = sig(
    "freq",
    440.0,
    -24_000.0,
    24_000.0,
    Unit::Hz,
    "frequency; accepts notes like a4",
);

macro_rules! osc {
    ($name:literal, $shape:expr, $help:literal, $params:expr) => {
        NodeDef {
            name: $name,
            help: $help,
            params: $params,
            outputs: MONO,
            main_input: Some("freq"),
            positional: Some("freq"),
            hz_param: None,
            hidden: false,
            compat: false,
            midi_out: false,
            build: |c| Box::new(Osc::new($shape, c.sample_rate)),
        }
    };
}

macro_rules! filter {
    ($name:literal, $mode:expr, $help:literal) => {
        NodeDef {
            name: $name,
            help: $help,
            params: &[
                IN,
                sig("cutoff", 1000.0, 10.0, 20_000.0, Unit::Hz, "cutoff frequency"),
                sig(
                    "q",
                    0.707,
                    0.1,
                    50.0,
                    Unit::None,
                    "resonance; 0.707 is flat, higher rings",
                ),
            ],
            outputs: MONO,
            main_input: Some("in"),
            positional: Some("cutoff"),
            hz_param: None,
            hidden: false,
            compat: false,
            midi_out: false,
            build: |c| Box::new(Svf::<$mode>::new(c.sample_rate)),
        }
    };
}

macro_rules! op {
    ($name:literal, $op:expr, $hidden:expr, $help:literal, $params:expr, $pos:expr) => {
        NodeDef {
            name: $name,
            help: $help,
            params: $params,
            outputs: MONO,
            main_input: Some($params[0].name),
            positional: $pos,
            hz_param: None,
            hidden: $hidden,
            compat: false,
            midi_out: false,
            build: |_| Box::new(Binary($op)),
        }
    };
}

const AB: &[ParamDef] = &[
    sig("a", 0.0, -1e9, 1e9, Unit::None, ""),
    sig("b", 0.0, -1e9, 1e9, Unit::None, ""),
];

pub static NODES: &[NodeDef] = &[
    osc!("sine", Shape::Sine, "sine oscillator", &[FREQ]),
    osc!("saw", Shape::Saw, "band-limited sawtooth, −1..1", &[FREQ]),
    osc!(
        "square",
        Shape::Square,
        "band-limited pulse; width is the high fraction",
        &[FREQ, sig("width", 0.5, 0.001, 0.999, Unit::None, "pulse width"),]
    ),
    osc!("triangle", Shape::Triangle, "band-limited triangle", &[FREQ]),
    osc!("phasor", Shape::Phasor, "ramp 0..1, for modulation", &[FREQ]),
    NodeDef {
        name: "noise",
        help: "white or pink noise, −1..1, repeatable for a given seed",
        params: &[ParamDef {
            name: "color",
            kind: ParamKind::Choice(&["white", "pink"]),
            default: 0.0,
            min: 0.0,
            max: 1.0,
            unit: Unit::None,
            help: "white or pink",
        }],
        outputs: MONO,
        main_input: None,
        positional: Some("color"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Noise::new(c.seed, c.choice == 1)),
    },
    NodeDef {
        name: "input",
        help: "the audio input device (microphone, line in), left and right",
        params: &[],
        outputs: STEREO,
        main_input: None,
        positional: None,
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(crate::dsp::capture::Recording::new(c.sample_rate)),
    },
    filter!("lowpass", LOW, "resonant 12 dB/oct lowpass (state-variable)"),
    filter!("highpass", HIGH, "resonant 12 dB/oct highpass (state-variable)"),
    filter!(
        "bandpass",
        BAND,
        "resonant bandpass (state-variable), unity gain at cutoff for q=1"
    ),
    op!(
        "gain",
        Op::Gain,
        false,
        "multiply by amount (linear)",
        &[IN, sig("amount", 1.0, -1e9, 1e9, Unit::None, "gain factor"),],
        Some("amount")
    ),
    op!(
        "clip",
        Op::Clip,
        false,
        "hard clip at ±limit",
        &[IN, sig("limit", 1.0, 0.0, 1e9, Unit::None, "clip level"),],
        Some("limit")
    ),
    op!(
        "drive",
        Op::Drive,
        false,
        "tanh-style saturation of in·amount",
        &[IN, sig("amount", 2.0, 0.0, 1000.0, Unit::None, "drive into the curve"),],
        Some("amount")
    ),
    NodeDef {
        name: "mix",
        help: "crossfade: in·(1−amount) + b·amount",
        params: &[
            IN,
            sig("b", 0.0, -1e9, 1e9, Unit::None, "the other signal"),
            sig("amount", 0.5, 0.0, 1.0, Unit::None, "0 = in, 1 = b"),
        ],
        outputs: MONO,
        main_input: Some("in"),
        positional: Some("amount"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |_| Box::new(Mix),
    },
    NodeDef {
        name: "pan",
        help: "equal-power pan to stereo",
        params: &[IN, sig("pos", 0.0, -1.0, 1.0, Unit::None, "−1 left, 0 centre, 1 right")],
        outputs: STEREO,
        main_input: Some("in"),
        positional: Some("pos"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |_| Box::new(Pan),
    },
    NodeDef {
        name: "delay",
        help: "echo with feedback; time can be modulated",
        params: &[
            IN,
            sig("time", 0.25, 0.0, 60.0, Unit::Seconds, "delay time"),
            sig("feedback", 0.3, -0.99, 0.99, Unit::None, "echo fed back"),
            sig("mix", 0.5, 0.0, 1.0, Unit::None, "0 dry … 1 only echoes"),
            ParamDef {
                name: "max",
                kind: ParamKind::Setting,
                default: 4.0,
                min: 0.01,
                max: 60.0,
                unit: Unit::Seconds,
                help: "longest time the line holds (fixed when built)",
            },
        ],
        outputs: MONO,
        main_input: Some("in"),
        positional: Some("time"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Delay::new(c.sample_rate, c.settings.first().copied().unwrap_or(4.0))),
    },
    NodeDef {
        name: "reverb",
        help: "stereo room reverb",
        params: &[
            IN,
            sig("size", 0.7, 0.0, 1.0, Unit::None, "room size / decay"),
            sig("damp", 0.5, 0.0, 1.0, Unit::None, "high-frequency damping"),
            sig("mix", 0.3, 0.0, 1.0, Unit::None, "0 dry … 1 wet"),
        ],
        outputs: STEREO,
        main_input: Some("in"),
        positional: Some("mix"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Reverb::new(c.sample_rate)),
    },
    NodeDef {
        name: "adsr",
        help: "attack-decay-sustain-release envelope, 0..1, following a gate",
        params: &[
            sig("gate", 0.0, -1e9, 1e9, Unit::None, "high (> 0) holds the note"),
            sig("a", 0.01, 0.0, 60.0, Unit::Seconds, "attack time"),
            sig("d", 0.1, 0.0, 60.0, Unit::Seconds, "decay time (to −60 dB of the way)"),
            sig("s", 0.7, 0.0, 1.0, Unit::None, "sustain level"),
            sig("r", 0.3, 0.0, 60.0, Unit::Seconds, "release time (to −60 dB)"),
        ],
        outputs: MONO,
        main_input: Some("gate"),
        positional: Some("gate"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Adsr::new(c.sample_rate)),
    },
    NodeDef {
        name: "perc",
        help: "percussive envelope: attack then decay on each trigger",
        params: &[
            sig("trig", 0.0, -1e9, 1e9, Unit::None, "a rising edge starts the envelope"),
            sig("a", 0.002, 0.0, 60.0, Unit::Seconds, "attack time"),
            sig("d", 0.3, 0.0, 60.0, Unit::Seconds, "decay time (to −60 dB)"),
        ],
        outputs: MONO,
        main_input: Some("trig"),
        positional: Some("trig"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Perc::new(c.sample_rate)),
    },
    NodeDef {
        name: "clock",
        help: "gate pulses every N beats (follows bpm), or at a rate in Hz",
        params: &[
            sig("every", 1.0, 0.0, 1e6, Unit::Beats, "beats per tick: 1/4 = sixteenths"),
            sig(
                "rate",
                0.0,
                0.0,
                24_000.0,
                Unit::Hz,
                "ticks per second; overrides every when > 0",
            ),
        ],
        outputs: MONO,
        main_input: None,
        positional: Some("every"),
        hz_param: Some("rate"),
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Clock::new(c.sample_rate)),
    },
    NodeDef {
        name: "seq",
        help: "step sequencer over a list (_ is a rest); outputs the value and .gate",
        params: &[
            ParamDef {
                name: "steps",
                kind: ParamKind::List,
                default: 0.0,
                min: -1e9,
                max: 1e9,
                unit: Unit::None,
                help: "the values, e.g. [a3 c4 _ e4]",
            },
            sig("every", 0.25, 0.0, 1e6, Unit::Beats, "beats per step"),
            sig(
                "trig",
                0.0,
                -1e9,
                1e9,
                Unit::None,
                "when connected, each rising edge steps instead",
            ),
            sig("len", 0.5, 0.0, 1.0, Unit::None, "gate length, fraction of a step"),
        ],
        outputs: &["out", "gate"],
        main_input: Some("trig"),
        positional: Some("steps"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Seq::new(c.list.to_vec(), c.wired.get(1).copied().unwrap_or(false))),
    },
    NodeDef {
        name: "pat",
        help: "a pattern in the mini-notation (Tidal, Strudel): \"c3 [e3 g3] <a3 b3>\"; a cycle is a bar; outputs the \
               step's value (notes in Hz), .gate and .trig",
        params: &[
            ParamDef {
                name: "pattern",
                kind: ParamKind::Text("~"),
                default: 0.0,
                min: 0.0,
                max: 0.0,
                unit: Unit::None,
                help: "steps, ~ rests, [ ] subdivide, < > alternate, *n /n !n @n ? (a,b,c) and , to stack",
            },
            ParamDef {
                name: "len",
                kind: ParamKind::Setting,
                default: 0.5,
                min: 0.0,
                max: 1.0,
                unit: Unit::None,
                help: "gate length, fraction of a step",
            },
        ],
        outputs: &["out", "gate", "trig"],
        main_input: None,
        positional: Some("pattern"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| {
            let text = c.text.first().map_or("~", String::as_str);
            Box::new(super::pat::Pat::new(
                text,
                c.seed,
                c.settings.first().copied().unwrap_or(0.5),
            ))
        },
    },
    NodeDef {
        name: "sample",
        help: "plays a sound file (WAV, FLAC, Ogg, MP3) on each rising edge of trig; stereo files stay stereo",
        params: &[
            sig("trig", 0.0, -1e9, 1e9, Unit::None, "a rising edge starts a voice"),
            sig("rate", 1.0, -16.0, 16.0, Unit::None, "speed; negative plays backwards"),
            sig("pitch", 0.0, -48.0, 48.0, Unit::None, "semitones, on top of rate"),
            sig("gain", 1.0, 0.0, 16.0, Unit::None, "level"),
            sig("start", 0.0, 0.0, 1.0, Unit::None, "where it starts, 0..1 of the file"),
            sig("end", 1.0, 0.0, 1.0, Unit::None, "where it ends, 0..1 of the file"),
            sig(
                "which",
                0.0,
                0.0,
                4096.0,
                Unit::None,
                "driven by a pattern: which of its samples a step plays",
            ),
            ParamDef {
                name: "file",
                kind: ParamKind::Text(""),
                default: 0.0,
                min: 0.0,
                max: 0.0,
                unit: Unit::None,
                help: "the sound file, next to the patch (or in a --files folder)",
            },
            ParamDef {
                name: "loop",
                kind: ParamKind::Setting,
                default: 0.0,
                min: 0.0,
                max: 1.0,
                unit: Unit::None,
                help: "1 loops between start and end while the voice lasts",
            },
            ParamDef {
                name: "voices",
                kind: ParamKind::Setting,
                default: 8.0,
                min: 1.0,
                max: 16.0,
                unit: Unit::None,
                help: "voices at once; a new one past them fades out the oldest",
            },
            ParamDef {
                name: "cut",
                kind: ParamKind::Setting,
                default: 0.0,
                min: 0.0,
                max: 15.0,
                unit: Unit::None,
                help: "choke group: a trigger here fades out the other samplers of the group (0: none)",
            },
        ],
        outputs: STEREO,
        main_input: Some("trig"),
        positional: Some("file"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| {
            // One file, or (driven by a pattern) one per line.
            let rate = c.sample_rate.round() as u32;
            let samples = c.text.first().map_or("", String::as_str).lines();
            let samples = samples.map(|f| crate::sample::load(f, rate).ok()).collect();
            let get = |k: usize, d: f32| c.settings.get(k).copied().unwrap_or(d);
            Box::new(super::sampler::Sampler::new(
                samples,
                c.sample_rate,
                get(1, 8.0),
                get(0, 0.0) > 0.5,
                get(2, 0.0),
            ))
        },
    },
    NodeDef {
        name: "sample_hold",
        help: "samples in on each rising edge of trig and holds it",
        params: &[IN, sig("trig", 0.0, -1e9, 1e9, Unit::None, "rising edges sample")],
        outputs: MONO,
        main_input: Some("in"),
        positional: Some("trig"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |_| Box::new(SampleHold::default()),
    },
    NodeDef {
        name: "slew",
        help: "glide: follows in, taking time seconds for a jump",
        params: &[
            IN,
            sig("time", 0.05, 0.0, 60.0, Unit::Seconds, "time to cover 99% of a jump"),
        ],
        outputs: MONO,
        main_input: Some("in"),
        positional: Some("time"),
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |c| Box::new(Slew::new(c.sample_rate)),
    },
    NodeDef {
        name: "out",
        help: "the stereo master; mono signals go to both sides, out.left / out.right address one",
        params: &[
            sig("left", 0.0, -1e9, 1e9, Unit::None, "left channel"),
            sig("right", 0.0, -1e9, 1e9, Unit::None, "right channel"),
        ],
        outputs: STEREO,
        main_input: None,
        positional: None,
        hz_param: None,
        hidden: false,
        compat: false,
        midi_out: false,
        build: |_| Box::new(Out),
    },
    op!("add", Op::Add, true, "a + b", AB, None),
    op!("sub", Op::Sub, true, "a − b", AB, None),
    op!("mul", Op::Mul, true, "a · b", AB, None),
    op!("div", Op::Div, true, "a / b", AB, None),
    NodeDef {
        name: "sum",
        help: "sums its inputs",
        params: &[],
        outputs: MONO,
        main_input: None,
        positional: None,
        hz_param: None,
        hidden: true,
        compat: false,
        midi_out: false,
        build: |_| Box::new(Sum),
    },
];

/// Directives are statements that set globals rather than make nodes.
pub static DIRECTIVES: &[(&str, &str)] = &[(
    "bpm",
    "tempo in beats per minute, e.g. `bpm 120`; clocks and seqs follow it",
)];

/// A node of the patch language (native or internal).
pub fn lookup(name: &str) -> Option<&'static NodeDef> {
    native().find(|n| n.name == name)
}

/// The patch language's nodes: ours, then the keyboard's.
fn native() -> impl Iterator<Item = &'static NodeDef> {
    NODES.iter().chain(super::keys::defs::NODES)
}

/// Any node a graph can hold, including the original Synchrotron's.
pub fn lookup_any(name: &str) -> Option<&'static NodeDef> {
    lookup(name).or_else(|| super::compat::all().find(|n| n.name == name))
}

/// Nodes a user can call, in reference order.
pub fn public() -> impl Iterator<Item = &'static NodeDef> {
    native().filter(|n| !n.hidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::{Block, Ctx, MAX_BLOCK};

    #[test]
    fn every_definition_is_consistent() {
        for def in native().chain(crate::dsp::compat::all()) {
            for p in [def.main_input, def.positional, def.hz_param].into_iter().flatten() {
                assert!(def.param(p).is_some(), "{}: `{p}` is not a parameter", def.name);
            }
            for p in def.params {
                assert!(
                    p.min <= p.default && p.default <= p.max,
                    "{}.{}: default outside range",
                    def.name,
                    p.name
                );
                assert!(
                    def.hidden || def.compat || !p.help.is_empty() || p.kind != ParamKind::Signal || def.name == "sum"
                );
            }
            assert!(
                !def.outputs.is_empty() || def.compat || def.name == "midi_out",
                "{}",
                def.name
            );
            let names: Vec<&str> = native()
                .chain(crate::dsp::compat::all())
                .map(|n| n.name)
                .filter(|n| *n == def.name)
                .collect();
            assert_eq!(names.len(), 1, "{} defined twice", def.name);
        }
    }

    #[test]
    fn every_processor_builds_and_runs_at_several_rates() {
        for sr in [22_050.0, 48_000.0, 192_000.0] {
            // WavFileNode would write `output.wav` here; tests/integration/midi.rs covers it in a temporary folder.
            for def in native()
                .chain(crate::dsp::compat::all())
                .filter(|d| d.name != "WavFileNode")
            {
                let inputs = def.signals().count().max(2);
                let settings: Vec<f32> = def
                    .params
                    .iter()
                    .filter(|p| p.kind == ParamKind::Setting)
                    .map(|p| p.default)
                    .collect();
                let wired = vec![false; inputs];
                let ctx = BuildCtx {
                    key: def.name,
                    sample_rate: sr,
                    seed: 1,
                    settings: &settings,
                    list: &[Some(1.0), None],
                    choice: 0,
                    wired: &wired,
                    text: &[],
                };
                let mut proc = (def.build)(&ctx);
                let block: Block = std::array::from_fn(|i| (i as f32 * 0.37).sin());
                let ins: Vec<&[f32]> = (0..inputs).map(|_| &block[..]).collect();
                let mut outs = vec![[0.0; MAX_BLOCK]; crate::dsp::keys::defs::output_blocks(def, &settings)];
                for _ in 0..50 {
                    proc.process(&Ctx::new(sr, MAX_BLOCK, 0.0, 120.0), &ins, &mut outs);
                }
                assert!(outs.iter().flatten().all(|v| v.is_finite()), "{} at {sr}", def.name);
            }
        }
    }
}
