//! Reactions in the client (`openglip_domain::reactions`): under each message, its reactions as
//! chips (emoji and count, pressed when one of them is mine, who in the title) and a picker of
//! the common emoji, all buttons of one form, `POST /c/{chat}/posts/{post}/reactions` with
//! `add=` or `remove=` the emoji. Without the script the form posts and comes back to the
//! message; with it (`assets/reactions.js`) the answer is the new reactions block, put in place.
//! Other people's reactions arrive over the WebSocket (`PostReactionsChanged`, `client.js`).
//! The form's handler is `actions.rs`'s, beside the other changes of a post.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};
use openglip_domain::reactions::COMMON;
use openglip_domain::*;
use openglip_server::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/reactions.js", get(script))
}

/// The script of reactions: the form sent with `fetch`, the answer put in place.
const REACTIONS_JS: &str = include_str!("../assets/reactions.js");

async fn script(headers: axum::http::HeaderMap) -> Response {
    openglip_webkit::assets::asset(
        &headers,
        "text/javascript; charset=utf-8",
        REACTIONS_JS.as_bytes(),
    )
}

/// A post's reactions and the picker, as one form: `reactions` are the post's, first first,
/// each with the names of who added it; `csrf` the form's token field. Nothing for a post of an
/// archived chat that has none.
pub fn block(
    chat: &Chat,
    post: PostId,
    me: ExtensionId,
    csrf: &Markup,
    reactions: &[(&Reaction, String)],
) -> Markup {
    let open = chat.status != ChatStatus::Archived;
    if reactions.is_empty() && !open {
        return html! {};
    }
    let name = |mine: bool| if mine { "remove" } else { "add" };
    let pressed = |mine: bool| if mine { "true" } else { "false" };
    html! {
        form.reactions method="post" action={ "/c/" (chat.id) "/posts/" (post) "/reactions" }
            aria-label="Reactions" {
            (csrf)
            @for (r, who) in reactions {
                @let mine = r.by(me);
                button.chip.mine[mine] type="submit" name=(name(mine)) value=(r.emoji)
                    aria-pressed=(pressed(mine)) disabled[!open] title=(who)
                    aria-label={ (r.emoji) " " (r.count()) ": " (who) } {
                    span.emo aria-hidden="true" { (r.emoji) }
                    " "
                    span.n aria-hidden="true" { (r.count()) }
                }
            }
            @if open {
                details.picker {
                    summary.act title="Add a reaction" {
                        span aria-hidden="true" { "☺+" }
                        span.sr-only { "Add a reaction" }
                    }
                    div.picks role="group" aria-label="Common reactions" {
                        @for e in COMMON {
                            @let mine = reactions.iter().any(|(r, _)| r.emoji == e && r.by(me));
                            button.pick type="submit" name=(name(mine)) value=(e)
                                aria-pressed=(pressed(mine)) { (e) }
                        }
                    }
                }
            }
        }
    }
}
