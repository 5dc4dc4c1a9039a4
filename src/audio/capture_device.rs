//! The audio input device behind RecordingNode: one thread owns the cpal input stream (streams are not `Send` on
//! every platform), opens the default input the first time a RecordingNode is built, at the output's sample rate,
//! and its callback writes frames into the capture hub. Runs on its own thread and cpal's input callback thread
//! (which only converts and copies); never on the audio output thread.

use super::device_thread::{Requests, report};
use crate::dsp::capture;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use std::sync::mpsc::Receiver;

static REQUESTS: Requests<u32> = Requests::new();

/// Start the input thread and let RecordingNodes open the device through it. Call once at start-up.
pub fn install() {
    if REQUESTS.start("audio-input", serve) {
        capture::set_opener(|sample_rate| REQUESTS.send(sample_rate.round() as u32));
    }
}

fn serve(rx: &Receiver<u32>) {
    let mut open: Option<(u32, cpal::Stream)> = None;
    let mut failed_at = None;
    while let Ok(rate) = rx.recv() {
        if open.as_ref().is_some_and(|(r, _)| *r == rate) || failed_at == Some(rate) {
            continue;
        }
        // A new rate (the output was reopened): drop the old stream first, devices seldom share.
        open = None;
        match start(rate) {
            Ok((stream, note)) => {
                report(note);
                open = Some((rate, stream));
            }
            Err(e) => {
                report(format!("audio input: {e}; RecordingNode plays silence"));
                failed_at = Some(rate);
            }
        }
    }
}

fn start(rate: u32) -> Result<(cpal::Stream, String), String> {
    let host = cpal::default_host();
    let device = host.default_input_device().ok_or("no input device found")?;
    let name = device
        .description()
        .map_or_else(|_| "unnamed device".into(), |d| d.name().to_string());
    let (config, format) = choose(&device, rate)?;
    let stream = match format {
        SampleFormat::F32 => build::<f32>(&device, &config),
        SampleFormat::F64 => build::<f64>(&device, &config),
        SampleFormat::I16 => build::<i16>(&device, &config),
        SampleFormat::I32 => build::<i32>(&device, &config),
        SampleFormat::U16 => build::<u16>(&device, &config),
        other => return Err(format!("{name} only offers {other} samples")),
    }?;
    stream.play().map_err(|e| e.to_string())?;
    let mismatch = if config.sample_rate == rate {
        String::new()
    } else {
        format!(" (output runs at {rate} Hz: input plays at the wrong pitch)")
    };
    let note = format!(
        "audio input: {name}, {} ch at {} Hz{mismatch}",
        config.channels, config.sample_rate
    );
    Ok((stream, note))
}

/// f32 stereo at the output's rate if the device has it; otherwise the closest it offers.
fn choose(device: &cpal::Device, rate: u32) -> Result<(StreamConfig, SampleFormat), String> {
    let ranges: Vec<_> = device.supported_input_configs().map_err(|e| e.to_string())?.collect();
    let fits = |r: &cpal::SupportedStreamConfigRange| r.min_sample_rate() <= rate && rate <= r.max_sample_rate();
    let best = ranges
        .iter()
        .filter(|r| {
            matches!(
                r.sample_format(),
                SampleFormat::F32 | SampleFormat::F64 | SampleFormat::I16 | SampleFormat::I32 | SampleFormat::U16
            )
        })
        .min_by_key(|r| {
            (
                !fits(r),
                r.sample_format() != SampleFormat::F32,
                r.channels() != 2,
                r.channels(),
            )
        })
        .ok_or("the input device offers no usable format")?;
    let chosen = if fits(best) {
        rate
    } else {
        rate.clamp(best.min_sample_rate(), best.max_sample_rate())
    };
    let supported = best.with_sample_rate(chosen);
    Ok((supported.config(), supported.sample_format()))
}

fn build<T: SizedSample + Send + 'static>(device: &cpal::Device, config: &StreamConfig) -> Result<cpal::Stream, String>
where
    f32: FromSample<T>,
{
    let channels = usize::from(config.channels).max(1);
    // Allocated before the stream starts; the callback converts through it in pieces.
    let mut scratch = vec![0.0f32; channels * 1024];
    let data = move |data: &[T], _: &cpal::InputCallbackInfo| {
        for piece in data.chunks(scratch.len()) {
            let dst = &mut scratch[..piece.len()];
            for (d, s) in dst.iter_mut().zip(piece) {
                *d = s.to_sample::<f32>();
            }
            capture::push(dst, channels);
        }
    };
    let error = |e: cpal::Error| report(format!("audio input: {e}"));
    device
        .build_input_stream::<T, _, _>(*config, data, error, None)
        .map_err(|e| e.to_string())
}
