//! The `synchrotron-tui` binary: argument parsing and the `check`, `render` and `nodes` commands. Control thread.
//! `anyhow` lives only here; every user-caused failure prints one clear line (or rustc-style diagnostics) and exits
//! non-zero.

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use synchrotron_tui::audio::offline;
use synchrotron_tui::cli;
use synchrotron_tui::compile::{self, Lang, Settings};
use synchrotron_tui::engine::{Engine, MasterConfig};
use synchrotron_tui::files;
use synchrotron_tui::headless;
use synchrotron_tui::live::LiveConfig;

#[derive(Parser)]
#[command(
    name = "synchrotron-tui",
    version,
    about = "A terminal live-coding synthesizer",
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    play: PlayArgs,
}

/// Playing a patch live (no subcommand).
#[derive(clap::Args)]
// Each flag is an independent switch of the command line.
#[allow(clippy::struct_excessive_bools)]
struct PlayArgs {
    /// The patch to play; it reloads on every save.
    #[arg(required_unless_present = "list_devices")]
    patch: Option<PathBuf>,
    /// Play without the editor screen and print one line per reload (edit the file in any editor).
    /// Without it, the patch opens in the editor screen.
    #[arg(long)]
    headless: bool,
    /// Output device (part of its name, see --list-devices).
    #[arg(long)]
    device: Option<String>,
    /// List output devices and MIDI input ports, and exit.
    #[arg(long)]
    list_devices: bool,
    #[arg(long, value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
    sample_rate: Option<u32>,
    /// Frames per device callback (64 and up).
    #[arg(long, value_parser = clap::value_parser!(u32).range(64..=16_384))]
    buffer_size: Option<u32>,
    /// Crossfade for structural edits, in milliseconds.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=2_000))]
    xfade: u64,
    /// Glide for changed values, in milliseconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=2_000))]
    glide: u64,
    /// Land each change on the next `beat`, `bar` (4 beats) or N beats.
    #[arg(long, value_parser = quantum)]
    quantize: Option<f64>,
    /// Do not open a sound card; run silently (for machines without one).
    #[arg(long)]
    no_audio: bool,
    /// Follow an external clock: `midi` (24 ppqn, start/stop/continue, song position) on the app's MIDI port
    /// `synchrotron-tui` and every port a node opened.
    #[arg(long, value_enum, value_name = "SOURCE")]
    clock_in: Option<ClockSource>,
    /// Send `midi_out` nodes' notes to the MIDI output port whose name contains NAME.
    #[arg(long, value_name = "NAME")]
    midi_out: Option<String>,
    /// Send MIDI clock (24 a beat) and start/stop from our transport to the output port whose name contains NAME.
    #[arg(long, value_name = "NAME")]
    clock_out: Option<String>,
    /// Play along with an Ableton Link session on the local network (builds with `--features link` only).
    #[arg(long)]
    link: bool,
    /// Record what is played (32-bit float WAV; parts of under 4 GiB: FILE.wav, FILE.2.wav, …).
    #[arg(long, value_name = "FILE.wav")]
    record: Option<PathBuf>,
    /// Minutes of output always kept in memory, to write out after the fact (0: off).
    #[arg(long, value_name = "MIN", default_value_t = 5.0, value_parser = retro_minutes)]
    retro: f64,
    /// Where the set log goes (default: beside the patch).
    #[arg(long = "log", value_name = "DIR")]
    log_dir: Option<PathBuf>,
    /// Keep no set log.
    #[arg(long)]
    no_log: bool,
    /// Listen for OSC on this UDP port of the loopback interface (9000 when no port is given).
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "9000")]
    osc: Option<u16>,
    #[command(flatten)]
    files: FileArgs,
}

