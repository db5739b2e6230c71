//! Which crates an app reaches through its normal dependencies: the check that an app talks to
//! the platform only through its public API. [`Workspace::reach`] follows every workspace
//! crate's normal dependencies with the features each turns on (dev-dependencies may start the
//! platform for tests; the resolved graph cannot tell them apart, so manifests are read).

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

/// The workspace's crates as `cargo metadata` describes them (their manifests, not the
/// resolved graph: that one unifies the features every crate turns on, dev ones included).
pub struct Workspace {
    by_name: HashMap<String, Value>,
}

impl Workspace {
    /// The features `features` turn on in `package` (followed through its feature table).
    pub fn features(&self, package: &str, requested: &[String], default: bool) -> BTreeSet<String> {
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
    pub fn normal_deps(
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

impl Workspace {
    /// `cargo metadata` of the workspace containing `manifest_dir`.
    pub fn load(manifest_dir: &str) -> Workspace {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--no-deps",
                "--manifest-path",
            ])
            .arg(format!("{manifest_dir}/Cargo.toml"))
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
        Workspace {
            by_name: meta["packages"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| members.contains(p["id"].as_str().unwrap()))
                .map(|p| (p["name"].as_str().unwrap().to_string(), p.clone()))
                .collect(),
        }
    }

    /// Every crate `package`'s normal dependencies reach, through the workspace's crates with
    /// the features each turns on, with the path that reaches it (`package → … → crate`).
    pub fn reach(&self, package: &str) -> Vec<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut todo = vec![(package.to_string(), vec![], true, vec![package.to_string()])];
        while let Some((name, asked, default, path)) = todo.pop() {
            let features = self.features(&name, &asked, default);
            if !seen.insert((name.clone(), features.clone())) {
                continue;
            }
            for (dep, dep_asked, dep_default) in self.normal_deps(&name, &features) {
                let mut via = path.clone();
                via.push(dep.clone());
                out.push(via.clone());
                if self.by_name.contains_key(&dep) {
                    todo.push((dep, dep_asked, dep_default, via));
                }
            }
        }
        out
    }

    /// Panics, naming the path, if `package` reaches one of `forbidden`.
    pub fn assert_reaches_none(&self, package: &str, forbidden: &[&str]) {
        let reached = self.reach(package);
        assert!(
            reached
                .iter()
                .any(|p| p.last().is_some_and(|d| d == "openglip-wire")),
            "the walk followed the SDK"
        );
        for path in reached {
            let last = path.last().map(String::as_str).unwrap_or("");
            assert!(
                !forbidden.contains(&last),
                "{package} reaches {last}: {}",
                path.join(" → ")
            );
        }
    }
}
