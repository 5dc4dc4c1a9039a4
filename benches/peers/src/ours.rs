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

pub fn make(patch: usize) -> Option<Box<dyn Render>> {
    let src = synchrotron_tui::patches::standard().into_iter().nth(patch)?.1;
    let settings = Settings {
        sample_rate: SR as f32,
        seed: 0,
    };
    let (graph, _) = compile::compile(&src, &settings).ok()?;
    let mut engine = Engine::new(graph, SR as f32, MasterConfig::raw());
    engine.set_simd(simd());
    Some(Box::new(Ours {
        engine,
        buf: vec![0.0; 2 * BLOCK],
    }))
}
