//! The process under hostile conditions, through the real binary: every ending signal (interrupt, terminate,
//! hang-up, quit) ends `--headless` cleanly even while the patch is a FIFO or stdin pours `/dev/zero`; a patch that
//! is a device or FIFO is refused at once; unknown commands are said back.

use crate::hostile_files::mkfifo;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn dir(name: &str) -> PathBuf {
    crate::common::scratch(&format!("process-{name}"))
}

fn headless(patch: &std::path::Path, stdin: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .arg(patch)
        .args(["--headless", "--no-audio"])
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill").args([sig, &child.id().to_string()]).status();
    assert!(ok.is_ok_and(|s| s.success()));
}

/// Wait for the child to exit by itself, within `limit`; kill it and fail otherwise. Returns its stdout.
fn ends_within(mut child: Child, limit: Duration, what: &str) -> (std::process::ExitStatus, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut out = String::new();
            let _ = child.stdout.take().unwrap().read_to_string(&mut out);
            return (status, out);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Read stdout until `what` appears (the child keeps running).
fn wait_for(child: &mut Child, what: &str) -> String {
    let mut seen = String::new();
    let out = child.stdout.as_mut().unwrap();
    let mut buf = [0u8; 256];
    let started = Instant::now();
    while !seen.contains(what) {
        assert!(started.elapsed() < Duration::from_secs(20), "no `{what}` in:\n{seen}");
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "ended before `{what}`:\n{seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    seen
}

#[test]
fn every_ending_signal_stops_headless_cleanly() {
    let d = dir("signals");
    let patch = d.join("p.syn");
    std::fs::write(&patch, "sine 440 -> gain 0.1 -> out\n").unwrap();
    for sig in ["-INT", "-TERM", "-HUP", "-QUIT"] {
        let mut child = headless(&patch, Stdio::piped());
        wait_for(&mut child, "v1 ok");
        signal(&child, sig);
        let (status, out) = ends_within(child, Duration::from_secs(5), sig);
        assert!(status.success(), "{sig}: {status:?}");
        assert!(out.contains("stopped"), "{sig}: {out}");
    }
}

#[test]
fn a_patch_replaced_by_a_fifo_or_flooded_stdin_never_hangs_the_loop() {
    let d = dir("fifo");
    let patch = d.join("p.syn");
    std::fs::write(&patch, "sine 440 -> gain 0.1 -> out\n").unwrap();
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let mut child = headless(&patch, Stdio::from(zero));
    wait_for(&mut child, "v1 ok");
    // The patch becomes a FIFO nobody writes: reading it must neither block nor stop the signals.
    std::fs::remove_file(&patch).unwrap();
    mkfifo(&patch);
    std::thread::sleep(Duration::from_millis(400));
    signal(&child, "-TERM");
    let (status, out) = ends_within(child, Duration::from_secs(5), "TERM after a FIFO");
    assert!(status.success() && out.contains("stopped"), "{status:?}\n{out}");
    assert!(
        out.contains("over 256 bytes"),
        "the flood is said back once per line:\n{out}"
    );
}

#[test]
fn special_files_as_patches_are_refused_at_once() {
    let d = dir("special");
    mkfifo(&d.join("pipe.syn"));
    for p in [
        d.join("pipe.syn"),
        PathBuf::from("/dev/zero"),
        PathBuf::from("/dev/urandom"),
        d.clone(),
    ] {
        for args in [vec!["check"], vec![]] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"));
            cmd.args(&args).arg(&p);
            if args.is_empty() {
                cmd.args(["--headless", "--no-audio"]);
            }
            let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            let out = child.wait_with_output().unwrap();
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{p:?} {args:?}");
            assert!(e.contains("not a plain file"), "{p:?} {args:?}: {e}");
        }
    }
}

#[test]
fn unknown_headless_commands_are_said_back() {
    let d = dir("commands");
    let patch = d.join("p.syn");
    std::fs::write(&patch, "sine 440 -> gain 0.1 -> out\n").unwrap();
    let mut child = headless(&patch, Stdio::piped());
    wait_for(&mut child, "v1 ok");
    let stdin = child.stdin.as_mut().unwrap();
    std::io::Write::write_all(stdin, b"pnic\nq\n").unwrap();
    let (status, out) = ends_within(child, Duration::from_secs(5), "q");
    assert!(status.success());
    assert!(
        out.contains("unknown command `pnic`: type p (panic), r (resume), c (cancel an armed change), - or + (master volume), t (record on/off), w (write the last minutes) or q (quit)"),
        "{out}"
    );
}
