//! Evaluating value expressions: literals, bindings and their ports, lists, and arithmetic (folded when constant,
//! otherwise built from `add`/`sub`/`mul`/`div` nodes, per channel for stereo). Control thread.

use super::{Resolver, Value};
use crate::compile::graph::Source;
use crate::dsp::registry;
use crate::lang::ast::{BinOp, Expr, ExprKind, Ident};
use crate::lang::{Diagnostic, Span};

impl Resolver<'_> {
    pub(super) fn eval(&mut self, expr: &Expr, key: &str) -> Option<Value> {
        match &expr.kind {
            ExprKind::Number { value, unit } => Some(Value::Num(
                value * unit.map_or(1.0, crate::lang::ast::Unit::scale),
                *unit,
            )),
            ExprKind::Note { hz, .. } => Some(Value::Num(*hz, Some(crate::lang::ast::Unit::Hz))),
            ExprKind::Rest => {
                self.diags.push(
                    Diagnostic::error("E004", expr.span, "`_` is a rest and only belongs in a list")
                        .with_help("for example `seq [a3 _ c4]`"),
                );
                None
            }
            ExprKind::List(items) => self.list(items),
            ExprKind::Text(s) => Some(Value::Text(s.clone(), expr.span)),
            ExprKind::Name(id) => self.name(id, expr.span, key),
            ExprKind::Port { base, port } => self.port(base, port, key),
            ExprKind::Call(call) => self.call(call, expr.span, None, key),
            ExprKind::Chain(chain) => {
                let v = self.chain(chain, key)?;
                if v == Value::Sink {
                    self.diags.push(
                        Diagnostic::error("E009", expr.span, "this chain ends in `out`, so it has no value here")
                            .with_help("remove `-> out` inside the parentheses"),
                    );
                    return None;
                }
                Some(v)
            }
            ExprKind::Neg(x) => {
                let v = self.eval(x, key)?;
                self.arith(BinOp::Mul, v, Value::Num(-1.0, None), expr.span, key)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.eval(lhs, key), self.eval(rhs, key));
                self.arith(*op, a?, b?, expr.span, key)
            }
        }
    }

    fn name(&mut self, id: &Ident, span: Span, key: &str) -> Option<Value> {
        if self.bindings.contains_key(id.name.as_str()) {
            if let Some(b) = self.bindings.get_mut(id.name.as_str()) {
                b.used = true;
            }
            let v = self.resolve_binding(&id.name)?;
            if v == Value::Sink {
                self.diags.push(
                    Diagnostic::error(
                        "E009",
                        id.span,
                        format!("`{}` ends in `out`, so it has no signal to use", id.name),
                    )
                    .with_help(format!(
                        "remove `-> out` from `{}` and send it to out where it is used",
                        id.name
                    )),
                );
                return None;
            }
            return Some(v);
        }
        if id.name == "out" {
            self.diags.push(
                Diagnostic::error("E009", id.span, "nothing comes out of `out`")
                    .with_help("`out` is the end of a chain: the speakers"),
            );
            return None;
        }
        if registry::lookup(&id.name).is_some_and(|d| !d.hidden) {
            return self.call_named(id, &[], span, None, key);
        }
        self.unknown_name(&id.name, id.span);
        None
    }

    /// `binding.port`: another output of the node a binding ends in; `node.port` (`input.right`): an output of a
    /// node that needs no values.
    fn port(&mut self, base: &Ident, port: &Ident, key: &str) -> Option<Value> {
        if base.name == "out" {
            self.diags.push(
                Diagnostic::error("E009", base.span, "nothing comes out of `out`")
                    .with_help("`out.left` and `out.right` can only end a chain"),
            );
            return None;
        }
        let v = if self.bindings.contains_key(base.name.as_str()) {
            self.name(base, base.span, "")?
        } else if registry::lookup(&base.name).is_some_and(|d| !d.hidden) {
            self.call_named(base, &[], base.span, None, key)?
        } else {
            self.unknown_name(&base.name, base.span);
            return None;
        };
        let (Value::Mono(Source::Node { node, .. }) | Value::Stereo(Source::Node { node, .. }, _)) = v else {
            self.diags.push(Diagnostic::error(
                "E003",
                port.span,
                format!("`{}` is not a node, so it has no ports", base.name),
            ));
            return None;
        };
        let def = self.nodes[node].def();
        match def.output(&port.name) {
            Some(p) => Some(Value::Mono(Source::Node { node, port: p })),
            None => {
                let mut d = Diagnostic::error(
                    "E003",
                    port.span,
                    format!("`{}` has no output `{}`", def.name, port.name),
                );
                if let Some(s) = crate::compile::suggest::closest(&port.name, def.outputs.iter().copied()) {
                    d = d.with_label(format!("did you mean `{s}`?"));
                }
                self.diags
                    .push(d.with_help(format!("`{}` outputs: {}", def.name, def.outputs.join(", "))));
                None
            }
        }
    }

    fn list(&mut self, items: &[Expr]) -> Option<Value> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            if item.kind == ExprKind::Rest {
                out.push(None);
                continue;
            }
            match self.eval(item, "") {
                Some(Value::Num(x, _)) => out.push(Some(x as f32)),
                Some(_) => {
                    self.diags.push(
                        Diagnostic::error("E004", item.span, "list items must be numbers, notes or `_`")
                            .with_help("signals can't go in a list; use them as parameters"),
                    );
                    ok = false;
                }
                None => ok = false,
            }
        }
        ok.then_some(Value::List(out))
    }

    /// Collapse a value to one mono source; stereo is averaged, with a warning.
    pub(super) fn mono(&mut self, v: Value, span: Span) -> Source {
        match v {
            Value::Num(x, _) => Source::Const(x as f32),
            Value::Mono(s) => s,
            Value::Stereo(l, r) => {
                self.diags.push(
                    Diagnostic::warning("W003", span, "a stereo signal is mixed down to mono here")
                        .with_help("put stereo nodes (pan, reverb) last, right before `out`"),
                );
                let id = self.next_id();
                let sum = self.push_node(format!("mono{id}"), "sum", vec![l, r], span);
                let id = self.next_id();
                let half = self.push_node(
                    format!("mono{id}"),
                    "mul",
                    vec![Source::Node { node: sum, port: 0 }, Source::Const(0.5)],
                    span,
                );
                Source::Node { node: half, port: 0 }
            }
            Value::List(_) | Value::Text(..) | Value::Sink => Source::Const(0.0),
        }
    }

    fn arith(&mut self, op: BinOp, a: Value, b: Value, span: Span, key: &str) -> Option<Value> {
        match (a, b) {
            (Value::Num(x, ux), Value::Num(y, uy)) => {
                if op == BinOp::Div && y == 0.0 {
                    self.diags.push(Diagnostic::error("E004", span, "division by zero"));
                    return None;
                }
                let v = match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div => x / y,
                };
                Some(Value::Num(v, ux.or(uy)))
            }
            (a, b) if is_stereo(&a) || is_stereo(&b) => {
                if matches!(a, Value::List(_) | Value::Sink) || matches!(b, Value::List(_) | Value::Sink) {
                    return self.arith(op, Value::List(vec![]), Value::List(vec![]), span, key);
                }
                let ((al, ar), (bl, br)) = (split(a), split(b));
                let left = self.arith(op, al, bl, span, key)?;
                let right = self.arith(op, ar, br, span, key)?;
                match (left, right) {
                    (Value::Mono(l), Value::Mono(r)) => Some(Value::Stereo(l, r)),
                    _ => None,
                }
            }
            (a @ (Value::Num(..) | Value::Mono(_)), b @ (Value::Num(..) | Value::Mono(_))) => {
                let kind = match op {
                    BinOp::Add => "add",
                    BinOp::Sub => "sub",
                    BinOp::Mul => "mul",
                    BinOp::Div => "div",
                };
                let (sa, sb) = (self.mono(a, span), self.mono(b, span));
                let id = self.next_id();
                let node = self.push_node(format!("{key}:{kind}{id}"), kind, vec![sa, sb], span);
                Some(Value::Mono(Source::Node { node, port: 0 }))
            }
            _ => {
                self.diags.push(
                    Diagnostic::error("E004", span, "arithmetic works on numbers and signals, not lists")
                        .with_help("lists are for sequencers: `seq [a3 c4]`"),
                );
                None
            }
        }
    }
}

fn is_stereo(v: &Value) -> bool {
    matches!(v, Value::Stereo(..))
}

/// A value per channel: stereo splits, anything else is used on both sides.
fn split(v: Value) -> (Value, Value) {
    match v {
        Value::Stereo(l, r) => (Value::Mono(l), Value::Mono(r)),
        other => (other.clone(), other),
    }
}
