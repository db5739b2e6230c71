//! A local S3-compatible server for the tests of the S3 blob store: moto's server (PyPI
//! `moto[server]`, installed by `tests/clients/install.sh` into `tests/clients/s3/.deps`, or
//! already on the machine), started on a free loopback port and stopped when dropped.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// A running moto server.
pub struct MotoServer {
    child: tokio::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl MotoServer {
    /// Starts moto's server, or says why it cannot (not installed): the caller skips, saying so.
    /// `deps` is the folder `tests/clients/install.sh` installs it into.
    pub async fn start(deps: &Path) -> Result<MotoServer, String> {
        let port = crate::free_port();
        let mut python_path = deps.display().to_string();
        if let Ok(existing) = std::env::var("PYTHONPATH") {
            python_path = format!("{python_path}:{existing}");
        }
        let child = tokio::process::Command::new("python3")
            .args(["-m", "moto.server", "--host", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .env("PYTHONPATH", python_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        let mut server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "moto's server exited ({status}): is `moto[server]` installed? (tests/clients/install.sh)"
                ));
            }
            if http
                .get(format!("{}/moto-api/", server.endpoint))
                .send()
                .await
                .is_ok()
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = server.child.start_kill();
        Err("moto's server did not answer within 20 seconds".into())
    }
}
