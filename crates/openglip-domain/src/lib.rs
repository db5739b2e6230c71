//! openglip's domain: what an account, a person, a chat and a post are, the rules about who may do
//! what, and the port through which the domain reaches storage.
//!
//! Invariant: this crate does no I/O. Time, persistence and entropy come from the callers
//! (the store assigns timestamps and ids when it commits; the server generates secrets).

pub mod audit;
pub mod calendar;
pub mod cards;
pub mod directory_search;
pub mod error;
pub mod events;
pub mod export;
pub mod files;
pub mod ids;
pub mod interactive;
pub mod membership_history;
pub mod mentions;
pub mod message_cards;
pub mod model;
pub mod notes;
pub mod notify;
pub mod oidc;
pub mod outbox;
pub mod paging;
pub mod perm;
pub mod platform;
pub mod presence;
pub mod removal;
pub mod search;
pub mod service;
pub mod store;
pub mod store_rules;
pub mod tasks;
pub mod teamwork;
pub mod time;
pub mod transfer;
pub mod validate;
pub mod webhook_payload;
pub mod webhooks;

pub use error::{
    AuthFailure, Error, FieldError, FieldErrors, JwtProblem, OAuthFailure, Result, SignInFailure,
    Subject,
};
pub use ids::*;
pub use model::*;
pub use perm::{GrantType, Permission, PermissionSet};
pub use time::Timestamp;
