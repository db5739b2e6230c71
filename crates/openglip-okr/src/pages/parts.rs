//! Parts the OKR pages share: progress against expected, a status's pill, the figures of
//! something, the rules in words, tabs, and a form's errors from the app's errors.

use openglip_webkit::html::{FormErrors, Tone, pill};
use openglip_webkit::{Markup, html};

use crate::api::views::FiguresView;
use crate::error::Error;
use crate::model::Status;
use crate::model::progress::{PROGRESS_RULE, STATUS_RULE};
use crate::model::snapshot::StatusCounts;

/// `42 %`, as pages write a figure.
pub fn pct(v: f64) -> String {
    format!("{} %", crate::model::fmt_number(v))
}

/// How a status looks.
pub fn tone(s: Status) -> Tone {
    match s {
        Status::OnTrack => Tone::Ok,
        Status::Behind => Tone::Warn,
        Status::AtRisk => Tone::Bad,
        Status::Done => Tone::Info,
        Status::NotStarted => Tone::Neutral,
    }
}

/// A status as a pill: "On track".
pub fn status_pill(s: Status) -> Markup {
    let label = s.label();
    let mut text = label[..1].to_uppercase();
    text.push_str(&label[1..]);
    pill(tone(s), &text)
}

/// Progress as a bar with its figure, and the expected progress beside it.
pub fn progress(f: &FiguresView) -> Markup {
    html! {
        div.progress {
            progress max="100" value=(f.progress) aria-label="Progress" { (pct(f.progress)) }
            span.figure { strong { (pct(f.progress)) } " · expected " (pct(f.expected_progress)) }
        }
    }
}

/// The figures of a company, team or person: progress, expected, status, counts by status.
pub fn figures(f: &FiguresView, counts: &StatusCounts, objectives: usize) -> Markup {
    html! {
        div.figures {
            div { span.hint { "Progress" } strong { (pct(f.progress)) } }
            div { span.hint { "Expected by now" } strong { (pct(f.expected_progress)) } }
            div { span.hint { "Status" } (status_pill(f.status)) }
            div { span.hint { "Objectives" } strong { (objectives) } }
        }
        (progress(f))
        ul.counts aria-label="Objectives by status" {
            @for s in Status::ALL {
                li { (status_pill(s)) " " (counts.get(s)) }
            }
        }
    }
}

/// How progress and status are computed, as the model states it.
pub fn rules() -> Markup {
    html! {
        details.rules {
            summary { "How progress and status are computed" }
            p { (PROGRESS_RULE) }
            p { (STATUS_RULE) }
        }
    }
}

/// Tabs: links, the current one marked.
pub fn tabs(label: &str, links: &[(&str, &str)], current: &str) -> Markup {
    html! {
        nav.tabs aria-label=(label) {
            @for (href, text) in links {
                a href=(href) aria-current=[(*href == current).then_some("page")] { (text) }
            }
        }
    }
}

/// A refused form's errors: an error about a parameter the form has (`fields`: the app's
/// parameter → the form's field) goes beside that field; other bad input and conflicts go to
/// the summary (`form`). Anything else is not about the form: `Err`, for its page.
pub fn form_errors(e: Error, fields: &[(&str, &str)]) -> Result<FormErrors, Error> {
    let mut errors = FormErrors::new();
    let message = e.to_string();
    match &e {
        Error::Invalid { .. } | Error::Missing(_) | Error::NotFound { .. } => {
            let field = e
                .parameter()
                .and_then(|p| fields.iter().find(|(param, _)| *param == p))
                .map(|(_, f)| *f);
            match (field, &e) {
                (Some(f), _) => errors.add(f, message),
                (None, Error::NotFound { .. }) => return Err(e),
                (None, _) => errors.add("form", message),
            }
        }
        Error::Conflict(_) => errors.add("form", message),
        _ => return Err(e),
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_go_beside_their_field_or_to_the_summary() {
        let map = [("schedule.time", "time"), ("chatId", "chatId")];
        let e = form_errors(Error::invalid("schedule.time", "[9] is not a time"), &map).unwrap();
        assert_eq!(e.get("time"), Some("[9] is not a time"));
        let e = form_errors(Error::Conflict("already".into()), &map).unwrap();
        assert_eq!(e.get("form"), Some("already"));
        let e = form_errors(Error::not_found("chatId", "no such chat"), &map).unwrap();
        assert_eq!(e.get("chatId"), Some("no such chat"));
        assert!(form_errors(Error::not_found("followerId", "gone"), &map).is_err());
        assert!(form_errors(Error::forbidden("no"), &map).is_err());
        assert!(form_errors(Error::internal("disk"), &map).is_err());
    }

    #[test]
    fn statuses_are_written_as_people_read_them() {
        let p = status_pill(Status::AtRisk).into_string();
        assert!(p.contains("pill bad") && p.contains(">At risk<"), "{p}");
        assert_eq!(pct(42.5), "42.5 %");
    }
}
