//! Where voices meet something that does not follow the note (an effect, `out`): each voice's signal times the
//! allocator's fade for that voice, summed. Inputs come in pairs (signal, fade). Audio thread.

use crate::dsp::{Block, Ctx, Processor};

/// Voices one sum node takes (two inputs each); the compiler sums more in a tree.
pub const VOICES_PER_SUM: usize = 8;

pub struct VoiceSum;

impl Processor for VoiceSum {
    fn process(&mut self, ctx: &Ctx, ins: &[&[f32]], outs: &mut [Block]) {
        let n = ctx.frames;
        let Some(out) = outs.first_mut() else { return };
        let out = &mut out[..n];
        out.fill(0.0);
        for pair in ins.chunks_exact(2) {
            for ((o, x), a) in out.iter_mut().zip(pair[0]).zip(pair[1]) {
                *o += x * a;
            }
        }
    }

    fn copy_state(&mut self, _other: &dyn Processor) {}

    fn reset(&mut self) {}
}
