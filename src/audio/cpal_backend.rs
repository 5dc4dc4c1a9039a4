//! The sound-card backend: picks a device and a stream format, and runs `Engine::process` in cpal's callback.
//! The callback is the audio thread: it renders, converts samples to the device's format and measures its own
//! load — nothing else. Errors from the device arrive on cpal's error callback and only set flags.

use crate::engine::Engine;
use crate::engine::telemetry::Telemetry;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig, SupportedBufferSize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio output device found")]
    NoDevice,
    #[error("no output device matches `{name}` (available: {available})")]
    DeviceNotFound { name: String, available: String },
    #[error("the device supports no usable output format")]
    UnsupportedFormat,
    #[error("the audio device failed: {0}")]
    Device(String),
}

/// An output device, for `--list-devices`.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    pub name: String,
    pub id: String,
    pub is_default: bool,
}

/// What the performer asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub device: Option<String>,
    pub sample_rate: Option<u32>,
    pub buffer_size: Option<u32>,
}

/// A device with its chosen format, before it starts.
pub struct Opened {
    device: cpal::Device,
    config: StreamConfig,
    format: SampleFormat,
    pub name: String,
}

/// A running stream. Dropping it stops the callback; the engine inside is dropped on the dropping thread.
pub struct Output {
    _stream: cpal::Stream,
    pub lost: Arc<AtomicBool>,
}

fn device_name(d: &cpal::Device) -> String {
    d.description()
        .map_or_else(|_| "unnamed device".into(), |x| x.name().to_string())
}

pub fn list_devices() -> Result<Vec<DeviceInfo>, AudioError> {
    let host = cpal::default_host();
    let default = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|id| id.to_string());
    let devices = host.output_devices().map_err(|e| AudioError::Device(e.to_string()))?;
    Ok(devices
        .map(|d| {
            let id = d.id().map(|i| i.to_string()).unwrap_or_default();
            DeviceInfo {
                name: device_name(&d),
                is_default: Some(&id) == default.as_ref(),
                id,
            }
        })
        .collect())
}

/// Find the device and a format: f32 preferred, the requested rate (else 48 kHz, else the device's default),
/// and the requested buffer size when the device allows it.
pub fn open(req: &Request) -> Result<Opened, AudioError> {
    let host = cpal::default_host();
    let device = match &req.device {
        None => host.default_output_device().ok_or(AudioError::NoDevice)?,
        Some(want) => {
            let w = want.to_lowercase();
            let devices: Vec<cpal::Device> = host
                .output_devices()
                .map_err(|e| AudioError::Device(e.to_string()))?
                .collect();
            let found = devices.iter().find(|d| {
                device_name(d).to_lowercase().contains(&w)
                    || d.id().is_ok_and(|id| id.to_string().to_lowercase().contains(&w))
            });
            match found {
                Some(d) => d.clone(),
                None => {
                    let available = devices.iter().map(device_name).collect::<Vec<_>>().join(", ");
                    return Err(AudioError::DeviceNotFound {
                        name: want.clone(),
                        available,
                    });
                }
            }
        }
    };
    let (config, format) = choose_config(&device, req)?;
    Ok(Opened {
        name: device_name(&device),
        device,
        config,
        format,
    })
}

fn choose_config(device: &cpal::Device, req: &Request) -> Result<(StreamConfig, SampleFormat), AudioError> {
    let ranges: Vec<_> = device
        .supported_output_configs()
        .map_err(|e| AudioError::Device(e.to_string()))?
        .collect();
    let rate_ok =
        |r: &cpal::SupportedStreamConfigRange, sr: u32| r.min_sample_rate() <= sr && sr <= r.max_sample_rate();
    let wanted = req.sample_rate.unwrap_or(48_000);
    let rank = |r: &cpal::SupportedStreamConfigRange| {
        (
            r.sample_format() != SampleFormat::F32,
            !rate_ok(r, wanted),
            r.channels() != 2,
            r.channels(),
        )
    };
    let best = ranges
        .iter()
        .filter(|r| usable(r.sample_format()))
        .min_by_key(|r| rank(r));
    let Some(best) = best else {
        return Err(AudioError::UnsupportedFormat);
    };
    if let Some(sr) = req.sample_rate
        && !rate_ok(best, sr)
    {
        return Err(AudioError::Device(format!(
            "{sr} Hz is not supported (the device offers {}..{} Hz)",
            best.min_sample_rate(),
            best.max_sample_rate()
        )));
    }
    let rate = if rate_ok(best, wanted) {
        wanted
    } else {
        best.max_sample_rate().min(48_000).max(best.min_sample_rate())
    };
    let supported = (*best).with_sample_rate(rate);
    let mut config: StreamConfig = supported.config();
    if let Some(n) = req.buffer_size {
        if let SupportedBufferSize::Range { min, max } = supported.buffer_size()
            && (n < *min || n > *max)
        {
            return Err(AudioError::Device(format!(
                "a buffer of {n} frames is not supported ({min}..{max})"
            )));
        }
        config.buffer_size = cpal::BufferSize::Fixed(n);
    }
    Ok((config, supported.sample_format()))
}

