//! The REST server beside the editor screen: the buffer is what it reads, and a change it sends becomes one
//! undoable edit of the buffer, saved and swapped in like Ctrl-S. `/stop` and `/start` are panic and unmute. UI
//! thread.

use super::action::Action;
use super::app::App;
use super::run::apply;
use crate::lang::diagnostic::render_all;
use crate::live::Session;
use crate::serve::{Call, Serve};

/// Carry out what the server asks; true when the screen changed.
pub(super) fn serve_calls(serve: &Serve, app: &mut App, session: &mut Session) -> bool {
    let text = app.editor.text();
    serve.publish(&text);
    let calls = serve.take_calls();
    let changed = !calls.is_empty();
    for call in calls {
        let result = match &call {
            Call::Edit { base, .. } if **base != *app.editor.text() => {
                Err("the script changed while the request was on its way; ask again".to_string())
            }
            Call::Edit { text, .. } => match crate::compile::check(text) {
                Err(d) => Err(render_all(&d, "the script", text)),
                Ok(_) => {
                    if let Some(e) = app.take_remote(text) {
                        apply(e, app, session);
                    }
                    // The save's own news (v2 ok, or why not), said to come from the network.
                    let news = if app.status.0.is_empty() {
                        app.last_reload.clone()
                    } else {
                        app.status.0.clone()
                    };
                    app.status.0 = format!("REST: {news}");
                    // Held back or not saved: the client hears why (the buffer keeps the change, Ctrl-Z undoes it).
                    if app.status.1 == super::app::Tone::Bad {
                        Err(news)
                    } else {
                        Ok(())
                    }
                }
            },
            Call::Run { on, .. } => {
                let action = if *on { Action::Unmute } else { Action::Panic };
                if let Some(e) = app.update(action) {
                    apply(e, app, session);
                }
                Ok(())
            }
        };
        // Published before the answer, so the client's next request reads the text it just made.
        serve.publish(&app.editor.text());
        call.answer(result);
    }
    changed
}
