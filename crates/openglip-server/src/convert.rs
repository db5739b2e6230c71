//! Domain entities to wire shapes. Each generation has its own functions; nothing else in the
//! server builds these structs.

use openglip_domain::*;
use openglip_domain::{export, search};
use openglip_wire as w;

pub mod interactive;
pub mod teamwork;

fn ts(t: Timestamp) -> String {
    t.to_rfc3339()
}

fn ids<T: ToString>(v: &[T]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

/// Legacy group (`/restapi/v1.0/glip/groups`).
pub fn legacy_group(c: &Chat) -> w::GlipGroupInfo {
    let team = c.kind.is_team_like();
    w::GlipGroupInfo {
        id: c.id.to_string(),
        kind: c.kind.legacy_str().to_string(),
        is_public: team.then_some(c.public),
        name: if team { c.name.clone() } else { None },
        description: if team { c.description.clone() } else { None },
        members: ids(&c.members),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
    }
}

/// `TMChatInfo`.
pub fn chat_info(c: &Chat) -> w::ChatInfo {
    let team = c.kind.is_team_like();
    w::ChatInfo {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_string(),
        public: team.then_some(c.public),
        name: if team { c.name.clone() } else { None },
        description: if team { c.description.clone() } else { None },
        status: team.then(|| c.status.as_str().to_string()),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
        members: Some(
            c.members
                .iter()
                .map(|m| w::MemberRef { id: m.to_string() })
                .collect(),
        ),
    }
}

pub fn team_info(c: &Chat) -> w::TeamInfo {
    w::TeamInfo {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_string(),
        public: c.public,
        name: c.name.clone().unwrap_or_default(),
        description: c.description.clone(),
        status: c.status.as_str().to_string(),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
    }
}

pub fn conversation_info(c: &Chat) -> w::ConversationInfo {
    w::ConversationInfo {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_string(),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
        members: c
            .members
            .iter()
            .map(|m| w::MemberRef { id: m.to_string() })
            .collect(),
    }
}

pub fn everyone_info(c: &Chat) -> w::EveryoneTeamInfo {
    w::EveryoneTeamInfo {
        id: c.id.to_string(),
        kind: c.kind.as_str().to_string(),
        name: c.name.clone().unwrap_or_else(|| "Everyone".into()),
        description: c.description.clone(),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
    }
}

/// A post's mentions, `None` when it has none.
fn mentions(p: &Post) -> Option<Vec<w::MentionInfo>> {
    (!p.mentions.is_empty()).then(|| {
        p.mentions
            .iter()
            .map(|m| w::MentionInfo {
                id: m.id.to_string(),
                kind: m.kind.as_str().to_string(),
                name: m.name.clone(),
            })
            .collect()
    })
}

/// A list of ids, `None` when empty.
fn id_list(v: &[ExtensionId]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| ids(v))
}

pub fn post_info(p: &Post) -> w::PostInfo {
    w::PostInfo {
        id: p.id.to_string(),
        group_id: p.chat_id.to_string(),
        kind: p.kind.as_str().to_string(),
        text: p.text.clone(),
        creator_id: p.creator_id.to_string(),
        added_person_ids: id_list(&p.added_person_ids),
        removed_person_ids: id_list(&p.removed_person_ids),
        creation_time: ts(p.created),
        last_modified_time: ts(p.modified),
        attachments: (!p.attachments.is_empty()).then(|| p.client_attachments()),
        mentions: mentions(p),
        activity: p.activity.clone(),
        title: p.title.clone(),
        icon_uri: p.icon_uri.clone(),
        icon_emoji: p.icon_emoji.clone(),
        is_parent: p.parent_post_id.is_none(),
        parent_post_id: p.parent_post_id.map(|i| i.to_string()),
        thread_id: p.thread_id().to_string(),
    }
}

/// A search hit: the post, its chat, and the highlight as an HTML fragment (the kit's escaping
/// templates: the snippet's text escaped, each match in `<mark>`).
pub fn search_post_info(hit: &search::SearchHit) -> w::SearchPostInfo {
    let parts = &hit.highlight.parts;
    let highlight = maud::html! {
        @for (text, matched) in parts {
            @if *matched { mark { (text) } } @else { (text) }
        }
    };
    w::SearchPostInfo {
        post: post_info(&hit.post),
        chat_id: hit.post.chat_id.to_string(),
        highlight: highlight.into_string(),
    }
}

/// The body of a post event (both generations): the post with every empty field `null`.
pub fn post_event(p: &Post) -> w::PostEventBody {
    let w::PostInfo {
        id,
        group_id,
        kind,
        text,
        creator_id,
        added_person_ids,
        removed_person_ids,
        creation_time,
        last_modified_time,
        attachments,
        mentions,
        activity,
        title,
        icon_uri,
        icon_emoji,
        is_parent,
        parent_post_id,
        thread_id,
    } = post_info(p);
    w::PostEventBody {
        is_parent: Some(is_parent),
        thread_id: Some(thread_id),
        id,
        group_id,
        kind,
        text,
        creator_id,
        added_person_ids,
        removed_person_ids,
        creation_time,
        last_modified_time,
        attachments,
        activity,
        title,
        icon_uri,
        icon_emoji,
        mentions,
        parent_post_id,
    }
}

