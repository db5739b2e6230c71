//! The conformance suite of openglip's storage port: what every `Store` must do, written once
//! and run against each backend (SQLite in `openglip-store-sqlite/tests/store`, PostgreSQL in
//! `openglip-store-postgres/tests/store`).
//!
//! A backend's test binary implements [`Backend`] (how to get a fresh, empty database, open a
//! store on it, and look at its tables) and invokes [`conformance_tests!`], which declares one
//! `#[tokio::test]` per behaviour below, each on a database of its own.
//!
//! The tests speak only through the port, except for `count` (rows of a table, straight from
//! the database: that a failed call left nothing behind) and the writer's counters (that group
//! commit groups). Both backends keep the same table names.

use std::future::Future;

use openglip_domain::store::*;
use openglip_domain::*;

pub mod accounts;
pub mod audit;
mod backends;
pub mod bench;
pub mod chats;
pub mod concurrency;
pub mod events;
pub mod exports;
pub mod files;
pub mod interactive;
pub mod membership;
pub mod notify;
pub mod oidc;
pub mod platform;
pub mod posts;
pub mod presence;
pub mod removal;
pub mod search;
pub mod subscriptions;
pub mod teamwork;
pub mod tokens;
pub mod webhooks;

/// Transactions and jobs a store's writer has run (group commit: fewer transactions than jobs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterCounts {
    pub batches: u64,
    pub jobs: u64,
}

/// A store implementation under test.
pub trait Backend: Store + Clone + Sized {
    /// Where a store keeps its data (a temporary folder, a scratch database); the data goes when
    /// this is dropped.
    type Place: Send + Sync + 'static;

    /// The schema version the backend migrates to (rows of `schema_migrations` after opening).
    const SCHEMA_VERSION: i64;

    /// A fresh, empty place.
    fn place() -> impl Future<Output = Self::Place> + Send;

    /// Opens a store on `place` (again: a second store on the same data sees what the first
    /// committed, like a restarted server).
    fn open(place: &Self::Place) -> impl Future<Output = Self> + Send;

    /// The number a `SELECT count(*) …` (or any one-number query) returns, read from the
    /// database itself.
    fn count(&self, sql: &str) -> impl Future<Output = i64> + Send;

    /// The writer's counters.
    fn writer(&self) -> WriterCounts;
}

/// One account "Acme" whose admin is Ada Admin (ada@acme.test, 101), on a fresh store.
pub struct Fixture<B: Backend> {
    // Declared first, so that the store closes before its place goes.
    pub store: B,
    pub account: Account,
    pub admin: Extension,
    pub place: B::Place,
}

pub fn person(first: &str, last: &str, email: Option<&str>) -> NewExtension {
    NewExtension {
        kind: ExtensionType::User,
        status: ExtensionStatus::Enabled,
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(str::to_string),
        extension_number: None,
        password_hash: Some(format!("hash-of-{first}")),
        is_admin: false,
    }
}

/// A store on a fresh place, and the place.
pub async fn open<B: Backend>() -> (B::Place, B) {
    let place = B::place().await;
    let store = B::open(&place).await;
    (place, store)
}

/// A store with one account "Acme" whose admin is Ada Admin (ada@acme.test, 101).
pub async fn fixture<B: Backend>() -> Fixture<B> {
    let (place, store) = open::<B>().await;
    let mut admin = person("Ada", "Admin", Some("ada@acme.test"));
    admin.is_admin = true;
    let (account, admin) = store.create_account("Acme".into(), admin).await.unwrap();
    Fixture {
        store,
        account,
        admin,
        place,
    }
}

impl<B: Backend> Fixture<B> {
    pub async fn add_person(&self, first: &str, last: &str) -> Extension {
        let email = format!("{}@acme.test", first.to_lowercase());
        self.store
            .create_extension(self.account.id, person(first, last, Some(&email)))
            .await
            .unwrap()
    }

    pub async fn team(&self, creator: ExtensionId, name: &str, members: &[ExtensionId]) -> Chat {
        let mut all = vec![creator];
        all.extend(members.iter().copied().filter(|m| *m != creator));
        self.store
            .create_chat(NewChat {
                account_id: self.account.id,
                kind: ChatType::Team,
                name: Some(name.into()),
                description: None,
                public: true,
                creator_id: creator,
                members: all,
            })
            .await
            .unwrap()
    }
}

pub fn text_post(chat: ChatId, creator: ExtensionId, text: &str) -> NewPost {
    NewPost {
        chat_id: chat,
        creator_id: creator,
        kind: PostType::TextMessage,
        text: text.into(),
        parent_post_id: None,
        mentions: mentions::parse(text),
        added_person_ids: Vec::new(),
        removed_person_ids: Vec::new(),
        attachments: Vec::new(),
        activity: None,
        title: None,
        icon_uri: None,
        icon_emoji: None,
    }
}

pub fn first_page(limit: usize) -> PageRequest {
    PageRequest {
        cursor: None,
        direction: Direction::Older,
        limit,
    }
}

