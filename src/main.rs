//! The `synchrotron-tui` binary: argument parsing and the `check`, `render` and `nodes` commands. Control thread.
//! `anyhow` lives only here; every user-caused failure prints one clear line (or rustc-style diagnostics) and exits
//! non-zero.

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use synchrotron_tui::cli;
use synchrotron_tui::compile::{self, Lang};
use synchrotron_tui::engine::MasterConfig;
use synchrotron_tui::files;
use synchrotron_tui::headless;
use synchrotron_tui::live::LiveConfig;

/// Printing that never panics: a closed pipe (`| head`) or a closed terminal just drops the text.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod cmd;

use cmd::render::render;
use cmd::replay::{replay, replay_open, set_time};

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
    /// Serve Synchrotron's REST API, for SynchrotronUI and its console (127.0.0.1:2031 when no address is given).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:2031", value_parser = serve_addr)]
    serve: Option<std::net::SocketAddr>,
    /// The token every REST request must carry (`Authorization: Bearer TOKEN`); needed to serve beyond loopback.
    #[arg(long, value_name = "TOKEN", requires = "serve")]
    token: Option<String>,
    /// Let pages from this web origin drive the synth over REST, besides SynchrotronUI's (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN", requires = "serve")]
    allow_origin: Vec<String>,
    #[command(flatten)]
    files: FileArgs,
}

/// `127.0.0.1:2031`, `0.0.0.0:8080`, or just a port (on loopback).
fn serve_addr(s: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(port) = s.parse::<u16>() {
        return Ok(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not an address to serve on: give HOST:PORT (127.0.0.1:2031) or a port"))
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
    /// Also look for sample banks (folders of sound files) in DIR, after the patch's own `samples/` (repeatable).
    #[arg(long = "samples", value_name = "DIR")]
    sample_dirs: Vec<PathBuf>,
    /// The most memory samples may take, in MB.
    #[arg(long, value_name = "MB", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    sample_memory: u64,
}

impl FileArgs {
    fn apply(&self) -> Result<()> {
        for d in &self.dirs {
            files::allow_dir(d).map_err(|e| anyhow::anyhow!("--files {e}"))?;
        }
        for d in &self.sample_dirs {
            files::allow_dir(d).map_err(|e| anyhow::anyhow!("--samples {e}"))?;
            synchrotron_tui::sample::add_dir(d);
        }
        synchrotron_tui::sample::set_budget(self.sample_memory * 1_000_000);
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
    /// List the sample banks a patch here can play: `samples/` next to it, --samples folders, the built-in kit.
    Samples {
        #[command(flatten)]
        files: FileArgs,
    },
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
            errln!("error: {e:#}");
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
    errln!("{} (see `synchrotron-tui --help`)", first.join(" "));
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
        Command::Samples { files } => {
            cli::patch_opened(Path::new("./here.syn"));
            files.apply()?;
            out!("{}", cli::samples_list());
            Ok(ExitCode::SUCCESS)
        }
        Command::Nodes { name } => match cli::nodes_reference(name.as_deref()) {
            Ok(text) => {
                out!("{text}");
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
        serve: args.serve.map(|addr| synchrotron_tui::serve::ServeOptions {
            addr,
            token: args.token.clone(),
            origins: args.allow_origin.clone(),
        }),
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
        outln!("no output devices found");
    }
    for d in devices {
        outln!("{}{}  ({})", if d.is_default { "* " } else { "  " }, d.name, d.id);
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
            outln!("MIDI input ports (MidiInputNode port), plus the virtual port `synchrotron-tui`:");
            for (i, name) in ports.iter().enumerate() {
                outln!("  {i}: {name}");
            }
        }
        Err(e) => outln!("{e}"),
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
            out!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(text) => {
            err!("{text}");
            Ok(ExitCode::FAILURE)
        }
    }
}

fn check(path: &Path, lang: Option<Lang>, graph: bool) -> Result<ExitCode> {
    let src = cli::read_patch(path).map_err(anyhow::Error::msg)?;
    match cli::check_rendered_as(path, &src, lang) {
        Ok((checked, warnings)) => {
            if graph {
                out!("{}", checked.spec);
                let m = compile::budget::measure(&checked.spec, compile::budget::NOMINAL_RATE);
                outln!(
                    "memory: {} of the {} a patch may use (at 48000 Hz)",
                    compile::budget::size(m.total),
                    compile::budget::size(compile::budget::BUDGET)
                );
            }
            err!("{warnings}");
            errln!("{}: ok", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(text) => {
            err!("{text}");
            Ok(ExitCode::FAILURE)
        }
    }
}