/// The body of a chat event on a legacy filter (`/restapi/v1.0/glip/groups`).
pub fn legacy_group_event(c: &Chat) -> w::LegacyGroupEventBody {
    let g = legacy_group(c);
    w::LegacyGroupEventBody {
        id: g.id,
        name: g.name,
        description: g.description,
        kind: g.kind,
        status: Some(c.status.as_str().to_string()),
        members: g.members,
        is_public: g.is_public,
        creation_time: g.creation_time,
        last_modified_time: g.last_modified_time,
    }
}

/// The body of a chat event on a current filter (`/team-messaging/v1/chats`).
pub fn chat_event(c: &Chat) -> w::ChatEventBody {
    let i = chat_info(c);
    w::ChatEventBody {
        id: i.id,
        kind: i.kind,
        public: i.public,
        name: i.name,
        description: i.description,
        status: Some(c.status.as_str().to_string()),
        creation_time: i.creation_time,
        last_modified_time: i.last_modified_time,
        members: i.members.unwrap_or_default(),
    }
}

/// An adaptive card, as created or updated (`AdaptiveCardShortInfo`).
pub fn card_short_info(c: &cards::Card) -> w::AdaptiveCardShortInfo {
    w::AdaptiveCardShortInfo {
        id: c.id.to_string(),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
        schema: c.schema().map(str::to_string),
        kind: cards::ADAPTIVE_CARD.to_string(),
        version: c.version().to_string(),
        creator: w::AdaptiveCardCreator {
            id: c.creator_id.to_string(),
        },
        chat_ids: vec![c.chat_id.to_string()],
    }
}

/// An adaptive card, as read (`AdaptiveCardInfo`): the card object with its id, times, creator
/// and chats.
pub fn card_info(c: &cards::Card) -> w::AdaptiveCardInfo {
    // The content passed `cards::validate_card`, so its typed properties have their types.
    let card =
        serde_json::from_value(serde_json::Value::Object(c.content.clone())).unwrap_or_default();
    w::AdaptiveCardInfo {
        id: c.id.to_string(),
        creation_time: ts(c.created),
        last_modified_time: ts(c.modified),
        creator: w::AdaptiveCardCreator {
            id: c.creator_id.to_string(),
        },
        chat_ids: vec![c.chat_id.to_string()],
        card,
    }
}

pub fn person_info(e: &Extension) -> w::PersonInfo {
    w::PersonInfo {
        id: e.id.to_string(),
        first_name: e.first_name.clone(),
        last_name: e.last_name.clone(),
        email: e.email.clone(),
        avatar: e.avatar.clone(),
        company_id: e.account_id.to_string(),
        creation_time: ts(e.created),
        last_modified_time: ts(e.modified),
    }
}

pub fn company_info(a: &Account) -> w::CompanyInfo {
    w::CompanyInfo {
        id: a.id.to_string(),
        name: a.name.clone(),
        domain: None,
        creation_time: ts(a.created),
        last_modified_time: ts(a.modified),
    }
}

pub fn account_info(a: &Account, base: &str) -> w::AccountInfo {
    w::AccountInfo {
        id: a.id.0,
        uri: format!("{base}/restapi/v1.0/account/{}", a.id),
        main_number: a.main_number.clone(),
        status: "Confirmed".into(),
        service_info: w::AccountServiceInfo {
            uri: format!("{base}/restapi/v1.0/account/{}/service-info", a.id),
            brand: w::ServiceInfoBrand {
                id: "1210".into(),
                name: "openglip".into(),
            },
        },
        setup_wizard_state: "Completed".into(),
        creation_time: ts(a.created),
        company_name: a.name.clone(),
    }
}

pub fn extension_info(e: &Extension, account: &Account, base: &str) -> w::ExtensionInfo {
    let uri = format!(
        "{base}/restapi/v1.0/account/{}/extension/{}",
        e.account_id, e.id
    );
    w::ExtensionInfo {
        id: e.id.0,
        uri: uri.clone(),
        extension_number: e.extension_number.clone(),
        name: e.full_name(),
        kind: e.kind.as_str().to_string(),
        status: e.status.as_str().to_string(),
        contact: w::ContactInfo {
            first_name: e.first_name.clone(),
            last_name: e.last_name.clone(),
            email: e.email.clone(),
            company: Some(account.name.clone()),
        },
        account: w::AccountRef {
            id: e.account_id.to_string(),
            uri: format!("{base}/restapi/v1.0/account/{}", e.account_id),
        },
        permissions: w::ExtensionPermissions {
            admin: w::Enabled {
                enabled: e.is_admin,
            },
            international_calling: w::Enabled { enabled: false },
        },
        profile_image: w::ProfileImage {
            uri: format!("{uri}/profile-image"),
        },
        service_features: ["Glip", "TeamMessaging"]
            .into_iter()
            .map(|f| w::ServiceFeature {
                feature_name: f.into(),
                enabled: true,
            })
            .collect(),
        regional_settings: e.time_zone.as_deref().map(|tz| w::RegionalSettings {
            timezone: Some(timezone_info(tz)),
        }),
        creation_time: ts(e.created),
    }
}

