//! Glicol (glicol_synth): its oscillators (naive saw) and resonant lowpass `ResonantLowPassFilter` (coefficients
//! per block when modulated), in an `AudioContext` of 64-frame blocks. It has no feedback delay node (its graph
//! can't hold a cycle), so P5 ends in a plain 300 ms delay.

use crate::{BLOCK, Render, SR};
use glicol_synth::delay::DelayMs;
use glicol_synth::filter::ResonantLowPassFilter;
use glicol_synth::operator::{Add, Mul};
use glicol_synth::oscillator::{SawOsc, SinOsc};
use glicol_synth::{AudioContext, AudioContextBuilder, Sum};
use synchrotron_tui::patches::{p2_freq, p5_voice};

struct Glicol(AudioContext<BLOCK>);

impl Render for Glicol {
    fn render(&mut self, out: &mut [f32]) {
        for chunk in out.chunks_mut(BLOCK) {
            let n = chunk.len();
            let block = self.0.next_block();
            chunk.copy_from_slice(&block[0][..n]);
        }
    }
}

pub fn make(patch: usize) -> Option<Box<dyn Render>> {
    let mut c = AudioContextBuilder::<BLOCK>::new().sr(SR as usize).channels(1).build();
    let sr = SR as usize;
    let dest = c.destination;
    match patch {
        0 => {
            let s = c.add_mono_node(SinOsc::new().freq(440.0).sr(sr));
            c.connect(s, dest);
        }
        1 => {
            let sum = c.add_mono_node(Sum {});
            for i in 0..64 {
                let s = c.add_mono_node(SinOsc::new().freq(p2_freq(i)).sr(sr));
                c.connect(s, sum);
            }
            c.connect(sum, dest);
        }
        2 => {
            let saw = c.add_mono_node(SawOsc::new().freq(110.0).sr(sr));
            let lfo = c.add_mono_node(SinOsc::new().freq(0.5).sr(sr));
            let mul = c.add_mono_node(Mul::new(1000.0));
            let add = c.add_mono_node(Add::new(1500.0));
            let lp = c.add_mono_node(ResonantLowPassFilter::new().cutoff(1500.0).q(2.0).sr(sr));
            c.chain(vec![lfo, mul, add]);
            c.connect_with_order(saw, lp, 0);
            c.connect_with_order(add, lp, 1);
            c.connect(lp, dest);
        }
        3 => {
            let m = c.add_mono_node(SinOsc::new().freq(440.0).sr(sr));
            let mul = c.add_mono_node(Mul::new(300.0));
            let add = c.add_mono_node(Add::new(220.0));
            let car = c.add_mono_node(SinOsc::new().sr(sr));
            c.chain(vec![m, mul, add, car, dest]);
        }
        4 => {
            let sum = c.add_mono_node(Sum {});
            for i in 0..16 {
                let (f, cut) = p5_voice(i);
                let saw = c.add_mono_node(SawOsc::new().freq(f).sr(sr));
                let lp = c.add_mono_node(ResonantLowPassFilter::new().cutoff(cut).q(0.707).sr(sr));
                c.chain(vec![saw, lp, sum]);
            }
            let d = c.add_mono_node(DelayMs::new().delay(300.0, 1).sr(sr));
            c.chain(vec![sum, d, dest]);
        }
        _ => return None,
    }
    Some(Box::new(Glicol(c)))
}
