//! Offline rendering: drives `Engine::process` in host-sized buffers with no device, as tests and `render` need.
//! Control thread (it plays the audio thread's part itself).

use crate::engine::Engine;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// Render `frames` frames of interleaved stereo, calling the engine with buffers of `buffer_size` frames.
pub fn render(engine: &mut Engine, frames: usize, buffer_size: usize) -> Vec<f32> {
    let mut out = vec![0.0; frames * 2];
    render_into(engine, &mut out, buffer_size, 0, &mut |_| {});
    out
}

/// As `render`, into `out` (interleaved stereo, its length in samples), from frame `start` of the render,
/// calling `before(end)` ahead of each buffer with the frame the buffer ends at (a MIDI file's player sends what
/// plays in it). A buffer used again and again stays in the processor's cache.
pub fn render_into(engine: &mut Engine, out: &mut [f32], buffer_size: usize, start: u64, before: &mut dyn FnMut(u64)) {
    let mut at = start;
    for chunk in out.chunks_mut(buffer_size.max(1) * 2) {
        at += (chunk.len() / 2) as u64;
        before(at);
        engine.process(chunk);
    }
}

/// The most stereo frames one 32-bit float WAV holds: its size fields are 32 bits (4 GiB), about 3 h 6 min at
/// 48 kHz. `render` refuses longer renders up front rather than write a file with wrapped sizes.
pub const WAV_MAX_FRAMES: u64 = (u32::MAX as u64 - 128) / 8;

/// A stereo 32-bit float WAV written as it is rendered, so memory stays constant however long the render.
///
/// hound writes the header (its layout, once, for no samples); the samples go out as whole slices of bytes, and
/// the two sizes are set at the end. hound's own path takes each sample through a call and its checks, which
/// cost more than rendering a sine.
pub struct WavStream {
    file: std::io::BufWriter<std::fs::File>,
    header: Vec<u8>,
    bytes: Vec<u8>,
    frames: u64,
}

impl WavStream {
    pub fn create(path: &Path, sample_rate: u32) -> std::io::Result<Self> {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut header = std::io::Cursor::new(Vec::new());
        hound::WavWriter::new(&mut header, spec)
            .and_then(hound::WavWriter::finalize)
            .map_err(std::io::Error::other)?;
        let header = header.into_inner();
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        file.write_all(&header)?;
        Ok(Self {
            file,
            header,
            bytes: Vec::new(),
            frames: 0,
        })
    }

    /// Append interleaved stereo frames.
    pub fn write(&mut self, interleaved: &[f32]) -> std::io::Result<()> {
        let frames = (interleaved.len() / 2) as u64;
        if self.frames + frames > WAV_MAX_FRAMES {
            return Err(std::io::Error::other("longer than a WAV file can hold (4 GiB)"));
        }
        self.bytes.resize(interleaved.len() * 4, 0);
        for (b, s) in self.bytes.chunks_exact_mut(4).zip(interleaved) {
            b.copy_from_slice(&s.to_le_bytes());
        }
        self.file.write_all(&self.bytes)?;
        self.frames += frames;
        Ok(())
    }

    /// Write the final sizes into the header (the RIFF size at byte 4, the data size in its last four bytes).
    pub fn finish(mut self) -> std::io::Result<()> {
        let data = self.frames * 8;
        let riff = (self.header.len() as u64 - 8 + data) as u32;
        self.file.seek(SeekFrom::Start(4))?;
        self.file.write_all(&riff.to_le_bytes())?;
        self.file.seek(SeekFrom::Start(self.header.len() as u64 - 4))?;
        self.file.write_all(&(data as u32).to_le_bytes())?;
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_is_written_reads_back_with_hound() {
        let dir = std::env::temp_dir().join(format!("synchrotron-wav-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("x.wav");
        let mut w = super::WavStream::create(&path, 44_100).expect("create");
        let a: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.01).sin()).collect();
        w.write(&a).expect("write");
        w.write(&a[..10]).expect("write");
        w.finish().expect("finish");
        let mut r = hound::WavReader::open(&path).expect("a valid WAV");
        assert_eq!(r.spec().sample_rate, 44_100);
        assert_eq!(r.spec().channels, 2);
        assert_eq!(r.len(), 1010);
        let back: Vec<f32> = r.samples::<f32>().map(|s| s.unwrap_or(f32::NAN)).collect();
        assert_eq!(back[..1000], a[..]);
        assert_eq!(back[1000..], a[..10]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
