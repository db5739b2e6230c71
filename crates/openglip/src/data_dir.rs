//! The data folder, checked before the store opens it, so that a start-up error says why, with
//! the path: a file where the folder should be, a folder that cannot be made, a read-only file
//! system, a full disk, a folder that holds no openglip data where some is expected.

use std::io::{ErrorKind, Write};
use std::path::Path;

use openglip_store_sqlite::{DB_FILE, SqliteStore};

/// What the caller is about to do with the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Serve, or create the first account: a folder without data is made and initialised.
    MayCreate,
    /// Administer what is there: a folder without openglip data is refused (a mistyped or
    /// forgotten `--data-dir` would otherwise make an empty one and answer "not found").
    Existing,
}

/// An I/O error in words, with its kind made explicit where the operator can act on it.
fn cause(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::ReadOnlyFilesystem => format!("the file system is read-only ({e})"),
        ErrorKind::StorageFull => format!("the disk is full ({e})"),
        ErrorKind::PermissionDenied => format!("permission denied ({e})"),
        ErrorKind::NotFound => format!("a folder on the way does not exist ({e})"),
        _ => e.to_string(),
    }
}

/// Checks `dir` for `how` and opens the store in it.
pub fn open_store(dir: &Path, how: Use) -> Result<SqliteStore, String> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "the data folder {shown} is not a folder (a file of that name is in the way)"
        ));
    }
    if how == Use::Existing && !dir.join(DB_FILE).is_file() {
        return Err(format!(
            "no openglip data in {shown}: pass the folder `openglip serve` uses with --data-dir (or OPENGLIP_DATA_DIR), or create the first account there with `openglip admin account create`"
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the data folder {shown}: {}", cause(&e)))?;
    // A write, synced, before SQLite's own: its errors are the clearest about the cause.
    let probe = dir.join(".openglip-write-check");
    let written = std::fs::File::create(&probe).and_then(|mut f| {
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    written.map_err(|e| format!("cannot write in the data folder {shown}: {}", cause(&e)))?;
    SqliteStore::open(dir).map_err(|e| {
        let detail = match &e {
            openglip_domain::Error::Internal(d) => d.clone(),
            other => other.to_string(),
        };
        format!("cannot open the database in the data folder {shown}: {detail}")
    })
}

/// Why a listening address could not be bound, in words that say what to do.
pub fn listen_error(address: &str, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!(
            "cannot listen on {address}: the address is in use (another server listens there); choose another with --listen ({e})"
        ),
        ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {address}: this machine has no such address ({e})")
        }
        ErrorKind::PermissionDenied => format!(
            "cannot listen on {address}: permission denied (ports below 1024 need privileges) ({e})"
        ),
        _ => format!("cannot listen on {address}: {e}"),
    }
}
