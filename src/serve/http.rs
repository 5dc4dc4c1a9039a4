//! The HTTP side: `tiny_http` on a listener whose accepted connections time out (a client that connects and never
//! sends is dropped after two seconds), a bounded body, the origin, host and token checks, CORS for SynchrotronUI,
//! and JSON out. Its own thread; a change waits for the control thread's answer (three seconds at most).

use super::api::{self, Answer};
use super::{Call, Shared};
use serde_json::{Value, json};
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};
use std::time::Duration;
use tiny_http::{Header, Request, Response};

/// The largest body taken (a long script or a `.sui` file fits many times over).
pub const BODY_LIMIT: usize = 1 << 20;
/// How long a connection may stay silent, and how long a change may wait for the control thread.
pub const IDLE: Duration = Duration::from_secs(2);
const ANSWER_WAIT: Duration = Duration::from_secs(3);

/// Web pages that may drive the synth: SynchrotronUI's public site and development servers on this machine.
const ORIGINS: &[&str] = &["https://synchrotron.thatother.dev"];

pub struct Context {
    pub shared: Arc<Shared>,
    pub calls: SyncSender<Call>,
    pub token: Option<String>,
    pub origins: Vec<String>,
    /// Bound to loopback: only requests naming this machine as their host are served (no DNS rebinding).
    pub loopback: bool,
    pub stop: Arc<AtomicBool>,
}

/// A listener whose connections inherit read and write timeouts (Linux copies them on accept).
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.set_read_timeout(Some(IDLE))?;
    s.set_write_timeout(Some(IDLE))?;
    s.bind(&addr.into())?;
    s.listen(128)?;
    Ok(s.into())
}

pub fn run(server: &tiny_http::Server, ctx: &Context) {
    while !ctx.stop.load(Ordering::Relaxed) {
        if let Ok(Some(rq)) = server.recv_timeout(Duration::from_millis(100)) {
            // A request that trips a bug loses its connection, not the server.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(rq, ctx)));
        }
    }
}

fn header<'a>(rq: &'a Request, name: &str) -> Option<&'a str> {
    rq.headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn allowed_origin(origin: &str, extra: &[String]) -> bool {
    let local = ["http://localhost", "http://127.0.0.1", "http://[::1]"]
        .iter()
        .any(|base| {
            origin == *base
                || origin
                    .strip_prefix(base)
                    .and_then(|r| r.strip_prefix(':'))
                    .is_some_and(|p| p.parse::<u16>().is_ok())
        });
    local || ORIGINS.contains(&origin) || extra.iter().any(|o| o == origin)
}

fn local_host(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(_, p)| p.parse::<u16>().is_ok())
        .map_or(host, |(h, _)| h);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

fn add<R: Read>(r: &mut Response<R>, k: &str, v: &str) {
    if let Ok(h) = Header::from_bytes(k, v) {
        r.add_header(h);
    }
}

fn json_response(status: u16, body: &Value, origin: Option<&str>) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut r = Response::from_data(body.to_string().into_bytes()).with_status_code(status);
    add(&mut r, "Content-Type", "application/json");
    if let Some(o) = origin {
        add(&mut r, "Access-Control-Allow-Origin", o);
        add(&mut r, "Vary", "Origin");
    }
    r
}

fn handle(mut rq: Request, ctx: &Context) {
    let origin = header(&rq, "Origin").map(str::to_string);
    let reply = |rq: Request, status: u16, body: &Value, cors: bool| {
        let o = origin.as_deref().filter(|_| cors);
        let _ = rq.respond(json_response(status, body, o));
    };
    if let Some(o) = &origin
        && !allowed_origin(o, &ctx.origins)
    {
        let msg = format!("pages from {o} may not drive this synth (start it with --allow-origin {o} to let them)");
        return reply(rq, 403, &json!({ "detail": msg }), false);
    }
    if ctx.loopback && !header(&rq, "Host").is_some_and(local_host) {
        return reply(
            rq,
            403,
            &json!({"detail": "this server answers requests for localhost only"}),
            false,
        );
    }
    if rq.method().as_str() == "OPTIONS" {
        return preflight(rq, origin.as_deref());
    }
    if let Some(t) = &ctx.token {
        let given = header(&rq, "Authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .or_else(|| header(&rq, "X-Synchrotron-Token"));
        if given != Some(t.as_str()) {
            return reply(
                rq,
                401,
                &json!({"detail": "this server needs its token: Authorization: Bearer TOKEN"}),
                true,
            );
        }
    }
    if rq.body_length().is_some_and(|n| n > BODY_LIMIT) {
        return reply(
            rq,
            413,
            &json!({"detail": format!("the body is over {BODY_LIMIT} bytes")}),
            true,
        );
    }
    let mut body = Vec::new();
    if rq
        .as_reader()
        .take(BODY_LIMIT as u64 + 1)
        .read_to_end(&mut body)
        .is_err()
    {
        return reply(rq, 408, &json!({"detail": "the body did not arrive in time"}), true);
    }
    if body.len() > BODY_LIMIT {
        return reply(
            rq,
            413,
            &json!({"detail": format!("the body is over {BODY_LIMIT} bytes")}),
            true,
        );
    }
    let text = ctx.shared.text();
    let method = rq.method().as_str().to_string();
    let url = rq.url().to_string();
    let (status, value) = match api::answer(&method, &url, &body, &text) {
        Answer::Reply(s, v) => (s, v),
        Answer::Change(new, v) => match ask(ctx, |tx| Call::Edit {
            base: text.clone(),
            text: new,
            reply: tx,
        }) {
            Ok(Ok(())) => (200, v),
            Ok(Err(e)) => (400, json!({ "detail": e })),
            Err(e) => (503, json!({ "detail": e })),
        },
        Answer::Run(on) => match ask(ctx, |tx| Call::Run { on, reply: tx }) {
            Ok(_) => (200, Value::Null),
            Err(e) => (503, json!({ "detail": e })),
        },
    };
    reply(rq, status, &value, true);
}

/// Hand a call to the control thread and wait for its answer.
fn ask(ctx: &Context, call: impl FnOnce(SyncSender<Result<(), String>>) -> Call) -> Result<Result<(), String>, String> {
    let (tx, rx) = sync_channel(1);
    match ctx.calls.try_send(call(tx)) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => return Err("busy: too many changes waiting; try again".into()),
        Err(TrySendError::Disconnected(_)) => return Err("the app is ending".into()),
    }
    rx.recv_timeout(ANSWER_WAIT)
        .map_err(|_| "the app did not answer in time; the change may still land".to_string())
}

fn preflight(rq: Request, origin: Option<&str>) {
    let mut r = Response::empty(204);
    let mut headers = vec![
        ("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS"),
        (
            "Access-Control-Allow-Headers",
            "Content-Type, Authorization, X-Synchrotron-Token",
        ),
        ("Access-Control-Max-Age", "600"),
        ("Vary", "Origin"),
    ];
    if let Some(o) = origin {
        headers.push(("Access-Control-Allow-Origin", o));
        // Chrome asks before a public page may reach a server on this machine.
        if header(&rq, "Access-Control-Request-Private-Network").is_some() {
            headers.push(("Access-Control-Allow-Private-Network", "true"));
        }
    }
    for (k, v) in headers {
        add(&mut r, k, v);
    }
    let _ = rq.respond(r);
}
