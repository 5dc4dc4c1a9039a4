//! The REST server (`--serve [ADDR]`): Synchrotron's API, so its web node editor (SynchrotronUI) and its console
//! drive a running synchrotron-tui. The text stays the source of truth: the control thread publishes the text that
//! plays; requests are answered from it on the server's thread; a change comes back to the control thread as a
//! whole new text (the old one with Synchrolang commands appended), which it checks, saves and swaps in like any
//! save. Loopback only unless a token is given. Control thread for the door; `http` runs on its own thread.

mod api;
mod http;
mod model;

pub use api::{MAX_NODES, answer, appended, table_of};
pub use http::{BODY_LIMIT, IDLE};

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

/// How the server was asked for on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    /// Every request must carry it (required off loopback).
    pub token: Option<String>,
    /// Web origins allowed besides SynchrotronUI's.
    pub origins: Vec<String>,
}

/// What the control thread is asked to do; each answers on its `reply`.
pub enum Call {
    /// Play `text` instead of `base` (refused when the text changed meanwhile, or does not compile).
    Edit {
        base: Arc<str>,
        text: String,
        reply: SyncSender<Result<(), String>>,
    },
    /// Sound on (`/start`) or off (`/stop`).
    Run {
        on: bool,
        reply: SyncSender<Result<(), String>>,
    },
}

impl Call {
    pub fn answer(self, result: Result<(), String>) {
        let (Call::Edit { reply, .. } | Call::Run { reply, .. }) = self;
        let _ = reply.try_send(result);
    }
}

/// The text that plays, as the server reads it.
#[derive(Default)]
pub struct Shared {
    text: Mutex<Arc<str>>,
}

impl Shared {
    fn text(&self) -> Arc<str> {
        self.text.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

pub struct Serve {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    calls: Receiver<Call>,
    stop: Arc<AtomicBool>,
}

/// Changes waiting for the control thread at most (more are answered 503).
const QUEUE: usize = 16;

impl Serve {
    /// Listen on `opts.addr`. Off loopback a token is required.
    pub fn start(opts: &ServeOptions) -> Result<Self, String> {
        let loopback = opts.addr.ip().is_loopback();
        if !loopback && opts.token.is_none() {
            return Err(format!(
                "--serve {}: anyone on the network could play (and write files with) this synth; give a --token \
                 that every request must carry, or serve on 127.0.0.1",
                opts.addr
            ));
        }
        let listener = http::listen(opts.addr).map_err(|e| format!("--serve: cannot listen on {}: {e}", opts.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| format!("--serve: {e}"))?;
        let (tx, calls) = sync_channel(QUEUE);
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let ctx = http::Context {
            shared: shared.clone(),
            calls: tx,
            token: opts.token.clone(),
            origins: opts.origins.clone(),
            loopback,
            stop: stop.clone(),
        };
        std::thread::Builder::new()
            .name("serve".into())
            .spawn(move || http::run(&server, &ctx))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            addr,
            shared,
            calls,
            stop,
        })
    }

    /// The text that plays now (after every save and reload).
    pub fn publish(&self, text: &str) {
        let mut t = self.shared.text.lock().unwrap_or_else(PoisonError::into_inner);
        if **t != *text {
            *t = text.into();
        }
    }

    /// What the server asks of the control thread since the last call.
    pub fn take_calls(&self) -> Vec<Call> {
        self.calls.try_iter().take(QUEUE).collect()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The OpenAPI document describing the endpoints.
pub fn openapi() -> serde_json::Value {
    serde_json::from_str(include_str!("serve/openapi.json")).unwrap_or(serde_json::Value::Null)
}
