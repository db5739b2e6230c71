//! A card submission as RingCentral delivers it (`button_submit`), and as the web client follows
//! it.

use openglip_domain::interactive::{CardSubmission, Submitted};
use openglip_wire::interactive as w;

use super::ts;

/// The body posted to the app's outbound URL: the same for every attempt.
pub fn button_submit(s: &CardSubmission) -> w::ButtonSubmit {
    let Submitted {
        uuid,
        client_id,
        user_id,
        first_name,
        last_name,
        account_id,
        chat_id,
        chat_type,
        chat_public,
        chat_name,
        post_id,
        post_created,
        post_modified,
        data,
    } = &s.submitted;
    w::ButtonSubmit {
        uuid: uuid.clone(),
        timestamp: ts(s.created),
        kind: w::BUTTON_SUBMIT.to_string(),
        app_id: client_id.clone(),
        user: w::SubmitUser {
            id: user_id.to_string(),
            first_name: first_name.clone(),
            last_name: last_name.clone(),
            account_id: account_id.to_string(),
        },
        conversation: w::SubmitConversation {
            id: chat_id.to_string(),
            kind: chat_type.as_str().to_string(),
            public: *chat_public,
            name: chat_name.clone(),
        },
        post: w::SubmitPost {
            id: post_id.to_string(),
            creation_time: ts(*post_created),
            last_modified_time: ts(*post_modified),
        },
        card: w::SubmitCard {
            id: post_id.to_string(),
        },
        data: data.clone(),
    }
}

/// The web client's view of a submission.
pub fn submission_info(s: &CardSubmission) -> w::CardSubmissionInfo {
    w::CardSubmissionInfo {
        id: s.id.to_string(),
        status: s.status.as_str().to_string(),
        reason: match s.status {
            openglip_domain::interactive::SubmissionStatus::Failed => s.last_error.clone(),
            _ => None,
        },
    }
}
