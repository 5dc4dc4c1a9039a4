//! Resolving node calls: arguments to parameters, defaults, units and ranges, the `bpm` directive, and the `out` bus.
//! Control thread.

use super::{Resolver, Value};
use crate::compile::graph::{NodeSpec, Source};
use crate::compile::suggest::closest;
use crate::dsp::registry::{self, NodeDef, ParamDef, ParamKind, Unit as PUnit};
use crate::lang::ast::{Arg, Call, Expr, ExprKind, Ident, Unit};
use crate::lang::{Diagnostic, Span};

impl Resolver<'_> {
    pub(super) fn call(
        &mut self,
        call: &Call,
        span: Span,
        incoming: Option<(Value, Span)>,
        key: &str,
    ) -> Option<Value> {
        let Some(label) = &call.label else {
            return self.call_named(&call.name, &call.args, span, incoming, key);
        };
        if !self.labels.insert(label.name.clone()) {
            self.diags.push(
                Diagnostic::error("E005", label.span, format!("the label `@{}` is used twice", label.name))
                    .with_help("a label names one node; give the other node another label"),
            );
            return None;
        }
        self.call_named(&call.name, &call.args, span, incoming, &format!("@{}", label.name))
    }

    pub(super) fn call_named(
        &mut self,
        name: &Ident,
        args: &[Arg],
        span: Span,
        incoming: Option<(Value, Span)>,
        key: &str,
    ) -> Option<Value> {
        if name.name == "bpm" {
            return self.bpm(name, args, span, incoming.is_some());
        }
        let Some(def) = registry::lookup(&name.name).filter(|d| !d.hidden) else {
            if self.bindings.contains_key(name.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        "E004",
                        name.span,
                        format!("`{}` is a binding and takes no arguments", name.name),
                    )
                    .with_help("to scale a signal write `lfo * 0.5`, or feed it on: `lfo -> gain 0.5`"),
                );
            } else {
                self.unknown_name(&name.name, name.span);
            }
            return None;
        };
        let mut assigned = self.assign(def, name, args, incoming, key)?;
        if def.name == "sample" {
            self.driven_by_pattern(def, &mut assigned);
        }
        if def.name == "out" {
            for (k, (v, s)) in assigned.into_iter().enumerate() {
                if let Some(v) = v {
                    self.send_out(v, s, k == 0, k == 1);
                }
            }
            return Some(Value::Sink);
        }
        let node = self.build_node(def, assigned, span, key)?;
        Some(if def.is_stereo() {
            Value::Stereo(Source::Node { node, port: 0 }, Source::Node { node, port: 1 })
        } else {
            Value::Mono(Source::Node { node, port: 0 })
        })
    }

    /// `pat "bd*2 [sn cp]" -> sample`: a sampler fed by a pattern and given no file plays the pattern's sample
    /// names, each step the one it names, on the pattern's triggers.
    fn driven_by_pattern(&mut self, def: &NodeDef, assigned: &mut [(Option<Value>, Span)]) {
        let slot = |name: &str| def.param(name).map(|(i, _)| i);
        let (Some(trig), Some(which), Some(file)) = (slot("trig"), slot("which"), slot("file")) else {
            return;
        };
        let Some((Value::Mono(Source::Node { node, port: 0 }), span)) =
            assigned[trig].0.clone().map(|v| (v, assigned[trig].1))
        else {
            return;
        };
        if assigned[file].0.is_some() || self.nodes[node].kind != "pat" {
            return;
        }
        let text = self.nodes[node].text.first().cloned().unwrap_or_default();
        let names = crate::pattern::sample_names(&text);
        if names.is_empty() {
            return;
        }
        assigned[file] = (Some(Value::Text(names.join("\n"), span)), span);
        assigned[trig] = (Some(Value::Mono(Source::Node { node, port: 2 })), span);
        assigned[which] = (Some(Value::Mono(Source::Node { node, port: 0 })), span);
    }

    /// Match the incoming value, the positional argument and keyword arguments to parameters.
    fn assign(
        &mut self,
        def: &'static NodeDef,
        name: &Ident,
        args: &[Arg],
        incoming: Option<(Value, Span)>,
        key: &str,
    ) -> Option<Vec<(Option<Value>, Span)>> {
        let mut slots: Vec<(Option<Value>, Span)> = vec![(None, name.span); def.params.len()];
        let mut ok = true;
        if let Some((v, s)) = incoming {
            match def.main_input.and_then(|m| def.param(m)) {
                Some((i, _)) => slots[i] = (Some(v), s),
                None => {
                    self.diags.push(
                        Diagnostic::error("E008", name.span, format!("`{}` takes no input from a chain", def.name))
                            .with_help(format!(
                                "start a chain with `{}` instead: `{} -> …`",
                                def.name, def.name
                            )),
                    );
                    ok = false;
                }
            }
        }
        let mut positional_seen = false;
        let mut prev_end = None;
        for arg in args {
            // `sine(2)` glued to what came before reads as a node then a separate value `(2)`.
            let glued = matches!(arg, Arg::Positional(e) if prev_end == Some(e.span.start));
            prev_end = Some(match arg {
                Arg::Positional(e) | Arg::Keyword { value: e, .. } => e.span.end,
            });
            let (pname, pspan, expr) = match arg {
                Arg::Positional(e) => {
                    if positional_seen || def.positional.is_none() {
                        self.diags.push(
                            Diagnostic::error(
                                "E012",
                                e.span,
                                format!("`{}` takes one value without a name at most", def.name),
                            )
                            .with_help(Self::positional_help(def)),
                        );
                        ok = false;
                        continue;
                    }
                    positional_seen = true;
                    let mut p = def.positional.unwrap_or("");
                    if let (Some(alt), ExprKind::Number { unit: Some(u), .. }) = (def.hz_param, &e.kind)
                        && u.is_frequency()
                    {
                        p = alt;
                    }
                    (p, e.span, e)
                }
                Arg::Keyword { name: k, value } => (k.name.as_str(), k.span, value),
            };
            let Some((i, pdef)) = def.param(pname) else {
                let mut d = Diagnostic::error("E003", pspan, format!("`{}` has no parameter `{pname}`", def.name));
                if let Some(s) = closest(pname, def.params.iter().map(|p| p.name)) {
                    d = d.with_label(format!("did you mean `{s}`?"));
                }
                self.diags.push(d.with_help(Self::param_list_help(def)));
                ok = false;
                continue;
            };
            if slots[i].0.is_some() {
                let help = if glued {
                    "to give a node its values inside an expression, put the call in brackets: `(sine 2)`, not `sine(2)`"
                } else {
                    "a chain feeding this node already sets its main input, or the name is repeated"
                };
                self.diags
                    .push(Diagnostic::error("E007", pspan, format!("`{pname}` is given twice")).with_help(help));
                ok = false;
                continue;
            }
            match self.arg_value(pdef, expr, &format!("{key}.{pname}")) {
                Some(v) => slots[i] = (Some(v), expr.span),
                None => ok = false,
            }
        }
        ok.then_some(slots)
    }

    /// Evaluate an argument; choice parameters take a bare word.
    fn arg_value(&mut self, p: &ParamDef, expr: &Expr, key: &str) -> Option<Value> {
        if let ParamKind::Choice(choices) = p.kind {
            let word = match &expr.kind {
                ExprKind::Name(id) => id.name.as_str(),
                _ => "",
            };
            return match choices.iter().position(|c| *c == word) {
                Some(i) => Some(Value::Num(i as f64, None)),
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            "E004",
                            expr.span,
                            format!("`{}` must be one of: {}", p.name, choices.join(", ")),
                        )
                        .with_help(format!(
                            "for example `{}={}`",
                            p.name,
                            choices[choices.len() - 1]
                        )),
                    );
                    None
                }
            };
        }
        self.eval(expr, key)
    }

    fn build_node(
        &mut self,
        def: &'static NodeDef,
        assigned: Vec<(Option<Value>, Span)>,
        span: Span,
        key: &str,
    ) -> Option<usize> {
        let mut spec = NodeSpec {
            text: vec![],
            key: format!("{key}:{}", def.name),
            kind: def.name,
            inputs: vec![],
            settings: vec![],
            list: vec![],
            choice: 0,
            span,
        };
        let mut ok = true;
        for (p, (value, vspan)) in def.params.iter().zip(assigned) {
            match p.kind {
                ParamKind::Signal => match value {
                    None => spec.inputs.push(Source::Const(p.default)),
                    Some(v) => match self.signal_param(def, p, v, vspan) {
                        Some(s) => spec.inputs.push(s),
                        None => ok = false,
                    },
                },
                ParamKind::Setting => match value.map(|v| self.constant_param(def, p, v, vspan)) {
                    None => spec.settings.push(p.default),
                    Some(Some(x)) => spec.settings.push(x),
                    Some(None) => ok = false,
                },
                ParamKind::List => match value {
                    Some(Value::List(items)) if !items.is_empty() => spec.list = items,
                    Some(Value::Num(x, _)) => spec.list = vec![Some(x as f32)],
                    Some(_) | None => {
                        self.diags.push(
                            Diagnostic::error("E004", vspan, format!("`{}` needs a list for `{}`", def.name, p.name))
                                .with_help(format!("for example `{} [a3 c4 _ e4]`", def.name)),
                        );
                        ok = false;
                    }
                },
                ParamKind::Choice(_) => {
                    if let Some(Value::Num(x, _)) = value {
                        spec.choice = x as usize;
                    }
                }
                ParamKind::Text(default) => match value {
                    // An empty default means there is none: the text must be given.
                    None if default.is_empty() => {
                        self.diags.push(
                            Diagnostic::error("E004", span, format!("`{}` needs its {}", def.name, p.name))
                                .with_help(format!("`{} \"…\"`: {}", def.name, p.help)),
                        );
                        ok = false;
                    }
                    None => spec.text.push(default.to_string()),
                    Some(Value::Text(s, at)) => match check_text(def, &s, at) {
                        Ok(()) => {
                            // A sampler's files by version too: a file changed on disk is a changed node.
                            if def.name == "sample" {
                                let tags: Vec<String> = s.lines().map(crate::sample::tag).collect();
                                spec.text.push(s);
                                spec.text.push(tags.join(";"));
                            } else {
                                spec.text.push(s);
                            }
                        }
                        Err(d) => {
                            self.diags.push(d);
                            ok = false;
                        }
                    },
                    Some(_) => {
                        self.diags.push(
                            Diagnostic::error("E004", vspan, format!("`{}` takes text in quotes", p.name))
                                .with_help(format!("`{}`: {}", p.name, p.help)),
                        );
                        ok = false;
                    }
                },
                // Native nodes have none; only Synchrolang's compatibility nodes do.
                ParamKind::Midi => {}
            }
        }
        if !ok {
            return None;
        }
        spec.key = self.unique_key(std::mem::take(&mut spec.key));
        self.nodes.push(spec);
        Some(self.nodes.len() - 1)
    }

    fn signal_param(&mut self, def: &NodeDef, p: &ParamDef, v: Value, span: Span) -> Option<Source> {
        match v {
            Value::Num(..) => self.constant_param(def, p, v, span).map(Source::Const),
            Value::List(_) => {
                self.diags.push(
                    Diagnostic::error(
                        "E004",
                        span,
                        format!("`{}` takes a number or a signal, not a list", p.name),
                    )
                    .with_help("lists are for sequencers: `seq [a3 c4] -> saw -> out`"),
                );
                None
            }
            Value::Text(..) => {
                self.diags.push(
                    Diagnostic::error(
                        "E004",
                        span,
                        format!("`{}` takes a number or a signal, not text", p.name),
                    )
                    .with_help("text in quotes is a pattern: `pat \"c3 e3 g3\" -> saw -> out`"),
                );
                None
            }
            other => Some(self.mono(other, span)),
        }
    }

    /// A constant for parameter `p`: checks its unit, converts beats, warns when out of range.
    fn constant_param(&mut self, def: &NodeDef, p: &ParamDef, v: Value, span: Span) -> Option<f32> {
        let Value::Num(x, unit) = v else {
            self.diags.push(
                Diagnostic::error("E004", span, format!("`{}` must be a constant number", p.name))
                    .with_help("it is fixed when the node is built and can't follow a signal"),
            );
            return None;
        };
        if let Some(u) = unit
            && !unit_fits(u, p.unit)
        {
            let wants = match p.unit {
                PUnit::Hz => "a frequency (hz, khz or a note)",
                PUnit::Seconds => "a time (ms or s)",
                PUnit::Beats => "a number of beats (no unit)",
                PUnit::None => "a plain number",
            };
            let mut d = Diagnostic::error("E010", span, format!("`{}` of `{}` takes {wants}", p.name, def.name));
            let number = x / u.scale();
            d = match p.unit {
                PUnit::Hz => d.with_help(format!("write `{}={number}hz`", p.name)),
                PUnit::Seconds => d.with_help(format!("write `{}={number}ms` or `{}={number}s`", p.name, p.name)),
                PUnit::Beats | PUnit::None => d.with_help(format!("write `{}={number}`", p.name)),
            };
            if def.hz_param.is_some() && u.is_frequency() {
                d = d.with_help(format!(
                    "for a rate in Hz write `{}={}`",
                    def.hz_param.unwrap_or("rate"),
                    x
                ));
            }
            self.diags.push(d);
            return None;
        }
        let x = x as f32;
        if !(p.min..=p.max).contains(&x) {
            self.diags.push(
                Diagnostic::warning(
                    "W002",
                    span,
                    format!("`{}` = {x} is outside {}..{}; it will be clamped", p.name, p.min, p.max),
                )
                .with_help(p.help),
            );
        }
        Some(x)
    }

    fn positional_help(def: &NodeDef) -> String {
        match (def.positional, def.main_input) {
            (Some(p), Some(m)) if p != m => format!(
                "the unnamed value is `{p}`; feed `{m}` with a chain (`x -> {} …`); {}",
                def.name,
                Self::param_list_help(def)
            ),
            _ => format!("name the others; {}", Self::param_list_help(def)),
        }
    }

    fn param_list_help(def: &NodeDef) -> String {
        let names: Vec<&str> = def.params.iter().map(|p| p.name).collect();
        format!("`{}` takes: {}", def.name, names.join(", "))
    }

    fn bpm(&mut self, name: &Ident, args: &[Arg], span: Span, fed: bool) -> Option<Value> {
        let value = match args {
            [
                Arg::Positional(Expr {
                    kind: ExprKind::Number { value, unit: None },
                    ..
                }),
            ] if !fed => Some(*value),
            _ => None,
        };
        match value {
            Some(b) if (1.0..=999.0).contains(&b) => {
                if self.bpm.is_some() {
                    self.diags.push(
                        Diagnostic::error("E005", span, "the tempo is set twice")
                            .with_label("set again here")
                            .with_help("keep one `bpm` line"),
                    );
                    return None;
                }
                self.bpm = Some((b, span));
                Some(Value::Sink)
            }
            _ => {
                self.diags.push(
                    Diagnostic::error("E004", name.span.to(span), "`bpm` takes one number from 1 to 999")
                        .with_help("for example `bpm 120` on its own line"),
                );
                None
            }
        }
    }
}

fn unit_fits(u: Unit, p: PUnit) -> bool {
    match p {
        PUnit::Hz => u.is_frequency(),
        PUnit::Seconds => !u.is_frequency(),
        PUnit::Beats | PUnit::None => false,
    }
}

/// Text a node reads when it is built, checked now so its errors point into the quotes: a pattern's syntax.
fn check_text(def: &NodeDef, text: &str, at: Span) -> Result<(), Diagnostic> {
    match def.name {
        "pat" => crate::pattern::compile(text, 0).map(drop).map_err(|mut d| {
            // Inside the quotes: one past the opening one.
            d.span = Span::new(at.start + 1 + d.span.start, at.start + 1 + d.span.end.max(d.span.start));
            d
        }),
        "sample" => text.lines().try_for_each(|name| {
            crate::sample::decoded(name).map(drop).map_err(|e| {
                Diagnostic::error("E015", at, e).with_help(
                    "name a sound file (WAV, FLAC, Ogg Vorbis, MP3) next to the patch, or a bank: `samples/NAME/` \
                     next to it, in a --samples folder, or the built-in kit (`synchrotron-tui samples`)",
                )
            })
        }),
        _ => Ok(()),
    }
}
