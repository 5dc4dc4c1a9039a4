//! Decoding a sound file (WAV, FLAC, Ogg Vorbis, MP3) to interleaved 32-bit float with symphonia: bounded in size
//! and in decoded length, every failure a sentence. Control thread.

use std::io::Cursor;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// A file decoded at its own rate: one or two channels, interleaved.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub rate: u32,
    pub channels: usize,
    pub data: Vec<f32>,
}

impl Decoded {
    pub fn frames(&self) -> usize {
        self.data.len() / self.channels.max(1)
    }
}

/// Decode `bytes` (the file's contents; `ext` hints the format). Keeps the first two channels; gives up past
/// `max_samples` decoded samples.
pub fn decode(bytes: Vec<u8>, ext: Option<&str>, max_samples: usize) -> Result<Decoded, String> {
    if bytes.is_empty() {
        return Err("the file is empty (0 bytes)".into());
    }
    let mut hint = Hint::new();
    if let Some(e) = ext {
        hint.with_extension(e);
    }
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes)), MediaSourceStreamOptions::default());
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|e| {
            format!(
                "not a sound file this app reads (WAV, FLAC, Ogg Vorbis, MP3): {}",
                plain(&e)
            )
        })?;
    let mut format = probed.format;
    let track = format.default_track().ok_or("the file holds no audio track")?.clone();
    let params = &track.codec_params;
    let rate = params.sample_rate.ok_or("the file does not say its sample rate")?;
    let declared = params.n_frames;
    let mut decoder = symphonia::default::get_codecs()
        .make(params, &DecoderOptions::default())
        .map_err(|e| format!("its codec is not supported: {}", plain(&e)))?;
    let mut channels = 0;
    let mut data = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => return Err(format!("it is damaged: {}", plain(&e))),
        };
        if packet.track_id() != track.id {
            continue;
        }
        let audio = match decoder.decode(&packet) {
            Ok(a) => a,
            // A damaged packet is skipped, as players do; the rest still plays.
            Err(SymError::DecodeError(_)) => continue,
            Err(e) => return Err(format!("it is damaged: {}", plain(&e))),
        };
        let spec = *audio.spec();
        let ch = spec.channels.count().max(1);
        let mut buf = SampleBuffer::<f32>::new(audio.capacity() as u64, spec);
        buf.copy_interleaved_ref(audio);
        let keep = ch.min(2);
        channels = keep;
        for frame in buf.samples().chunks_exact(ch) {
            data.extend_from_slice(&frame[..keep]);
        }
        if data.len() > max_samples {
            return Err(format!(
                "decoded, it is over {} MB (the sample memory budget, --sample-memory)",
                max_samples * 4 / 1_000_000
            ));
        }
    }
    if data.is_empty() {
        return Err("the file holds no sound (no frames)".into());
    }
    let frames = (data.len() / channels.max(1)) as u64;
    // Cut short (a copy that stopped, a download that did not finish): its header promised more.
    if let Some(n) = declared
        && frames + (n / 100).max(1024) < n
    {
        return Err(format!(
            "the file is cut short: it should hold {n} frames and holds {frames}"
        ));
    }
    Ok(Decoded { rate, channels, data })
}

fn plain(e: &SymError) -> String {
    match e {
        SymError::IoError(e) => e.to_string(),
        SymError::DecodeError(s) | SymError::Unsupported(s) => (*s).to_string(),
        other => other.to_string(),
    }
}
