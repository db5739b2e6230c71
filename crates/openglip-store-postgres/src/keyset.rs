//! Keyset paging: a page of items past a cursor (newest first, or oldest first when paging
//! towards newer items), and whether more lie on either side. Shared by the chat and post
//! listings, which supply the query.

use openglip_domain::Result;
use openglip_domain::store::{Direction, Page, PageRequest};

use crate::db::Conn;

/// Runs a keyset page: `fetch(conn, cmp, order, cursor, n)` returns up to `n` items past
/// `cursor`; `exists(conn, cmp, cursor)` says whether any item is on the other side.
pub(crate) fn keyset<T>(
    conn: &mut Conn,
    page: PageRequest,
    fetch: impl Fn(&mut Conn, &str, &str, i64, i64) -> Result<Vec<T>>,
    exists: impl Fn(&mut Conn, &str, i64) -> Result<bool>,
) -> Result<Page<T>> {
    let limit = page.limit;
    let n = i64::try_from(limit)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1);
    match (page.cursor, page.direction) {
        (None, _) => {
            let mut items = fetch(conn, "<", "DESC", i64::MAX, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: false,
                has_older,
            })
        }
        (Some(cursor), Direction::Older) => {
            let mut items = fetch(conn, "<", "DESC", cursor, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: exists(conn, ">=", cursor)?,
                has_older,
            })
        }
        (Some(cursor), Direction::Newer) => {
            let mut items = fetch(conn, ">", "ASC", cursor, n)?;
            let has_newer = items.len() > limit;
            items.truncate(limit);
            items.reverse();
            Ok(Page {
                items,
                has_newer,
                has_older: exists(conn, "<=", cursor)?,
            })
        }
    }
}
