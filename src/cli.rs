//! The command-line surface shared by `main.rs`: reading patches, printing diagnostics and the node reference.
//! Control thread.

use crate::compile::{self, Checked, Lang};
use crate::dsp::registry::{self, NodeDef, ParamKind, Unit};
use crate::files;
use crate::lang::diagnostic::render_all;
use std::fmt::Write as _;
use std::path::Path;

/// Read a patch file (bounded, plain files only), with a one-line error naming the file.
pub fn read_patch(path: &Path) -> Result<String, String> {
    patch_opened(path);
    files::read_text(path, "a patch", files::PATCH_LIMIT).map_err(|e| format!("cannot read patch {e}"))
}

/// Files a patch names (SoundFonts, WAV files) are found next to it, and file nodes stay in its folder.
pub fn patch_opened(path: &Path) {
    files::set_patch_dir(path.parent().map(Path::to_path_buf));
}

/// Check a patch; on success the warnings (rendered), on failure every diagnostic (rendered).
pub fn check_rendered(path: &Path, src: &str) -> Result<(Checked, String), String> {
    check_rendered_as(path, src, None)
}

/// As `check_rendered`, in a given language (`None`: detect it).
pub fn check_rendered_as(path: &Path, src: &str, lang: Option<Lang>) -> Result<(Checked, String), String> {
    let name = path.display().to_string();
    match compile::check_as(src, lang.unwrap_or_else(|| Lang::detect(src))) {
        Ok(c) => {
            let text = render_all(&c.warnings, &name, src);
            Ok((c, text))
        }
        Err(diags) => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let mut text = render_all(&diags, &name, src);
            let _ = writeln!(
                text,
                "\n{name}: {errors} error{} found",
                if errors == 1 { "" } else { "s" }
            );
            Err(text)
        }
    }
}

/// A Synchrolang script in the original's export format; other text gets a clear refusal.
pub fn export(path: &Path, src: &str, lang: Option<Lang>) -> Result<String, String> {
    let name = path.display().to_string();
    if lang.unwrap_or_else(|| Lang::detect(src)) != Lang::Synchrolang {
        let checked = compile::check_as(src, Lang::Patch).map_err(|d| render_all(&d, &name, src))?;
        if let Some(n) = checked
            .spec
            .nodes
            .iter()
            .find(|n| matches!(n.kind, "midi" | "cc" | "bend"))
        {
            return Err(format!(
                "{name}: `{}` has no counterpart among the original's nodes (its MIDI nodes are monophonic and \
                 untimed), so a patch played from a keyboard cannot be exported",
                n.kind
            ));
        }
        return Ok(compile::export::native(&checked.spec));
    }
    let table = crate::lang::synchrolang::parse(src)
        .and_then(|cmds| compile::synchrolang::interpret(&cmds))
        .map_err(|d| render_all(&d, &name, src))?;
    Ok(compile::synchrolang::export(&table))
}

/// The node reference: every node, or one in full.
pub fn nodes_reference(name: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    match name {
        None => {
            for def in registry::public() {
                let _ = writeln!(out, "{:<12} {}", def.name, def.help);
            }
            for (name, help) in registry::DIRECTIVES {
                let _ = writeln!(out, "{name:<12} {help}");
            }
            out.push_str("\nIn Synchrolang scripts (the original Synchrotron's node types, with its arithmetic):\n");
            for def in crate::dsp::compat::all() {
                let _ = writeln!(out, "{:<22} {}", def.name, def.help);
            }
            let _ = writeln!(out, "{:<22} the speakers: inputs left, right", "PlaybackNode");
            out.push_str("\n`synchrotron-tui nodes NAME` shows a node's parameters.\n");
        }
        Some(n) => match registry::lookup(n)
            .filter(|d| !d.hidden)
            .or_else(|| registry::lookup_any(n).filter(|d| d.compat))
        {
            Some(def) => out.push_str(&describe(def)),
            None => {
                let hint = compile::suggest::closest(n, registry::public().map(|d| d.name))
                    .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                return Err(format!(
                    "unknown node `{n}`{hint} (`synchrotron-tui nodes` lists them all)"
                ));
            }
        },
    }
    Ok(out)
}

/// One node's reference entry.
pub fn describe(def: &NodeDef) -> String {
    let mut out = format!("{} — {}\n", def.name, def.help);
    let usage = match def.positional {
        _ if def.compat => format!(
            "new {} name; link x.out -> name.{}",
            def.name,
            def.params.first().map_or("in", |p| p.name)
        ),
        Some(p) => format!("{} {p}", def.name),
        None => def.name.to_string(),
    };
    let _ = writeln!(out, "  usage:   {usage}");
    if let Some(m) = def.main_input {
        let _ = writeln!(out, "  input:   `a -> {}` feeds `{m}`", def.name);
    }
    let _ = writeln!(out, "  outputs: {}", def.outputs.join(", "));
    out.push_str("  parameters:\n");
    for p in def.params {
        let (kind, default) = match p.kind {
            ParamKind::Signal => ("signal", format!("{}{}", p.default, unit(p.unit))),
            ParamKind::Setting => ("fixed", format!("{}{}", p.default, unit(p.unit))),
            ParamKind::List => ("list", "required".into()),
            ParamKind::Choice(c) => ("choice", format!("{} ({})", c[0], c.join("|"))),
            ParamKind::Midi => ("midi", "none".into()),
            ParamKind::Text(t) => ("text", format!("{t:?}")),
        };
        let range = match p.kind {
            ParamKind::Signal | ParamKind::Setting if p.max < 1e8 => {
                format!(" range {}..{}", p.min, p.max)
            }
            _ => String::new(),
        };
        let help = if p.help.is_empty() {
            String::new()
        } else {
            format!(" — {}", p.help)
        };
        let _ = writeln!(out, "    {:<9} {kind:<6} default {default}{range}{help}", p.name);
    }
    out
}

fn unit(u: Unit) -> &'static str {
    match u {
        Unit::None => "",
        Unit::Hz => " Hz",
        Unit::Seconds => " s",
        Unit::Beats => " beats",
    }
}

/// The sample banks a patch in this folder can play, and the built-in kit.
pub fn samples_list() -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for root in crate::sample::bank::roots() {
        let mut banks: Vec<_> = std::fs::read_dir(&root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        banks.sort();
        for b in banks {
            let files = crate::sample::bank::files_in(&b);
            if let (false, Some(name)) = (files.is_empty(), b.file_name()) {
                let _ = writeln!(
                    out,
                    "{:<10} {} file(s) in {}",
                    name.to_string_lossy(),
                    files.len(),
                    b.display()
                );
            }
        }
    }
    let _ = writeln!(out, "built-in kit (made by `make kit`):");
    for (name, _, what) in crate::sample::kit::KIT {
        let _ = writeln!(out, "  {name:<8} {what}");
    }
    out
}