/// A moment of a set: `12:30`, `1:02:03` or seconds (`750.5`).
fn set_time(s: &str) -> Result<f64, String> {
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

fn replay(log: &Path, out: Option<&Path>, (from, to): (Option<f64>, Option<f64>), at: Option<f64>) -> Result<ExitCode> {
    let set = synchrotron_tui::setlog::replay::read(log).map_err(anyhow::Error::msg)?;
    let rate = f64::from(set.sample_rate);
    if let Some(t) = at {
        let Some(v) = set.playing_at((t * rate) as u64) else {
            bail!("nothing was playing yet at {t} s");
        };
        println!(
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
    println!(
        "replayed {seconds:.1} s to {} in {took:.2} s ({:.0}x faster than real time)",
        out.display(),
        seconds / took.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}

/// `replay SET --at T --open`: fast-forward the set offline to T, then go on live in the editor from there.
fn replay_open(log: &Path, t: f64) -> Result<ExitCode> {
    let set = synchrotron_tui::setlog::replay::read(log).map_err(anyhow::Error::msg)?;
    let frame = (t * f64::from(set.sample_rate)) as u64;
    let Some(v) = set.playing_at(frame).cloned() else {
        bail!("nothing was playing yet at {t} s");
    };
    let started = Instant::now();
    let (session, engine) = set.prepare(frame).map_err(anyhow::Error::msg)?;
    eprintln!(
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
        keep: synchrotron_tui::keep::KeepOptions {
            retro_minutes: 5.0,
            ..Default::default()
        },
    };
    synchrotron_tui::audio::midi_out::start(None, None);
    let _notes_off = EndMidiOut;
    synchrotron_tui::tui::run(&opts)?;
    Ok(ExitCode::SUCCESS)
}

/// At most an hour in memory (1.4 GB of stereo float at 48 kHz).
fn retro_minutes(s: &str) -> Result<f64, String> {
    let m: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of minutes"))?;
    if (0.0..=60.0).contains(&m) {
        Ok(m)
    } else {
        Err("the retro buffer holds 0 to 60 minutes".into())
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ClockSource {
    Midi,
}

/// Which files file nodes (SoundFontNode, WavFileNode) may use besides those in the patch's folder.
#[derive(clap::Args, Clone, Default)]
struct FileArgs {
    /// Also let file nodes read and write files in DIR (repeatable).
    #[arg(long = "files", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Let file nodes replace files that exist already (without it they only write new files).
    #[arg(long)]
    overwrite: bool,
}

impl FileArgs {
    fn apply(&self) -> Result<()> {
        for d in &self.dirs {
            files::allow_dir(d).map_err(|e| anyhow::anyhow!("--files {e}"))?;
        }
        files::set_overwrite(self.overwrite);
        Ok(())
    }
}

fn quantum(s: &str) -> Result<f64, String> {
    match s {
        "beat" => Ok(1.0),
        "bar" => Ok(4.0),
        _ => match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v <= 64.0 => Ok(v),
            _ => Err("expected `beat`, `bar` or a number of beats".into()),
        },
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LangArg {
    Patch,
    Synchrolang,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::Patch => Lang::Patch,
            LangArg::Synchrolang => Lang::Synchrolang,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Check a patch: exit 0 when it is valid, otherwise print diagnostics and exit 1.
    Check {
        patch: PathBuf,
        /// Read the file as this language instead of detecting it.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        /// Also print the resolved graph, one node per line.
        #[arg(long)]
        graph: bool,
        #[command(flatten)]
        files: FileArgs,
    },
    /// Render a patch to a 32-bit float stereo WAV file.
    Render {
        patch: PathBuf,
        /// Output WAV file.
        #[arg(short, long)]
        out: PathBuf,
        /// Length in seconds.
        #[arg(short, long, default_value_t = 10.0, value_parser = positive_seconds, allow_hyphen_values = true)]
        seconds: f64,
        #[arg(long, default_value_t = 48_000, value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
        sample_rate: u32,
        /// Frames per engine call, as a sound card would ask.
        #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=16_384))]
        buffer_size: u32,
        /// Seed for noise sources.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// No limiter, DC blocker or soft start: the graph's output exactly.
        #[arg(long)]
        raw: bool,
        /// Play a Standard MIDI File (format 0 or 1) into the patch's `midi`, `cc` and `bend` nodes.
        #[arg(long, value_name = "SONG.mid")]
        midi: Option<PathBuf>,
        #[command(flatten)]
        files: FileArgs,
    },
    /// Re-render a set from its set log, sample for sample, or print the patch playing at a moment.
    Replay {
        log: PathBuf,
        /// Output WAV file (the whole set, or --from..--to).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Start here (mm:ss, h:mm:ss or seconds).
        #[arg(long, value_parser = set_time)]
        from: Option<f64>,
        /// End here.
        #[arg(long, value_parser = set_time)]
        to: Option<f64>,
        /// Print the patch that was playing at this moment.
        #[arg(long, value_parser = set_time)]
        at: Option<f64>,
        /// With --at: open that patch in the editor and play on from that moment, every node as it was then.
        #[arg(long, requires = "at")]
        open: bool,
    },
    /// Show the node reference, or one node's parameters.
    Nodes { name: Option<String> },
    /// Print a Synchrolang script as the original's `export` would (new lines, a blank line, link lines).
    Export {
        patch: PathBuf,
        /// Read the file as this language instead of detecting it.
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 24.0 * 3600.0 => Ok(v),
        _ => Err("expected a number of seconds greater than 0".into()),
    }
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let result = match args.command {
        Some(command) => run(command),
        None => play(&args.play),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// clap's report folded into one line: its first paragraph, plus where to look.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    let text = e.to_string();
    let first: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
    eprintln!("{} (see `synchrotron-tui --help`)", first.join(" "));
    ExitCode::from(2)
}

fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Check {
            patch,
            lang,
            graph,
            files,
        } => {
            files.apply()?;
            check(&patch, lang.map(Lang::from), graph)
        }
        Command::Export { patch, lang } => export(&patch, lang.map(Lang::from)),
        Command::Render {
            patch,
            out,
            seconds,
            sample_rate,
            buffer_size,
            seed,
            raw,
            midi,
            files,
        } => {
            files.apply()?;
            let master = if raw {
                MasterConfig::raw()
            } else {
                MasterConfig::protected()
            };
            let song = match midi {
                Some(m) => Some(synchrotron_tui::audio::midi_file::load(&m, sample_rate).map_err(anyhow::Error::msg)?),
                None => None,
            };
            render(
                &patch,
                &out,
                seconds,
                (sample_rate, buffer_size as usize, seed),
                master,
                song,
            )
        }
        Command::Replay {
            log,
            out,
            from,
            to,
            at,
            open,
        } => match (at, open) {
            (Some(t), true) => replay_open(&log, t),
            _ => replay(&log, out.as_deref(), (from, to), at),
        },
        Command::Nodes { name } => match cli::nodes_reference(name.as_deref()) {
            Ok(text) => {
                print!("{text}");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => bail!(e),
        },
    }
}

fn play(args: &PlayArgs) -> Result<ExitCode> {
    if args.list_devices {
        return list_devices();
    }
    let Some(patch) = args.patch.clone() else {
        bail!("no patch given")
    };
    cli::patch_opened(&patch);
    args.files.apply()?;
    #[cfg(feature = "midi")]
    synchrotron_tui::audio::midi_ports::install();
    #[cfg(feature = "cpal")]
    if !args.no_audio {
        synchrotron_tui::audio::capture_device::install();
    }
    let live = LiveConfig {
        glide: Duration::from_millis(args.glide),
        fade: Duration::from_millis(args.xfade),
        quantum_beats: args.quantize.unwrap_or(0.0),
        clock_in: args.clock_in.is_some(),
        clock_out: args.clock_out.is_some(),
        ..LiveConfig::default()
    };
    // Always running while playing, so `midi_out` nodes' rings are emptied even with no port to send to; on the
    // way out (however the loop ends) every note is ended and the clock stopped.
    synchrotron_tui::audio::midi_out::start(args.midi_out.clone(), args.clock_out.clone());
    let _notes_off = EndMidiOut;
    #[cfg(feature = "midi")]
    if args.clock_in.is_some() {
        synchrotron_tui::audio::midi_ports::open_virtual_port();
    }
    if args.link && !cfg!(feature = "link") {
        bail!(
            "this build has no Ableton Link; rebuild with `cargo build --release --features link` (Link is GPL-2.0-or-later, \
             so that binary is too)"
        );
    }
    let opts = headless::Options {
        patch,
        live,
        link: args.link,
        open_text: None,
        osc: args.osc,
        keep: synchrotron_tui::keep::KeepOptions {
            record: args.record.clone(),
            retro_minutes: args.retro,
            log_dir: args.log_dir.clone(),
            no_log: args.no_log,
        },
        device: args.device.clone(),
        sample_rate: args.sample_rate,
        buffer_size: args.buffer_size,
        no_audio: args.no_audio,
        quiet: false,
    };
    if args.headless {
        headless::run(&opts)?;
    } else {
        synchrotron_tui::tui::run(&opts)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Ends every MIDI note sent and stops the clock when playing ends.
struct EndMidiOut;

impl Drop for EndMidiOut {
    fn drop(&mut self) {
        synchrotron_tui::audio::midi_out::stop();
    }
}

#[cfg(feature = "cpal")]
fn list_devices() -> Result<ExitCode> {
    let devices = synchrotron_tui::audio::cpal_backend::list_devices()?;
    if devices.is_empty() {
        println!("no output devices found");
    }
    for d in devices {
        println!("{}{}  ({})", if d.is_default { "* " } else { "  " }, d.name, d.id);
    }
    list_midi_ports();
    Ok(ExitCode::SUCCESS)
}

/// MIDI ports numbered as MidiInputNode's `port` counts them.
#[cfg(feature = "cpal")]
fn list_midi_ports() {
    #[cfg(feature = "midi")]
    match synchrotron_tui::audio::midi_ports::list() {
        Ok(ports) => {
            println!("MIDI input ports (MidiInputNode port), plus the virtual port `synchrotron-tui`:");
            for (i, name) in ports.iter().enumerate() {
                println!("  {i}: {name}");
            }
        }
        Err(e) => println!("{e}"),
    }
}

#[cfg(not(feature = "cpal"))]
fn list_devices() -> Result<ExitCode> {
    bail!("built without sound-card support (the `cpal` feature)")
}

fn export(path: &Path, lang: Option<Lang>) -> Result<ExitCode> {
    let src = cli::read_patch(path).map_err(anyhow::Error::msg)?;
    match cli::export(path, &src, lang) {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(text) => {
            eprint!("{text}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn check(path: &Path, lang: Option<Lang>, graph: bool) -> Result<ExitCode> {
    let src = cli::read_patch(path).map_err(anyhow::Error::msg)?;
    match cli::check_rendered_as(path, &src, lang) {
        Ok((checked, warnings)) => {
            if graph {
                print!("{}", checked.spec);
                let m = compile::budget::measure(&checked.spec, compile::budget::NOMINAL_RATE);
                println!(
                    "memory: {} of the {} a patch may use (at 48000 Hz)",
                    compile::budget::size(m.total),
                    compile::budget::size(compile::budget::BUDGET)
                );
            }
            eprint!("{warnings}");
            eprintln!("{}: ok", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(text) => {
            eprint!("{text}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn render(
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
            eprint!("{warnings}");
            c
        }
        Err(text) => {
            eprint!("{text}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let settings = Settings {
        sample_rate: sample_rate as f32,
        seed,
    };
    if let Err(d) = compile::budget::enforce(&checked.spec, sample_rate as f32) {
        eprint!(
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
    // In slices of about a second, written as they come (memory stays flat however long the render), letting
    // WavFileNodes' writers keep up: offline rendering outruns their rings otherwise.
    let slice = buffer_size.max(1) * (sample_rate as usize / buffer_size.max(1)).max(1);
    let (mut done, mut peak) = (0, 0f32);
    let mut player = song.map(|s| synchrotron_tui::audio::midi_file::Player::new(s, -1));
    while done < frames {
        let n = slice.min(frames - done);
        let samples = match &mut player {
            Some(p) => offline::render_fed(&mut engine, n, buffer_size, done as u64, &mut |end| p.send_until(end)),
            None => offline::render(&mut engine, n, buffer_size),
        };
        peak = samples.iter().fold(peak, |m, s| m.max(s.abs()));
        wav.write(&samples).with_context(cannot_write)?;
        synchrotron_tui::dsp::io::wait_written();
        done += n;
    }
    drop(engine);
    synchrotron_tui::dsp::io::finish_files();
    wav.finish().with_context(cannot_write)?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "rendered {seconds} s to {} in {:.3} s ({:.0}x faster than real time), peak {:.1} dBFS",
        out.display(),
        took,
        seconds / took.max(1e-9),
        20.0 * peak.max(1e-9).log10()
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuse an output that would destroy the patch, lie about its format, or not fit in a WAV file.
fn check_output(patch: &Path, out: &Path, frames: u64, sample_rate: u32) -> Result<()> {
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
