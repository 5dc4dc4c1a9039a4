//! AST → `GraphSpec`: resolves node names against the registry and bindings by name, wires chains and parameters,
//! folds constant arithmetic and reports every semantic error with its span. Pure; control thread.

mod call;
mod value;

use super::graph::{GraphSpec, NodeSpec, SendSpec, Source};
use super::suggest::closest;
use crate::dsp::registry;
use crate::lang::ast::{Chain, Expr, ExprKind, Patch, Statement, Unit};
use crate::lang::{Diagnostic, Span};
use std::collections::HashMap;

pub const DEFAULT_BPM: f64 = 120.0;
/// The internal `sum` node takes at most this many inputs; more are summed in a tree.
const SUM_FANIN: usize = 16;

/// What an expression or chain evaluates to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A constant; `unit` is kept only for literals so parameters can check it.
    Num(f64, Option<Unit>),
    Mono(Source),
    Stereo(Source, Source),
    List(Vec<Option<f32>>),
    /// Text in quotes (a pattern), with where it stands.
    Text(String, crate::lang::Span),
    /// The chain ended in `out` (or was a directive): nothing to pass on.
    Sink,
}

#[derive(Debug)]
enum BindingState {
    Pending,
    Resolving,
    Done(Value),
    Failed,
}

struct Binding<'a> {
    chain: &'a Chain,
    span: Span,
    state: BindingState,
    /// A proxy `sum` node standing in for the value when the binding is used inside its own definition.
    proxy: Option<usize>,
    used: bool,
}

pub(crate) struct Resolver<'a> {
    nodes: Vec<NodeSpec>,
    diags: Vec<Diagnostic>,
    bindings: HashMap<&'a str, Binding<'a>>,
    out_left: Vec<Source>,
    out_right: Vec<Source>,
    /// Each chain's way to the speakers, for per-chain meters and mutes.
    sends: Vec<SendSpec>,
    /// The statement being resolved.
    statement: Span,
    bpm: Option<(f64, Span)>,
    counter: usize,
    labels: std::collections::HashSet<String>,
    /// Keys given so far: two nodes in one place (`(saw a) + (saw b)`) must not share one, or a hot swap would
    /// match only one of them.
    used: std::collections::HashSet<String>,
}

/// Resolve a parsed patch. Errors come back with any warnings; success carries the warnings.
pub fn resolve(patch: &Patch) -> Result<(GraphSpec, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut r = Resolver {
        nodes: Vec::new(),
        diags: Vec::new(),
        bindings: HashMap::new(),
        out_left: Vec::new(),
        out_right: Vec::new(),
        sends: Vec::new(),
        statement: Span::default(),
        bpm: None,
        counter: 0,
        labels: std::collections::HashSet::new(),
        used: std::collections::HashSet::new(),
    };
    r.collect_bindings(patch);
    let mut unnamed = 0;
    for st in &patch.statements {
        match st {
            Statement::Binding { name, .. } => {
                r.resolve_binding(&name.name);
            }
            Statement::Chain(chain) => {
                r.statement = chain.span;
                let value = r.chain(chain, &format!("~{unnamed}"));
                unnamed += 1;
                r.warn_if_unheard(chain, value.as_ref());
            }
        }
    }
    r.warn_unused();
    r.finish()
}

impl<'a> Resolver<'a> {
    fn collect_bindings(&mut self, patch: &'a Patch) {
        for st in &patch.statements {
            let Statement::Binding { name, chain } = st else {
                continue;
            };
            if self.bindings.contains_key(name.name.as_str()) {
                self.diags.push(
                    Diagnostic::error("E005", name.span, format!("`{}` is defined twice", name.name))
                        .with_label("defined again here")
                        .with_help("rename one of them; each binding names one signal"),
                );
                continue;
            }
            if let Some(d) = reserved_name(&name.name, name.span) {
                self.diags.push(d);
                continue;
            }
            self.bindings.insert(
                name.name.as_str(),
                Binding {
                    chain,
                    span: name.span,
                    state: BindingState::Pending,
                    proxy: None,
                    used: false,
                },
            );
        }
    }

