//! Envelopes: `adsr` (gate-driven) and `perc` (trigger-driven). Attacks are linear; decays and releases are
//! exponential and reach −60 dB in the time given. Re-triggers start from the current level, so they never click.
//! `process`: audio thread.

use super::{Block, Ctx, Processor, input, output};

/// ln(0.001): the decay constants reach −60 dB in the given time.
const LN_MILLI: f32 = -6.907_755;

/// Per-sample multiplier that decays to 0.001 in `secs`, cached because `exp` per sample is wasteful.
#[derive(Default, Clone)]
struct DecayCoef {
    secs: f32,
    coef: f32,
}

impl DecayCoef {
    #[inline]
    fn get(&mut self, secs: f32, sr: f32) -> f32 {
        if secs != self.secs || self.coef == 0.0 {
            self.secs = secs;
            self.coef = (LN_MILLI / (secs.max(1e-4) * sr)).exp();
        }
        self.coef
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Idle,
    Attack,
    Decay,
    Release,
}

/// Inputs `gate`, `a`, `d`, `s`, `r` (seconds; `s` is a level).
#[derive(Clone)]
pub struct Adsr {
    stage: Stage,
    level: f32,
    gate: bool,
    sr: f32,
    dcoef: DecayCoef,
    rcoef: DecayCoef,
}

impl Adsr {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            stage: Stage::Idle,
            level: 0.0,
            gate: false,
            sr: sample_rate,
            dcoef: DecayCoef::default(),
            rcoef: DecayCoef::default(),
        }
    }
}

impl Processor for Adsr {
    // Silence, but remember the gate: a gate still high must not re-trigger after a panic.
    crate::plain_state!(|s| Self {
        gate: s.gate,
        ..Self::new(s.sr)
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (gate, a, d, s, r) = (
            input(ins, 0, n),
            input(ins, 1, n),
            input(ins, 2, n),
            input(ins, 3, n),
            input(ins, 4, n),
        );
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for i in 0..out
            .len()
            .min(gate.len())
            .min(a.len())
            .min(d.len())
            .min(s.len())
            .min(r.len())
        {
            let g = gate[i] > 0.0;
            if g && !self.gate {
                self.stage = Stage::Attack;
            } else if !g && self.gate {
                self.stage = Stage::Release;
            }
            self.gate = g;
            match self.stage {
                Stage::Attack => {
                    self.level += 1.0 / (a[i].max(0.0) * self.sr).max(1.0);
                    if self.level >= 1.0 {
                        self.level = 1.0;
                        self.stage = Stage::Decay;
                    }
                }
                Stage::Decay => {
                    let sus = s[i].clamp(0.0, 1.0);
                    self.level = sus + (self.level - sus) * self.dcoef.get(d[i], self.sr);
                }
                Stage::Release => {
                    self.level *= self.rcoef.get(r[i], self.sr);
                    if self.level < 1e-6 {
                        self.level = 0.0;
                        self.stage = Stage::Idle;
                    }
                }
                Stage::Idle => self.level = 0.0,
            }
            out[i] = self.level;
        }
    }
}

/// Inputs `trig`, `a`, `d` (seconds). A rising edge on `trig` starts attack then decay to silence.
#[derive(Clone)]
pub struct Perc {
    level: f32,
    attacking: bool,
    trig: bool,
    sr: f32,
    dcoef: DecayCoef,
}

impl Perc {
    pub fn new(sample_rate: f32) -> Self {
        Self {
            level: 0.0,
            attacking: false,
            trig: false,
            sr: sample_rate,
            dcoef: DecayCoef::default(),
        }
    }
}

impl Processor for Perc {
    crate::plain_state!(|s| Self {
        trig: s.trig,
        ..Self::new(s.sr)
    });

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (trig, a, d) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for (((o, &t), &a), &d) in out.iter_mut().zip(trig).zip(a).zip(d) {
            let high = t > 0.0;
            if high && !self.trig {
                self.attacking = true;
            }
            self.trig = high;
            if self.attacking {
                self.level += 1.0 / (a.max(0.0) * self.sr).max(1.0);
                if self.level >= 1.0 {
                    self.level = 1.0;
                    self.attacking = false;
                }
            } else {
                self.level *= self.dcoef.get(d, self.sr);
                if self.level < 1e-6 {
                    self.level = 0.0;
                }
            }
            *o = self.level;
        }
    }
}