/// A time zone as RingCentral describes one: `id` and `name` are the IANA name, `bias` its
/// offset from UTC now, in minutes.
fn timezone_info(name: &str) -> w::TimezoneInfo {
    let bias = jiff::tz::TimeZone::get(name)
        .ok()
        .map(|z| (z.to_offset(jiff::Timestamp::now()).seconds() / 60).to_string());
    w::TimezoneInfo {
        id: name.to_string(),
        name: name.to_string(),
        description: None,
        bias,
    }
}

/// A data export task; `base` is the API prefix it was asked under (`…/data-export`), so that
/// its `uri` and the datasets' links use the same generation.
pub fn export_task(t: &export::ExportTask, base: &str) -> w::DataExportTask {
    let uri = format!("{base}/{}", t.id);
    w::DataExportTask {
        id: t.id.to_string(),
        creation_time: ts(t.created),
        last_modified_time: ts(t.modified),
        status: t.status.as_str().to_string(),
        creator: w::DataExportCreatorInfo {
            id: t.creator_id.to_string(),
        },
        specific: w::DataExportSpecificInfo {
            time_from: ts(t.time_from),
            time_to: ts(t.time_to),
            contacts: (!t.contacts.is_empty()).then(|| {
                t.contacts
                    .iter()
                    .map(|c| w::DataExportTaskContactInfo {
                        id: Some(w::IdOrString::Str(c.to_string())),
                        email: None,
                    })
                    .collect()
            }),
            chat_ids: (!t.chats.is_empty()).then(|| ids(&t.chats)),
        },
        datasets: (t.status == export::ExportStatus::Completed).then(|| {
            t.datasets
                .iter()
                .map(|d| w::ExportTaskResultInfo {
                    id: d.id.to_string(),
                    uri: format!("{uri}/datasets/{}", d.id),
                    size: d.size,
                })
                .collect()
        }),
        uri,
    }
}

/// An incoming webhook (`TMWebhookInfo`, the same in both generations); `uri` only when the URL
/// is known, in the answer that makes it.
pub fn webhook_info(hook: &webhooks::Webhook, uri: Option<String>) -> w::WebhookInfo {
    w::WebhookInfo {
        id: hook.id.clone(),
        creator_id: hook.creator_id.to_string(),
        group_ids: vec![hook.chat_id.to_string()],
        creation_time: ts(hook.created),
        last_modified_time: ts(hook.modified),
        uri,
        status: hook.status.as_str().to_string(),
    }
}

/// A person's presence (`GetPresenceInfo`), at `uri`.
pub fn presence_info(p: &presence::Presence, base: &str) -> w::PresenceInfo {
    let ext = format!(
        "{base}/restapi/v1.0/account/{}/extension/{}",
        p.extension.account_id, p.extension.id
    );
    w::PresenceInfo {
        uri: format!("{ext}/presence"),
        extension: w::PresenceExtension {
            id: p.extension.id.0,
            uri: ext,
            extension_number: p.extension.extension_number.clone(),
        },
        presence_status: p.presence_status.as_str().to_string(),
        user_status: p.user_status.as_str().to_string(),
        dnd_status: p.dnd_status.clone(),
        message: p.message.clone(),
        allow_see_my_presence: true,
        ring_on_monitored_call: false,
        pick_up_calls_on_hold: false,
        telephony_status: "NoCall".into(),
        meeting_status: "Disconnected".into(),
    }
}

/// One entry of the directory (`ContactResource`): people by first and last name, bots by name.
pub fn contact(e: &Extension, account: &Account) -> w::ContactResource {
    let user = e.kind == ExtensionType::User;
    w::ContactResource {
        id: e.id.to_string(),
        kind: e.kind.as_str().to_string(),
        status: e.status.as_str().to_string(),
        extension_number: e.extension_number.clone(),
        first_name: user.then(|| e.first_name.clone()),
        last_name: user.then(|| e.last_name.clone()),
        name: (!user).then(|| e.full_name()),
        email: e.email.clone(),
        account: w::DirectoryAccount {
            id: account.id.to_string(),
            company_name: account.name.clone(),
        },
    }
}
