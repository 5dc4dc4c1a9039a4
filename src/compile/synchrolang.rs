//! Synchrolang scripts → the same `GraphSpec` as patches. The commands run in order against a table of named nodes
//! and links (as the original did), then the table becomes a graph of compatibility nodes. None of the original's
//! crash bugs survive: each is a diagnostic with its place, or the correct behaviour. Control thread.

use super::graph::{GraphSpec, NodeSpec, Source};
use super::suggest::closest;
use crate::dsp::compat;
use crate::dsp::registry::{self, NodeDef, ParamKind};
use crate::lang::synchrolang::{Command, CommandKind, Ctor, Literal, Name, PortRef, UnlinkTarget};
use crate::lang::{Diagnostic, Span};
use std::collections::HashMap;
use std::fmt::Write as _;

/// What a named node is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Node(&'static NodeDef),
    /// The speakers: inputs `left` and `right`.
    Playback,
    /// A constant (`new 440 freq`); its output is `out`.
    Data(Literal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SynNode {
    pub name: String,
    pub kind: Kind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from: (String, String),
    pub to: (String, String),
    pub span: Span,
}

/// The state a script leaves: nodes and links in the order they were made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub nodes: Vec<SynNode>,
    pub links: Vec<Link>,
    pub stopped: bool,
    /// Where each name sits in `nodes`, so a script of many nodes runs in linear time.
    index: HashMap<String, usize>,
    /// Links as they are made; a replaced or unlinked one leaves `None` until `interpret` compacts them.
    made: Vec<Option<Link>>,
    /// The link feeding each input, by its place in `made`.
    feeding: HashMap<(String, String), usize>,
}

pub fn inputs(kind: &Kind) -> Vec<&'static str> {
    match kind {
        Kind::Node(d) => d.params.iter().map(|p| p.name).collect(),
        Kind::Playback => vec!["left", "right"],
        Kind::Data(_) => vec![],
    }
}

pub fn outputs(kind: &Kind) -> Vec<&'static str> {
    match kind {
        Kind::Node(d) => d.outputs.to_vec(),
        Kind::Playback => vec![],
        Kind::Data(_) => vec!["out"],
    }
}

impl Table {
    fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Drop the links `gone` selects (unlink, remove: rare, so a pass over them all is fine).
    fn drop_links(&mut self, gone: impl Fn(&Link) -> bool) {
        for slot in &mut self.made {
            if slot.as_ref().is_some_and(&gone)
                && let Some(l) = slot.take()
            {
                self.feeding.remove(&l.to);
            }
        }
    }

    fn reindex(&mut self) {
        self.index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
    }

    /// The node a name refers to, or "unknown node" with the nearest name.
    fn node(&self, n: &Name) -> Result<usize, Diagnostic> {
        self.find(&n.text).ok_or_else(|| {
            let mut d = Diagnostic::error("E002", n.span, format!("there is no node named `{}`", n.text));
            if let Some(s) = closest(&n.text, self.nodes.iter().map(|x| x.name.as_str())) {
                d = d.with_label(format!("did you mean `{s}`?"));
            }
            d.with_help("create it first: `new SineNode name`")
        })
    }

    fn port(&self, p: &PortRef, output: bool) -> Result<(), Diagnostic> {
        let i = self.node(&p.node)?;
        let kind = &self.nodes[i].kind;
        let ports = if output { outputs(kind) } else { inputs(kind) };
        if ports.contains(&p.port.text.as_str()) {
            return Ok(());
        }
        let dir = if output { "output" } else { "input" };
        let mut d = Diagnostic::error(
            "E003",
            p.port.span,
            format!("`{}` has no {dir} `{}`", p.node.text, p.port.text),
        );
        if let Some(s) = closest(&p.port.text, ports.iter().copied()) {
            d = d.with_label(format!("did you mean `{s}`?"));
        }
        let list = if ports.is_empty() {
            "none".to_string()
        } else {
            ports.join(", ")
        };
        Err(d.with_help(format!("its {dir}s: {list}")))
    }

