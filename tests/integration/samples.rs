//! The `sample` node (issue 19): a file played at rate 1 comes back sample for sample, pitched up an octave it
//! plays at twice the frequency with little aliasing, backwards and looped as asked, and every bad file is a
//! diagnostic at its place in the patch, never a panic.

use crate::common::{render_master, zero_crossing_freq};
use synchrotron_tui::engine::MasterConfig;

const SR: f32 = 48_000.0;

/// A folder the file nodes may read, holding a mono 32-bit float WAV of `data` at `rate`.
fn wav(name: &str, rate: u32, data: &[f32]) -> std::path::PathBuf {
    let dir = crate::common::scratch(&format!("samples-{name}"));
    synchrotron_tui::files::allow_dir(&dir).unwrap();
    let path = dir.join(format!("{name}.wav"));
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for &x in data {
        w.write_sample(x).unwrap();
    }
    w.finalize().unwrap();
    path
}

fn sine(freq: f32, rate: f32, frames: usize) -> Vec<f32> {
    (0..frames)
        .map(|i| 0.5 * (std::f32::consts::TAU * freq * i as f32 / rate).sin())
        .collect()
}

#[test]
fn a_file_played_at_rate_one_comes_back_sample_for_sample() {
    let data: Vec<f32> = (0..10_000).map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5).collect();
    let path = wav("exact", 48_000, &data);
    let src = format!("sample \"{}\" trig=1 -> out.left\n", path.display());
    let out = render_master(&src, 0.25, SR, 37, 0, MasterConfig::raw());
    assert_eq!(&out.left[..data.len()], &data[..], "bit for bit");
    assert!(out.left[data.len()..].iter().all(|x| *x == 0.0), "then silence");
}

#[test]
fn an_octave_up_plays_twice_the_frequency_with_little_aliasing_and_backwards_plays_it_reversed() {
    let path = wav("sine", 44_100, &sine(1_000.0, 44_100.0, 44_100));
    let src = format!("sample \"{}\" trig=1 pitch=12 -> out.left\n", path.display());
    let out = render_master(&src, 0.4, SR, 64, 0, MasterConfig::raw());
    let x = &out.left[2_400..2_400 + 8_192];
    assert!((zero_crossing_freq(x, SR) - 2_000.0).abs() < 2.0);
    // Everything that is not the 2 kHz tone, against it (a Blackman-Harris-windowed power spectrum).
    let spectrum = crate::common::power_spectrum(x);
    let bin = |f: f32| (f * x.len() as f32 / SR).round() as usize;
    let peak = spectrum[bin(2_000.0)];
    let worst = spectrum
        .iter()
        .enumerate()
        .filter(|(i, _)| i.abs_diff(bin(2_000.0)) > 8 && *i > 8)
        .map(|(_, m)| *m)
        .fold(0.0f64, f64::max);
    let db = 10.0 * (worst / peak).log10();
    assert!(db < -80.0, "aliasing and images at {db:.1} dB");
    // Backwards: the same tone, from the file's end.
    let rev = format!("sample \"{}\" trig=1 rate=-1 -> out.left\n", path.display());
    let back = render_master(&rev, 0.2, SR, 64, 0, MasterConfig::raw());
    assert!((zero_crossing_freq(&back.left[1_000..9_000], SR) - 1_000.0).abs() < 2.0);
}

#[test]
fn a_loop_keeps_playing_and_voices_overlap_up_to_their_number() {
    let path = wav("blip", 48_000, &vec![0.25; 4_800]);
    let looped = format!("sample \"{}\" trig=1 loop=1 -> out.left\n", path.display());
    let out = render_master(&looped, 0.5, SR, 64, 0, MasterConfig::raw());
    assert!(
        out.left[20_000..24_000].iter().all(|x| (*x - 0.25).abs() < 1e-6),
        "still playing"
    );
    // Triggers every 1200 frames (40 Hz) over a 4800-frame blip: four voices overlap, or two when told.
    for (voices, level) in [("", 1.0), (" voices=2", 0.5)] {
        let src = format!("sample \"{}\" trig=(square 40){voices} -> out.left\n", path.display());
        let at = render_master(&src, 0.5, SR, 64, 0, MasterConfig::raw()).left[10_000];
        assert!((at - level).abs() < 1e-5, "`{voices}`: {at} at once, not {level}");
    }
}

