//! Hostile files, through the real binary: file nodes stay in the patch's folder and never replace what they did
//! not write, special files and huge files are refused at once, `render` never destroys its input or writes a file
//! whose name lies about its format, and a long render streams in flat memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
}

fn dir(name: &str) -> PathBuf {
    crate::common::scratch(&format!("hostile-{name}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check` and `render` of `script` in `d` (as `s.syn`), with extra arguments.
fn check(d: &Path, script: &str, extra: &[&str]) -> Output {
    let p = d.join("s.syn");
    std::fs::write(&p, script).unwrap();
    bin().arg("check").arg(&p).args(extra).output().unwrap()
}

fn render(d: &Path, extra: &[&str]) -> Output {
    bin()
        .args(["render", "--seconds", "0.2"])
        .arg(d.join("s.syn"))
        .arg("--out")
        .arg(d.join("mix.wav"))
        .args(extra)
        .output()
        .unwrap()
}

fn wav_to(path: &str) -> String {
    format!(
        "new 440 f; new SineNode o; new \"{path}\" p; new WavFileNode w;
         link f.out -> o.frequency; link p.out -> w.path; link o.out -> w.signal;"
    )
}

pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
}

#[test]
fn file_nodes_never_write_outside_the_patch_folder() {
    let root = dir("outside");
    let d = root.join("set");
    std::fs::create_dir_all(&d).unwrap();
    let victim = root.join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, d.join("link.wav")).unwrap();
    for path in [victim.display().to_string(), "../victim.txt".into(), "link.wav".into()] {
        let o = check(&d, &wav_to(&path), &[]);
        assert!(!o.status.success(), "{path}: check must refuse");
        let e = stderr(&o);
        assert!(
            e.contains("outside the patch's folder") && e.contains("s.syn:1:"),
            "{path}: {e}"
        );
        assert!(!render(&d, &[]).status.success());
        // Not even --overwrite reaches outside.
        assert!(!render(&d, &["--overwrite"]).status.success());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious", "{path}");
    }
    // A folder the performer names is allowed; without it the same file is refused.
    let o = check(&d, &wav_to(&root.join("allowed.wav").display().to_string()), &[]);
    assert!(stderr(&o).contains("outside the patch's folder"), "{}", stderr(&o));
    let o = bin()
        .arg("check")
        .arg(d.join("s.syn"))
        .arg("--files")
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn file_nodes_never_replace_a_file_they_did_not_create() {
    let d = dir("replace");
    // An unlinked WavFileNode writes output.wav: an existing one is not ours.
    std::fs::write(d.join("output.wav"), "someone's take").unwrap();
    let o = check(&d, "new SineNode o; new WavFileNode w; link o.out -> w.signal;", &[]);
    let e = stderr(&o);
    assert!(
        !o.status.success() && e.contains("was not written in this session"),
        "{e}"
    );
    assert!(e.contains("--overwrite"), "{e}");
    assert!(!render(&d, &[]).status.success());
    assert_eq!(std::fs::read_to_string(d.join("output.wav")).unwrap(), "someone's take");
    let o = render(&d, &["--overwrite"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        hound::WavReader::open(d.join("output.wav")).is_ok(),
        "replaced when asked"
    );
    // A new name is written, and the same session may write it again on every reload.
    let o = check(&d, &wav_to("take2.wav"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(render(&d, &[]).status.success());
    assert!(hound::WavReader::open(d.join("take2.wav")).is_ok());
}

#[test]
fn special_files_are_refused_by_file_nodes_without_blocking() {
    let d = dir("special");
    mkfifo(&d.join("pipe.wav"));
    mkfifo(&d.join("pipe.sf2"));
    let started = Instant::now();
    let o = check(&d, &wav_to("pipe.wav"), &["--overwrite"]);
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    let o = check(
        &d,
        "new \"pipe.sf2\" p; new SoundFontNode f; link p.out -> f.path;",
        &[],
    );
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    let o = check(
        &d,
        "new \"/dev/zero\" p; new SoundFontNode f; link p.out -> f.path;",
        &[],
    );
    assert!(stderr(&o).contains("outside the patch's folder"), "{}", stderr(&o));
    std::fs::create_dir_all(d.join("folder.sf2")).unwrap();
    let o = check(
        &d,
        "new \"folder.sf2\" p; new SoundFontNode f; link p.out -> f.path;",
        &[],
    );
    assert!(stderr(&o).contains("a directory"), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(10), "nothing blocked");
}

#[test]
fn a_soundfont_error_never_echoes_the_file() {
    let d = dir("echo");
    let cases: [(&str, &[u8]); 3] = [
        ("plain.sf2", b"PASSWORD=hunter2 and more secrets"),
        (
            "riff.sf2",
            b"RIFF\x20\x00\x00\x00sfbkLIST\x0c\x00\x00\x00SECRsecretsecret",
        ),
        ("wrong.sf2", b"RIFF\x20\x00\x00\x00sfbkXKEY\x0c\x00\x00\x00TOPSECRETKEY"),
    ];
    for (name, bytes) in cases {
        std::fs::write(d.join(name), bytes).unwrap();
        let o = check(
            &d,
            &format!("new \"{name}\" p; new SoundFontNode f; link p.out -> f.path;"),
            &[],
        );
        let e = stderr(&o);
        assert!(!o.status.success() && e.contains("SoundFont"), "{e}");
        for secret in ["PASS", "hunter", "SECR", "secret", "XKEY", "TOPS"] {
            assert!(!e.contains(secret), "{name} echoed `{secret}`: {e}");
        }
    }
    let o = check(
        &d,
        "new \"missing.sf2\" p; new SoundFontNode f; link p.out -> f.path;",
        &[],
    );
    assert!(stderr(&o).contains("missing.sf2`: no such file"), "{}", stderr(&o));
}

#[test]
fn render_never_destroys_its_input_nor_lies_about_the_format() {
    let d = dir("render");
    let patch = d.join("p.syn");
    std::fs::write(&patch, "sine 440 -> out\n").unwrap();
    let run = |out: &Path, secs: &str| {
        bin()
            .args(["render", "--seconds", secs])
            .arg(&patch)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let o = run(&patch, "0.1");
    assert!(
        !o.status.success() && stderr(&o).contains("WAV files only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&patch).unwrap(), "sine 440 -> out\n");
    let o = run(&d.join("x.mp3"), "0.1");
    assert!(
        !o.status.success() && stderr(&o).contains("WAV files only"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("x.mp3").exists());
    // A patch named like a WAV file, rendered onto itself (a hard link is the same file too).
    let wav_patch = d.join("odd.wav");
    std::fs::write(&wav_patch, "sine 440 -> out\n").unwrap();
    std::fs::hard_link(&wav_patch, d.join("same.wav")).unwrap();
    for out in [wav_patch.clone(), d.join("same.wav")] {
        let o = bin()
            .args(["render", "--seconds", "0.1"])
            .arg(&wav_patch)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(stderr(&o).contains("is the patch itself"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(&wav_patch).unwrap(), "sine 440 -> out\n");
    // Too long for one WAV: refused before anything is rendered or allocated.
    let started = Instant::now();
    let o = run(&d.join("day.wav"), "86400");
    assert!(
        !o.status.success() && stderr(&o).contains("do not fit in one WAV file"),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed() < Duration::from_secs(5) && !d.join("day.wav").exists());
}

/// Peak resident memory of a child, sampled while it runs.
fn peak_rss_kib(child: &mut std::process::Child) -> u64 {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status)
            && let Some(kib) = s
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    peak
}

#[test]
fn a_long_render_streams_in_flat_memory() {
    let d = dir("long");
    std::fs::write(d.join("p.syn"), "sine 440 -> out\n").unwrap();
    // 40 minutes of stereo float is 920 MB: held in memory, it could not stay under the bound below.
    let mut child = bin()
        .args(["render", "--raw", "--buffer-size", "1024", "--seconds", "2400"])
        .arg(d.join("p.syn"))
        .arg("--out")
        .arg(d.join("long.wav"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let peak = peak_rss_kib(&mut child);
    assert!(peak < 200 * 1024, "peak RSS {peak} KiB");
    let r = hound::WavReader::open(d.join("long.wav")).unwrap();
    assert_eq!(r.duration(), 2400 * 48_000, "every frame, and a header that says so");
    let _ = std::fs::remove_dir_all(&d);
}
