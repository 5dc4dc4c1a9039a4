//! `replay`: a set log re-rendered sample for sample, the patch playing at a moment, or the set fast-forwarded to
//! a moment and played on live in the editor. Binary only (uses anyhow).

use super::render::check_output;
use anyhow::{Context as _, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use synchrotron_tui::audio::offline;
use synchrotron_tui::headless;
use synchrotron_tui::live::LiveConfig;

/// A moment of a set: `12:30`, `1:02:03` or seconds (`750.5`).
pub fn set_time(s: &str) -> Result<f64, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let mut t = 0.0;
    for p in &parts {
        let v: f64 = p
            .parse()
            .map_err(|_| format!("`{s}` is not a time (mm:ss, h:mm:ss or seconds)"))?;
        t = t * 60.0 + v;
    }
    if parts.len() > 3 || !t.is_finite() || t < 0.0 {
        return Err(format!("`{s}` is not a time (mm:ss, h:mm:ss or seconds)"));
    }
    Ok(t)
}

pub fn replay(
    log: &Path,
    out: Option<&Path>,
    (from, to): (Option<f64>, Option<f64>),
    at: Option<f64>,
) -> Result<ExitCode> {
    let set = synchrotron_tui::setlog::replay::read(log).map_err(anyhow::Error::msg)?;
    let rate = f64::from(set.sample_rate);
    if let Some(t) = at {
        let Some(v) = set.playing_at((t * rate) as u64) else {
            bail!("nothing was playing yet at {t} s");
        };
        outln!(
            "# v{} — playing at {t} s (from {:.3} s)\n{}",
            v.version,
            v.frame as f64 / rate,
            v.text
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = out else {
        bail!("say where to render (`--out set.wav`) or which moment to print (`--at 12:30`)");
    };
    let end = to.map_or(set.last_frame(), |t| (t * rate) as u64);
    let start = from.map_or(0, |t| (t * rate) as u64).min(end);
    check_output(log, out, end - start, set.sample_rate)?;
    let cannot_write = || format!("cannot write `{}`", out.display());
    let mut wav = offline::WavStream::create(out, set.sample_rate).with_context(cannot_write)?;
    let started = Instant::now();
    let mut failed = None;
    set.render(start, end, &mut |samples| {
        if failed.is_none()
            && let Err(e) = wav.write(samples)
        {
            failed = Some(e);
        }
    })
    .map_err(anyhow::Error::msg)?;
    if let Some(e) = failed {
        return Err(e).with_context(cannot_write);
    }
    wav.finish().with_context(cannot_write)?;
    let took = started.elapsed().as_secs_f64();
    let seconds = (end - start) as f64 / rate;
    outln!(
        "replayed {seconds:.1} s to {} in {took:.2} s ({:.0}x faster than real time)",
        out.display(),
        seconds / took.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

/// `replay SET --at T --open`: fast-forward the set offline to T, then go on live in the editor from there.
pub fn replay_open(log: &Path, t: f64) -> Result<ExitCode> {
    let set = synchrotron_tui::setlog::replay::read(log).map_err(anyhow::Error::msg)?;
    let frame = (t * f64::from(set.sample_rate)) as u64;
    let Some(v) = set.playing_at(frame).cloned() else {
        bail!("nothing was playing yet at {t} s");
    };
    let started = Instant::now();
    let (session, engine) = set.prepare(frame).map_err(anyhow::Error::msg)?;
    errln!(
        "fast-forwarded to {t} s in {:.2} s; v{} plays on",
        started.elapsed().as_secs_f64(),
        v.version
    );
    synchrotron_tui::headless::continue_with(session, engine);
    let patch = match synchrotron_tui::setlog::replay::patch_of(log) {
        Some(p) => p,
        None => log.with_extension("syn"),
    };
    let opts = headless::Options {
        patch,
        live: LiveConfig::default(),
        device: None,
        sample_rate: Some(set.sample_rate),
        buffer_size: None,
        no_audio: false,
        quiet: false,
        link: false,
        open_text: Some(v.text),
        osc: None,
        serve: None,
        keep: synchrotron_tui::keep::KeepOptions {
            retro_minutes: 5.0,
            ..Default::default()
        },
    };
    synchrotron_tui::audio::midi_out::start(None, None);
    let _notes_off = crate::EndMidiOut;
    synchrotron_tui::tui::run(&opts)?;
    Ok(ExitCode::SUCCESS)
}
