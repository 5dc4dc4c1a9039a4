//! The REST server for a headless run: started when asked, and its calls carried out. A change is checked, saved
//! to the patch file (atomically) and reloaded at once; the watcher then finds the file as it already plays.
//! Control thread.

use super::{RunError, reload_and_say};
use crate::lang::diagnostic::render_all;
use crate::live::Session;
use crate::serve::{Call, Serve};
use std::path::Path;

/// Start the REST server when asked.
pub fn start_serve(opts: &super::Options) -> Result<Option<Serve>, RunError> {
    opts.serve
        .as_ref()
        .map(Serve::start)
        .transpose()
        .map_err(RunError::Audio)
}

/// Check `text`, save it as the patch (then `last` is it: the watcher will find nothing new) and play it. The
/// error, when there is one, is the diagnostic text. A version that does not go live (held back as too loud) leaves
/// the file as it was, so sending the same change again lands it, as saving the same text again does.
pub fn play_text(session: &mut Session, patch: &Path, text: &str, last: &mut String) -> Result<bool, String> {
    let save =
        |t: &str| crate::files::save_atomic(patch, t).map_err(|e| format!("cannot save `{}`: {e}", patch.display()));
    crate::compile::check(text).map_err(|d| render_all(&d, "the script", text))?;
    save(text)?;
    let base = std::mem::replace(last, text.to_string());
    let played = reload_and_say(session, patch, text);
    if played.is_err() && save(&base).is_ok() {
        *last = base;
    }
    played
}

/// Carry out what the server asks; true when a version was armed (quantised).
pub fn serve_calls(serve: &Serve, session: &mut Session, patch: &Path, last: &mut String) -> bool {
    serve.publish(last);
    let mut armed = false;
    for call in serve.take_calls() {
        let result = match &call {
            Call::Edit { base, .. } if **base != **last => {
                Err("the patch changed while the request was on its way; ask again".to_string())
            }
            Call::Edit { text, .. } => play_text(session, patch, text, last).map(|a| {
                armed |= a;
                say!("REST: {} changed", patch.display());
            }),
            Call::Run { on: true, .. } => {
                session.resume();
                say!("REST: start (resumed)");
                Ok(())
            }
            Call::Run { on: false, .. } => {
                session.panic();
                say!("REST: stop (muted; /start or r + Enter resumes)");
                Ok(())
            }
        };
        // Published before the answer, so the client's next request reads the text it just made.
        serve.publish(last);
        call.answer(result);
    }
    armed
}
