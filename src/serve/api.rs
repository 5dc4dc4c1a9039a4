//! What each endpoint answers, from the text that plays. Reading endpoints describe the graph the text makes; a
//! changing endpoint returns the new text (the old one with Synchrolang commands appended), checked here first,
//! for the control thread to play like a save. Pure; the server's thread.

use super::model;
use crate::compile::synchrolang::{self as syn, Table};
use crate::compile::{self, Lang};
use crate::lang::diagnostic::render_all;
use crate::lang::synchrolang::{self as parse, CommandKind};
use serde_json::{Value, json};

/// The most nodes a script changed over the network may hold.
pub const MAX_NODES: usize = 2_000;

/// What the server does with a request.
#[derive(Debug, PartialEq)]
pub enum Answer {
    Reply(u16, Value),
    /// Play this text instead, then reply with the value.
    Change(String, Value),
    /// Start (true) or stop the sound.
    Run(bool),
}

fn detail(status: u16, text: impl Into<String>) -> Answer {
    Answer::Reply(status, json!({ "detail": text.into() }))
}

/// The graph `text` makes, as the original's table (a native patch through its Synchrolang export).
pub fn table_of(text: &str) -> Result<Table, String> {
    let script = if text.trim().is_empty() || Lang::detect(text) == Lang::Synchrolang {
        text.to_string()
    } else {
        let checked = compile::check(text).map_err(|d| render_all(&d, "the patch", text))?;
        compile::export::native(&checked.spec)
    };
    interpret(&script)
}

fn interpret(script: &str) -> Result<Table, String> {
    parse::parse(script)
        .and_then(|c| syn::interpret(&c))
        .map_err(|d| render_all(&d, "the script", script))
}

/// Split `/a/b?x=1` into path and the value of each query key.
fn split(url: &str) -> (&str, Vec<(String, String)>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    (path, pairs)
}

/// Percent-decoding (and `+` as a space), lossy on bad input.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answer `method url` with `body`, given the text playing.
pub fn answer(method: &str, url: &str, body: &[u8], text: &str) -> Answer {
    let (path, query) = split(url);
    let q = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let segments: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(decode).collect();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method, seg.as_slice()) {
        ("GET", []) => Answer::Reply(200, json!("Synchrotron server running")),
        ("GET", ["openapi.json"]) => Answer::Reply(200, super::openapi()),
        ("GET", ["start"]) => Answer::Run(true),
        ("GET", ["stop"]) => Answer::Run(false),
        ("GET", ["clear"]) => change(text, "clear;", |_| Value::Null),
        ("GET", ["export"]) => read(text, |t| json!(syn::export(t))),
        ("GET", ["nodes"]) => read(text, model::nodes),
        ("GET", ["nodes", name]) => read_node(text, name),
        ("POST", ["nodes"]) => match q("type") {
            Some(ty) => create(text, &ty, None),
            None => detail(422, "say the node's type: POST /nodes?type=SineNode"),
        },
        ("POST", ["nodes", name]) => match q("type") {
            Some(ty) => create(text, &ty, Some(name)),
            None => detail(422, "say the node's type: POST /nodes/NAME?type=SineNode"),
        },
        ("DELETE", ["nodes", name]) => remove(text, name),
        ("GET", ["connections"]) => read(text, model::connections),
        ("PATCH", ["connections"]) => connection(text, body, true),
        ("DELETE", ["connections"]) => connection(text, body, false),
        ("POST", ["execute"]) => execute(text, body),
        (
            _,
            []
            | ["openapi.json" | "start" | "stop" | "clear" | "export" | "nodes" | "connections" | "execute"]
            | ["nodes", _],
        ) => detail(405, "Method Not Allowed"),
        _ => detail(404, "Not Found"),
    }
}

fn read(text: &str, f: impl Fn(&Table) -> Value) -> Answer {
    match table_of(text) {
        Ok(t) => Answer::Reply(200, f(&t)),
        Err(e) => detail(
            409,
            format!("the patch playing has errors, so it has no graph to show:\n{e}"),
        ),
    }
}

fn read_node(text: &str, name: &str) -> Answer {
    match table_of(text) {
        Ok(t) => match model::find(&t, name) {
            Some(n) => Answer::Reply(200, model::node(&t, n)),
            None => detail(404, format!("no node named `{name}`")),
        },
        Err(e) => detail(409, e),
    }
}

