//! Search, an openglip extension of the API: `GET /team-messaging/v1/search/posts` (see
//! `openglip_domain::search` for what a search means and `docs/API-COMPAT.md` for the wire).
//!
//! Pages are numbered by position: a page token carries the search itself (its words and
//! filters, so a client may send the token alone, as with RingCentral's other lists) and where
//! the page starts.

use axum::extract::State;
use axum::{Extension, Json};
use openglip_domain::paging::{self, PageToken};
use openglip_domain::search::{self, SearchQuery};
use openglip_domain::store::Direction;
use openglip_domain::{Caller, Error, Timestamp};
use openglip_wire as w;

use crate::AppState;
use crate::convert;
use crate::error::ApiResult;
use crate::extract::Params;

/// The prefix of a search's page tokens.
const KIND: &str = "search:";
/// The furthest a page may start (deeper pages cost the database the whole ranking again).
const MAX_OFFSET: i64 = 10_000;

pub async fn posts(
    State(st): State<AppState>,
    Extension(c): Extension<Caller>,
    q: Params,
) -> ApiResult<Json<w::SearchPostList>> {
    let count = paging::record_count(q.get("recordCount"))?;
    let (query, offset) = match q.get("pageToken").filter(|t| !t.is_empty()) {
        Some(token) => from_token(token)?,
        None => (from_params(&q)?, 0),
    };
    let scope = scope(&query);
    let (hits, has_more) = st.service().search_posts(&c, query, offset, count).await?;
    let token = |cursor: usize| {
        PageToken {
            scope: scope.clone(),
            cursor: cursor as i64,
            direction: Direction::Older,
        }
        .encode()
    };
    let navigation = w::Navigation {
        prev_page_token: (offset > 0).then(|| token(offset.saturating_sub(count))),
        next_page_token: (has_more && offset + count <= MAX_OFFSET as usize)
            .then(|| token(offset + count)),
    };
    Ok(Json(w::SearchPostList {
        records: hits.iter().map(convert::search_post_info).collect(),
        navigation,
    }))
}

/// The search the query parameters ask for.
fn from_params(q: &Params) -> Result<SearchQuery, Error> {
    let id = |name: &str| -> Result<Option<i64>, Error> {
        q.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().parse::<i64>().map_err(|_| Error::invalid(name)))
            .transpose()
    };
    let instant = |name: &str| -> Result<Option<Timestamp>, Error> {
        q.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| {
                Timestamp::parse(v.trim()).ok_or_else(|| {
                    Error::invalid_because(
                        name,
                        format!(
                            "Parameter [{name}] value is invalid: an ISO 8601 date and time is expected, like 2026-01-31T09:00:00Z."
                        ),
                    )
                })
            })
            .transpose()
    };
    Ok(SearchQuery {
        terms: search::terms(q.get("q").unwrap_or(""))?,
        chat: id("chatId")?.map(openglip_domain::ChatId),
        creator: id("creatorId")?.map(openglip_domain::ExtensionId),
        since: instant("since")?,
        until: instant("until")?,
    })
}

/// A search as its page tokens carry it: `search:chat|creator|since|until|words`.
fn scope(query: &SearchQuery) -> String {
    let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    format!(
        "{KIND}{}|{}|{}|{}|{}",
        opt(query.chat.map(|c| c.0)),
        opt(query.creator.map(|c| c.0)),
        opt(query.since.map(|t| t.0)),
        opt(query.until.map(|t| t.0)),
        query.terms.join(" ")
    )
}

/// The search and the offset a page token names.
fn from_token(token: &str) -> Result<(SearchQuery, usize), Error> {
    let bad = || Error::invalid("pageToken");
    let tok = PageToken::decode(token)?;
    let rest = tok.scope.strip_prefix(KIND).ok_or_else(|| {
        Error::invalid_because(
            "pageToken",
            "Parameter [pageToken] value is invalid: it belongs to another listing.",
        )
    })?;
    if !(0..=MAX_OFFSET).contains(&tok.cursor) {
        return Err(bad());
    }
    let mut parts = rest.splitn(5, '|');
    let mut num = || -> Result<Option<i64>, Error> {
        match parts.next() {
            Some("") => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| bad()),
            None => Err(bad()),
        }
    };
    let chat = num()?.map(openglip_domain::ChatId);
    let creator = num()?.map(openglip_domain::ExtensionId);
    let since = num()?.map(Timestamp);
    let until = num()?.map(Timestamp);
    let words = parts.next().ok_or_else(bad)?;
    let terms = search::terms(words).map_err(|_| bad())?;
    Ok((
        SearchQuery {
            terms,
            chat,
            creator,
            since,
            until,
        },
        tok.cursor as usize,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_carries_the_search_and_its_place() {
        let query = SearchQuery {
            terms: vec!["deploy".into(), "v2".into()],
            chat: Some(openglip_domain::ChatId(7)),
            creator: None,
            since: Some(Timestamp(1_000)),
            until: None,
        };
        let token = PageToken {
            scope: scope(&query),
            cursor: 60,
            direction: Direction::Older,
        }
        .encode();
        assert_eq!(from_token(&token).unwrap(), (query, 60));
        let posts = PageToken {
            scope: "posts:7".into(),
            cursor: 60,
            direction: Direction::Older,
        }
        .encode();
        assert!(from_token(&posts).is_err());
        assert!(from_token("garbage").is_err());
    }
}
