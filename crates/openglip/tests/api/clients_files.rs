//! Files with RingCentral's own SDKs (`tests/clients/js/files.mjs`, `tests/clients/python/files.py`):
//! upload (the JS SDK's `FormData`, the Python SDK's multipart builder with its `json` part), a
//! post attaching a file by id, the content read by a member, refused to a non-member.

use crate::clients::{repo_root, run, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_js_sdk_files() {
    let root = repo_root().join("tests/clients/js");
    assert!(
        root.join("node_modules/@ringcentral/sdk").exists(),
        "the JavaScript SDK is not installed: run `scripts/test` (it installs tests/clients/js/node_modules)"
    );
    run("node", root.join("files.mjs"), vec![], setup().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringcentral_python_sdk_files() {
    let root = repo_root().join("tests/clients/python");
    let deps = root.join(".deps");
    assert!(
        deps.join("ringcentral").exists(),
        "the Python SDK is not installed: run `scripts/test` (it installs tests/clients/python/.deps)"
    );
    run(
        "python3",
        root.join("files.py"),
        vec![("PYTHONPATH", deps.display().to_string())],
        setup().await,
    )
    .await;
}