/// The text with `commands` run after it, checked; the reply made from the graph it leaves.
fn change(text: &str, commands: &str, reply: impl Fn(&Table) -> Value) -> Answer {
    if !text.trim().is_empty() && Lang::detect(text) != Lang::Synchrolang {
        return detail(
            409,
            "this patch is written in the patch language, not Synchrolang: change it by editing its text \
             (`synchrotron-tui export PATCH` converts it to a Synchrolang script that can be changed from here)",
        );
    }
    let new = appended(text, commands);
    match interpret(&new) {
        Ok(t) if t.nodes.len() > MAX_NODES => detail(
            413,
            format!(
                "{} nodes is over the {MAX_NODES} a script changed from here may hold",
                t.nodes.len()
            ),
        ),
        Ok(t) => match confined(&t, text) {
            Ok(()) => Answer::Change(new, reply(&t)),
            Err(e) => detail(403, e),
        },
        Err(e) => detail(400, e),
    }
}

/// The files the file nodes of `t` name (`path` inputs fed by a text constant).
fn file_paths(t: &Table) -> Vec<String> {
    use crate::lang::synchrolang::Literal;
    t.links
        .iter()
        .filter(|l| l.to.1 == "path")
        .filter_map(|l| model::find(t, &l.from.0))
        .filter_map(|n| match &n.kind {
            syn::Kind::Data(Literal::Str(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// A file named over the network stays in the patch's folder: relative, with no `..` (the performer's own
/// `--files` folders are for the performer's own text).
fn confined(t: &Table, old: &str) -> Result<(), String> {
    let before = table_of(old).map(|o| file_paths(&o)).unwrap_or_default();
    for p in file_paths(t).into_iter().filter(|p| !before.contains(p)) {
        let path = std::path::Path::new(&p);
        let outside = path.is_absolute()
            || path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
        if outside {
            return Err(format!(
                "`{p}`: a file named over the network must be in the patch's folder (a relative name, no `..`)"
            ));
        }
    }
    Ok(())
}

/// `text` then `commands`; after a `clear` only what follows it is kept (what came before is gone anyway).
pub fn appended(text: &str, commands: &str) -> String {
    let commands = commands.trim();
    let after_clear = parse::parse(commands).ok().and_then(|cmds| {
        cmds.iter()
            .rev()
            .find(|c| matches!(c.kind, CommandKind::Clear))
            .map(|c| c.span.end)
    });
    if let Some(end) = after_clear {
        let rest = commands[end..].trim_start_matches([';', ' ', '\t', '\r', '\n']);
        return if rest.is_empty() {
            String::new()
        } else {
            format!("{rest}\n")
        };
    }
    let old = text.trim_end();
    if old.is_empty() {
        format!("{commands}\n")
    } else {
        format!("{old}\n{commands}\n")
    }
}

/// A name the original would pick: `_` and five letters, not in use.
fn fresh_name(t: &Table) -> String {
    let mut seed = (t.nodes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    loop {
        let name: String = std::iter::once('_')
            .chain((0..5).map(|k| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from(b'a' + ((seed >> (33 + k)) % 26) as u8)
            }))
            .collect();
        if model::find(t, &name).is_none() {
            return name;
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn create(text: &str, ty: &str, name: Option<&str>) -> Answer {
    if !is_name(ty) || !syn::is_type(ty) {
        return detail(404, format!("no node type `{ty}`"));
    }
    let name = match name {
        Some(n) if is_name(n) => n.to_string(),
        Some(n) => return detail(422, format!("`{n}` is not a node name (letters, digits and _)")),
        None => match table_of(text) {
            Ok(t) => fresh_name(&t),
            Err(e) => return detail(409, e),
        },
    };
    let made = name.clone();
    change(text, &format!("new {ty} {name};"), move |t| {
        model::find(t, &made).map_or(Value::Null, |n| model::node(t, n))
    })
}

fn remove(text: &str, name: &str) -> Answer {
    let Ok(t) = table_of(text) else {
        return detail(409, "the patch playing has errors");
    };
    let Some(n) = model::find(&t, name) else {
        return detail(404, format!("no node named `{name}`"));
    };
    let before = model::node(&t, n);
    change(text, &format!("remove {name};"), move |_| before.clone())
}

fn connection(text: &str, body: &[u8], add: bool) -> Answer {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return detail(
            422,
            "the body must be a Connection: {\"source\": {\"node_name\", \"port_name\"}, \"sink\": {…}}",
        );
    };
    let get = |side: &str, k: &str| v[side][k].as_str().map(str::to_string);
    let (Some(a), Some(o), Some(b), Some(i)) = (
        get("source", "node_name"),
        get("source", "port_name"),
        get("sink", "node_name"),
        get("sink", "port_name"),
    ) else {
        return detail(
            422,
            "a Connection needs source and sink, each with node_name and port_name",
        );
    };
    if ![&a, &o, &b, &i].iter().all(|s| is_name(s)) {
        return detail(422, "node and port names are letters, digits and _");
    }
    let reply = model::connection((&a, &o), (&b, &i));
    if add {
        return change(text, &format!("link {a}.{o} -> {b}.{i};"), move |_| reply.clone());
    }
    match table_of(text) {
        Ok(t)
            if t.links
                .iter()
                .any(|l| l.from == (a.clone(), o.clone()) && l.to == (b.clone(), i.clone())) =>
        {
            change(text, &format!("unlink {a}.{o} -> {b}.{i};"), move |_| reply.clone())
        }
        Ok(_) => Answer::Reply(200, Value::Null),
        Err(e) => detail(409, e),
    }
}

/// `POST /execute`: the script runs after the text; the answer is the repr of each command's result, as a string.
fn execute(text: &str, body: &[u8]) -> Answer {
    let Ok(script) = std::str::from_utf8(body) else {
        return detail(400, "the script is not UTF-8 text");
    };
    let cmds = match parse::parse(script.trim()) {
        Ok(c) => c,
        Err(d) => return detail(400, render_all(&d, "the script", script.trim())),
    };
    let export_only = cmds
        .iter()
        .all(|c| matches!(c.kind, CommandKind::Export | CommandKind::Eval));
    if export_only {
        return read(text, move |t| {
            let items: Vec<String> = cmds
                .iter()
                .map(|c| match c.kind {
                    CommandKind::Export => format!("{:?}", syn::export(t)),
                    _ => "None".into(),
                })
                .collect();
            json!(model::tuple(&items))
        });
    }
    change(text, script, move |t| {
        let items: Vec<String> = cmds.iter().map(|c| result(t, &c.kind)).collect();
        json!(model::tuple(&items))
    })
}

/// The repr of one command's result, read from the graph the script left.
fn result(t: &Table, kind: &CommandKind) -> String {
    match kind {
        CommandKind::New { name: Some(n), .. } | CommandKind::Remove(n) => {
            model::find(t, &n.text).map_or_else(|| format!("'{}'", n.text), model::repr_node)
        }
        CommandKind::Link { from, to } => {
            let (f, o) = (from.node.text.as_str(), from.port.text.as_str());
            let (n, i) = (to.node.text.as_str(), to.port.text.as_str());
            let on = t
                .links
                .iter()
                .any(|l| l.from.0 == f && l.from.1 == o && l.to.0 == n && l.to.1 == i);
            model::repr_connection((f, o), (n, i), on)
        }
        CommandKind::Export => format!("{:?}", syn::export(t)),
        _ => "None".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_appended_and_a_clear_keeps_only_what_follows_it() {
        assert_eq!(appended("", "new SineNode a;"), "new SineNode a;\n");
        assert_eq!(
            appended("new SineNode a;\n\n", " link a.out -> b.in; "),
            "new SineNode a;\nlink a.out -> b.in;\n"
        );
        assert_eq!(appended("new SineNode a;\n", "clear;"), "");
        assert_eq!(
            appended("new SineNode a;\n", "clear;\n\nnew SawtoothNode b;"),
            "new SawtoothNode b;\n"
        );
    }

    #[test]
    fn queries_and_paths_are_percent_decoded() {
        assert_eq!(decode("a%20b+c%2Fd%zz%"), "a b c/d%zz%");
        let (path, q) = split("/nodes/my%20node?type=SineNode&x=%41");
        assert_eq!(path, "/nodes/my%20node");
        assert_eq!(
            q,
            [("type".to_string(), "SineNode".to_string()), ("x".into(), "A".into())]
        );
    }

    #[test]
    fn unknown_paths_and_methods_are_told_apart() {
        assert_eq!(answer("GET", "/nowhere", b"", ""), detail(404, "Not Found"));
        assert_eq!(
            answer("PUT", "/connections", b"", ""),
            detail(405, "Method Not Allowed")
        );
        assert_eq!(answer("GET", "/start", b"", ""), Answer::Run(true));
    }

    #[test]
    fn a_native_patch_reads_as_its_graph_and_refuses_changes() {
        let t = table_of("sine 440 -> gain 0.2 -> out\n").expect("a graph");
        assert!(t.nodes.len() >= 2);
        match answer("POST", "/nodes?type=SineNode", b"", "sine 440 -> out\n") {
            Answer::Reply(409, _) => {}
            other => panic!("{other:?}"),
        }
    }
}
