//! Patch source → `GraphSpec` → built `engine::Graph`. Pure and deterministic; runs on the control thread, never
//! on the audio thread. Everything the engine will need is allocated here.

pub mod budget;
pub mod build;
pub mod cost;
pub mod export;
pub mod graph;
pub mod mutes;
pub mod plan;
pub mod resolve;
pub mod schedule;
pub mod suggest;
pub mod synchrolang;
pub mod synchrolang_io;
pub mod voices;

pub use build::{Settings, build, build_linked};
pub use graph::{GraphSpec, NodeSpec, Source};

use crate::engine::Graph;
use crate::lang::{self, Diagnostic};

/// A patch that parsed and resolved: its graph and any warnings.
#[derive(Debug, Clone)]
pub struct Checked {
    pub spec: GraphSpec,
    pub warnings: Vec<Diagnostic>,
}

/// Which language a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Patch,
    Synchrolang,
}

impl Lang {
    /// Synchrolang when the text starts like a Synchrolang script (or a `.sui` file), else the patch language.
    pub fn detect(src: &str) -> Self {
        if lang::synchrolang::looks_like(src) {
            Lang::Synchrolang
        } else {
            Lang::Patch
        }
    }
}

/// Parse and resolve `src` in the language it is written in, and check the graph can be scheduled.
pub fn check(src: &str) -> Result<Checked, Vec<Diagnostic>> {
    check_as(src, Lang::detect(src))
}

/// As `check`, in a given language. Errors carry any warnings too.
pub fn check_as(src: &str, lang: Lang) -> Result<Checked, Vec<Diagnostic>> {
    let (spec, mut warnings) = match lang {
        Lang::Patch => {
            // Every error at once: the syntax errors, then whatever the statements that parsed have wrong.
            let (patch, mut syntax) = lang::parser::parse_all(src);
            match resolve::resolve(&patch) {
                Ok((mut spec, w)) if syntax.is_empty() => {
                    if let Err(d) = voices::expand(&mut spec) {
                        syntax.extend(w);
                        syntax.push(d);
                        return Err(syntax);
                    }
                    (spec, w)
                }
                Ok((_, more)) | Err(more) => {
                    syntax.extend(more);
                    return Err(syntax);
                }
            }
        }
        Lang::Synchrolang => {
            let table = synchrolang::interpret(&lang::synchrolang::parse(src)?)?;
            let (mut spec, w) = synchrolang::to_spec(&table)?;
            apply_header(&mut spec, &lang::sui_header::read(src));
            (spec, w)
        }
    };
    let all = vec![true; spec.nodes.len()];
    if let Err(cycle) = schedule::order(&spec, &all) {
        warnings.push(cycle_error(&spec, &cycle));
        return Err(warnings);
    }
    if let Err(over) = budget::enforce(&spec, budget::NOMINAL_RATE) {
        warnings.push(over);
        return Err(warnings);
    }
    Ok(Checked { spec, warnings })
}

/// A `.sui` header's tempo, and the identities an exported native patch's nodes had.
fn apply_header(spec: &mut GraphSpec, header: &lang::sui_header::Header) {
    if let Some(bpm) = header.bpm {
        spec.bpm = bpm;
    }
    for (name, key) in &header.keys {
        let ours = crate::dsp::compat::script_key(name);
        if let Some(n) = spec.nodes.iter_mut().find(|n| n.key == ours) {
            n.key.clone_from(key);
        }
    }
}

/// Check and build in one step.
pub fn compile(src: &str, settings: &Settings) -> Result<(Box<Graph>, Checked), Vec<Diagnostic>> {
    let checked = check(src)?;
    let graph = build(&checked.spec, settings).map_err(|c| vec![cycle_error(&checked.spec, &c)])?;
    Ok((graph, checked))
}

fn cycle_error(spec: &GraphSpec, cycle: &schedule::Cycle) -> Diagnostic {
    // Point at a node the user wrote (proxies and sums carry the binding's span).
    let node = cycle
        .0
        .iter()
        .map(|&i| &spec.nodes[i])
        .find(|n| n.span.end > n.span.start)
        .unwrap_or(&spec.nodes[0]);
    let kinds: Vec<&str> = cycle
        .0
        .iter()
        .map(|&i| spec.nodes[i].kind)
        .filter(|k| !matches!(*k, "sum" | "add" | "sub" | "mul" | "div"))
        .collect();
    let path = if kinds.is_empty() {
        "itself".to_string()
    } else {
        kinds.join(" → ")
    };
    Diagnostic::error("E006", node.span, format!("feedback loop with no delay in it ({path})"))
        .with_label("this feeds back into itself")
        .with_help("put a `delay` inside the loop, e.g. `x = (in + x*0.5) -> delay 0.2`")
}
