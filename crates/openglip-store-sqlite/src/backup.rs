//! An online backup of the database: a consistent copy taken while the server keeps serving.
//!
//! SQLite's backup API copies the database page by page from a read transaction, so the copy is
//! the database as of one commit, and writers (in WAL mode) are never blocked. The copy is
//! written to a temporary file beside the target, checked (`PRAGMA quick_check`), synced, and
//! only then renamed to the target's name: a full disk, a crash or any failure on the way leaves
//! the target as it was (absent, or the previous backup), never a half-written file under its
//! name. The temporary file is removed on failure.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::DB_FILE;

/// What a finished backup wrote.
#[derive(Debug, Clone)]
pub struct BackupDone {
    /// The backup's path (as given).
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// Copies the database of the data folder `data_dir` to `to` (replacing an older backup there).
/// Errors are sentences for the operator, naming the path and the cause.
pub fn backup(data_dir: &Path, to: &Path) -> Result<BackupDone, String> {
    let source = data_dir.join(DB_FILE);
    if !source.is_file() {
        return Err(format!(
            "no openglip data in {}: pass the folder `openglip serve` uses with --data-dir",
            data_dir.display()
        ));
    }
    if same_file(&source, to) {
        return Err(format!(
            "{} is the live database itself: back up to another file",
            to.display()
        ));
    }
    let name = to
        .file_name()
        .ok_or_else(|| format!("--to {} names no file", to.display()))?;
    let folder = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(format!(
            "cannot write the backup: the folder {} does not exist",
            folder.display()
        ));
    }
    let mut partial = name.to_os_string();
    partial.push(format!(".partial-{}", std::process::id()));
    let temp = folder.join(partial);
    let result = copy_into(&source, &temp).and_then(|()| {
        std::fs::rename(&temp, to)
            .map_err(|e| format!("cannot name the backup {}: {}", to.display(), io_cause(&e)))?;
        // The rename itself is durable only once the folder is synced.
        if let Ok(dir) = std::fs::File::open(&folder) {
            let _ = dir.sync_all();
        }
        let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
        Ok(BackupDone {
            path: to.to_path_buf(),
            bytes,
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
        let mut journal = temp.into_os_string();
        journal.push("-journal");
        let _ = std::fs::remove_file(journal);
    }
    result
}

/// The copy itself, into `temp`: backup, check, sync.
fn copy_into(source: &Path, temp: &Path) -> Result<(), String> {
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open the database {}: {e}", source.display()))?;
    src.busy_timeout(crate::db::BUSY_TIMEOUT)
        .map_err(|e| format!("cannot open the database {}: {e}", source.display()))?;
    let written = |e: rusqlite::Error| {
        format!(
            "cannot write the backup {}: {}",
            temp.display(),
            sqlite_cause(&e)
        )
    };
    let mut dst = Connection::open(temp).map_err(written)?;
    {
        let copy = Backup::new(&src, &mut dst).map_err(written)?;
        // All pages in one step, inside one read transaction: the copy is one commit's state.
        // Busy or locked (a checkpoint under way): wait a moment and try again.
        let mut tries = 0;
        loop {
            match copy.step(-1).map_err(written)? {
                StepResult::Done => break,
                _ if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err("the database stayed locked: try the backup again".into()),
            }
        }
    }
    let check: String = dst
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(written)?;
    if check != "ok" {
        return Err(format!(
            "the copy in {} did not pass its check ({check})",
            temp.display()
        ));
    }
    dst.close().map_err(|(_, e)| written(e))?;
    std::fs::File::open(temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| {
            format!(
                "cannot write the backup {}: {}",
                temp.display(),
                io_cause(&e)
            )
        })
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn sqlite_cause(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => format!("the disk is full ({e})"),
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied)
        | Some(rusqlite::ErrorCode::CannotOpen) => format!("it cannot be written there ({e})"),
        _ => e.to_string(),
    }
}

fn io_cause(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => format!("the disk is full ({e})"),
        std::io::ErrorKind::PermissionDenied => format!("permission denied ({e})"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_database_is_never_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::SqliteStore::open(dir.path()).unwrap();
        let e = backup(dir.path(), &dir.path().join(DB_FILE)).unwrap_err();
        assert!(e.contains("live database"), "{e}");
        drop(store);
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let _store = crate::SqliteStore::open(dir.path()).unwrap();
        let e = backup(dir.path(), &dir.path().join("nope/b.db")).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
    }
}