fn usable(f: SampleFormat) -> bool {
    matches!(
        f,
        SampleFormat::F32 | SampleFormat::I16 | SampleFormat::I32 | SampleFormat::U16 | SampleFormat::F64
    )
}

impl Opened {
    pub fn sample_rate(&self) -> u32 {
        self.config.sample_rate
    }

    pub fn buffer_size(&self) -> Option<u32> {
        match self.config.buffer_size {
            cpal::BufferSize::Fixed(n) => Some(n),
            cpal::BufferSize::Default => None,
        }
    }

    /// Start playing `engine`. It moves into the callback.
    pub fn start(self, engine: Engine, telemetry: Arc<Telemetry>) -> Result<Output, AudioError> {
        let lost = Arc::new(AtomicBool::new(false));
        let stream = match self.format {
            SampleFormat::F32 => self.build::<f32>(engine, telemetry, lost.clone()),
            SampleFormat::F64 => self.build::<f64>(engine, telemetry, lost.clone()),
            SampleFormat::I16 => self.build::<i16>(engine, telemetry, lost.clone()),
            SampleFormat::I32 => self.build::<i32>(engine, telemetry, lost.clone()),
            SampleFormat::U16 => self.build::<u16>(engine, telemetry, lost.clone()),
            _ => return Err(AudioError::UnsupportedFormat),
        }?;
        stream.play().map_err(|e| AudioError::Device(e.to_string()))?;
        Ok(Output { _stream: stream, lost })
    }

    fn build<T: SizedSample + FromSample<f32> + Send + 'static>(
        &self,
        mut engine: Engine,
        telemetry: Arc<Telemetry>,
        lost: Arc<AtomicBool>,
    ) -> Result<cpal::Stream, AudioError> {
        let channels = usize::from(self.config.channels).max(1);
        let seconds_per_frame = 1.0 / f64::from(self.config.sample_rate);
        // Allocated here, before the stream exists; the callback only reuses it.
        let mut scratch = vec![0.0f32; 2 * 4096];
        let load = telemetry.clone();
        let data = move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
            let started = Instant::now();
            let frames = data.len() / channels;
            let mut done = 0;
            while done < frames {
                let n = (frames - done).min(scratch.len() / 2);
                engine.process(&mut scratch[..2 * n]);
                let dst = &mut data[done * channels..(done + n) * channels];
                for (frame, lr) in dst.chunks_exact_mut(channels).zip(scratch.chunks_exact(2)) {
                    write_frame(frame, lr[0], lr[1]);
                }
                done += n;
            }
            let budget = frames as f64 * seconds_per_frame;
            if budget > 0.0 {
                load.store_load((started.elapsed().as_secs_f64() / budget) as f32);
            }
        };
        let error = move |e: cpal::Error| {
            if matches!(
                e.kind(),
                cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated
            ) {
                lost.store(true, Ordering::Relaxed);
            } else {
                // Xruns and other glitches: counted, shown by the control thread.
                telemetry.count_xrun();
            }
        };
        self.device
            .build_output_stream::<T, _, _>(self.config, data, error, None)
            .map_err(|e| AudioError::Device(e.to_string()))
    }
}

/// One frame of stereo into however many channels the device has: mono gets the average, extra channels silence.
#[inline]
fn write_frame<T: cpal::Sample + FromSample<f32>>(frame: &mut [T], l: f32, r: f32) {
    match frame {
        [m] => *m = T::from_sample((l + r) * 0.5),
        [a, b, rest @ ..] => {
            *a = T::from_sample(l);
            *b = T::from_sample(r);
            for x in rest {
                *x = T::from_sample(0.0);
            }
        }
        [] => {}
    }
}
