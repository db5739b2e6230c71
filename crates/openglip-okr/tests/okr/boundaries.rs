//! The OKR app talks to the platform only through its public API: its normal dependencies
//! (followed through every workspace crate, with the features they turn on) reach no server,
//! store or domain crate. Dev-dependencies may start the platform for tests.

use std::collections::BTreeSet;

use openglip_testkit::boundaries::Workspace;

const FORBIDDEN: [&str; 3] = [
    "openglip-server",
    "openglip-store-sqlite",
    "openglip-domain",
];

#[test]
fn the_app_depends_on_no_server_store_or_domain_crate() {
    let packages = Workspace::load(env!("CARGO_MANIFEST_DIR"));
    // Directly: the SDK, the bot framework and the page kit are the only crates of ours.
    let own = packages.normal_deps("openglip-okr", &BTreeSet::new());
    let ours: BTreeSet<&str> = own
        .iter()
        .map(|(n, ..)| n.as_str())
        .filter(|n| n.starts_with("openglip"))
        .collect();
    assert_eq!(
        ours,
        BTreeSet::from(["openglip-bot", "openglip-sdk", "openglip-webkit"])
    );
    // Transitively, through our crates, with the features each turns on.
    packages.assert_reaches_none("openglip-okr", &FORBIDDEN);
    // And the harness feature would have been caught: it turns the server on.
    let harness = packages.features("openglip-bot", &["harness".into()], true);
    assert!(
        packages
            .normal_deps("openglip-bot", &harness)
            .iter()
            .any(|(n, ..)| n == "openglip-server")
    );
}
