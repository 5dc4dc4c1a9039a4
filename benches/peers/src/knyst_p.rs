//! knyst: its wavetable sine, naive saw (`aliasing_saw`) and state-variable lowpass (`svf_dynamic`, coefficients
//! per block), run offline (`KnystOffline`) in 64-frame blocks. Its handle API has no feedback edge, so P5 ends
//! in a plain `static_sample_delay` of 300 ms mixed with the dry sum. P6's envelopes are `envelope_gen` breakpoints
//! (knyst's envelope is released by a trigger, not a gate): held ones sustain, the others fall from the release time.

use crate::{BLOCK, Render, SR};
use knyst::envelope::{SustainMode, envelope_gen};
use knyst::r#gen::delay::static_sample_delay;
use knyst::r#gen::filter::svf::{SvfDynamicHandle, SvfFilterType, svf_dynamic};
use knyst::handles::{GenericHandle, Input};
use knyst::offline::KnystOffline;
use knyst::prelude::*;
use synchrotron_tui::patches::{POLY_HELD, POLY_RELEASE_AT, p2_freq, p5_voice, poly_notes};

struct Knyst(KnystOffline);

impl Render for Knyst {
    fn render(&mut self, out: &mut [f32]) {
        for chunk in out.chunks_mut(BLOCK) {
            let n = chunk.len();
            self.0.process_block();
            if let Some(x) = self.0.output_channel(0) {
                chunk.copy_from_slice(&x[..n]);
            }
        }
    }
}

fn sine(f: impl Into<Input>) -> Handle<WavetableOscillatorOwnedHandle> {
    wavetable_oscillator_owned(Wavetable::sine()).freq(f)
}

fn lowpass(sig: impl Into<Input>, cutoff: impl Into<Input>, q: f32) -> Handle<SvfDynamicHandle> {
    svf_dynamic(SvfFilterType::Low)
        .input(sig)
        .cutoff_freq(cutoff)
        .q(q)
        .gain(0.0)
}

pub fn make(patch: usize) -> Option<Box<dyn Render>> {
    let k = KnystOffline::new(SR as usize, BLOCK, 0, 1);
    match patch {
        0 => graph_output(0, sine(440.0)),
        1 => {
            let sum = bus(1);
            for i in 0..64 {
                sum.set(0, sine(p2_freq(i)));
            }
            graph_output(0, sum);
        }
        2 => {
            let lfo = sine(0.5) * 1000.0 + 1500.0;
            graph_output(0, lowpass(aliasing_saw().freq(110.0), lfo, 2.0));
        }
        3 => graph_output(0, sine(sine(440.0) * 300.0 + 220.0)),
        4 => {
            let sum: Handle<GenericHandle> = bus(1);
            for i in 0..16 {
                let (f, c) = p5_voice(i);
                sum.set(0, lowpass(aliasing_saw().freq(f), c, 0.707));
            }
            let d = static_sample_delay(SR as usize * 3 / 10).input(sum);
            graph_output(0, sum + d);
        }
        5 => {
            let sum: Handle<GenericHandle> = bus(1);
            for (i, (_, f)) in poly_notes().enumerate() {
                // Held voices stop at the sustain point; the others go on into a 60 s release.
                let (points, sustain) = if i < POLY_HELD {
                    (vec![(1.0, 0.005), (0.7, 0.2)], SustainMode::SustainAtPoint(1))
                } else {
                    (
                        vec![(1.0, 0.005), (0.7, 0.2), (0.69, POLY_RELEASE_AT - 0.205), (0.0, 60.0)],
                        SustainMode::NoSustain,
                    )
                };
                let env = envelope_gen(0.0, points, sustain, StopAction::Continue);
                let saws = aliasing_saw().freq(f) + aliasing_saw().freq(f * 1.005);
                sum.set(0, lowpass(saws, 1800.0, 4.0) * env * 0.02);
            }
            graph_output(0, sum);
        }
        _ => return None,
    }
    Some(Box::new(Knyst(k)))
}
