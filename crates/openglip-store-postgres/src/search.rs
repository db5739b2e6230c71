//! Full-text search of posts over the generated `tsvector` column `posts.search` and its GIN
//! index (migration 0013). The domain gives the words ([`SearchQuery::terms`], letters and
//! digits only); here they become a `tsquery` of quoted prefix terms, all required, so no query
//! text is ever read as `tsquery` syntax.

use openglip_domain::search::{SearchPage, SearchQuery, SearchStore};
use openglip_domain::store::BoxFuture;
use openglip_domain::*;

use crate::PostgresStore;
use crate::db::{Conn, limit as sql_limit};
use crate::rows::{self, POST_COLS};

impl SearchStore for PostgresStore {
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

/// `'word':* & 'word':*`: every term as a quoted prefix, all required.
pub(crate) fn tsquery(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("'{}':*", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" & ")
}

pub(crate) fn search_posts(
    c: &mut Conn,
    member: ExtensionId,
    query: SearchQuery,
    offset: usize,
    limit: usize,
) -> Result<SearchPage> {
    // Driven by the GIN index (@@), then kept to the member's chats and the filters; ts_rank
    // (larger is better), then newest.
    let sql = format!(
        "SELECT {POST_COLS} FROM posts p, to_tsquery('simple', $1) q
          WHERE p.search @@ q
            AND p.chat_id IN (SELECT m.chat_id FROM members m WHERE m.person_id = $2)
            AND ($3::bigint IS NULL OR p.chat_id = $3)
            AND ($4::bigint IS NULL OR p.creator_id = $4)
            AND ($5::bigint IS NULL OR p.created >= $5)
            AND ($6::bigint IS NULL OR p.created < $6)
          ORDER BY ts_rank(p.search, q) DESC, p.id DESC
          LIMIT $7 OFFSET $8"
    );
    let mut posts = c.map(
        &sql,
        &[
            &tsquery(&query.terms),
            &member.0,
            &query.chat.map(|x| x.0),
            &query.creator.map(|x| x.0),
            &query.since.map(|t| t.0),
            &query.until.map(|t| t.0),
            &sql_limit(limit + 1),
            &(offset as i64),
        ],
        rows::post,
    )?;
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
            tsquery(&["deploy".into(), "v2".into()]),
            "'deploy':* & 'v2':*"
        );
        assert_eq!(tsquery(&["o'k".into()]), "'o''k':*");
    }
}
