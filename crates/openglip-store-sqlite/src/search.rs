//! Full-text search of posts over the FTS5 table `post_search` (migration 0013, kept in step
//! with `posts` by triggers). The domain gives the words ([`SearchQuery::terms`], letters and
//! digits only); here they become an FTS5 query of quoted prefix terms, all required, so no
//! query text is ever read as FTS5 syntax.

use openglip_domain::search::{SearchPage, SearchQuery, SearchStore};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;
use rusqlite::{Connection, params};

use crate::SqliteStore;
use crate::db::Db;
use crate::rows::{self, POST_COLS};

impl SearchStore for SqliteStore {
    fn search_posts(
        &self,
        member: ExtensionId,
        query: SearchQuery,
        offset: usize,
        limit: usize,
    ) -> BoxFuture<'_, SearchPage> {
        Box::pin(self.read(move |c| search_posts(c, member, query, offset, limit)))
    }
}

/// `"word"* "word"*`: every term as a quoted prefix (implicit AND).
pub(crate) fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn search_posts(
    c: &Connection,
    member: ExtensionId,
    query: SearchQuery,
    offset: usize,
    limit: usize,
) -> Result<SearchPage> {
    // Driven by the index (MATCH), then kept to the member's chats and the filters; bm25's
    // `rank` (smaller is better), then newest.
    let sql = format!(
        "SELECT {POST_COLS} FROM post_search JOIN posts p ON p.id = post_search.rowid
          WHERE post_search MATCH ?1
            AND p.chat_id IN (SELECT m.chat_id FROM members m WHERE m.person_id = ?2)
            AND (?3 IS NULL OR p.chat_id = ?3)
            AND (?4 IS NULL OR p.creator_id = ?4)
            AND (?5 IS NULL OR p.created >= ?5)
            AND (?6 IS NULL OR p.created < ?6)
          ORDER BY post_search.rank, p.id DESC
          LIMIT ?7 OFFSET ?8"
    );
    let mut posts = c
        .prepare_cached(&sql)
        .db()?
        .query_map(
            params![
                match_expression(&query.terms),
                member.0,
                query.chat.map(|x| x.0),
                query.creator.map(|x| x.0),
                query.since.map(|t| t.0),
                query.until.map(|t| t.0),
                (limit + 1) as i64,
                offset as i64,
            ],
            rows::post,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    let has_more = posts.len() > limit;
    posts.truncate(limit);
    Ok(SearchPage { posts, has_more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_quoted_prefixes() {
        assert_eq!(
            match_expression(&["deploy".into(), "v2".into()]),
            "\"deploy\"* \"v2\"*"
        );
        assert_eq!(match_expression(&["a\"b".into()]), "\"a\"\"b\"*");
    }
}
