//! FunDSP: its band-limited oscillators (wavetable `saw_hz`; PolyBLEP is `poly_saw_hz`, used here as the issue's
//! figures were) and its state-variable lowpass, processed 64 frames at a time through `AudioUnit::process`.
//! P6's voices are summed with `sumi`, each with `adsr_live` on a gate that falls when the note is released.

use crate::{BLOCK, Render, SR};
use fundsp::prelude32::*;
use synchrotron_tui::patches::{POLY_HELD, POLY_RELEASE_AT, p2_freq, p5_voice, poly_notes};

struct Unit {
    unit: Box<dyn AudioUnit>,
    buf: BufferVec,
}

impl Render for Unit {
    fn render(&mut self, out: &mut [f32]) {
        let input = BufferVec::new(0);
        for chunk in out.chunks_mut(BLOCK) {
            let n = chunk.len();
            self.unit.process(n, &input.buffer_ref(), &mut self.buf.buffer_mut());
            chunk.copy_from_slice(&self.buf.channel_f32(0)[..n]);
        }
    }
}

pub fn make(patch: usize) -> Option<Box<dyn Render>> {
    let mut unit: Box<dyn AudioUnit> = match patch {
        0 => Box::new(sine_hz(440.0)),
        1 => Box::new(sumi::<U64, _, _>(|i| sine_hz(p2_freq(i as usize)))),
        2 => Box::new((poly_saw_hz(110.0) | (sine_hz(0.5) * 1000.0 + 1500.0) | dc(2.0)) >> lowpass()),
        3 => Box::new((sine_hz(440.0) * 300.0 + 220.0) >> sine()),
        4 => Box::new(
            sumi::<U16, _, _>(|i| {
                let (f, c) = p5_voice(i as usize);
                poly_saw_hz(f) >> lowpass_hz(c, 0.707)
            }) >> (pass() & feedback(delay(0.3) * 0.4)),
        ),
        5 => Box::new(sumi::<U32, _, _>(|i| {
            let (_, f) = poly_notes().nth(i as usize).unwrap_or((0, 440.0));
            let held = (i as usize) < POLY_HELD;
            // `adsr_live` starts a note on a rising control: low for the first millisecond.
            let gate = lfo(move |t: f32| {
                if t >= 0.001 && (held || t < POLY_RELEASE_AT) {
                    1.0
                } else {
                    0.0
                }
            });
            let env = gate >> adsr_live(0.005, 0.2, 0.7, 60.0);
            ((poly_saw_hz(f) + poly_saw_hz(f * 1.005)) >> lowpass_hz(1800.0, 4.0)) * env * 0.02
        })),
        _ => return None,
    };
    unit.set_sample_rate(f64::from(SR));
    unit.allocate();
    Some(Box::new(Unit {
        unit,
        buf: BufferVec::new(1),
    }))
}
