//! FunDSP: its band-limited oscillators (wavetable `saw_hz`; PolyBLEP is `poly_saw_hz`, used here as the issue's
//! figures were) and its state-variable lowpass, processed 64 frames at a time through `AudioUnit::process`.

use crate::{BLOCK, Render, SR};
use fundsp::prelude32::*;
use synchrotron_tui::patches::{p2_freq, p5_voice};

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
        _ => return None,
    };
    unit.set_sample_rate(f64::from(SR));
    unit.allocate();
    Some(Box::new(Unit {
        unit,
        buf: BufferVec::new(1),
    }))
}
