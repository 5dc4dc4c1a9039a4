//! MIDI device ports through midir: one thread owns every connection (midir's are not `Send` on all platforms),
//! opens a device port the first time a MidiInputNode asks for it, and keeps the app's own virtual input port
//! "synchrotron-tui" open so other programs can play any MidiInputNode. Messages go to the hub stamped on its clock.
//! Runs on its own thread and midir's callback threads; never on the audio thread.

use super::device_thread::{Requests, report};
use crate::dsp::midi::input::{self, ANY_PORT};
use std::sync::mpsc::Receiver;

static REQUESTS: Requests<i32> = Requests::new();

/// Start the port thread and let MidiInputNodes open ports through it. Call once at start-up.
pub fn install() {
    if REQUESTS.start("midi-ports", serve) {
        input::set_opener(|port| REQUESTS.send(port));
    }
}

/// The names of the device ports, numbered as MidiInputNode's `port` counts them.
pub fn list() -> Result<Vec<String>, String> {
    available()?;
    let midi = midir::MidiInput::new("synchrotron-tui").map_err(|e| e.to_string())?;
    Ok(midi.ports().iter().filter_map(|p| midi.port_name(p).ok()).collect())
}

/// Clock messages to the clock follower, the rest to the nodes; stamped with the hub's clock on arrival.
fn route(port: i32, bytes: &[u8]) {
    let now = input::now_micros();
    if crate::clock::is_clock(bytes) {
        crate::clock::feed(now, bytes);
    } else {
        input::send(port, now, bytes);
    }
}

/// Open the app's virtual port (for a clock to arrive on) without any device port. Call after `install`.
pub fn open_virtual_port() {
    REQUESTS.send(ANY_PORT);
}

