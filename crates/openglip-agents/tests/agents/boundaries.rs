//! The agent app talks to the platform only through its public API: following the resolved
//! dependency graph of `cargo metadata` from `openglip-agents` along normal dependencies (not
//! dev or build ones) reaches no server, store, platform or domain crate.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

const FORBIDDEN: [&str; 4] = [
    "openglip-server",
    "openglip-store-sqlite",
    "openglip-platform",
    "openglip-domain",
];

#[test]
fn the_agent_app_depends_on_no_server_store_platform_or_domain_crate() {
    // The resolved graph for this machine only (other platforms' crates need not be fetched).
    let rustc = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("rustc names its host");
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
        ])
        .arg(host)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: HashMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let nodes: HashMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let start = names
        .iter()
        .find(|(_, n)| **n == "openglip-agents")
        .map(|(id, _)| *id)
        .expect("openglip-agents in the workspace");
    let mut reached = BTreeSet::new();
    let mut todo = vec![start];
    while let Some(id) = todo.pop() {
        if !reached.insert(names[id]) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                todo.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(
        reached.len() > 10,
        "the walk found the dependencies: {reached:?}"
    );
    for f in FORBIDDEN {
        assert!(!reached.contains(f), "openglip-agents reaches {f}");
    }
}
