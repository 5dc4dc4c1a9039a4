//! The original Synchrotron's nodes, reproduced with its arithmetic and quirks (float32 state and maths, the
//! clock at f² Hz, the 0..1 sawtooth, the square that starts low, a 0 Hz sine that holds its level, the
//! pre-incrementing sequence). Only Synchrolang scripts reach these; the native nodes stay correct.
//! `process` runs on the audio thread.

use super::mix::{Binary, Op};
use super::node_def::{MONO as OUT, NodeDef, ParamDef, ParamKind, STEREO, Unit};
use super::{Block, Ctx, MAX_BLOCK, Processor, input, map2, output};

/// 2π as NumPy sees it in float32 arithmetic (a Python float meeting a float32 becomes float32).
const TAU32: f32 = std::f32::consts::TAU;
/// The original engine's block length: per-block quirks (UniformRandom's range) happen on its grid.
const ORIGINAL_BLOCK: u64 = 256;

/// Python's `%`: the result takes the sign of the divisor.
#[inline]
fn py_mod(a: f32, b: f32) -> f32 {
    let m = a % b;
    if m != 0.0 && ((m < 0.0) != (b < 0.0)) { m + b } else { m }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Wave {
    Sine,
    Square,
    Saw,
}

/// SineNode, SquareNode, SawtoothNode. Inputs: frequency (and pwm for the square).
#[derive(Clone)]
pub struct Osc {
    wave: Wave,
    phase: f32,
    sr: f32,
}

impl Processor for Osc {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (f, pwm) = (input(ins, 0, n), input(ins, 1, n));
        let Some(out) = output(outs, 0, n) else { return };
        for ((o, &f), &w) in out.iter_mut().zip(f).zip(pwm) {
            match self.wave {
                Wave::Sine => {
                    *o = f64::from(self.phase).sin() as f32;
                    self.phase = py_mod(self.phase + TAU32 * f / self.sr, TAU32);
                }
                Wave::Square => {
                    *o = if self.phase > w { 1.0 } else { -1.0 };
                    self.phase = py_mod(self.phase + f / self.sr, 1.0);
                }
                Wave::Saw => {
                    *o = self.phase;
                    self.phase = py_mod(self.phase + f / self.sr, 1.0);
                }
            }
        }
    }
}

/// ClockNode as in 2024: fires every (1/f)/(f/sr) samples, i.e. at f² Hz, keeping the remainder.
#[derive(Clone)]
pub struct Clock {
    count: f32,
    sr: f32,
}

impl Processor for Clock {
    crate::plain_state!(|s| Self { count: 0.0, sr: s.sr });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let f = input(ins, 0, n);
        let Some(out) = output(outs, 0, n) else { return };
        for (o, &f) in out.iter_mut().zip(f) {
            let period = 1.0 / f;
            self.count += f / self.sr;
            *o = if self.count > period {
                self.count = py_mod(self.count, period);
                1.0
            } else {
                0.0
            };
        }
    }
}

/// SequenceNode: steps on each true sample of `step` *before* reading, so the first trigger moves to item 1.
#[derive(Clone)]
pub struct Sequence {
    items: Vec<f32>,
    pos: usize,
}

impl Processor for Sequence {
    fn copy_state(&mut self, other: &dyn Processor) {
        if let Some(o) = other.as_any().downcast_ref::<Self>() {
            self.pos = o.pos;
        }
    }

