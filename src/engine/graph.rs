//! A compiled graph as the audio thread runs it: slots in processing order, each with its processor, its input
//! wiring, its constant input buffers and its output buffers. Built on the control thread; `run` is real-time.

use crate::dsp::{Block, Ctx, MAX_BLOCK, Processor, ZEROS};

/// Most signal inputs one node can have (the compiler splits larger sums).
pub const MAX_INPUTS: usize = 16;

/// Where a slot's input reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InRef {
    /// `consts[k]` of the same slot.
    Const(usize),
    /// An output of another slot. A later slot here is a feedback edge: it reads the previous block.
    Node { slot: usize, port: usize },
}

pub struct Slot {
    /// The node's stable identity across edits.
    pub key: Box<str>,
    pub kind: &'static str,
    pub proc: Box<dyn Processor>,
    pub inputs: Vec<InRef>,
    pub consts: Vec<Block>,
    pub outs: Vec<Block>,
}

pub struct Graph {
    pub slots: Vec<Slot>,
    /// The slot of the `out` node.
    pub out: usize,
    pub bpm: f64,
}

impl Graph {
    /// Process every slot once, in order.
    ///
    /// Real-time: audio thread.
    pub fn run(&mut self, ctx: &Ctx) {
        let n = ctx.frames.min(MAX_BLOCK);
        for i in 0..self.slots.len() {
            let (before, rest) = self.slots.split_at_mut(i);
            let Some((cur, after)) = rest.split_first_mut() else {
                break;
            };
            let Slot {
                proc,
                inputs,
                consts,
                outs,
                ..
            } = cur;
            let mut ins: [&[f32]; MAX_INPUTS] = [&ZEROS[..0]; MAX_INPUTS];
            let count = inputs.len().min(MAX_INPUTS);
            for (dst, r) in ins.iter_mut().zip(inputs.iter()) {
                let block = match *r {
                    InRef::Const(k) => consts.get(k),
                    InRef::Node { slot, port } if slot < i => before.get(slot).and_then(|s| s.outs.get(port)),
                    InRef::Node { slot, port } => after.get(slot.wrapping_sub(i + 1)).and_then(|s| s.outs.get(port)),
                };
                *dst = &block.unwrap_or(&ZEROS)[..n];
            }
            proc.process(ctx, &ins[..count], outs);
        }
    }

    /// The left and right master buffers of the last block.
    pub fn output(&self, frames: usize) -> (&[f32], &[f32]) {
        let n = frames.min(MAX_BLOCK);
        match self.slots.get(self.out).map(|s| s.outs.as_slice()) {
            Some([l, r, ..]) => (&l[..n], &r[..n]),
            _ => (&ZEROS[..n], &ZEROS[..n]),
        }
    }
}
