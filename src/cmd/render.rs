//! `render`: a patch to a WAV file, streamed to disk in constant memory, optionally played by a MIDI file; and the
//! checks every output file passes. Binary only (uses anyhow).

use anyhow::{Context as _, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use synchrotron_tui::audio::offline;
use synchrotron_tui::cli;
use synchrotron_tui::compile::{self, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};

pub fn render(
    path: &Path,
    out: &Path,
    seconds: f64,
    rate: (u32, usize, u64),
    master: MasterConfig,
    song: Option<Vec<synchrotron_tui::audio::midi_file::Timed>>,
) -> Result<ExitCode> {
    let (sample_rate, buffer_size, seed) = rate;
    let frames = (seconds * f64::from(sample_rate)).round() as usize;
    check_output(path, out, frames as u64, sample_rate)?;
    let src = cli::read_patch(path).map_err(anyhow::Error::msg)?;
    let checked = match cli::check_rendered(path, &src) {
        Ok((c, warnings)) => {
            err!("{warnings}");
            c
        }
        Err(text) => {
            err!("{text}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let settings = Settings {
        sample_rate: sample_rate as f32,
        seed,
    };
    if let Err(d) = compile::budget::enforce(&checked.spec, sample_rate as f32) {
        err!(
            "{}",
            synchrotron_tui::lang::diagnostic::render_all(&[d], &path.display().to_string(), &src)
        );
        return Ok(ExitCode::FAILURE);
    }
    let graph =
        compile::build(&checked.spec, &settings).map_err(|_| anyhow::anyhow!("the patch has a feedback loop"))?;
    let cannot_write = || format!("cannot write `{}`", out.display());
    let mut wav = offline::WavStream::create(out, sample_rate).with_context(cannot_write)?;
    let started = Instant::now();
    let mut engine = Engine::new(graph, sample_rate as f32, master);
    // In small slices into one buffer, written as they come: memory stays flat however long the render, and the
    // buffer stays in the processor's cache. About once a second WavFileNodes' writers are let catch up: offline
    // rendering outruns their rings otherwise.
    let slice = buffer_size.max(1) * (4096 / buffer_size.max(1)).max(1);
    let (mut done, mut peak, mut waited) = (0, 0f32, 0);
    let mut player = song.map(|s| synchrotron_tui::audio::midi_file::Player::new(s, -1));
    let mut samples = vec![0f32; 2 * slice];
    while done < frames {
        let n = slice.min(frames - done);
        let buf = &mut samples[..2 * n];
        offline::render_into(&mut engine, buf, buffer_size, done as u64, &mut |end| {
            if let Some(p) = &mut player {
                p.send_until(end);
            }
        });
        peak = synchrotron_tui::dsp::fast::peak_of(buf, peak);
        wav.write(buf).with_context(cannot_write)?;
        done += n;
        if done - waited >= sample_rate as usize || done == frames {
            synchrotron_tui::dsp::io::wait_written();
            waited = done;
        }
    }
    drop(engine);
    synchrotron_tui::dsp::io::finish_files();
    wav.finish().with_context(cannot_write)?;
    let took = started.elapsed().as_secs_f64();
    outln!(
        "rendered {seconds} s to {} in {:.3} s ({:.0}x faster than real time), peak {:.1} dBFS",
        out.display(),
        took,
        seconds / took.max(1e-9),
        20.0 * peak.max(1e-9).log10()
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuse an output that would destroy the patch, lie about its format, or not fit in a WAV file.
pub fn check_output(patch: &Path, out: &Path, frames: u64, sample_rate: u32) -> Result<()> {
    if frames > offline::WAV_MAX_FRAMES {
        let most = offline::WAV_MAX_FRAMES / u64::from(sample_rate);
        bail!(
            "{frames} frames do not fit in one WAV file (4 GiB: at most {most} s, {} h {} min, at {sample_rate} Hz); \
             render the set in parts with shorter --seconds",
            most / 3600,
            most % 3600 / 60
        );
    }
    if out == Path::new("/dev/null") {
        return Ok(());
    }
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("wav" | "wave")) {
        bail!(
            "`{}`: render writes WAV files only; name the output `….wav` (convert it afterwards for other formats, \
             e.g. `ffmpeg -i out.wav out.mp3`)",
            out.display()
        );
    }
    if let (Ok(a), Ok(b)) = (std::fs::metadata(patch), std::fs::metadata(out)) {
        use std::os::unix::fs::MetadataExt;
        if (a.dev(), a.ino()) == (b.dev(), b.ino()) {
            bail!("`{}` is the patch itself; choose another output name", out.display());
        }
        if !b.is_file() {
            bail!("`{}` is not a plain file; choose another output name", out.display());
        }
    }
    Ok(())
}
