//! The agent app talks to the platform only through its public API: its normal dependencies
//! (followed through every workspace crate, with the features they turn on) reach no server,
//! store, platform or domain crate. Dev-dependencies may start the platform for tests.

use std::collections::BTreeSet;

use openglip_testkit::boundaries::Workspace;

const FORBIDDEN: [&str; 6] = [
    "openglip-server",
    "openglip-web",
    "openglip-store-sqlite",
    "openglip-store-postgres",
    "openglip-platform",
    "openglip-domain",
];

#[test]
fn the_agent_app_depends_on_no_server_store_platform_or_domain_crate() {
    let packages = Workspace::load(env!("CARGO_MANIFEST_DIR"));
    let ours: BTreeSet<String> = packages
        .normal_deps("openglip-agents", &BTreeSet::new())
        .into_iter()
        .map(|(n, ..)| n)
        .filter(|n| n.starts_with("openglip"))
        .collect();
    assert_eq!(
        ours,
        BTreeSet::from(
            [
                "openglip-bot",
                "openglip-embed",
                "openglip-sdk",
                "openglip-webkit"
            ]
            .map(String::from)
        )
    );
    packages.assert_reaches_none("openglip-agents", &FORBIDDEN);
}