    fn reset(&mut self) {}

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let step = input(ins, 0, n);
        let Some(out) = output(outs, 0, n) else { return };
        let len = self.items.len();
        for (o, &s) in out.iter_mut().zip(step) {
            if len == 0 {
                *o = 0.0;
                continue;
            }
            if s != 0.0 {
                self.pos = (self.pos + 1) % len;
            }
            *o = self.items[self.pos % len];
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Math {
    Bitcrush,
    Quantise,
    Silence,
    /// StreamNode: the data value as a stream.
    Pass,
}

/// BitcrushNode, FrequencyQuantiseNode, SilenceNode, StreamNode. (AddNode and MultiplyNode are the native
/// arithmetic nodes: the original's float32 `a + b` and `a · b` are the same operations.)
#[derive(Clone)]
pub struct Arith(pub Math);

impl Processor for Arith {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        match self.0 {
            Math::Bitcrush => map2(ctx, ins, outs, |a, b| {
                let s = b.exp2();
                (a * s).round_ties_even() / s
            }),
            // The original gives NaN for f <= 0; silence is kinder and still "no note".
            Math::Quantise => map2(ctx, ins, outs, |a, _| {
                if a > 0.0 {
                    440.0 * ((12.0 * (a / 440.0).log2()).round_ties_even() / 12.0).exp2()
                } else {
                    0.0
                }
            }),
            Math::Silence => map2(ctx, ins, outs, |_, _| 0.0),
            Math::Pass => map2(ctx, ins, outs, |a, _| a),
        }
    }
}

/// UniformRandomNode: white noise between min and max, read once per original 256-frame block.
#[derive(Clone)]
pub struct Uniform {
    state: u64,
    frame: u64,
    range: (f32, f32),
}

impl Processor for Uniform {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (lo, hi) = (input(ins, 0, n), input(ins, 1, n));
        let Some(out) = output(outs, 0, n) else { return };
        for (i, o) in out.iter_mut().enumerate() {
            if self.frame.is_multiple_of(ORIGINAL_BLOCK) {
                self.range = (lo[i], hi[i]);
            }
            self.frame += 1;
            self.state ^= self.state << 13;
            self.state ^= self.state >> 7;
            self.state ^= self.state << 17;
            let u = (self.state >> 40) as f32 / (1u64 << 24) as f32;
            *o = self.range.0 + (self.range.1 - self.range.0) * u;
        }
    }
}

/// TriggerEnvelopeNode, finished: each rising edge of `trigger` ramps up over `attack` s, then down over `decay` s.
#[derive(Clone)]
pub struct TriggerEnvelope {
    level: f32,
    rising: bool,
    prev: bool,
    sr: f32,
}

impl Processor for TriggerEnvelope {
    crate::plain_state!(|s| Self {
        level: 0.0,
        rising: false,
        prev: s.prev,
        sr: s.sr
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (t, a, d) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let Some(out) = output(outs, 0, n) else { return };
        for (((o, &t), &a), &d) in out.iter_mut().zip(t).zip(a).zip(d) {
            let high = t > 0.0;
            if high && !self.prev {
                self.rising = true;
            }
            self.prev = high;
            if self.rising {
                self.level += 1.0 / (a * self.sr).max(1.0);
                if self.level >= 1.0 {
                    self.level = 1.0;
                    self.rising = false;
                }
            } else {
                self.level = (self.level - 1.0 / (d * self.sr).max(1.0)).max(0.0);
            }
            *o = self.level;
        }
    }
}

/// PanNode: equal power, L = x·cos((p+1)π/4), R = x·sin((p+1)π/4).
#[derive(Clone)]
pub struct Pan;

impl Processor for Pan {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, p) = (input(ins, 0, n), input(ins, 1, n));
        let [l, r, ..] = outs else { return };
        for i in 0..n.min(x.len()).min(p.len()).min(MAX_BLOCK) {
            let angle = (p[i] + 1.0) * std::f32::consts::FRAC_PI_4;
            l[i] = x[i] * angle.cos();
            r[i] = x[i] * angle.sin();
        }
    }
}

/// A parameter of one of the original's nodes: unbounded, no unit, documented by the node's help.
pub(crate) const fn param(name: &'static str, kind: ParamKind, default: f32) -> ParamDef {
    ParamDef {
        name,
        kind,
        default,
        min: -1e9,
        max: 1e9,
        unit: Unit::None,
        help: "",
    }
}