#[test]
fn every_bad_file_is_a_diagnostic_at_its_place() {
    let dir = crate::common::scratch("samples-bad");
    std::fs::write(dir.join("empty.wav"), b"").unwrap();
    std::fs::write(dir.join("junk.wav"), b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk").unwrap();
    // A WAV whose codec (Windows Media Audio) is not read.
    let mut adpcm = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x61\x01\x01\x00\x44\xac\x00\x00\x88\x58\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00".to_vec();
    adpcm.extend_from_slice(&[0; 64]);
    std::fs::write(dir.join("adpcm.wav"), adpcm).unwrap();
    std::fs::File::create(dir.join("huge.wav"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    std::fs::create_dir_all(dir.join("folder.wav")).unwrap();
    // A WAV cut off half-way through its data.
    let whole = std::fs::read(wav("whole", 48_000, &sine(440.0, 48_000.0, 48_000))).unwrap();
    std::fs::write(dir.join("cut.wav"), &whole[..whole.len() / 2]).unwrap();
    for (file, says) in [
        ("missing.wav", "no such file"),
        ("empty.wav", "empty"),
        ("junk.wav", "not a sound file"),
        ("adpcm.wav", "unsupported"),
        ("huge.wav", "over the limit"),
        ("cut.wav", "cut short"),
        ("folder.wav", "not a plain file"),
        ("../outside.wav", "outside the patch's folder"),
    ] {
        std::fs::write(dir.join("p.syn"), format!("clock 1 -> sample \"{file}\" -> out\n")).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
            .args(["check", "p.syn"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{file}");
        assert!(err.contains("error[E015]") && err.contains(says), "{file}: {err}");
        assert!(err.contains("p.syn:1:19"), "{file}: at the quotes: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

fn kit_file(name: &str) -> Vec<f32> {
    hound::WavReader::open(format!("patches/samples/{name}.wav"))
        .unwrap()
        .samples::<f32>()
        .map(Result::unwrap)
        .collect()
}

/// The built-in kit is what our own engine makes of `patches/samples/src/*.syn` (`make kit`), bit for bit.
#[test]
fn the_kit_is_our_engines_own_render_of_its_sources() {
    let mut n = 0;
    for entry in std::fs::read_dir("patches/samples/src").unwrap().flatten() {
        let src = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.path().file_stem().unwrap().to_string_lossy().into_owned();
        let out = render_master(&src, 0.5, SR, 256, 0, MasterConfig::raw());
        let rendered: Vec<f32> = out.left.iter().zip(&out.right).flat_map(|(l, r)| [*l, *r]).collect();
        assert!(
            rendered == kit_file(&name),
            "patches/samples/{name}.wav is not `make kit`'s render"
        );
        n += 1;
    }
    assert_eq!(
        n,
        synchrotron_tui::sample::kit::KIT.len(),
        "every kit sound has its source"
    );
}

/// `pat "bd ~ sd ~" -> sample`: each step plays the sample it names, from the built-in kit, on the step's frame.
#[test]
fn a_pattern_drives_a_sampler_each_step_playing_the_sample_it_names() {
    let src = "bpm 120\npat \"bd ~ sd ~\" -> sample -> out\n";
    let out = render_master(src, 2.0, SR, 64, 0, MasterConfig::raw());
    let bd: Vec<f32> = kit_file("bd").chunks_exact(2).map(|f| f[0]).collect();
    let sd: Vec<f32> = kit_file("sd").chunks_exact(2).map(|f| f[0]).collect();
    // A bar is 96000 frames: the kick from frame 0, the snare from 48000, each half a second (24000 frames) long.
    assert!(out.left[..24_000] == bd[..], "the kick, as the kit has it");
    assert!(out.left[24_000..48_000].iter().all(|x| *x == 0.0), "then the rest");
    assert!(out.left[48_000..72_000] == sd[..], "the snare on the third step");
}

#[test]
fn the_samples_command_lists_banks_and_the_kit_and_the_budget_is_enforced() {
    let dir = crate::common::scratch("samples-list");
    std::fs::create_dir_all(dir.join("samples/vox")).unwrap();
    for f in ["a.wav", "b.wav"] {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 48_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(dir.join("samples/vox").join(f), spec).unwrap();
        for i in 0..480_000 {
            w.write_sample((i % 100) as i16).unwrap();
        }
        w.finalize().unwrap();
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let out = run(&["samples"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("vox") && text.contains("2 file(s)") && text.contains("bd       kick"),
        "{text}"
    );
    // `vox:1` is the second file; ten seconds of it decoded take 1.9 MB, over a 1 MB budget.
    std::fs::write(dir.join("p.syn"), "clock 1 -> sample \"vox:1\" -> out\n").unwrap();
    assert!(run(&["check", "p.syn"]).status.success());
    let tight = run(&["check", "p.syn", "--sample-memory", "1"]);
    let err = String::from_utf8_lossy(&tight.stderr);
    assert!(!tight.status.success() && err.contains("--sample-memory"), "{err}");
}

/// `cut`: an open hat stops when a closed hat of its group strikes, within the steal fade; without the group it
/// rings on.
#[test]
fn a_choke_group_stops_the_other_sampler_of_the_group() {
    let open = wav("open", 48_000, &vec![0.25; 96_000]);
    let closed = wav("closed", 48_000, &vec![0.5; 100]);
    let patch = |cut: u32| {
        format!(
            "bpm 120\na = pat \"x ~\"\nb = pat \"~ x\"\na.trig -> sample \"{}\" cut={cut} -> out.left\nb.trig -> sample \"{}\" cut={cut} -> out.right\n",
            open.display(),
            closed.display()
        )
    };
    let choked = render_master(&patch(1), 1.5, SR, 64, 0, MasterConfig::raw());
    assert_eq!(choked.left[47_990], 0.25, "rings until the closed hat");
    assert_eq!(choked.right[48_000], 0.5, "the closed hat strikes at half the bar");
    // Within a block and the 3 ms fade (a sampler earlier in the graph hears the group a block later).
    assert!(
        choked.left[48_000 + 64 + 150..60_000].iter().all(|x| *x == 0.0),
        "then stops"
    );
    let free = render_master(&patch(0), 1.5, SR, 64, 0, MasterConfig::raw());
    assert_eq!(free.left[50_000], 0.25, "no group: it rings on");
}

/// A sample file changed on disk while it plays comes in by itself: read on the samples thread, then crossfaded in
/// (the patch is not touched).
#[test]
fn a_changed_sample_file_comes_in_by_itself() {
    use crate::common::{read_lines, wait_line};
    use std::io::Write;
    let dir = crate::common::scratch("samples-change");
    let write = |level: f32| {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 48_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let tmp = dir.join("s.tmp");
        let mut w = hound::WavWriter::create(&tmp, spec).unwrap();
        for x in sine(480.0, 48_000.0, 96_000) {
            w.write_sample(x * level).unwrap();
        }
        w.finalize().unwrap();
        std::fs::rename(&tmp, dir.join("s.wav")).unwrap();
    };
    write(0.1);
    std::fs::write(dir.join("p.syn"), "sample \"s.wav\" trig=1 loop=1 -> out.left\n").unwrap();
    let mut child = crate::common::headless(&dir, &["--no-log", "--record", "take.wav"]);
    let lines = read_lines(&mut child);
    wait_line(&lines, "v1 ok");
    std::thread::sleep(std::time::Duration::from_millis(700));
    write(0.4);
    wait_line(&lines, "a sample file changed on disk");
    wait_line(&lines, "v2 ok");
    std::thread::sleep(std::time::Duration::from_millis(300));
    writeln!(child.stdin.as_mut().unwrap(), "q").unwrap();
    assert!(child.wait().unwrap().success());
    let take: Vec<f32> = hound::WavReader::open(dir.join("take.wav"))
        .unwrap()
        .samples::<f32>()
        .map(Result::unwrap)
        .step_by(2)
        .collect();
    let peak = |x: &[f32]| x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(
        (peak(&take[4_800..14_400]) - 0.05).abs() < 0.01,
        "the first file: {}",
        peak(&take[4_800..14_400])
    );
    let end = &take[take.len() - 4_800..];
    assert!((peak(end) - 0.2).abs() < 0.02, "the new file, by itself: {}", peak(end));
}
