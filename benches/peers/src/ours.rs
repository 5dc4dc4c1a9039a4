//! synchrotron-tui: the patch text of `synchrotron_tui::patches::standard()`, compiled and run by the engine
//! (raw master, as the graph is what's compared), left channel kept.

use crate::{BLOCK, Render, SR};
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::dsp::simd::Simd;
use synchrotron_tui::engine::{Engine, MasterConfig};

struct Ours {
    engine: Engine,
    buf: Vec<f32>,
}

impl Render for Ours {
    fn render(&mut self, out: &mut [f32]) {
        for chunk in out.chunks_mut(BLOCK) {
            let n = chunk.len();
            self.engine.process(&mut self.buf[..2 * n]);
            for (o, lr) in chunk.iter_mut().zip(self.buf.chunks_exact(2)) {
                *o = lr[0];
            }
        }
    }
}

/// The instruction set our kernels run with: the CPU's best, or baseline with `--baseline`.
pub fn simd() -> Simd {
    if std::env::args().any(|a| a == "--baseline") {
        Simd::BASELINE
    } else {
        Simd::best()
    }
}

/// The in-process MIDI port P6's notes come in on.
const PORT: i32 = 61;

pub fn make(patch: usize) -> Option<Box<dyn Render>> {
    use synchrotron_tui::patches::{POLY_HELD, POLY_RELEASE_AT, poly, poly_notes, standard};
    let src = if patch == 5 {
        poly(PORT)
    } else {
        standard().into_iter().nth(patch)?.1
    };
    let settings = Settings {
        sample_rate: SR as f32,
        seed: 0,
    };
    let (graph, _) = compile::compile(&src, &settings).ok()?;
    let mut engine = Engine::new(graph, SR as f32, MasterConfig::raw());
    engine.set_simd(simd());
    if patch == 5 {
        use synchrotron_tui::dsp::midi::input::send_at_frame;
        let release = (POLY_RELEASE_AT * SR as f32) as u64;
        for (i, (note, _)) in poly_notes().enumerate() {
            send_at_frame(PORT, i as u64, &[0x90, note, 100]);
            if i >= POLY_HELD {
                send_at_frame(PORT, release, &[0x80, note, 0]);
            }
        }
    }
    Some(Box::new(Ours {
        engine,
        buf: vec![0.0; 2 * BLOCK],
    }))
}
