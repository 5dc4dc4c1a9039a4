//! Offline rendering: drives `Engine::process` in host-sized buffers with no device, as tests and `render` need.
//! Control thread (it plays the audio thread's part itself).

use crate::engine::Engine;
use std::path::Path;

/// Render `frames` frames of interleaved stereo, calling the engine with buffers of `buffer_size` frames.
pub fn render(engine: &mut Engine, frames: usize, buffer_size: usize) -> Vec<f32> {
    let mut out = vec![0.0; frames * 2];
    for chunk in out.chunks_mut(buffer_size.max(1) * 2) {
        engine.process(chunk);
    }
    out
}

/// Write interleaved stereo as a 32-bit float WAV.
pub fn write_wav(path: &Path, samples: &[f32], sample_rate: u32) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for &s in samples {
        w.write_sample(s)?;
    }
    w.finalize()
}
