//! The audio input a set played, kept beside its log as `NAME.input.wav` (stereo 32-bit float): the frames the
//! input nodes played, run after run, and an `input` record in the log for each run saying which render frame it
//! began on and where its samples start in the WAV. Writing: control thread. Reading: the replaying thread.

use super::Record;
use crate::dsp::capture::InputChunk;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Where the input of the set logged at `log` is kept.
pub fn path_beside(log: &Path) -> PathBuf {
    log.with_extension("input.wav")
}

fn spec(sample_rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    }
}

/// The input WAV being written (opened at the first input a node plays).
pub struct InputLog {
    path: PathBuf,
    sample_rate: u32,
    wav: Option<hound::WavWriter<BufWriter<File>>>,
    /// The render frame the current run expects next.
    next: Option<u64>,
    /// Frames in the WAV so far.
    written: u64,
    /// The first error; the input stops being kept then (the music never does).
    pub error: Option<String>,
}

impl InputLog {
    pub fn new(log: &Path, sample_rate: u32) -> Self {
        Self {
            path: path_beside(log),
            sample_rate,
            wav: None,
            next: None,
            written: 0,
            error: None,
        }
    }

    /// Keep `chunks`; the records that say where each new run begins.
    pub fn write(&mut self, chunks: &[InputChunk]) -> Vec<Record> {
        let mut records = Vec::new();
        for c in chunks {
            if self.error.is_some() {
                break;
            }
            if self.next.is_some_and(|n| c.frame < n) {
                continue;
            }
            if self.next != Some(c.frame) {
                records.push(Record::Input {
                    frame: c.frame,
                    at: self.written,
                });
            }
            if let Err(e) = self.append(c.interleaved()) {
                self.error = Some(format!("the set's audio input stopped being kept: {e}"));
            }
            self.next = Some(c.frame + c.frames as u64);
            self.written += c.frames as u64;
        }
        records
    }

    fn append(&mut self, samples: &[f32]) -> Result<(), hound::Error> {
        if self.wav.is_none() {
            self.wav = Some(hound::WavWriter::create(&self.path, spec(self.sample_rate))?);
        }
        if let Some(w) = &mut self.wav {
            for &x in samples {
                w.write_sample(x)?;
            }
        }
        Ok(())
    }

    /// To disk, the header updated, so the file reads back after a crash.
    pub fn flush(&mut self) {
        if let Some(w) = &mut self.wav
            && let Err(e) = w.flush()
        {
            self.error
                .get_or_insert(format!("the set's audio input stopped being kept: {e}"));
        }
    }
}

/// The kept input read back for a replay: fed to the input nodes frame for frame.
pub struct LoggedInput {
    /// (render frame, WAV frame) where each run begins, in order.
    runs: Vec<(u64, u64)>,
    wav: hound::WavReader<std::io::BufReader<File>>,
    /// The WAV frame the reader is at.
    at: u64,
    total: u64,
    buf: Vec<f32>,
}

impl LoggedInput {
    /// The input of a set with these records, from `path`; `None` when the set had none.
    pub fn open(path: &Path, records: &[Record]) -> Result<Option<Self>, String> {
        let mut runs: Vec<(u64, u64)> = records
            .iter()
            .filter_map(|r| match r {
                Record::Input { frame, at } => Some((*frame, *at)),
                _ => None,
            })
            .collect();
        if runs.is_empty() {
            return Ok(None);
        }
        runs.sort_unstable();
        let wav = hound::WavReader::open(path).map_err(|e| {
            format!(
                "the set played the audio input, kept in `{}`, which cannot be read: {e}",
                path.display()
            )
        })?;
        if wav.spec().channels != 2 || wav.spec().sample_format != hound::SampleFormat::Float {
            return Err(format!("`{}` is not a set's kept input (stereo float)", path.display()));
        }
        let total = u64::from(wav.duration());
        Ok(Some(Self {
            runs,
            wav,
            at: 0,
            total,
            buf: vec![0.0; 2 * crate::dsp::capture::FED],
        }))
    }

    /// Feed the input nodes of this thread the input of frames `start..start + n`.
    pub fn feed(&mut self, start: u64, n: usize) {
        let n = n.min(crate::dsp::capture::FED);
        for k in 0..n {
            let (l, r) = self.frame(start + k as u64);
            self.buf[2 * k] = l;
            self.buf[2 * k + 1] = r;
        }
        crate::dsp::capture::feed(start, &self.buf[..2 * n]);
    }

    /// The input at render frame `f` (silence where none was played).
    fn frame(&mut self, f: u64) -> (f32, f32) {
        let i = self.runs.partition_point(|&(frame, _)| frame <= f);
        let Some(&(frame, at)) = i.checked_sub(1).and_then(|i| self.runs.get(i)) else {
            return (0.0, 0.0);
        };
        let end = self.runs.get(i).map_or(self.total, |&(_, next)| next);
        let want = at + (f - frame);
        if want >= end {
            return (0.0, 0.0);
        }
        if want != self.at {
            if self.wav.seek(want as u32).is_err() {
                return (0.0, 0.0);
            }
            self.at = want;
        }
        let mut s = self.wav.samples::<f32>();
        let l = s.next().and_then(Result::ok).unwrap_or(0.0);
        let r = s.next().and_then(Result::ok).unwrap_or(0.0);
        self.at += 1;
        (l, r)
    }
}

impl Drop for LoggedInput {
    fn drop(&mut self) {
        crate::dsp::capture::unfeed();
    }
}