    /// Resolve a binding's chain once; later uses get the stored value.
    fn resolve_binding(&mut self, name: &str) -> Option<Value> {
        let b = self.bindings.get_mut(name)?;
        match &b.state {
            BindingState::Done(v) => return Some(v.clone()),
            BindingState::Failed => return None,
            BindingState::Resolving => return Some(self.proxy_for(name)),
            BindingState::Pending => b.state = BindingState::Resolving,
        }
        let chain = b.chain;
        let key = name.to_string();
        let value = self.chain(chain, &key);
        let b = self.bindings.get_mut(name)?;
        b.state = value.clone().map_or(BindingState::Failed, BindingState::Done);
        if let (Some(proxy), Some(v)) = (b.proxy, value.as_ref()) {
            let span = chain.span;
            if matches!(v, Value::Sink | Value::List(_)) {
                // Nothing would ever flow back: the loop would read silence for ever.
                let at = b.span;
                self.diags.push(
                    Diagnostic::error("E006", at, format!("`{name}` uses itself, but has no signal to feed back"))
                        .with_label("its chain ends in `out`")
                        .with_help(format!(
                            "end the binding before `out` and play it on its own line: `{name} = (… + {name}*0.5) -> delay 0.3`, then `{name} -> out`"
                        )),
                );
                return None;
            }
            let src = self.mono(v.clone(), span);
            self.nodes[proxy].inputs = vec![src];
        }
        value
    }

    /// A binding used inside its own definition: a placeholder node filled in once the binding is resolved. Only a
    /// `delay` on the loop makes this legal; the scheduler checks that.
    fn proxy_for(&mut self, name: &str) -> Value {
        let existing = self.bindings.get(name).and_then(|b| b.proxy);
        let span = self.bindings.get(name).map_or(Span::default(), |b| b.span);
        let id = existing.unwrap_or_else(|| self.push_node(format!("{name}/loop"), "sum", vec![], span));
        if let Some(b) = self.bindings.get_mut(name) {
            b.proxy = Some(id);
        }
        Value::Mono(Source::Node { node: id, port: 0 })
    }

    /// Evaluate a chain, feeding each stage's value into the next.
    fn chain(&mut self, chain: &Chain, scope: &str) -> Option<Value> {
        let mut incoming: Option<(Value, Span)> = None;
        let mut failed = false;
        for (i, stage) in chain.stages.iter().enumerate() {
            let key = format!("{scope}/{i}");
            if matches!(incoming, Some((Value::Sink, _))) {
                self.diags.push(
                    Diagnostic::error("E009", stage.span, "nothing comes out of `out`")
                        .with_help("`out` is the end of a chain: the speakers"),
                );
                return None;
            }
            // A stage in error still lets the rest of the chain be checked (every error at once): what it would
            // have passed on stands in as silence.
            let value = self.stage(stage, incoming.take(), &key).unwrap_or_else(|| {
                failed = true;
                Value::Num(0.0, None)
            });
            incoming = Some((value, stage.span));
        }
        if failed {
            return None;
        }
        incoming.map(|(v, _)| v)
    }

