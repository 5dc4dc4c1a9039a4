//! The original's JSON shapes (`Node{name,type,inputs,outputs,exports}`, `Input{node_name,port_name,type,source}`,
//! `Output{…,sinks}`, `Connection{source,sink}`, `Port{node_name,port_name}`) and its `repr` text, made from the
//! table a Synchrolang script leaves. Pure; the server's thread.

use crate::compile::synchrolang::{self as syn, Kind, SynNode, Table};
use crate::dsp::registry::ParamKind;
use serde_json::{Value, json};

fn port(node: &str, port: &str) -> Value {
    json!({"node_name": node, "port_name": port})
}

/// The class name the original gives a node.
pub fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Node(d) => d.name.to_string(),
        Kind::Playback => "PlaybackNode".into(),
        Kind::Data(_) => "DataNode".into(),
    }
}

/// The original's port class for input `name` of a node of this kind.
fn input_type(kind: &Kind, name: &str) -> &'static str {
    let Kind::Node(d) = kind else { return "StreamInput" };
    match d.params.iter().find(|p| p.name == name).map(|p| p.kind) {
        Some(ParamKind::Midi) => "MidiInput",
        Some(ParamKind::Signal) | None => "StreamInput",
        Some(_) => "DataInput",
    }
}

fn output_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Node(d) if d.midi_out => "MidiOutput",
        Kind::Data(_) => "DataOutput",
        _ => "StreamOutput",
    }
}

fn exports(kind: &Kind) -> Value {
    match kind {
        Kind::Data(v) => json!({ "Value": literal(v) }),
        _ => json!({}),
    }
}

fn literal(v: &crate::lang::synchrolang::Literal) -> Value {
    use crate::lang::synchrolang::Literal as L;
    match v {
        L::Int(i) => json!(i),
        L::Float(f) => json!(f),
        L::Str(s) => json!(s),
        L::Bool(b) => json!(b),
        L::Null => Value::Null,
        L::Array(items) => Value::Array(items.iter().map(literal).collect()),
        L::Global(g) => json!(format!("${g}")),
    }
}

pub fn node(t: &Table, n: &SynNode) -> Value {
    let inputs: Vec<Value> = syn::inputs(&n.kind)
        .into_iter()
        .map(|p| {
            let source = t
                .links
                .iter()
                .find(|l| l.to.0 == n.name && l.to.1 == p)
                .map_or(Value::Null, |l| port(&l.from.0, &l.from.1));
            json!({"node_name": n.name, "port_name": p, "type": input_type(&n.kind, p), "source": source})
        })
        .collect();
    let outputs: Vec<Value> = syn::outputs(&n.kind)
        .into_iter()
        .map(|p| {
            let sinks: Vec<Value> = t
                .links
                .iter()
                .filter(|l| l.from.0 == n.name && l.from.1 == p)
                .map(|l| port(&l.to.0, &l.to.1))
                .collect();
            json!({"node_name": n.name, "port_name": p, "type": output_type(&n.kind), "sinks": sinks})
        })
        .collect();
    json!({"name": n.name, "type": type_name(&n.kind), "inputs": inputs, "outputs": outputs,
           "exports": exports(&n.kind)})
}

pub fn nodes(t: &Table) -> Value {
    Value::Array(t.nodes.iter().map(|n| node(t, n)).collect())
}

pub fn find<'a>(t: &'a Table, name: &str) -> Option<&'a SynNode> {
    t.nodes.iter().find(|n| n.name == name)
}

pub fn connection(from: (&str, &str), to: (&str, &str)) -> Value {
    json!({"source": port(from.0, from.1), "sink": port(to.0, to.1)})
}

pub fn connections(t: &Table) -> Value {
    Value::Array(
        t.links
            .iter()
            .map(|l| connection((&l.from.0, &l.from.1), (&l.to.0, &l.to.1)))
            .collect(),
    )
}

/// `<SineNode 'a' (2 => 1) {}>`, as the original prints a node.
pub fn repr_node(n: &SynNode) -> String {
    let exports = match &n.kind {
        Kind::Data(v) => format!("{{Value: {}}}", syn::literal_text(v)),
        _ => "{}".into(),
    };
    format!(
        "<{} '{}' ({} => {}) {exports}>",
        type_name(&n.kind),
        n.name,
        syn::inputs(&n.kind).len(),
        syn::outputs(&n.kind).len()
    )
}

/// `<Connection 'a.out' -> 'b.in' (connected)>`.
pub fn repr_connection(from: (&str, &str), to: (&str, &str), connected: bool) -> String {
    format!(
        "<Connection '{}.{}' -> '{}.{}' ({})>",
        from.0,
        from.1,
        to.0,
        to.1,
        if connected { "connected" } else { "disconnected" }
    )
}

/// A Python tuple's repr of these items: `()`, `(a,)`, `(a, b)`.
pub fn tuple(items: &[String]) -> String {
    match items {
        [] => "()".into(),
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}
