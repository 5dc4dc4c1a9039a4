//! The MIDI-out thread: every millisecond it takes what `midi_out` nodes and the engine's clock sent, routes it
//! (`dsp::keys::route`: once each, notes ended when their node goes) and writes it to the output ports named by
//! `--midi-out` (notes) and `--clock-out` (clock, start, stop). On quit it ends every note on every channel and stops
//! the clock. Its own thread; never the audio thread.

use crate::dsp::keys::out::{self, OutMsg};
use crate::dsp::keys::route::Router;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Writes one message to a port.
type Port = Box<dyn FnMut(&[u8]) + Send>;

static STOP: AtomicBool = AtomicBool::new(false);
static THREAD: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

/// Bytes in a message with this status.
pub fn len_of(status: u8) -> usize {
    match status {
        0xF8..=0xFF | 0xF6 => 1,
        0xC0..=0xDF | 0xF1 | 0xF3 => 2,
        _ => 3,
    }
}

/// Start the thread, sending notes to the port whose name contains `notes` and clock to `clock`'s.
pub fn start(notes: Option<String>, clock: Option<String>) {
    let handle = std::thread::Builder::new().name("midi-out".into()).spawn(move || {
        let mut ports = [notes.and_then(|n| connect(&n)), clock.and_then(|n| connect(&n))];
        let mut router = Router::default();
        let mut buf = Vec::new();
        loop {
            let stopping = STOP.load(Ordering::Relaxed);
            buf.clear();
            out::drain(&mut buf);
            router.route(&buf, &mut |b, _| write(&mut ports, b));
            if stopping {
                router.all_off(&mut |b, _| write(&mut ports, b));
                write(&mut ports, [0xFC, 0, 0]);
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    if let Ok(h) = handle {
        *THREAD.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(h);
    }
}

/// Quit: end every note and stop the clock, waiting at most a quarter second.
pub fn stop() {
    STOP.store(true, Ordering::Relaxed);
    let h = THREAD.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    if let Some(h) = h {
        let started = std::time::Instant::now();
        while !h.is_finished() && started.elapsed() < Duration::from_millis(250) {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// System real-time messages go to the clock port, the rest to the notes port.
fn write(ports: &mut [Option<Port>; 2], b: [u8; 3]) {
    let which = usize::from(b[0] >= 0xF8);
    if let Some(send) = &mut ports[which] {
        send(&b[..len_of(b[0])]);
    }
}

#[cfg(feature = "midi")]
fn connect(name: &str) -> Option<Port> {
    let fail = |why: String| {
        super::device_thread::report(format!("MIDI out `{name}`: {why}; nothing is sent there"));
        None
    };
    if cfg!(target_os = "linux") && !std::path::Path::new("/dev/snd/seq").exists() {
        return fail("this machine has no ALSA sequencer (/dev/snd/seq)".into());
    }
    let out = match midir::MidiOutput::new("synchrotron-tui") {
        Ok(o) => o,
        Err(e) => return fail(e.to_string()),
    };
    let ports = out.ports();
    let Some(p) = ports.iter().find(|p| {
        out.port_name(p)
            .is_ok_and(|n| n.to_lowercase().contains(&name.to_lowercase()))
    }) else {
        return fail("no output port has that name (--list-devices lists them)".into());
    };
    match out.connect(p, "synchrotron-tui-out") {
        Ok(mut c) => Some(Box::new(move |b: &[u8]| {
            let _ = c.send(b);
        })),
        Err(e) => fail(e.to_string()),
    }
}

#[cfg(not(feature = "midi"))]
fn connect(name: &str) -> Option<Port> {
    super::device_thread::report(format!("MIDI out `{name}`: built without MIDI support"));
    None
}

/// A stand-in for the device, for tests: route what is waiting and hand back the bytes that would be sent.
pub fn route_now(router: &mut Router) -> Vec<([u8; 3], u64)> {
    let mut buf: Vec<OutMsg> = Vec::new();
    out::drain(&mut buf);
    let mut sent = Vec::new();
    router.route(&buf, &mut |b, f| sent.push((b, f)));
    sent
}
