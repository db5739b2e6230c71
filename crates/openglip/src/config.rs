//! `--config FILE`: the server's settings in a TOML file, beside flags and environment.
//!
//! A key of the file is the long name of a `serve` flag, in kebab or snake case
//! (`listen = "0.0.0.0:8080"`, `rate_limits = "off"`, `webhook-allow-private = true`,
//! `database = "postgres://…"`). Precedence: a flag on the command line, then its environment
//! variable, then the file, then the default. A key that names no flag is an error naming it (a
//! typo must not be silently ignored). `admin` commands read the same file for where the data is
//! (`data-dir`, `database`) and leave the server's other keys alone.
//!
//! How: the command line is parsed once; every key of the file whose flag was not given on the
//! command line or in the environment becomes that flag, appended to the arguments, which are
//! parsed again. So the file goes through exactly the flags' own parsing and checks.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};

/// The flag (and variable) that names the file.
pub const FLAG: &str = "config";

/// The arguments with the file's settings added, when a `--config` (or `OPENGLIP_CONFIG`) is
/// given to `serve` or an `admin` command; else the arguments as they were.
pub fn with_file(cmd: &Command, args: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let matches = cmd
        .clone()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| e.exit());
    let (chain, leaf) = leaf(&matches);
    // Commands without the flag (the OKR and agent apps) have no file.
    let Some(path) = leaf.try_get_one::<PathBuf>(FLAG).ok().flatten() else {
        return Ok(args);
    };
    let settings = read(path)?;
    let serve = cmd
        .find_subcommand("serve")
        .ok_or("the command has no serve")?;
    let mut leaf_cmd = cmd;
    for name in &chain {
        leaf_cmd = leaf_cmd
            .find_subcommand(name)
            .ok_or_else(|| format!("no command {name}"))?;
    }
    let mut out = args;
    for (key, value) in settings {
        let id = key.replace('-', "_");
        let known = |c: &Command| {
            c.get_arguments()
                .any(|a| a.get_id() == id.as_str() && a.get_long().is_some())
                && !matches!(id.as_str(), FLAG | "help" | "version")
        };
        if !known(serve) {
            return Err(format!(
                "{}: unknown setting {key:?} (the keys are `openglip serve` flags, e.g. listen, database, data-dir, rate-limits, log-format)",
                path.display()
            ));
        }
        // Another command's setting (an admin command reads only where the data is).
        if !known(leaf_cmd) {
            continue;
        }
        if matches!(
            leaf.value_source(&id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let flag = format!("--{}", id.replace('_', "-"));
        let takes_value = leaf_cmd
            .get_arguments()
            .find(|a| a.get_id() == id.as_str())
            .is_some_and(|a| a.get_action().takes_values());
        match value {
            toml_value::Value::Bool(on) if !takes_value => {
                if on {
                    out.push(flag.into());
                }
            }
            v => {
                let text = v.text().ok_or_else(|| {
                    format!(
                        "{}: {key} takes a string, a number or true/false",
                        path.display()
                    )
                })?;
                out.push(format!("{flag}={text}").into());
            }
        }
    }
    Ok(out)
}

/// The subcommand names down to the one that runs, and its matches.
fn leaf(m: &ArgMatches) -> (Vec<String>, &ArgMatches) {
    let mut chain = Vec::new();
    let mut cur = m;
    while let Some((name, sub)) = cur.subcommand() {
        chain.push(name.to_string());
        cur = sub;
    }
    (chain, cur)
}

/// The file's top-level keys and values, in order.
fn read(path: &Path) -> Result<Vec<(String, toml_value::Value)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
    toml_value::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The little of TOML a flat settings file needs.
mod toml_value {
    /// A value of a top-level key.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Value {
        String(String),
        Integer(i64),
        Float(f64),
        Bool(bool),
        /// Arrays and tables: no flag takes them.
        Other,
    }

    impl Value {
        /// The value as a flag's text.
        pub fn text(&self) -> Option<String> {
            match self {
                Value::String(s) => Some(s.clone()),
                Value::Integer(i) => Some(i.to_string()),
                Value::Float(f) => Some(f.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Other => None,
            }
        }
    }

    pub fn parse(text: &str) -> Result<Vec<(String, Value)>, String> {
        let doc: std::collections::BTreeMap<String, serde_json::Value> =
            basic_toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(doc
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => Value::String(s),
                    serde_json::Value::Bool(b) => Value::Bool(b),
                    serde_json::Value::Number(n) => match n.as_i64() {
                        Some(i) => Value::Integer(i),
                        None => n.as_f64().map_or(Value::Other, Value::Float),
                    },
                    _ => Value::Other,
                };
                (k, v)
            })
            .collect())
    }
}
