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

/// As `render`, from frame `start` of the render, calling `before(end)` ahead of each buffer with the frame the
/// buffer ends at (a MIDI file's player sends what plays in it).
pub fn render_fed(
    engine: &mut Engine,
    frames: usize,
    buffer_size: usize,
    start: u64,
    before: &mut dyn FnMut(u64),
) -> Vec<f32> {
    let mut out = vec![0.0; frames * 2];
    let mut at = start;
    for chunk in out.chunks_mut(buffer_size.max(1) * 2) {
        at += (chunk.len() / 2) as u64;
        before(at);
        engine.process(chunk);
    }
    out
}

/// The most stereo frames one 32-bit float WAV holds: its size fields are 32 bits (4 GiB), about 3 h 6 min at
/// 48 kHz. `render` refuses longer renders up front rather than write a file with wrapped sizes.
pub const WAV_MAX_FRAMES: u64 = (u32::MAX as u64 - 44) / 8;

/// A stereo 32-bit float WAV written as it is rendered, so memory stays constant however long the render.
pub struct WavStream {
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    frames: u64,
}

impl WavStream {
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self, hound::Error> {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        Ok(Self {
            writer: hound::WavWriter::create(path, spec)?,
            frames: 0,
        })
    }

    /// Append interleaved stereo frames.
    pub fn write(&mut self, interleaved: &[f32]) -> Result<(), hound::Error> {
        if self.frames + (interleaved.len() / 2) as u64 > WAV_MAX_FRAMES {
            return Err(hound::Error::TooWide);
        }
        for &s in interleaved {
            self.writer.write_sample(s)?;
        }
        self.frames += (interleaved.len() / 2) as u64;
        Ok(())
    }

    /// Write the final sizes into the header.
    pub fn finish(self) -> Result<(), hound::Error> {
        self.writer.finalize()
    }
}

/// Write interleaved stereo as a 32-bit float WAV.
pub fn write_wav(path: &Path, samples: &[f32], sample_rate: u32) -> Result<(), hound::Error> {
    let mut w = WavStream::create(path, sample_rate)?;
    w.write(samples)?;
    w.finish()
}