pub(crate) const fn stream(name: &'static str, default: f32) -> ParamDef {
    param(name, ParamKind::Signal, default)
}

/// One of the original's node types. `midi_out: true` for nodes whose outputs carry MIDI.
macro_rules! compat {
    ($name:literal, $help:literal, [$($p:expr),*], $outs:expr, $build:expr) => {
        compat!($name, $help, [$($p),*], $outs, midi_out: false, $build)
    };
    ($name:literal, $help:literal, [$($p:expr),*], $outs:expr, midi_out: $midi:literal, $build:expr) => {
        NodeDef {
            name: $name,
            help: $help,
            params: &[$($p),*],
            outputs: $outs,
            main_input: None,
            positional: None,
            hz_param: None,
            hidden: false,
            compat: true,
            midi_out: $midi,
            build: $build,
        }
    };
}
pub(crate) use compat;

/// What a script node's key starts with (`syn:osc` for a node named `osc`), so it never meets a native key.
pub const SCRIPT_KEY: &str = "syn:";

/// The key of the script node named `name`.
pub fn script_key(name: &str) -> String {
    format!("{SCRIPT_KEY}{name}")
}

/// Every node type a Synchrolang script can create (PlaybackNode aside, which is the graph's output).
pub fn all() -> impl Iterator<Item = &'static NodeDef> + Clone {
    COMPAT_NODES.iter().chain(super::compat_io::COMPAT_IO_NODES)
}

