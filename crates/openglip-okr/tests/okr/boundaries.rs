//! The OKR app talks to the platform only through its public API: its normal dependencies
//! (followed through every workspace crate, with the features they turn on) reach no server,
//! store or domain crate. Dev-dependencies may start the platform for tests.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

const FORBIDDEN: [&str; 3] = [
    "openglip-server",
    "openglip-store-sqlite",
    "openglip-domain",
];

struct Packages {
    by_name: HashMap<String, Value>,
}

impl Packages {
    /// The features `features` turn on in `package` (followed through its feature table).
    fn features(&self, package: &str, requested: &[String], default: bool) -> BTreeSet<String> {
        let table = &self.by_name[package]["features"];
        let mut on = BTreeSet::new();
        let mut todo: Vec<String> = requested.to_vec();
        if default && table.get("default").is_some() {
            todo.push("default".into());
        }
        while let Some(f) = todo.pop() {
            if on.insert(f.clone())
                && let Some(list) = table.get(&f).and_then(Value::as_array)
            {
                todo.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
            }
        }
        on
    }

    /// The normal dependencies of `package` with `features` on: (name, features asked, default).
    fn normal_deps(
        &self,
        package: &str,
        features: &BTreeSet<String>,
    ) -> Vec<(String, Vec<String>, bool)> {
        let mut out = Vec::new();
        for d in self.by_name[package]["dependencies"].as_array().unwrap() {
            if !d["kind"].is_null() {
                continue;
            }
            let name = d["name"].as_str().unwrap().to_string();
            let optional = d["optional"].as_bool().unwrap_or(false);
            let enabled = !optional
                || features.iter().any(|f| {
                    f == &name || f == &format!("dep:{name}") || f.starts_with(&format!("{name}/"))
                });
            if !enabled {
                continue;
            }
            let mut asked: Vec<String> = d["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            for f in features {
                if let Some(feat) = f
                    .strip_prefix(&format!("{name}/"))
                    .or_else(|| f.strip_prefix(&format!("{name}?/")))
                {
                    asked.push(feat.to_string());
                }
            }
            out.push((
                name,
                asked,
                d["uses_default_features"].as_bool().unwrap_or(true),
            ));
        }
        out
    }
}

#[test]
fn the_app_depends_on_no_server_store_or_domain_crate() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = Packages {
        by_name: meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| members.contains(p["id"].as_str().unwrap()))
            .map(|p| (p["name"].as_str().unwrap().to_string(), p.clone()))
            .collect(),
    };
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
    let mut seen = BTreeSet::new();
    let mut todo = vec![(
        "openglip-okr".to_string(),
        vec![],
        true,
        vec!["openglip-okr".to_string()],
    )];
    while let Some((name, asked, default, path)) = todo.pop() {
        let features = packages.features(&name, &asked, default);
        if !seen.insert((name.clone(), features.clone())) {
            continue;
        }
        for (dep, dep_asked, dep_default) in packages.normal_deps(&name, &features) {
            let mut via = path.clone();
            via.push(dep.clone());
            assert!(
                !FORBIDDEN.contains(&dep.as_str()),
                "the OKR app reaches {dep}: {}",
                via.join(" → ")
            );
            if packages.by_name.contains_key(&dep) {
                todo.push((dep, dep_asked, dep_default, via));
            }
        }
    }
    assert!(
        seen.iter().any(|(n, _)| n == "openglip-wire"),
        "the walk followed the SDK"
    );
    // And the harness feature would have been caught: it turns the server on.
    let harness = packages.features("openglip-bot", &["harness".into()], true);
    assert!(
        packages
            .normal_deps("openglip-bot", &harness)
            .iter()
            .any(|(n, ..)| n == "openglip-server")
    );
}
