//! The REST server (issue 18), driven by a real HTTP client on loopback against the real binary: the original's
//! request sequence, every answer checked against the OpenAPI document, the script on disk carrying each change,
//! bad requests answered with their diagnostic, a burst and a silent client, and the security checks.

use crate::common::{read_lines, wait_line};
use serde_json::Value;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub lines: crate::common::Lines,
}

impl Server {
    pub fn start(name: &str, patch: &str, extra: &[&str]) -> Self {
        let dir = crate::common::scratch(name);
        std::fs::write(dir.join("p.syn"), patch).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let args: Vec<&str> = ["--no-log", "--serve", &addr]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        let mut child = crate::common::headless(&dir, &args);
        let lines = read_lines(&mut child);
        wait_line(&lines, "REST API on");
        Self {
            child,
            port,
            dir,
            lines,
        }
    }

    pub fn patch(&self) -> String {
        std::fs::read_to_string(self.dir.join("p.syn")).unwrap()
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        curl(self.port, "GET", path, b"")
    }

    pub fn send(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        curl(self.port, method, path, body.as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = writeln!(stdin, "q");
        }
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One request made with curl, the HTTP client a performer would use; the status and the JSON body.
pub fn curl(port: u16, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    let mut child = Command::new("curl")
        .args([
            "-s",
            "--max-time",
            "10",
            "-X",
            method,
            "-H",
            "Content-Type: application/json",
        ])
        .args(["--data-binary", "@-", "-w", "\n%{http_code}"])
        .arg(format!("http://127.0.0.1:{port}{path}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl is installed (sh .ci/deps installs it)");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(body).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (
        code.trim().parse().unwrap_or(0),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

/// One request on a connection of its own; the status and the JSON body (Null when there is none).
pub fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Value) {
    let (status, _, body) = raw(port, method, path, headers, body);
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// The status, the head and the body text.
pub fn raw(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// Does `v` fit `schema` (types, required properties, arrays, `$ref`, `anyOf`) in `doc`?
fn fits(doc: &Value, schema: &Value, v: &Value) -> Result<(), String> {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or("");
        return fits(doc, &doc["components"]["schemas"][name], v);
    }
    if let Some(any) = schema["anyOf"].as_array() {
        return if any.iter().any(|s| fits(doc, s, v).is_ok()) {
            Ok(())
        } else {
            Err(format!("{v} fits none of {schema}"))
        };
    }
    let ok = match schema["type"].as_str() {
        Some("object") => v.is_object(),
        Some("array") => v.is_array(),
        Some("string") => v.is_string(),
        Some("null") => v.is_null(),
        _ => true,
    };
    if !ok {
        return Err(format!("{v} is not a {}", schema["type"]));
    }
    for req in schema["required"].as_array().into_iter().flatten() {
        let k = req.as_str().unwrap_or("");
        if v.get(k).is_none() {
            return Err(format!("{v} has no `{k}`"));
        }
    }
    if let Some(props) = schema["properties"].as_object() {
        for (k, s) in props {
            if let Some(x) = v.get(k) {
                fits(doc, s, x)?;
            }
        }
    }
    if let Some(items) = schema.get("items") {
        for x in v.as_array().into_iter().flatten() {
            fits(doc, items, x)?;
        }
    }
    Ok(())
}

/// Check an answer against the document's schema for `method path` (as the document spells the path).
fn check(doc: &Value, method: &str, path: &str, v: &Value) {
    let schema = &doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(!schema.is_null(), "the document describes {method} {path}");
    if let Err(e) = fits(doc, schema, v) {
        panic!("{method} {path}: {e}");
    }
}

#[test]
fn the_originals_request_sequence_edits_the_script_and_every_answer_has_its_documented_shape() {
    let s = Server::start("rest-sequence", "new PlaybackNode out;\n", &[]);
    let (_, doc) = s.get("/openapi.json");
    assert_eq!(s.get("/"), (200, Value::from("Synchrotron server running")));
    let (code, v) = s.send(
        "POST",
        "/execute",
        "new SineNode osc; new 440 f; link f.out -> osc.frequency;",
    );
    assert_eq!(code, 200, "{v}");
    check(&doc, "post", "/execute", &v);
    let repr = v.as_str().unwrap();
    assert!(
        repr.starts_with("(<SineNode 'osc' (1 => 1) {}>, <DataNode 'f' (0 => 1) {Value: 440}>"),
        "{repr}"
    );
    assert!(
        repr.contains("<Connection 'f.out' -> 'osc.frequency' (connected)>"),
        "{repr}"
    );
    let (code, v) = s.send("POST", "/nodes?type=SquareNode", "");
    assert_eq!(code, 200, "{v}");
    check(&doc, "post", "/nodes", &v);
    assert!(v["name"].as_str().unwrap().starts_with('_'));
    let (code, v) = s.send("POST", "/nodes/lfo?type=SineNode", "");
    assert_eq!((code, v["name"].as_str()), (200, Some("lfo")), "{v}");
    check(&doc, "post", "/nodes/{node_name}", &v);
    let link =
        r#"{"source": {"node_name": "osc", "port_name": "out"}, "sink": {"node_name": "out", "port_name": "left"}}"#;
    let (code, v) = s.send("PATCH", "/connections", link);
    assert_eq!(code, 200, "{v}");
    check(&doc, "patch", "/connections", &v);
    // The text is the source of truth: every change is in the script on disk, as Synchrolang.
    let text = s.patch();
    assert!(
        text.starts_with("new PlaybackNode out;\nnew SineNode osc; new 440 f;"),
        "{text}"
    );
    assert!(
        text.contains("new SineNode lfo;") && text.ends_with("link osc.out -> out.left;\n"),
        "{text}"
    );
    assert_eq!(s.get("/start").0, 200);
    let (_, nodes) = s.get("/nodes");
    check(&doc, "get", "/nodes", &nodes);
    assert_eq!(nodes.as_array().unwrap().len(), 5, "{nodes}");
    let osc = s.get("/nodes/osc").1;
    check(&doc, "get", "/nodes/{node_name}", &osc);
    assert_eq!(osc["inputs"][0]["source"]["node_name"], "f", "{osc}");
    assert_eq!(osc["outputs"][0]["sinks"][0]["node_name"], "out", "{osc}");
    let (_, conns) = s.get("/connections");
    check(&doc, "get", "/connections", &conns);
    assert_eq!(conns.as_array().unwrap().len(), 2);
    let (_, export) = s.get("/export");
    check(&doc, "get", "/export", &export);
    assert!(
        export.as_str().unwrap().contains("link osc.out -> out.left;"),
        "{export}"
    );
    let (code, v) = s.send("DELETE", "/connections", link);
    assert_eq!(code, 200);
    check(&doc, "delete", "/connections", &v);
    assert_eq!(
        s.send("DELETE", "/connections", link),
        (200, Value::Null),
        "already gone"
    );
    let (code, v) = s.send("DELETE", "/nodes/lfo", "");
    assert_eq!((code, v["name"].as_str()), (200, Some("lfo")));
    check(&doc, "delete", "/nodes/{node_name}", &v);
    assert_eq!(s.get("/clear"), (200, Value::Null));
    assert_eq!(s.get("/nodes"), (200, Value::Array(vec![])));
    assert_eq!(s.patch(), "", "a cleared script is empty");
    // The console's file load: `clear;` and a whole script, positions header and all.
    let sui = "clear;\n\n/*** {\"osc\": {\"x\": 0, \"y\": 0}} ***/\nnew SineNode osc;\nnew PlaybackNode out;\nlink osc.out -> out.right;\n";
    let (code, v) = s.send("POST", "/execute", sui);
    assert_eq!(code, 200, "{v}");
    assert_eq!(s.get("/connections").1.as_array().map(Vec::len), Some(1));
    assert!(s.patch().starts_with("/***"), "{}", s.patch());
    wait_line(&s.lines, "p.syn changed");
    // A demo as the console loads one: a text label (a string constant linked nowhere) and a pulse-width sweep.
    let demo = "clear;\n\nnew \"Hello! Drag between the handles to link nodes.\" text1;\nnew SquareNode sq;\nnew SineNode lfo;\n\
                new 0.5 rate;\nlink rate.out -> lfo.frequency;\nlink lfo.out -> sq.pwm;\nnew 110 f;\nlink f.out -> sq.frequency;\n\
                new MultiplyNode vol;\nnew 0.05 level;\nlink sq.out -> vol.a;\nlink level.out -> vol.b;\n\
                new PlaybackNode out;\nlink vol.out -> out.left;\nlink vol.out -> out.right;\n";
    let (code, v) = s.send("POST", "/execute", demo);
    assert_eq!(code, 200, "{v}");
    let label = s.get("/nodes/text1").1;
    assert_eq!(label["type"], "DataNode", "{label}");
    assert_eq!(
        label["exports"]["Value"], "Hello! Drag between the handles to link nodes.",
        "{label}"
    );
    // Stop and start: the sound muted and back (the set goes on), as the panel's buttons do.
    assert_eq!(s.get("/stop"), (200, Value::Null));
    wait_line(&s.lines, "REST: stop");
    assert_eq!(s.get("/start"), (200, Value::Null));
    wait_line(&s.lines, "REST: start");
    assert!(
        !s.lines.lock().unwrap().iter().any(|l| l.contains("dropout")),
        "the audio was never late"
    );
}

#[test]
fn bad_requests_get_their_diagnostic_as_json_and_change_nothing() {
    let s = Server::start(
        "rest-bad",
        "new SineNode osc;\nnew PlaybackNode out;\nlink osc.out -> out.left;\n",
        &[],
    );
    let before = s.patch();
    let (code, v) = s.send("PATCH", "/connections", "{not json");
    assert_eq!(code, 422, "{v}");
    let (code, v) = s.send("POST", "/nodes?type=NopeNode", "");
    assert_eq!(code, 404, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("NopeNode"));
    let (code, v) = s.send("POST", "/execute", "link osc.out -> nowhere.left;");
    assert_eq!(code, 400, "{v}");
    let d = v["detail"].as_str().unwrap();
    assert!(
        d.contains("nowhere") && d.contains("-->") && d.contains('^'),
        "a diagnostic with its place: {d}"
    );
    let (code, v) = s.send("POST", "/execute", "link osc.out ->");
    assert_eq!(code, 400, "{v}");
    let (code, _) = s.send("POST", "/execute", &"x".repeat(2 << 20));
    assert_eq!(code, 413);
    assert_eq!(s.get("/nope").0, 404);
    assert_eq!(s.send("PUT", "/nodes", "").0, 405);
    let many: String = (0..2_100).fold(String::new(), |mut s, k| {
        let _ = write!(s, "new SineNode n{k};");
        s
    });
    let (code, v) = s.send("POST", "/execute", &many);
    assert_eq!(code, 413, "{v}");
    assert_eq!(s.patch(), before, "nothing changed");
    assert_eq!(
        s.get("/nodes").1.as_array().map(Vec::len),
        Some(2),
        "and it still answers"
    );
}

#[test]
fn a_native_patch_is_described_but_changed_only_through_its_text() {
    let s = Server::start("rest-native", "sine 440 -> gain 0.2 -> out\n", &[]);
    let (code, nodes) = s.get("/nodes");
    assert_eq!(code, 200, "{nodes}");
    assert!(nodes.as_array().unwrap().len() >= 2, "{nodes}");
    let (code, v) = s.send("POST", "/execute", "new SineNode x;");
    assert_eq!(code, 409, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("export"), "{v}");
}

#[test]
fn a_burst_of_a_thousand_and_a_silent_client_are_all_answered_or_timed_out() {
    let s = Server::start(
        "rest-burst",
        "new SineNode osc;\nnew PlaybackNode out;\nlink osc.out -> out.left;\n",
        &[],
    );
    // A client that connects and never sends.
    let mut silent = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    silent.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t0 = Instant::now();
    for k in 0..1_000 {
        let (code, _, _) = raw(
            s.port,
            "GET",
            if k % 2 == 0 { "/nodes" } else { "/connections" },
            &[],
            b"",
        );
        assert_eq!(code, 200, "request {k}");
    }
    // The server drops the silent one after its idle time (an empty read, a reset or a 408; never a hang).
    let mut buf = [0u8; 64];
    let got = silent.read(&mut buf);
    assert!(t0.elapsed() < Duration::from_secs(10), "the silent client was dropped");
    assert!(
        got.as_ref()
            .map_or(true, |&n| n == 0 || buf.starts_with(b"HTTP/1.1 408")),
        "{got:?}"
    );
    assert_eq!(s.get("/").0, 200);
    assert!(
        !s.lines.lock().unwrap().iter().any(|l| l.contains("dropout")),
        "the audio was never late"
    );
}

#[test]
fn foreign_origins_and_hosts_are_refused_and_a_token_is_required_when_given() {
    let s = Server::start("rest-security", "new PlaybackNode out;\n", &["--token", "s3cret"]);
    let evil = [("Origin", "https://evil.example"), ("Authorization", "Bearer s3cret")];
    assert_eq!(http(s.port, "GET", "/nodes", &evil, b"").0, 403);
    let preflight = [
        ("Origin", "https://evil.example"),
        ("Access-Control-Request-Method", "PATCH"),
    ];
    assert_eq!(http(s.port, "OPTIONS", "/connections", &preflight, b"").0, 403);
    let (code, head, _) = raw(
        s.port,
        "OPTIONS",
        "/connections",
        &[
            ("Origin", "https://synchrotron.thatother.dev"),
            ("Access-Control-Request-Method", "PATCH"),
        ],
        b"",
    );
    assert_eq!(code, 204);
    assert!(
        head.contains("Access-Control-Allow-Origin: https://synchrotron.thatother.dev"),
        "{head}"
    );
    // A page on the site itself, with the token: allowed, and told so.
    let ui = [("Origin", "http://localhost:5173"), ("Authorization", "Bearer s3cret")];
    let (code, head, _) = raw(s.port, "GET", "/nodes", &ui, b"");
    assert_eq!(code, 200);
    assert!(
        head.contains("Access-Control-Allow-Origin: http://localhost:5173"),
        "{head}"
    );
    assert_eq!(http(s.port, "GET", "/nodes", &[], b"").0, 401, "no token");
    assert_eq!(
        http(s.port, "GET", "/nodes", &[("Authorization", "Bearer nope")], b"").0,
        401
    );
    // A page that renamed itself to this machine (DNS rebinding) is refused by its Host.
    let (code, _, _) = raw_host(s.port, "evil.example");
    assert_eq!(code, 403);
    // A POST of a script from a foreign page changes nothing.
    let before = s.patch();
    let bad = [("Origin", "https://evil.example"), ("Authorization", "Bearer s3cret")];
    assert_eq!(http(s.port, "POST", "/execute", &bad, b"new SineNode x;").0, 403);
    assert_eq!(s.patch(), before);
}

/// A request whose Host header names another machine.
fn raw_host(port: u16, host: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req =
        format!("GET /nodes HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer s3cret\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out, String::new())
}

#[test]
fn serving_beyond_loopback_without_a_token_is_refused_at_start() {
    let dir = crate::common::scratch("rest-open");
    std::fs::write(dir.join("p.syn"), "new PlaybackNode out;\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_synchrotron-tui"))
        .args([
            "p.syn",
            "--headless",
            "--no-audio",
            "--no-log",
            "--serve",
            "0.0.0.0:2031",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn files_named_over_the_network_stay_in_the_patchs_folder() {
    let s = Server::start(
        "rest-files",
        "new SineNode osc;\nnew PlaybackNode out;\nlink osc.out -> out.left;\n",
        &[],
    );
    let before = s.patch();
    for path in ["../escape.wav", "/tmp/escape.wav", "sub/../../escape.wav"] {
        let script =
            format!("new WavFileNode tape; new \"{path}\" p; link p.out -> tape.path; link osc.out -> tape.signal;");
        let (code, v) = s.send("POST", "/execute", &script);
        assert_eq!(code, 403, "{path}: {v}");
        assert!(v["detail"].as_str().unwrap().contains("patch's folder"), "{v}");
    }
    assert_eq!(s.patch(), before);
    let script = "new WavFileNode tape; new \"take.wav\" p; link p.out -> tape.path; link osc.out -> tape.signal;";
    let (code, v) = s.send("POST", "/execute", script);
    assert_eq!(code, 200, "{v}");
}

#[test]
fn a_change_held_back_as_too_loud_lands_when_it_is_sent_again() {
    let quiet = "new SineNode a;\nnew MultiplyNode m;\nnew 0.01 lv;\nnew PlaybackNode out;\nlink a.out -> m.a;\nlink lv.out -> m.b;\nlink m.out -> out.left;\n";
    let s = Server::start("rest-loud", quiet, &[]);
    wait_line(&s.lines, "v1 ok");
    let loud = "new SquareNode sq; new 220 f; link f.out -> sq.frequency; new MultiplyNode g; new 4 k; \
                link sq.out -> g.a; link k.out -> g.b; link g.out -> out.right;";
    let (code, v) = s.send("POST", "/execute", loud);
    assert_eq!(code, 400, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("held back"), "{v}");
    assert_eq!(s.patch(), quiet, "the file is as it was");
    let (code, v) = s.send("POST", "/execute", loud);
    assert_eq!(code, 200, "sent again, it lands (fading in): {v}");
    assert!(s.patch().ends_with("link g.out -> out.right;\n"));
}