    /// Run one command.
    fn run(&mut self, cmd: &Command, index: usize) -> Result<(), Diagnostic> {
        match &cmd.kind {
            CommandKind::New { ctor, name } => self.create(ctor, name.as_ref(), index, cmd.span),
            CommandKind::Link { from, to } => {
                self.port(from, true)?;
                self.port(to, false)?;
                let link = Link {
                    from: (from.node.text.clone(), from.port.text.clone()),
                    to: (to.node.text.clone(), to.port.text.clone()),
                    span: cmd.span,
                };
                // One source per input: a new link replaces the old one, as in the original.
                if let Some(old) = self.feeding.insert(link.to.clone(), self.made.len()) {
                    self.made[old] = None;
                }
                self.made.push(Some(link));
                Ok(())
            }
            CommandKind::Unlink(target) => {
                match target {
                    UnlinkTarget::Node(n) => {
                        self.node(n)?;
                        self.drop_links(|l| l.from.0 == n.text || l.to.0 == n.text);
                    }
                    UnlinkTarget::Port(p) => {
                        self.node(&p.node)?;
                        let at = (p.node.text.clone(), p.port.text.clone());
                        self.drop_links(|l| l.from == at || l.to == at);
                    }
                    UnlinkTarget::Link(a, b) => {
                        self.node(&a.node)?;
                        self.node(&b.node)?;
                        let (f, t) = (
                            (a.node.text.clone(), a.port.text.clone()),
                            (b.node.text.clone(), b.port.text.clone()),
                        );
                        self.drop_links(|l| l.from == f && l.to == t);
                    }
                }
                Ok(())
            }
            CommandKind::Remove(n) => {
                let i = self.node(n)?;
                self.nodes.remove(i);
                self.reindex();
                self.drop_links(|l| l.from.0 == n.text || l.to.0 == n.text);
                Ok(())
            }
            CommandKind::Clear => {
                self.nodes.clear();
                self.index.clear();
                self.made.clear();
                self.feeding.clear();
                Ok(())
            }
            CommandKind::Start => {
                self.stopped = false;
                Ok(())
            }
            CommandKind::Stop => {
                self.stopped = true;
                Ok(())
            }
            CommandKind::Export | CommandKind::Eval => Ok(()),
        }
    }

    fn create(&mut self, ctor: &Ctor, name: Option<&Name>, index: usize, span: Span) -> Result<(), Diagnostic> {
        let kind = match ctor {
            Ctor::Literal(Literal::Global(g), sp) => {
                return Err(
                    Diagnostic::error("E004", *sp, format!("`${g}` can't be made into a node"))
                        .with_help("globals such as $rate can be read with `eval`, not stored"),
                );
            }
            Ctor::Literal(v, _) => Kind::Data(v.clone()),
            Ctor::Type(t) if t.text == "PlaybackNode" => Kind::Playback,
            // The original's types, or a native node by its own name (how native patches export).
            Ctor::Type(t) => match compat::all().find(|d| d.name == t.text).or_else(|| {
                registry::lookup_any(&super::export::native_name(&t.text))
                    .filter(|d| !d.compat && d.name != "out" && d.name != "sum")
            }) {
                Some(d) => Kind::Node(d),
                None => return Err(unknown_type(t)),
            },
        };
        let name = match name {
            Some(n) if self.find(&n.text).is_some() => {
                return Err(
                    Diagnostic::error("E005", n.span, format!("a node named `{}` already exists", n.text))
                        .with_help("pick another name, or `remove` the old node first"),
                );
            }
            Some(n) => n.text.clone(),
            None => self.auto_name(index),
        };
        self.index.insert(name.clone(), self.nodes.len());
        self.nodes.push(SynNode { name, kind, span });
        Ok(())
    }

