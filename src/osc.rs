//! OSC in: `--osc [PORT]` listens on UDP (loopback unless told otherwise) for `/syn/ctl/NAME value` (a `ctl` in the
//! patch), `/syn/panic`, `/syn/unmute`, `/syn/tempo BPM` and `/syn/reload`. Bundles with a time tag in the future
//! are held until then. Packets are decoded by `rosc`; anything unknown is counted and shown, never fatal. The
//! socket has a thread of its own; the runner takes the commands on the control thread.

mod server;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

/// What the runner must do for a message (controls are set directly).
#[derive(Debug, Clone, PartialEq)]
pub enum OscCommand {
    Panic,
    Unmute,
    Tempo(f64),
    Reload,
}

/// Counts for the screen: messages that went nowhere, and the last such address.
#[derive(Default)]
pub struct Stats {
    pub unknown: AtomicU64,
    pub last_unknown: Mutex<String>,
}

pub struct Osc {
    pub addr: SocketAddr,
    commands: Receiver<OscCommand>,
    pub stats: Arc<Stats>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Osc {
    /// Listen on `addr` (e.g. `127.0.0.1:9000`).
    pub fn start(addr: &str) -> Result<Self, String> {
        let socket = std::net::UdpSocket::bind(addr).map_err(|e| format!("OSC: cannot listen on {addr}: {e}"))?;
        let local = socket.local_addr().map_err(|e| e.to_string())?;
        let (tx, commands) = std::sync::mpsc::channel();
        let stats = Arc::new(Stats::default());
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s, st) = (stats.clone(), stop.clone());
        std::thread::Builder::new()
            .name("osc".into())
            .spawn(move || server::run(&socket, &tx, &s, &st))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            addr: local,
            commands,
            stats,
            stop,
        })
    }

    /// The commands that arrived since the last call.
    pub fn take_commands(&self) -> Vec<OscCommand> {
        self.commands.try_iter().take(1_000).collect()
    }

    /// `osc: 3 unknown (last /foo/bar)` when something went nowhere.
    pub fn unknown(&self) -> Option<(u64, String)> {
        let n = self.stats.unknown.load(Relaxed);
        (n > 0).then(|| {
            let last = self
                .stats
                .last_unknown
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone();
            (n, last)
        })
    }
}

impl Drop for Osc {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
    }
}
