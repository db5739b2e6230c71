//! Keyset paging: a page of items past a cursor (newest first, or oldest first when paging
//! towards newer items), and whether more lie on either side. Shared by the chat and post
//! listings, which supply the query.

use openglip_domain::Result;
use openglip_domain::store::{Direction, Page, PageRequest};

/// Runs a keyset page: `fetch(cmp, order, cursor, n)` returns up to `n` items past `cursor`;
/// `exists(cmp, cursor)` says whether any item is on the other side.
pub(crate) fn keyset<T>(
    page: PageRequest,
    mut fetch: impl FnMut(&str, &str, i64, i64) -> Result<Vec<T>>,
    mut exists: impl FnMut(&str, i64) -> Result<bool>,
) -> Result<Page<T>> {
    let limit = page.limit;
    let n = i64::try_from(limit)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1);
    match (page.cursor, page.direction) {
        (None, _) => {
            let mut items = fetch("<", "DESC", i64::MAX, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: false,
                has_older,
            })
        }
        (Some(cursor), Direction::Older) => {
            let mut items = fetch("<", "DESC", cursor, n)?;
            let has_older = items.len() > limit;
            items.truncate(limit);
            Ok(Page {
                items,
                has_newer: exists(">=", cursor)?,
                has_older,
            })
        }
        (Some(cursor), Direction::Newer) => {
            let mut items = fetch(">", "ASC", cursor, n)?;
            let has_newer = items.len() > limit;
            items.truncate(limit);
            items.reverse();
            Ok(Page {
                items,
                has_newer,
                has_older: exists("<=", cursor)?,
            })
        }
    }
}
