//! The editor screen in a real terminal: the binary runs in tmux with ALSA writing its stream to a file. We type,
//! press Ctrl-S, and read both the screen (capture-pane) and the sound (the captured stream).

use crate::common::{ALSA_FILE, SR, alsa_home, captured_left, wait_captured};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
    pub dir: PathBuf,
}

impl Tmux {
    /// Start the app on `p.syn` in a fresh folder; `None` leaves the file missing.
    pub fn start(name: &str, patch: Option<&str>) -> Self {
        let dir = alsa_home(&format!("tmux-{name}"), ALSA_FILE);
        if let Some(p) = patch {
            std::fs::write(dir.join("p.syn"), p).unwrap();
        }
        Self::start_in(name, dir)
    }

    /// Start the app on `p.syn` in `dir` (a folder from `alsa_home`, kept from an earlier run).
    pub fn start_in(name: &str, dir: PathBuf) -> Self {
        let args = dir.join("p.syn").display().to_string();
        Self::run_in(name, dir, &args)
    }

    /// Start the app with these arguments (one shell-safe string) in `dir`.
    pub fn run_in(name: &str, dir: PathBuf, args: &str) -> Self {
        let socket = format!("synchrotron-{name}-{}", std::process::id());
        let cmd = format!(
            "cd {} && env HOME={} {} {args}",
            dir.display(),
            dir.display(),
            env!("CARGO_BIN_EXE_synchrotron-tui"),
        );
        let ok = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "160",
                "-y",
                "30",
                &cmd,
            ])
            .status()
            .expect("tmux is installed (sh .ci/deps installs it)");
        assert!(ok.success());
        Self { socket, dir }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_screen(&self, what: &str) -> String {
        let started = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no `{what}` on screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until `what` is no longer on screen.
    pub fn wait_gone(&self, what: &str) -> String {
        let started = Instant::now();
        loop {
            let s = self.screen();
            if !s.contains(what) {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "`{what}` stays on screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["-L", &self.socket, "send-keys"];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    pub fn type_text(&self, text: &str) {
        assert!(
            Command::new("tmux")
                .args(["-L", &self.socket, "send-keys", "-l", text])
                .status()
                .unwrap()
                .success()
        );
    }

    pub fn wait_audio(&self, seconds: f64) {
        wait_captured(&self.dir, seconds);
    }

    pub fn left(&self) -> Vec<f32> {
        captured_left(&self.dir)
    }

    pub fn running(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session"])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Tmux {
    /// The app's process id (tmux runs it as the pane's process; `env` execs it).
    pub fn pid(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Keep the pane after the app ends, so what it left the terminal in can be read.
    pub fn keep_pane(&self) {
        let ok = Command::new("tmux")
            .args(["-L", &self.socket, "set-option", "-g", "remain-on-exit", "on"])
            .status();
        assert!(ok.is_ok_and(|s| s.success()));
    }

    /// After `keep_pane`: wait for the app to end, then whether it left the alternate screen (restored the
    /// terminal).
    pub fn ended_with_terminal_restored(&self) -> bool {
        let query = |what: &str| {
            let out = Command::new("tmux")
                .args(["-L", &self.socket, "display-message", "-p", what])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        let started = Instant::now();
        while query("#{pane_dead}") != "1" {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "still running:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        query("#{alternate_on}") == "0"
    }

    /// Leave the folder in place when this session goes (to start the app there again).
    pub fn keep_dir(mut self) -> PathBuf {
        std::mem::take(&mut self.dir)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // The app must end with its terminal (a test asserts it); should it ever not, it must not keep writing
        // its stream into the deleted capture file of this test for ever.
        let pid = self.pid();
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        if !pid.is_empty() {
            std::thread::sleep(Duration::from_millis(200));
            let _ = Command::new("kill").args(["-9", &pid]).output();
        }
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn tail_freq(x: &[f32]) -> f64 {
    crate::common::zero_crossing_freq(&x[x.len() - 24_000..], SR)
}

#[test]
fn type_save_and_hear_then_a_broken_save_keeps_the_sound() {
    let t = Tmux::start("edit", Some("sine 440 -> gain 0.5 -> out\n"));
    t.wait_screen("v1 ok");
    t.wait_audio(0.5);
    assert!((tail_freq(&t.left()) - 440.0).abs() < 1.0);

    // Change 440 to 660: go to the number, delete it, type the new one, save.
    t.keys(&["Home"]);
    for _ in 0..5 {
        t.keys(&["Right"]);
    }
    t.keys(&["Delete", "Delete", "Delete"]);
    t.type_text("660");
    let edited = t.wait_screen("sine 660");
    assert!(edited.contains("p.syn*"), "modified mark:\n{edited}");
    t.keys(&["C-s"]);
    let saved = t.wait_screen("v2 ok: 1 kept, 1 retuned");
    assert!(!saved.contains("p.syn*"), "saved:\n{saved}");
    t.wait_audio(0.5);
    assert!((tail_freq(&t.left()) - 660.0).abs() < 1.0, "the new pitch plays");
    assert_eq!(
        std::fs::read_to_string(t.dir.join("p.syn")).unwrap(),
        "sine 660 -> gain 0.5 -> out\n"
    );

    // Break it: the error shows, the text is saved, the sound goes on.
    t.keys(&["End"]);
    t.keys(&["BSpace", "BSpace", "BSpace"]);
    t.wait_screen("1 error(s)");
    t.keys(&["C-s"]);
    let broken = t.wait_screen("the last good version keeps playing");
    assert!(broken.contains("●"), "the error line is marked:\n{broken}");
    let before = t.left().len();
    t.wait_audio(0.5);
    let x = t.left();
    assert!(x.len() > before);
    assert!((tail_freq(&x) - 660.0).abs() < 1.0, "the old sound continues");
    let tail = &x[x.len() - 24_000..];
    assert!(tail.iter().fold(0f32, |m, v| m.max(v.abs())) > 0.49);
    assert_eq!(
        std::fs::read_to_string(t.dir.join("p.syn")).unwrap(),
        "sine 660 -> gain 0.5 -> \n"
    );

    // Quit: nothing unsaved, so it goes at once and the session closes.
    t.keys(&["C-q"]);
    let started = Instant::now();
    while t.running() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "did not quit:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_missing_file_opens_the_template_and_the_first_save_creates_it() {
    let t = Tmux::start("new", None);
    let path = t.dir.join("p.syn");
    t.wait_screen("new file: Ctrl-S creates it");
    t.wait_screen("sine a4");
    assert!(!path.exists());
    // Nothing plays before the first save, as the status line says.
    t.wait_audio(0.2);
    assert!(
        t.left().iter().all(|v| *v == 0.0),
        "the template played before it was saved"
    );
    t.keys(&["C-s"]);
    t.wait_screen("v1 ok");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("sine a4 -> gain 0.2 -> out")
    );
}

#[test]
fn outside_changes_reload_a_clean_buffer_and_ask_about_a_modified_one() {
    let t = Tmux::start("outside", Some("sine 440 -> gain 0.5 -> out\n"));
    let path = t.dir.join("p.syn");
    t.wait_screen("v1 ok");
    std::fs::write(&path, "sine 550 -> gain 0.5 -> out\n").unwrap();
    t.wait_screen("sine 550");
    t.wait_screen("v2 ok");
    // Now edit here, and have another program change the file too.
    t.keys(&["End"]);
    t.type_text(" # mine");
    t.wait_screen("# mine");
    std::fs::write(&path, "sine 770 -> gain 0.5 -> out\n").unwrap();
    t.wait_screen("The file changed on disk");
    t.keys(&["l"]);
    let s = t.wait_screen("sine 770");
    assert!(!s.contains("# mine"), "loaded theirs:\n{s}");
    t.wait_screen("v3 ok");
    // Resizing keeps a working screen, down to 80x24.
    let _ = Command::new("tmux")
        .args(["-L", &t.socket, "resize-window", "-x", "80", "-y", "24"])
        .output();
    let small = t.wait_screen("levels");
    assert!(small.lines().count() <= 24 && small.contains("sine 770"), "{small}");
}