/// The original's audio and control node types.
pub static COMPAT_NODES: &[NodeDef] = &[
    compat!(
        "SineNode",
        "sine; a 0 Hz sine holds its level",
        [stream("frequency", 0.0)],
        OUT,
        |c| Box::new(Osc {
            wave: Wave::Sine,
            phase: 0.0,
            sr: c.sample_rate
        })
    ),
    compat!(
        "SquareNode",
        "naive square, low for the first `pwm` of each cycle",
        [stream("frequency", 0.0), stream("pwm", 0.5)],
        OUT,
        |c| Box::new(Osc {
            wave: Wave::Square,
            phase: 0.0,
            sr: c.sample_rate
        })
    ),
    compat!(
        "SawtoothNode",
        "naive rising ramp 0..1",
        [stream("frequency", 0.0)],
        OUT,
        |c| Box::new(Osc {
            wave: Wave::Saw,
            phase: 0.0,
            sr: c.sample_rate
        })
    ),
    compat!("SilenceNode", "zeros", [], OUT, |_| Box::new(Arith(Math::Silence))),
    compat!(
        "StreamNode",
        "a data value as a stream (0 when nothing is linked, not NaN)",
        [stream("data", 0.0)],
        OUT,
        |_| Box::new(Arith(Math::Pass))
    ),
    compat!("AddNode", "a + b", [stream("a", 0.0), stream("b", 0.0)], OUT, |_| {
        Box::new(Binary(Op::Add))
    }),
    compat!(
        "MultiplyNode",
        "a · b (an unlinked input is 0)",
        [stream("a", 0.0), stream("b", 0.0)],
        OUT,
        |_| Box::new(Binary(Op::Mul))
    ),
    compat!(
        "BitcrushNode",
        "round(x·2^b)/2^b",
        [stream("signal", 0.0), stream("bit_depth", 16.0)],
        OUT,
        |_| Box::new(Arith(Math::Bitcrush))
    ),
    compat!(
        "FrequencyQuantiseNode",
        "snap to the nearest semitone",
        [stream("frequency", 0.0)],
        OUT,
        |_| Box::new(Arith(Math::Quantise))
    ),
    compat!(
        "UniformRandomNode",
        "noise between min and max",
        [stream("min", 0.0), stream("max", 0.0)],
        OUT,
        |c| Box::new(Uniform {
            state: c.seed | 1,
            frame: 0,
            range: (0.0, 0.0)
        })
    ),
    compat!(
        "ClockNode",
        "triggers at frequency² Hz (the original's arithmetic)",
        [stream("frequency", 0.0)],
        OUT,
        |c| Box::new(Clock {
            count: 0.0,
            sr: c.sample_rate
        })
    ),
    compat!(
        "SequenceNode",
        "steps through a list on each trigger",
        [
            ParamDef {
                name: "sequence",
                kind: ParamKind::List,
                default: 0.0,
                min: -1e9,
                max: 1e9,
                unit: Unit::None,
                help: ""
            },
            stream("step", 0.0)
        ],
        OUT,
        |c| Box::new(Sequence {
            items: c.list.iter().map(|v| v.unwrap_or(0.0)).collect(),
            pos: 0
        })
    ),
    compat!(
        "TriggerEnvelopeNode",
        "attack then decay on each trigger",
        [stream("trigger", 0.0), stream("attack", 0.0), stream("decay", 0.0)],
        &["envelope"],
        |c| Box::new(TriggerEnvelope {
            level: 0.0,
            rising: false,
            prev: false,
            sr: c.sample_rate
        })
    ),
    compat!(
        "PanNode",
        "equal-power pan",
        [stream("signal", 0.0), stream("pan", 0.0)],
        STEREO,
        |_| Box::new(Pan)
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &mut dyn Processor, ins: &[&[f32]], blocks: usize) -> Vec<f32> {
        let mut outs = [[0.0; MAX_BLOCK]; 2];
        let mut v = Vec::new();
        for _ in 0..blocks {
            p.process(&Ctx::new(44_100.0, MAX_BLOCK, 0.0, 120.0), ins, &mut outs);
            v.extend_from_slice(&outs[0]);
        }
        v
    }

    #[test]
    fn the_clock_fires_at_f_squared() {
        let f = [2.5f32; MAX_BLOCK];
        let x = run(
            &mut Clock {
                count: 0.0,
                sr: 44_100.0,
            },
            &[&f],
            4 * 44_100 / MAX_BLOCK,
        );
        let ticks = x.iter().filter(|v| **v > 0.0).count();
        assert_eq!(ticks, 24, "4 s at f=2.5 gives 24 ticks in the 2024 engine");
    }

    #[test]
    fn square_starts_low_and_saw_is_unipolar() {
        let f = [441.0f32; MAX_BLOCK];
        let w = [0.5f32; MAX_BLOCK];
        let sq = run(
            &mut Osc {
                wave: Wave::Square,
                phase: 0.0,
                sr: 44_100.0,
            },
            &[&f, &w],
            2,
        );
        assert_eq!(sq[0], -1.0);
        assert_eq!(sq[60], 1.0);
        let saw = run(
            &mut Osc {
                wave: Wave::Saw,
                phase: 0.0,
                sr: 44_100.0,
            },
            &[&f],
            4,
        );
        assert!(saw.iter().all(|v| (0.0..1.0).contains(v)));
    }

    #[test]
    fn a_zero_hertz_sine_holds_its_level() {
        let mut s = Osc {
            wave: Wave::Sine,
            phase: 1.0,
            sr: 44_100.0,
        };
        let x = run(&mut s, &[&[0.0; MAX_BLOCK]], 1);
        assert!(x.iter().all(|v| (*v - 1f32.sin()).abs() < 1e-7));
    }

    #[test]
    fn the_sequence_pre_increments() {
        let mut step = [0.0f32; MAX_BLOCK];
        step[10] = 1.0;
        step[20] = 1.0;
        let x = run(
            &mut Sequence {
                items: vec![1.0, 2.0, 3.0],
                pos: 0,
            },
            &[&step],
            1,
        );
        assert_eq!((x[0], x[10], x[20]), (1.0, 2.0, 3.0));
    }

    #[test]
    fn python_modulo_takes_the_divisors_sign() {
        assert_eq!(py_mod(-0.25, 1.0), 0.75);
        assert_eq!(py_mod(1.25, 1.0), 0.25);
    }
}