    /// `_` and five letters, like the original's, but derived from the command's place so they stay put across
    /// reloads (a node's name is its identity in a hot swap).
    fn auto_name(&self, index: usize) -> String {
        let mut h = (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        loop {
            let name: String = std::iter::once('_')
                .chain((0..5).map(|k| (b'a' + ((h >> (k * 5)) % 26) as u8) as char))
                .collect();
            if self.find(&name).is_none() {
                return name;
            }
            h = h.wrapping_mul(0x2545_F491_4F6C_DD1D).wrapping_add(1);
        }
    }
}

fn unknown_type(t: &Name) -> Diagnostic {
    let known = compat::all().map(|d| d.name).chain(["PlaybackNode"]);
    let mut d = Diagnostic::error("E002", t.span, format!("unknown node type `{}`", t.text));
    if let Some(s) = closest(&t.text, known) {
        d = d.with_label(format!("did you mean `{s}`?"));
    }
    d.with_help("node types are the original's class names, such as SineNode, SquareNode, ClockNode")
}

/// Run a script's commands. A command that fails stops here with its diagnostic; nothing is half-applied to the
/// sound, because the whole script must succeed before its graph plays.
pub fn interpret(cmds: &[Command]) -> Result<Table, Vec<Diagnostic>> {
    let mut t = Table::default();
    for (i, c) in cmds.iter().enumerate() {
        t.run(c, i).map_err(|d| vec![d])?;
    }
    t.links = std::mem::take(&mut t.made).into_iter().flatten().collect();
    Ok(t)
}

/// A literal as a number for a stream input.
fn number(v: &Literal) -> Option<f32> {
    match v {
        Literal::Int(i) => Some(*i as f32),
        Literal::Float(f) => Some(*f as f32),
        Literal::Bool(b) => Some(f32::from(u8::from(*b))),
        _ => None,
    }
}

/// The table as a graph. Warnings (nothing reaching a PlaybackNode, an empty sequence) come back with it.
pub fn to_spec(t: &Table) -> Result<(GraphSpec, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut index = vec![None; t.nodes.len()];
    let mut nodes = Vec::new();
    for (i, n) in t.nodes.iter().enumerate() {
        if let Kind::Node(d) = n.kind {
            index[i] = Some(nodes.len());
            nodes.push(NodeSpec {
                text: vec![],
                key: compat::script_key(&n.name),
                kind: d.name,
                inputs: vec![],
                settings: vec![],
                list: vec![],
                choice: 0,
                span: n.span,
            });
        }
    }
    let sources: HashMap<(&str, &str), &Link> = t
        .links
        .iter()
        .map(|l| ((l.to.0.as_str(), l.to.1.as_str()), l))
        .collect();
    let source_of = |node: &str, port: &str| sources.get(&(node, port)).copied();
    for (i, n) in t.nodes.iter().enumerate() {
        let (Kind::Node(d), Some(at)) = (&n.kind, index[i]) else {
            continue;
        };
        for p in d.params {
            let link = source_of(&n.name, p.name);
            let from = link.and_then(|l| t.find(&l.from.0).map(|j| (j, l)));
            match p.kind {
                ParamKind::List => match from.map(|(j, _)| &t.nodes[j].kind) {
                    Some(Kind::Data(Literal::Array(items))) => {
                        // The original played null as 0; native nodes (exported patches) rest on it.
                        let rest = if d.compat { Some(0.0) } else { None };
                        nodes[at].list = items.iter().map(|v| number(v).or(rest)).collect();
                    }
                    Some(Kind::Data(v)) => nodes[at].list = vec![number(v).or(Some(0.0))],
                    _ => warnings.push(
                        Diagnostic::warning(
                            "W010",
                            n.span,
                            format!("`{}` has no list linked to `{}`, so it plays 0", n.name, p.name),
                        )
                        .with_help(format!(
                            "link one: `new [440, 660] notes; link notes.out -> {}.{}`",
                            n.name, p.name
                        )),
                    ),
                },
                ParamKind::Setting => match data(t, link, p.name) {
                    Ok(v) => nodes[at]
                        .settings
                        .push(v.as_ref().and_then(number).unwrap_or(p.default)),
                    Err(d) => errors.push(d),
                },
                ParamKind::Choice(options) => match data(t, link, p.name) {
                    Ok(None) => {}
                    Ok(Some(v)) => match options.iter().position(|o| Literal::Str((*o).to_string()) == v) {
                        Some(k) => nodes[at].choice = k,
                        None => errors.push(
                            Diagnostic::error(
                                "E004",
                                n.span,
                                format!("{} is not a choice of `{}`", literal_text(&v), p.name),
                            )
                            .with_help(format!("one of: {}", options.join(", "))),
                        ),
                    },
                    Err(d) => errors.push(d),
                },
                ParamKind::Text(default) => match data(t, link, p.name) {
                    Ok(Some(Literal::Str(v))) => nodes[at].text.push(v),
                    Ok(Some(v)) => nodes[at].text.push(literal_text(&v)),
                    Ok(None) => nodes[at].text.push(default.to_string()),
                    Err(d) => errors.push(d),
                },
                _ => {
                    let want_midi = p.kind == ParamKind::Midi;
                    let src = match link {
                        None => Source::Const(p.default),
                        Some(l) => link_source(t, &index, l, p.name, want_midi).unwrap_or_else(|d| {
                            errors.push(d);
                            Source::Const(0.0)
                        }),
                    };
                    nodes[at].inputs.push(src);
                }
            }
        }
        if let Err(d) = super::synchrolang_io::check_node(d, &mut nodes[at], n.span) {
            errors.push(d);
        }
    }
    let mut sides: [Vec<Source>; 2] = [vec![], vec![]];
    for n in t.nodes.iter().filter(|n| n.kind == Kind::Playback) {
        for (side, port) in ["left", "right"].iter().enumerate() {
            if let Some(l) = source_of(&n.name, port) {
                match link_source(t, &index, l, port, false) {
                    Ok(src) => sides[side].push(src),
                    Err(d) => errors.push(d),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let sinks = t.nodes.iter().any(|n| matches!(n.kind, Kind::Node(d) if d.is_sink()));
    if sides.iter().all(Vec::is_empty) && !t.nodes.is_empty() && !sinks {
        warnings.push(
            Diagnostic::warning(
                "W011",
                Span::default(),
                "nothing is linked to a PlaybackNode, so the script is silent",
            )
            .with_help("`new PlaybackNode out; link osc.out -> out.left; link osc.out -> out.right`"),
        );
    }
    let mut bus = Vec::new();
    for side in sides {
        bus.push(sum(&mut nodes, side, bus.len()));
    }
    if t.stopped {
        bus = vec![Source::Const(0.0); 2];
    }
    nodes.push(NodeSpec {
        text: vec![],
        key: "out".into(),
        kind: "out",
        inputs: bus,
        settings: vec![],
        list: vec![],
        choice: 0,
        span: Span::default(),
    });
    let out = nodes.len() - 1;
    Ok((
        GraphSpec {
            bpm: 120.0,
            nodes,
            out,
            sends: vec![],
        },
        warnings,
    ))
}

/// Where a link's samples (or MIDI events, when `midi`) come from: a node's output, or a constant. Text and lists
/// can't feed a stream, MIDI can't feed a stream input and samples can't feed a MIDI input.
fn link_source(t: &Table, index: &[Option<usize>], l: &Link, input: &str, midi: bool) -> Result<Source, Diagnostic> {
    let j = t.find(&l.from.0).unwrap_or(0);
    let name = &t.nodes[j].name;
    match &t.nodes[j].kind {
        Kind::Node(d) if d.midi_out != midi => Err(super::synchrolang_io::kind_mismatch(name, d, l.span, input, midi)),
        Kind::Node(d) => Ok(Source::Node {
            node: index[j].unwrap_or(0),
            port: d.outputs.iter().position(|o| *o == l.from.1).unwrap_or(0),
        }),
        Kind::Data(_) if midi => Err(Diagnostic::error(
            "E004",
            l.span,
            format!("`{name}` is a value, so it can't feed the MIDI input `{input}`"),
        )
        .with_help("MIDI comes from a MidiInputNode, MidiSequenceNode, ChordNode or another MIDI node")),
        Kind::Data(v) => number(v).map(Source::Const).ok_or_else(|| {
            Diagnostic::error(
                "E004",
                l.span,
                format!("`{name}` is not a number, so it can't feed `{input}`"),
            )
            .with_help("stream inputs take numbers (or true/false); lists go to a SequenceNode's `sequence`")
        }),
        Kind::Playback => Ok(Source::Const(0.0)),
    }
}

/// The value linked into a data input (a number or text fixed when the node is built), `None` when unlinked.
/// A node's output can't feed one: the original read such links once, at an arbitrary moment.
fn data(t: &Table, link: Option<&Link>, input: &str) -> Result<Option<Literal>, Diagnostic> {
    let Some(l) = link else { return Ok(None) };
    let j = t.find(&l.from.0).unwrap_or(0);
    match &t.nodes[j].kind {
        Kind::Data(v) => Ok(Some(v.clone())),
        _ => Err(Diagnostic::error(
            "E004",
            l.span,
            format!("`{input}` takes a value, not the output of `{}`", t.nodes[j].name),
        )
        .with_help(format!(
            "link a value to it: `new 0 v; link v.out -> {}.{input}`",
            l.to.0
        ))),
    }
}

/// Several PlaybackNodes mix, as several streams would on a sound card.
fn sum(nodes: &mut Vec<NodeSpec>, mut sources: Vec<Source>, side: usize) -> Source {
    match sources.len() {
        0 => Source::Const(0.0),
        1 => sources.remove(0),
        _ => {
            nodes.push(NodeSpec {
                text: vec![],
                key: compat::script_key(&format!("playback{side}")),
                kind: "sum",
                inputs: sources,
                settings: vec![],
                list: vec![],
                choice: 0,
                span: Span::default(),
            });
            Source::Node {
                node: nodes.len() - 1,
                port: 0,
            }
        }
    }
}

/// The original's `export` format: `new …;` lines, a blank line, `link …;` lines.
pub fn export(t: &Table) -> String {
    let mut out = String::new();
    for n in &t.nodes {
        let ctor = match &n.kind {
            Kind::Node(d) => d.name.to_string(),
            Kind::Playback => "PlaybackNode".to_string(),
            Kind::Data(v) => literal_text(v),
        };
        let _ = writeln!(out, "new {ctor} {};", n.name);
    }
    out.push('\n');
    for l in &t.links {
        let _ = writeln!(out, "link {}.{} -> {}.{};", l.from.0, l.from.1, l.to.0, l.to.1);
    }
    out
}

/// Literals written back as Synchrolang reads them (Python's spelling for floats and lists).
pub fn literal_text(v: &Literal) -> String {
    match v {
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
        // Whole numbers this large print without a point and would read back as an (overflowing) integer.
        Literal::Float(f) if f.is_finite() && f.abs() >= 1e16 => format!("{f:e}"),
        Literal::Float(f) => format!("{f}"),
        Literal::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Literal::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Literal::Null => "null".to_string(),
        Literal::Array(items) => format!("[{}]", items.iter().map(literal_text).collect::<Vec<_>>().join(", ")),
        Literal::Global(g) => format!("${g}"),
    }
}

/// Is this a node type Synchrolang knows (for the native language's "did you mean")?
pub fn is_type(name: &str) -> bool {
    name == "PlaybackNode" || registry::lookup_any(name).is_some_and(|d| d.compat)
}
