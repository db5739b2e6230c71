//! RingCentral's own SDKs on tasks, notes and calendar events: `tests/clients/js/teamwork.mjs`
//! (`@ringcentral/sdk`) and `tests/clients/python/teamwork.py` (PyPI `ringcentral`), with the
//! setup of the SDK scenarios (`clients.rs`).

use crate::clients::{repo_root, run, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_tasks_notes_events() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    run("node", root.join("teamwork.mjs"), vec![], setup().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_tasks_notes_events() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    run(
        "python3",
        root.join("teamwork.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        setup().await,
    )
    .await;
}
