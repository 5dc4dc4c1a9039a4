//! The capture thread: drains the audio thread's copy of the output into the retro buffer and, when recording,
//! into 32-bit float WAV files whose headers are brought up to date every half second (so after `kill -9` a file
//! is valid and holds all but the last moments). A file stops short of 4 GiB and the recording goes on in the next
//! part (`take.wav`, `take.2.wav`, …). A write error (a full disk, a folder gone) stops the recording with a
//! message; the audio never waits for any of it. Its own thread.

use super::{Command, Status};
use rtrb::Consumer;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// A part holds at most this many frames (just under 4 GiB of stereo float).
const PART_FRAMES: u64 = (u32::MAX as u64 - 1024) / 8;

struct Recording {
    base: PathBuf,
    /// Frames a part may hold (`PART_FRAMES`; smaller in tests).
    max_part: u64,
    part: u32,
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    part_frames: u64,
    frames: u64,
    bytes_before: u64,
    synced: Instant,
}

pub(super) fn run(mut rx: Consumer<f32>, commands: Receiver<Command>, status: &Mutex<Status>, sr: u32, retro: usize) {
    let mut retro_buf: VecDeque<f32> = VecDeque::with_capacity(2 * retro.min(1 << 24));
    let mut rec: Option<Recording> = None;
    let mut stopping = false;
    let mut next: Option<Consumer<f32>> = None;
    loop {
        for cmd in commands.try_iter() {
            match cmd {
                Command::Record(path) => {
                    finish(&mut rec, status);
                    match open(&path, 1, sr) {
                        Ok(w) => rec = Some(new_recording(path, w)),
                        Err(e) => say(status, format!("cannot record to `{}`: {e}", path.display())),
                    }
                }
                Command::Stop => finish(&mut rec, status),
                Command::Quit => stopping = true,
                Command::SaveRetro(path) => save_retro(&retro_buf, &path, sr, status),
                Command::Ring(ring) => next = Some(ring),
            }
        }
        let n = rx.slots();
        if let Ok(chunk) = rx.read_chunk(n) {
            let (a, b) = chunk.as_slices();
            for part in [a, b] {
                if retro > 0 {
                    retro_buf.extend(part.iter().copied());
                }
                if let Some(r) = &mut rec
                    && let Err(e) = write(r, part, sr)
                {
                    let name = r.base.display().to_string();
                    rec = None;
                    say(status, format!("recording to `{name}` stopped: {e}; the music goes on"));
                }
            }
            chunk.commit_all();
        }
        while retro_buf.len() > 2 * retro {
            let excess = retro_buf.len() - 2 * retro;
            retro_buf.drain(..excess);
        }
        if let Some(r) = &mut rec
            && r.synced.elapsed() >= Duration::from_millis(500)
        {
            r.synced = Instant::now();
            if let Err(e) = r.writer.flush() {
                let name = r.base.display().to_string();
                rec = None;
                say(status, format!("recording to `{name}` stopped: {e}; the music goes on"));
            }
        }
        publish(rec.as_ref(), status);
        // The old engine is gone once a new ring comes: what is left in its ring is its last.
        if rx.slots() == 0
            && let Some(ring) = next.take()
        {
            rx = ring;
            continue;
        }
        // Quitting: what is in the ring now is the last of it.
        if stopping && rx.slots() == 0 {
            finish(&mut rec, status);
            publish(rec.as_ref(), status);
            return;
        }
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn new_recording(base: PathBuf, writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>) -> Recording {
    Recording {
        base,
        max_part: PART_FRAMES,
        part: 1,
        writer,
        part_frames: 0,
        frames: 0,
        bytes_before: 0,
        synced: Instant::now(),
    }
}

fn open(path: &Path, _part: u32, sr: u32) -> Result<hound::WavWriter<std::io::BufWriter<std::fs::File>>, String> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: sr,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    // A new file, or one this session made, unless `--overwrite`: a recording never replaces a take by accident.
    let file = crate::files::open_for_writing(path).map_err(|e| e.to_string())?;
    hound::WavWriter::new(std::io::BufWriter::new(file), spec).map_err(|e| e.to_string())
}

/// `take.wav`'s n-th part: `take.2.wav`, `take.3.wav`, ….
pub fn part_path(base: &Path, part: u32) -> PathBuf {
    if part <= 1 {
        return base.to_path_buf();
    }
    let stem = base
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    base.with_file_name(format!("{stem}.{part}.wav"))
}

fn write(r: &mut Recording, samples: &[f32], sr: u32) -> Result<(), String> {
    for pair in samples.chunks_exact(2) {
        if r.part_frames >= r.max_part {
            r.bytes_before += r.part_frames * 8 + 44;
            r.part += 1;
            let next = open(&part_path(&r.base, r.part), r.part, sr)?;
            let old = std::mem::replace(&mut r.writer, next);
            old.finalize().map_err(|e| e.to_string())?;
            r.part_frames = 0;
        }
        r.writer.write_sample(pair[0]).map_err(|e| e.to_string())?;
        r.writer.write_sample(pair[1]).map_err(|e| e.to_string())?;
        r.part_frames += 1;
        r.frames += 1;
    }
    Ok(())
}

fn finish(rec: &mut Option<Recording>, status: &Mutex<Status>) {
    if let Some(r) = rec.take() {
        let name = r.base.display().to_string();
        let frames = r.frames;
        if let Err(e) = r.writer.finalize() {
            say(status, format!("recording `{name}` could not be finished: {e}"));
        } else {
            say(status, format!("recorded {frames} frames to `{name}`"));
        }
    }
}

fn save_retro(buf: &VecDeque<f32>, path: &Path, sr: u32, status: &Mutex<Status>) {
    let result = open(path, 1, sr).and_then(|mut w| {
        for s in buf {
            w.write_sample(*s).map_err(|e| e.to_string())?;
        }
        w.finalize().map_err(|e| e.to_string())
    });
    let frames = buf.len() / 2;
    say(
        status,
        match result {
            Ok(()) => format!(
                "the last {:.0} s written to `{}`",
                frames as f64 / f64::from(sr),
                path.display()
            ),
            Err(e) => format!("cannot write the retro capture `{}`: {e}", path.display()),
        },
    );
}

fn say(status: &Mutex<Status>, line: String) {
    status.lock().unwrap_or_else(std::sync::PoisonError::into_inner).message = Some(line);
}

fn publish(rec: Option<&Recording>, status: &Mutex<Status>) {
    let now = rec.map(|r| (r.base.clone(), r.frames, r.bytes_before + r.part_frames * 8 + 44));
    status
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .recording = now;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_recording_goes_on_in_parts_each_a_valid_wav() {
        let dir = std::env::temp_dir().join(format!("synchrotron-parts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let base = dir.join("take.wav");
        let mut r = new_recording(base.clone(), open(&base, 1, 48_000).unwrap());
        r.max_part = 1_000;
        let samples: Vec<f32> = (0..2 * 2_500).map(|i| (i as f32 * 0.01).sin()).collect();
        write(&mut r, &samples, 48_000).unwrap();
        r.writer.finalize().unwrap();
        let lens: Vec<usize> = [1, 2, 3]
            .iter()
            .map(|&p| hound::WavReader::open(part_path(&base, p)).unwrap().len() as usize / 2)
            .collect();
        assert_eq!(lens, vec![1_000, 1_000, 500]);
        assert_eq!(part_path(&base, 2), dir.join("take.2.wav"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
