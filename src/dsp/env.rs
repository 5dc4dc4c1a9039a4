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

impl Adsr {
    /// A block with no gate edge and steady settings, in a stage that only follows its curve: the same steps as
    /// `process` takes one sample at a time (so the same bits), without asking each sample which stage it is in.
    /// Most voices of a held chord or a long release spend their time here. Returns false to take the general way.
    fn steady(&mut self, gate: &[f32], [d, s, r]: [&[f32]; 3], out: &mut [f32]) -> bool {
        let n = out.len();
        let constant = |x: &[f32]| x.len() >= n && x[..n].iter().all(|&v| v == x[0]);
        if gate.len() < n || gate[..n].iter().any(|&g| (g > 0.0) != self.gate) {
            return false;
        }
        match self.stage {
            Stage::Idle => out.fill(0.0),
            Stage::Decay if constant(d) && constant(s) => {
                let sus = s[0].clamp(0.0, 1.0);
                let c = self.dcoef.get(d[0], self.sr);
                for o in out.iter_mut() {
                    self.level = sus + (self.level - sus) * c;
                    *o = self.level;
                }
            }
            Stage::Release if constant(r) => {
                let c = self.rcoef.get(r[0], self.sr);
                for o in out.iter_mut() {
                    if self.stage == Stage::Release {
                        self.level *= c;
                        if self.level < 1e-6 {
                            self.level = 0.0;
                            self.stage = Stage::Idle;
                        }
                    }
                    *o = self.level;
                }
            }
            _ => return false,
        }
        true
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
        if self.steady(gate, [d, s, r], out) {
            return;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::{Ctx, MAX_BLOCK};

    /// The envelope one sample at a time, as `process` defines it, for settings that hold still.
    fn reference(gates: &[bool], (a, d, s, r): (f32, f32, f32, f32), sr: f32) -> Vec<f32> {
        let (mut stage, mut level, mut gate) = (Stage::Idle, 0f32, false);
        let (mut dc, mut rc) = (DecayCoef::default(), DecayCoef::default());
        gates
            .iter()
            .map(|&g| {
                if g && !gate {
                    stage = Stage::Attack;
                } else if !g && gate {
                    stage = Stage::Release;
                }
                gate = g;
                match stage {
                    Stage::Attack => {
                        level += 1.0 / (a * sr).max(1.0);
                        if level >= 1.0 {
                            (level, stage) = (1.0, Stage::Decay);
                        }
                    }
                    Stage::Decay => level = s + (level - s) * dc.get(d, sr),
                    Stage::Release => {
                        level *= rc.get(r, sr);
                        if level < 1e-6 {
                            (level, stage) = (0.0, Stage::Idle);
                        }
                    }
                    Stage::Idle => level = 0.0,
                }
                level
            })
            .collect()
    }

    #[test]
    fn held_and_releasing_blocks_give_the_same_bits_as_sample_by_sample() {
        let sr = 48_000.0;
        let settings = (0.005, 0.2, 0.7, 0.05);
        let gates: Vec<bool> = (0..20_000)
            .map(|i| (500..6_000).contains(&i) || (9_000..9_100).contains(&i))
            .collect();
        let want = reference(&gates, settings, sr);
        for block in [64, 37, 1] {
            let mut env = Adsr::new(sr);
            let mut got = Vec::new();
            for piece in gates.chunks(block) {
                let n = piece.len();
                let g: Vec<f32> = piece.iter().map(|&b| f32::from(u8::from(b))).collect();
                let k = |v: f32| vec![v; n];
                let (a, d, s, r) = (k(settings.0), k(settings.1), k(settings.2), k(settings.3));
                let mut outs = vec![[0f32; MAX_BLOCK]];
                env.process(&Ctx::new(sr, n, 0.0, 120.0), &[&g, &a, &d, &s, &r], &mut outs);
                got.extend_from_slice(&outs[0][..n]);
            }
            assert_eq!(got, want, "blocks of {block}");
        }
    }
}
