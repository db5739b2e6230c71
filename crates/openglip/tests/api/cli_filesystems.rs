//! Issue 15: start-up on a file system that refuses writes says so, naming the folder: a
//! read-only file system (a folder that cannot be made, and one that exists but cannot be
//! written) and a full disk. Each is a small tmpfs mounted for the test; where mounting is not
//! allowed (not root, no `CAP_SYS_ADMIN`) the test says so and checks nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli::fails_with_logs;

/// A tmpfs mounted on a fresh folder, unmounted when dropped.
pub(crate) struct Mounted {
    at: PathBuf,
    _dir: tempfile::TempDir,
}

impl Mounted {
    /// `None` when this process may not mount.
    pub(crate) fn tmpfs(options: &str) -> Option<Mounted> {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("fs");
        std::fs::create_dir(&at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&at)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(Mounted { at, _dir: dir })
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.at)
            .status()
            .unwrap();
        assert!(status.success(), "remount {options}");
    }

    pub(crate) fn path(&self) -> &Path {
        &self.at
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
    }
}

fn starting_fails(data: &Path) -> String {
    fails_with_logs(data, &["serve", "--listen", "127.0.0.1:0"]).0
}

#[test]
fn read_only_and_full_file_systems_are_named_at_start() {
    let Some(read_only) = Mounted::tmpfs("size=1m,ro") else {
        eprintln!("skipped: this process may not mount a tmpfs (run as root to check this)");
        return;
    };
    let missing = read_only.path().join("data");
    let e = starting_fails(&missing);
    assert!(
        e.contains("cannot create the data folder")
            && e.contains("read-only")
            && e.contains(&missing.display().to_string()),
        "{e}"
    );

    let existing = Mounted::tmpfs("size=1m").unwrap();
    let data = existing.path().join("data");
    std::fs::create_dir(&data).unwrap();
    existing.remount("ro");
    let e = starting_fails(&data);
    assert!(
        e.contains("cannot write in the data folder")
            && e.contains("read-only")
            && e.contains(&data.display().to_string()),
        "{e}"
    );

    let full = Mounted::tmpfs("size=256k").unwrap();
    // Fill it: the write stops at "no space left".
    let filler = vec![0u8; 64 * 1024];
    let mut f = std::fs::File::create(full.path().join("fill")).unwrap();
    while std::io::Write::write_all(&mut f, &filler).is_ok() {}
    drop(f);
    let data = full.path().join("data");
    let e = starting_fails(&data);
    assert!(
        e.contains("disk is full") && e.contains(&data.display().to_string()),
        "{e}"
    );
}