fn serve(rx: &Receiver<i32>) {
    let mut open: Vec<(i32, midir::MidiInputConnection<()>)> = Vec::new();
    let mut failed: Vec<i32> = Vec::new();
    let mut virtual_port = None;
    let mut watch = Watch::default();
    loop {
        let port = match rx.recv_timeout(std::time::Duration::from_secs(1)) {
            Ok(p) => p,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                watch.check(&mut open);
                continue;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if open.iter().any(|(p, _)| *p == port) || failed.contains(&port) {
            continue;
        }
        if let Err(e) = available() {
            report(e);
            failed.push(port);
            continue;
        }
        if virtual_port.is_none() {
            virtual_port = open_virtual();
        }
        if port == ANY_PORT {
            continue;
        }
        match connect(port) {
            Ok(c) => {
                watch.opened(port);
                open.push((port, c));
            }
            Err(e) => {
                report(e);
                failed.push(port);
            }
        }
    }
    drop(virtual_port);
}

fn open_virtual() -> Option<midir::MidiInputConnection<()>> {
    #[cfg(unix)]
    {
        use midir::os::unix::VirtualInput;
        let midi = midir::MidiInput::new("synchrotron-tui").ok()?;
        let c = midi.create_virtual("synchrotron-tui", |_, bytes, ()| route(ANY_PORT, bytes), ());
        match c {
            Ok(c) => Some(c),
            Err(e) => {
                report(format!("MIDI: no virtual port ({e})"));
                None
            }
        }
    }
    #[cfg(not(unix))]
    None
}

/// Whether MIDI can be opened at all. Asking ALSA when its sequencer is missing makes it print to stderr, which
/// would scribble over the editor screen.
fn available() -> Result<(), String> {
    if cfg!(target_os = "linux") && !std::path::Path::new("/dev/snd/seq").exists() {
        return Err("MIDI unavailable: this machine has no ALSA sequencer (/dev/snd/seq)".into());
    }
    Ok(())
}

/// Stamped with the hub's clock on arrival, not midir's: every source then shares one timeline.
fn connect(port: i32) -> Result<midir::MidiInputConnection<()>, String> {
    let midi = midir::MidiInput::new("synchrotron-tui").map_err(|e| format!("MIDI unavailable: {e}"))?;
    let ports = midi.ports();
    let Some(p) = usize::try_from(port).ok().and_then(|i| ports.get(i)) else {
        return Err(format!(
            "MIDI port {port} doesn't exist ({} device port{}); the virtual port `synchrotron-tui` still plays",
            ports.len(),
            if ports.len() == 1 { "" } else { "s" }
        ));
    };
    let name = midi.port_name(p).unwrap_or_default();
    midi.connect(p, "synchrotron-tui-in", move |_, bytes, ()| route(port, bytes), ())
        .map_err(|e| format!("MIDI port {port} ({name}) can't be opened: {e}"))
}

/// Ports that vanish mid-set (a cable pulled) and come back: checked every second by name, said in one line each
/// way, reconnected when they return.
#[derive(Default)]
struct Watch {
    /// The name each opened port had.
    names: Vec<(i32, String)>,
    /// Ports gone, by the name to look for.
    gone: Vec<(i32, String)>,
}

impl Watch {
    fn opened(&mut self, port: i32) {
        if let Some(name) = port_names().and_then(|n| usize::try_from(port).ok().and_then(|i| n.get(i).cloned())) {
            self.names.retain(|(p, _)| *p != port);
            self.names.push((port, name));
        }
    }

    fn check(&mut self, open: &mut Vec<(i32, midir::MidiInputConnection<()>)>) {
        if self.names.is_empty() && self.gone.is_empty() {
            return;
        }
        let Some(now) = port_names() else { return };
        let (lost, back) = reconcile(&self.names, &self.gone, &now);
        for port in lost {
            if let Some(i) = self.names.iter().position(|(p, _)| *p == port) {
                let (p, name) = self.names.remove(i);
                open.retain(|(q, _)| *q != p);
                report(format!(
                    "MIDI port {p} ({name}) is gone; it reconnects when it comes back"
                ));
                self.gone.push((p, name));
            }
        }
        for (port, index) in back {
            if let Some(i) = self.gone.iter().position(|(p, _)| *p == port) {
                let (p, name) = self.gone.remove(i);
                if let Ok(c) = connect_index(p, index) {
                    report(format!("MIDI port {p} ({name}) is back"));
                    open.push((p, c));
                    self.names.push((p, name));
                }
            }
        }
    }
}

fn port_names() -> Option<Vec<String>> {
    available().ok()?;
    let midi = midir::MidiInput::new("synchrotron-tui").ok()?;
    Some(midi.ports().iter().filter_map(|p| midi.port_name(p).ok()).collect())
}

/// Which open ports vanished (by name) and which lost ones are back (with their index now). Pure.
fn reconcile(open: &[(i32, String)], gone: &[(i32, String)], now: &[String]) -> (Vec<i32>, Vec<(i32, usize)>) {
    let lost = open.iter().filter(|(_, n)| !now.contains(n)).map(|(p, _)| *p).collect();
    let back = gone
        .iter()
        .filter_map(|(p, n)| now.iter().position(|m| m == n).map(|i| (*p, i)))
        .collect();
    (lost, back)
}

/// Connect to the device port at `index` now, delivering as port number `port` (what the nodes listen to).
fn connect_index(port: i32, index: usize) -> Result<midir::MidiInputConnection<()>, String> {
    let midi = midir::MidiInput::new("synchrotron-tui").map_err(|e| e.to_string())?;
    let ports = midi.ports();
    let p = ports.get(index).ok_or("gone again")?;
    midi.connect(p, "synchrotron-tui-in", move |_, bytes, ()| route(port, bytes), ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::reconcile;

    #[test]
    fn a_vanished_port_is_noticed_and_found_again_by_name_wherever_it_comes_back() {
        let open = vec![(0, "Keys".to_string()), (1, "Knobs".to_string())];
        let (lost, back) = reconcile(&open, &[], &["Knobs".into()]);
        assert_eq!((lost, back), (vec![0], vec![]));
        let gone = vec![(0, "Keys".to_string())];
        let (lost, back) = reconcile(&open[1..], &gone, &["Knobs".into(), "Pads".into(), "Keys".into()]);
        assert_eq!((lost, back), (vec![], vec![(0, 2)]));
    }
}