    /// One stage of a chain, given what the previous stage produced.
    fn stage(&mut self, expr: &Expr, incoming: Option<(Value, Span)>, key: &str) -> Option<Value> {
        match &expr.kind {
            ExprKind::Call(call) => self.call(call, expr.span, incoming, key),
            ExprKind::Name(id) if id.name == "out" => {
                let Some((v, span)) = incoming else {
                    self.diags.push(
                        Diagnostic::error("E009", id.span, "nothing comes out of `out`")
                            .with_help("use `out` at the end of a chain: `sine 440 -> out`"),
                    );
                    return None;
                };
                self.send_out(v, span, true, true);
                Some(Value::Sink)
            }
            ExprKind::Port { base, port } if base.name == "out" => {
                let side = match port.name.as_str() {
                    "left" => (true, false),
                    "right" => (false, true),
                    _ => {
                        self.diags.push(
                            Diagnostic::error("E003", port.span, format!("`out` has no side `{}`", port.name))
                                .with_help("use `out.left` or `out.right`"),
                        );
                        return None;
                    }
                };
                let Some((v, span)) = incoming else {
                    self.diags
                        .push(Diagnostic::error("E009", expr.span, "nothing comes out of `out`"));
                    return None;
                };
                self.send_out(v, span, side.0, side.1);
                Some(Value::Sink)
            }
            ExprKind::Name(id) if registry::lookup(&id.name).is_some_and(|d| !d.hidden) => {
                self.call_named(id, &[], expr.span, incoming, key)
            }
            ExprKind::Name(id) if incoming.is_some() && !self.bindings.contains_key(id.name.as_str()) => {
                self.unknown_name(&id.name, id.span);
                None
            }
            _ => {
                if incoming.is_some() {
                    let what = match &expr.kind {
                        ExprKind::Name(id) if self.bindings.contains_key(id.name.as_str()) => {
                            format!("`{}` is a binding; a chain can't feed into it", id.name)
                        }
                        _ => "a chain can only feed into a node".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::error("E008", expr.span, what)
                            .with_label("the chain arrives here")
                            .with_help("to modulate with a signal, pass it as a parameter: `lowpass cutoff=lfo`"),
                    );
                    return None;
                }
                self.eval(expr, key)
            }
        }
    }

    /// Send a value to the master bus.
    fn send_out(&mut self, v: Value, span: Span, left: bool, right: bool) {
        let (l, r) = match v {
            Value::Stereo(l, r) => (l, r),
            other => {
                let m = self.mono(other, span);
                (m, m)
            }
        };
        if left {
            self.out_left.push(l);
        }
        if right {
            self.out_right.push(r);
        }
        self.sends.push(SendSpec {
            span: self.statement,
            left: left.then_some(l),
            right: right.then_some(r),
        });
    }

    /// `key`, or `key'` (`key''`, …) when a node in the same place already has it: deterministic, and the first
    /// keeps its key, so keys stay what they were wherever there was no clash.
    pub(crate) fn unique_key(&mut self, key: String) -> String {
        let mut k = key;
        while self.used.contains(&k) {
            k.push('\'');
        }
        self.used.insert(k.clone());
        k
    }

    pub(crate) fn push_node(&mut self, key: String, kind: &'static str, inputs: Vec<Source>, span: Span) -> usize {
        let key = self.unique_key(key);
        self.nodes.push(NodeSpec::plain(key, kind, inputs, span));
        self.nodes.len() - 1
    }

