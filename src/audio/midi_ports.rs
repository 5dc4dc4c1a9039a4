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
    while let Ok(port) = rx.recv() {
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
            Ok(c) => open.push((port, c)),
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
