//! Level and combination processors: gain, mix, pan, clip, drive, arithmetic, summing and the `out` bus.
//! `process`: audio thread.

use super::fast::{sin_turns, soft_clip};
use super::simd::Render;
use super::{Block, Ctx, MAX_BLOCK, Processor, input, map2, output};

/// The binary operators of patch arithmetic, and the simple one-input shapers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    /// in · amount
    Gain,
    /// hard clip at ±limit
    Clip,
    /// soft_clip(in · amount)
    Drive,
}

/// Two inputs → one output, sample by sample.
#[derive(Clone)]
pub struct Binary(pub Op);

impl Processor for Binary {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        ctx.simd.render(self, ctx, ins, outs);
    }
}

impl Render for Binary {
    #[inline(always)]
    fn render(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        match self.0 {
            Op::Add => map2(ctx, ins, outs, |a, b| a + b),
            Op::Sub => map2(ctx, ins, outs, |a, b| a - b),
            Op::Mul | Op::Gain => map2(ctx, ins, outs, |a, b| a * b),
            // Division by (nearly) zero gives 0, not inf: one stray value must not blow up the patch.
            Op::Div => map2(ctx, ins, outs, |a, b| if b.abs() > 1e-12 { a / b } else { 0.0 }),
            Op::Clip => map2(ctx, ins, outs, |a, b| a.clamp(-b.abs(), b.abs())),
            Op::Drive => map2(ctx, ins, outs, |a, b| soft_clip(a * b)),
        }
    }
}

/// Sums any number of inputs (the `out` bus uses these when several chains meet).
#[derive(Clone)]
pub struct Sum;

impl Processor for Sum {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let Some(out) = output(outs, 0, ctx.frames) else {
            return;
        };
        out.fill(0.0);
        for i in ins {
            // Whole blocks (the usual case) with their length known, so the adds unroll into vector code.
            match (
                <&mut [f32; MAX_BLOCK]>::try_from(&mut *out),
                <&[f32; MAX_BLOCK]>::try_from(*i),
            ) {
                (Ok(o), Ok(x)) => {
                    for (o, &v) in o.iter_mut().zip(x) {
                        *o += v;
                    }
                }
                _ => {
                    for (o, &v) in out.iter_mut().zip(*i) {
                        *o += v;
                    }
                }
            }
        }
    }
}

/// Inputs `in`, `b`, `amount`: a crossfade, in·(1−amount) + b·amount.
#[derive(Clone)]
pub struct Mix;

impl Processor for Mix {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (a, b, m) = (input(ins, 0, n), input(ins, 1, n), input(ins, 2, n));
        let Some(out) = output(outs, 0, n) else {
            return;
        };
        for (((o, &a), &b), &m) in out.iter_mut().zip(a).zip(b).zip(m) {
            let m = m.clamp(0.0, 1.0);
            *o = a + (b - a) * m;
        }
    }
}

/// Equal-power pan. Inputs `in`, `pos` (−1 left … 1 right); outputs left, right.
#[derive(Clone)]
pub struct Pan;

impl Processor for Pan {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let (x, pos) = (input(ins, 0, n), input(ins, 1, n));
        let [l, r, ..] = outs else { return };
        for (((l, r), &x), &p) in l[..n].iter_mut().zip(&mut r[..n]).zip(x).zip(pos) {
            let t = (p.clamp(-1.0, 1.0) + 1.0) * 0.125;
            *l = x * sin_turns(0.25 - t);
            *r = x * sin_turns(t);
        }
    }
}

/// The master bus: inputs left, right. It computes nothing: the graph hands its inputs to the engine as they are.
#[derive(Clone)]
pub struct Out;

impl Processor for Out {
    crate::plain_state!(Clone::clone);

    fn process(&mut self, _: &Ctx, _: &[&[f32]], _: &mut [Block]) {}
}