pub fn older(cursor: i64, limit: usize) -> PageRequest {
    PageRequest {
        cursor: Some(cursor),
        direction: Direction::Older,
        limit,
    }
}

pub fn newer(cursor: i64, limit: usize) -> PageRequest {
    PageRequest {
        cursor: Some(cursor),
        direction: Direction::Newer,
        limit,
    }
}

/// Counts rows with the backend's own look at its database.
pub async fn count<B: Backend>(store: &B, sql: &str) -> i64 {
    store.count(sql).await
}

/// Declares the whole conformance suite for a backend type: one test per behaviour, grouped in
/// modules named like this crate's, each on a multi-threaded runtime (as the server runs).
#[macro_export]
macro_rules! conformance_tests {
    ($backend:ty) => {
        $crate::conformance_tests!(@declare $backend;
            accounts {
                reopening_keeps_data_and_migrations,
                an_open_store_is_ready,
                create_account_makes_everyone_personal_and_membership,
                create_extension_numbers_personal_chat_and_everyone,
                duplicate_email_and_number_are_invalid_and_leave_nothing_behind,
                extensions_by_ids_and_by_email,
                credentials_lookups,
            }
            audit {
                events_round_trip_newest_first_and_survive_reopening,
                filters_and_pages_select_what_they_say,
                an_audited_change_and_its_events_are_kept_together_or_not_at_all,
            }
            chats {
                teams_page_in_both_directions_with_exact_flags,
                types_filter,
                conversations_are_found_not_duplicated,
                membership_changes_post_system_messages,
                update_favorites_recent_and_delete,
                unknown_members_are_rejected,
            }
            concurrency {
                a_thousand_concurrent_posts_all_land,
                reads_run_alongside_writes_and_survive_reopen,
            }
            events {
                accounts_and_extensions_join_their_own_chats,
                posts_added_changed_removed,
                a_failed_call_appends_nothing,
                chats_created_found_renamed_changed_and_deleted,
                membership_changes_tell_joiners_leavers_and_members,
                reading_the_outbox_in_order_and_waiting_for_it,
                the_outbox_survives_reopening,
            }
            files {
                files_round_trip_and_post_with_their_event,
                a_refused_post_records_no_file,
                cleanup_forgets_unattached_files_and_unused_blobs,
            }
            membership {
                joins_and_leaves_are_recorded_with_their_events,
                steps_go_with_the_events_they_came_with,
            }
            notify {
                levels_are_kept_per_person_and_chat,
            }
            interactive {
                settings_are_kept_per_app_and_name_a_bots_app,
                submissions_are_claimed_once_retried_and_finished,
            }
            oidc {
                the_first_signing_key_is_kept_once_and_rotation_keeps_the_previous,
                oidc_grants_are_kept_by_family,
            }
            exports {
                tasks_are_kept_limited_per_company_and_listed_newest_first,
                workers_claim_the_oldest_and_take_over_when_a_lease_ends,
                a_task_reads_its_chats_and_time_range,
            }
            platform {
                a_code_is_spent_once_and_reuse_revokes_its_family,
                removing_a_bot_records_delete_revokes_and_leaves_its_chats,
                sandbox_accounts_unassigned_numbers_and_activation,
                password_failures_count_restart_and_clear,
            }
            posts {
                create_post_checks_chat_membership_parent_and_status,
                fields_round_trip,
                mentions_are_named_and_unknown_ones_dropped,
                list_posts_pages_and_threads,
                update_and_delete_posts,
            }
            search {
                words_prefixes_edits_and_deletes_are_searchable_at_once,
                only_the_chats_a_person_is_in_now_are_searched,
                filters_by_chat_author_and_time,
                best_matches_first_and_pages_by_position,
            }
            subscriptions {
                create_read_list_update_delete,
                the_cursor_never_moves_back,
                failure_record_and_blacklisting,
                pruning_keeps_what_live_webhooks_need,
                undeliverable_events_move_the_cursor_and_keep_the_failure,
            }
            teamwork {
                tasks_round_trip_with_their_card_post,
                changes_at_the_same_moment_are_all_kept,
                items_are_refused_whole_outside_their_chat,
                task_filters_and_pages,
                notes_drafts_locks_and_publishing,
                events_of_people_and_of_chats,
                deleting_a_chat_deletes_its_items,
            }
            tokens {
                apps_round_trip_and_client_ids_are_unique,
                insert_and_lookup_tokens,
                rotate_spends_and_reuse_revokes_the_family,
                expired_refresh_tokens_do_not_rotate,
                revoke_by_access_or_refresh_hash,
                a_bot_is_created_whole_or_not_at_all,
            }
            webhooks {
                webhooks_round_trip_and_list_by_chat_and_member,
            }
            presence {
                presence_settings_round_trip,
            }
            removal {
                removing_a_person_keeps_their_posts_and_ends_their_access,
            }
        );
    };
    (@declare $backend:ty; $($module:ident { $($name:ident),* $(,)? })*) => {
        $(
            mod $module {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                    async fn $name() {
                        $crate::$module::$name::<$backend>().await
                    }
                )*
            }
        )*
    };
}