    pub(crate) fn next_id(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    /// A single source, summing inputs in a tree of `sum` nodes when there are several.
    fn summed(&mut self, mut sources: Vec<Source>, key: &str, span: Span) -> Source {
        while sources.len() > 1 {
            let mut next = Vec::new();
            for group in sources.chunks(SUM_FANIN) {
                if let [one] = group {
                    next.push(*one);
                } else {
                    let id = self.next_id();
                    let node = self.push_node(format!("{key}+{id}"), "sum", group.to_vec(), span);
                    next.push(Source::Node { node, port: 0 });
                }
            }
            sources = next;
        }
        sources.pop().unwrap_or(Source::Const(0.0))
    }

    fn warn_if_unheard(&mut self, chain: &Chain, value: Option<&Value>) {
        // A chain ending in a sink (`midi_out`) does its work there.
        let sink = chain.stages.last().is_some_and(|e| {
            let name = match &e.kind {
                ExprKind::Call(c) => Some(c.name.name.as_str()),
                ExprKind::Name(id) => Some(id.name.as_str()),
                _ => None,
            };
            name.and_then(registry::lookup).is_some_and(registry::NodeDef::is_sink)
        });
        if !sink && matches!(value, Some(Value::Mono(_) | Value::Stereo(..))) {
            self.diags.push(
                Diagnostic::warning("W001", chain.span, "this chain never reaches `out`, so it is silent")
                    .with_help("end it with `-> out`, or name it (`lead = …`) and use the name elsewhere"),
            );
        }
    }

    fn warn_unused(&mut self) {
        // After an error, unused bindings are usually its echo, not news.
        if self.diags.iter().any(Diagnostic::is_error) {
            return;
        }
        let mut unused: Vec<(Span, String)> = self
            .bindings
            .iter()
            .filter(|(_, b)| !b.used && matches!(b.state, BindingState::Done(Value::Mono(_) | Value::Stereo(..))))
            .map(|(name, b)| (b.span, (*name).to_string()))
            .collect();
        unused.sort_by_key(|(s, _)| s.start);
        for (span, name) in unused {
            self.diags.push(
                Diagnostic::warning("W004", span, format!("`{name}` is never used, so it is silent"))
                    .with_help(format!("send it to the speakers with `{name} -> out`")),
            );
        }
    }

    fn finish(mut self) -> Result<(GraphSpec, Vec<Diagnostic>), Vec<Diagnostic>> {
        let span = Span::default();
        let left = std::mem::take(&mut self.out_left);
        let right = std::mem::take(&mut self.out_right);
        let l = self.summed(left, "out.left", span);
        let r = self.summed(right, "out.right", span);
        let out = self.push_node("out".into(), "out", vec![l, r], span);
        let spec = GraphSpec {
            bpm: self.bpm.map_or(DEFAULT_BPM, |b| b.0),
            nodes: self.nodes,
            out,
            sends: self.sends,
        };
        if self.diags.iter().any(Diagnostic::is_error) {
            Err(self.diags)
        } else {
            Ok((spec, self.diags))
        }
    }

    /// "Unknown name" with the nearest node or binding.
    fn unknown_name(&mut self, name: &str, span: Span) {
        // Sorted, so the suggestion never depends on hash order.
        let mut bindings: Vec<&str> = self.bindings.keys().copied().collect();
        bindings.sort_unstable();
        let mut d = Diagnostic::error("E002", span, format!("unknown node or binding `{name}`"));
        if looks_like_note(name) {
            self.diags.push(d.with_help(
                "notes are a to g, then # or b if sharp or flat, then the octave: `a4`, `c#3`, `eb2` (the German H is `b`)",
            ));
            return;
        }
        let candidates = registry::public().map(|d| d.name).chain(bindings).chain(["bpm"]);
        if let Some(s) = closest(name, candidates) {
            d = d.with_label(format!("did you mean `{s}`?"));
        }
        self.diags
            .push(d.with_help("`synchrotron-tui nodes` lists every node; bindings are made with `name = …`"));
    }
}

/// A letter other than a–g written like a note: `h4`, `H#3`, `x2`.
fn looks_like_note(name: &str) -> bool {
    let b = name.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic)
        && match b.len() {
            2 => b[1].is_ascii_digit(),
            3 => matches!(b[1], b'#' | b'b') && b[2].is_ascii_digit(),
            _ => false,
        }
}

/// Binding names that would be ambiguous: node names, directives, notes.
fn reserved_name(name: &str, span: Span) -> Option<Diagnostic> {
    if registry::lookup(name).is_some_and(|d| !d.hidden) || name == "bpm" {
        return Some(
            Diagnostic::error("E005", span, format!("`{name}` is a node name and can't be a binding"))
                .with_help(format!("pick another name, e.g. `my_{name}`")),
        );
    }
    // `d0 = …` could never be used: `d0` anywhere else reads as the note D0.
    if looks_like_note(name) && matches!(name.as_bytes()[0], b'a'..=b'g' | b'A'..=b'G') {
        return Some(
            Diagnostic::error("E005", span, format!("`{name}` is a note name and can't be a binding")).with_help(
                format!("anywhere else `{name}` means the note's frequency; pick another name, e.g. `{name}_`"),
            ),
        );
    }
    None
}
