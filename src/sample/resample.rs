//! Bringing a decoded file to the device's rate with rubato's band-limited FFT resampler (its start-up delay
//! trimmed, so the sound starts where the file does). Control thread.

use super::decode::Decoded;
use rubato::audioadapter_buffers::owned::InterleavedOwned;
use rubato::{Fft, FixedSync, Resampler};

/// `d` at `rate` (unchanged when it is already there).
pub fn to_rate(d: Decoded, rate: u32) -> Result<Decoded, String> {
    if d.rate == rate || d.data.is_empty() {
        return Ok(Decoded { rate, ..d });
    }
    let (channels, frames) = (d.channels, d.frames());
    let mut r = Fft::<f32>::new(d.rate as usize, rate as usize, 1024, channels, FixedSync::Both)
        .map_err(|e| format!("cannot resample from {} Hz: {e}", d.rate))?;
    let input = InterleavedOwned::new_from(d.data, channels, frames).map_err(|e| e.to_string())?;
    let needed = r.process_all_needed_output_len(frames);
    let mut output = InterleavedOwned::new(0.0f32, channels, needed);
    let (_, produced) = r
        .process_all_into_buffer(&input, &mut output, frames, None)
        .map_err(|e| format!("resampling failed: {e}"))?;
    let mut data = output.take_data();
    data.truncate(produced * channels);
    Ok(Decoded { rate, channels, data })
}
