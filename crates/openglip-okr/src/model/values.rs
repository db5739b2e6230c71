//! What a key result of each kind accepts: its start and target when it is defined, and the
//! values of its check-ins, from JSON (the API) or from text (the chat).

use serde_json::Value;

use super::KrKind;

/// The largest milestone count.
pub const MAX_MILESTONES: f64 = 100.0;
/// The largest magnitude of a number key result's values.
pub const MAX_ABS: f64 = 1e15;

/// The longest team name.
pub const NAME_MAX: usize = 100;
/// The longest objective or key result title.
pub const TITLE_MAX: usize = 200;
/// The longest check-in note.
pub const NOTE_MAX: usize = 2000;
/// The longest unit (`€`, `deals`, `NPS points`).
pub const UNIT_MAX: usize = 20;
/// The largest weight of a key result.
pub const MAX_WEIGHT: f64 = 10.0;

/// Checks a piece of text people typed: trimmed, not empty, at most `max` characters, no
/// control characters (a note may have line breaks). Returns it trimmed; errors name `path`.
pub fn text(path: &str, s: &str, max: usize) -> Result<String, (String, String)> {
    let t = s.trim();
    if t.is_empty() {
        return Err((path.to_string(), format!("[{path}] must not be empty")));
    }
    if t.chars().count() > max {
        return Err((
            path.to_string(),
            format!("[{path}] can have at most {max} characters"),
        ));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err((
            path.to_string(),
            format!("[{path}] must not contain control characters"),
        ));
    }
    Ok(t.to_string())
}

/// Start and target of a new key result of `kind`, from what was given (errors name the field).
pub fn range_of(
    kind: KrKind,
    start: Option<f64>,
    target: Option<f64>,
) -> Result<(f64, f64), (&'static str, String)> {
    let finite = |name: &'static str, v: Option<f64>| match v {
        Some(x) if !x.is_finite() || x.abs() > MAX_ABS => Err((
            name,
            format!("[{name}] must be a number of at most 15 digits"),
        )),
        _ => Ok(v),
    };
    let (start, target) = (finite("start", start)?, finite("target", target)?);
    match kind {
        KrKind::Percent => {
            let (s, t) = (start.unwrap_or(0.0), target.unwrap_or(100.0));
            for (name, v) in [("start", s), ("target", t)] {
                if !(0.0..=100.0).contains(&v) {
                    return Err((
                        name,
                        format!("a percent key result's [{name}] is between 0 and 100"),
                    ));
                }
            }
            distinct(s, t)
        }
        KrKind::Number => {
            let s = start.ok_or(("start", "a number key result needs [start]".to_string()))?;
            let t = target.ok_or(("target", "a number key result needs [target]".to_string()))?;
            distinct(s, t)
        }
        KrKind::Boolean => {
            if start.is_some_and(|s| s != 0.0) || target.is_some_and(|t| t != 1.0) {
                return Err((
                    "target",
                    "a boolean key result goes from 0 (not done) to 1 (done); leave out [start] and [target]".into(),
                ));
            }
            Ok((0.0, 1.0))
        }
        KrKind::Milestone => {
            if start.is_some_and(|s| s != 0.0) {
                return Err((
                    "start",
                    "a milestone key result starts at 0 milestones".into(),
                ));
            }
            let t = target.unwrap_or(1.0);
            if t.fract() != 0.0 || !(1.0..=MAX_MILESTONES).contains(&t) {
                return Err((
                    "target",
                    "a milestone key result's [target] is the number of milestones, 1 to 100"
                        .into(),
                ));
            }
            Ok((0.0, t))
        }
    }
}

fn distinct(s: f64, t: f64) -> Result<(f64, f64), (&'static str, String)> {
    if s == t {
        Err(("target", "[target] must differ from [start]".into()))
    } else {
        Ok((s, t))
    }
}

/// A check-in's value from JSON. Errors explain what the kind takes.
pub fn value_from_json(kind: KrKind, target: f64, v: &Value) -> Result<f64, String> {
    match (kind, v) {
        (KrKind::Boolean, Value::Bool(b)) => Ok(if *b { 1.0 } else { 0.0 }),
        (_, Value::Number(n)) => check(kind, target, n.as_f64().unwrap_or(f64::NAN)),
        _ => Err(expects(kind, target)),
    }
}

/// A check-in's value from chat text: `40`, `40%`, `1200.5`, `yes`/`no`/`done`, `3/5`.
pub fn value_from_text(kind: KrKind, target: f64, s: &str) -> Result<f64, String> {
    let s = s.trim();
    let word = s.to_ascii_lowercase();
    let n = match kind {
        KrKind::Boolean => match word.as_str() {
            "yes" | "true" | "done" | "1" => return Ok(1.0),
            "no" | "false" | "0" => return Ok(0.0),
            _ => return Err(expects(kind, target)),
        },
        KrKind::Percent => s.strip_suffix('%').unwrap_or(s).trim().parse::<f64>(),
        KrKind::Milestone => match s.split_once('/') {
            Some((reached, _)) => reached.trim().parse::<f64>(),
            None => s.parse::<f64>(),
        },
        KrKind::Number => s.replace('_', "").parse::<f64>(),
    };
    check(kind, target, n.map_err(|_| expects(kind, target))?)
}

/// Whether `s` reads as a value of some kind (the chat uses it to find where a title ends).
pub fn looks_like_value(s: &str) -> bool {
    let w = s.trim().to_ascii_lowercase();
    matches!(w.as_str(), "yes" | "no" | "true" | "false" | "done")
        || w.strip_suffix('%').unwrap_or(&w).parse::<f64>().is_ok()
        || w.split_once('/')
            .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
}

fn check(kind: KrKind, target: f64, v: f64) -> Result<f64, String> {
    let ok = v.is_finite()
        && match kind {
            KrKind::Percent => (0.0..=100.0).contains(&v),
            KrKind::Number => v.abs() <= MAX_ABS,
            KrKind::Boolean => v == 0.0 || v == 1.0,
            KrKind::Milestone => v.fract() == 0.0 && (0.0..=target).contains(&v),
        };
    if ok {
        Ok(v)
    } else {
        Err(expects(kind, target))
    }
}

fn expects(kind: KrKind, target: f64) -> String {
    match kind {
        KrKind::Percent => "a percent key result takes a number from 0 to 100".into(),
        KrKind::Number => "a number key result takes a number".into(),
        KrKind::Boolean => "a boolean key result takes true or false (yes or no)".into(),
        KrKind::Milestone => format!(
            "a milestone key result takes the number of milestones reached, 0 to {}",
            target as i64
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges_per_kind() {
        assert_eq!(range_of(KrKind::Percent, None, None), Ok((0.0, 100.0)));
        assert_eq!(
            range_of(KrKind::Percent, Some(30.0), Some(50.0)),
            Ok((30.0, 50.0))
        );
        assert!(range_of(KrKind::Percent, None, Some(120.0)).is_err());
        assert_eq!(
            range_of(KrKind::Number, Some(10.0), Some(0.0)),
            Ok((10.0, 0.0))
        );
        assert_eq!(
            range_of(KrKind::Number, None, Some(5.0)).unwrap_err().0,
            "start"
        );
        assert_eq!(
            range_of(KrKind::Number, Some(5.0), Some(5.0))
                .unwrap_err()
                .0,
            "target"
        );
        assert_eq!(range_of(KrKind::Boolean, None, None), Ok((0.0, 1.0)));
        assert!(range_of(KrKind::Boolean, None, Some(5.0)).is_err());
        assert_eq!(range_of(KrKind::Milestone, None, Some(4.0)), Ok((0.0, 4.0)));
        assert!(range_of(KrKind::Milestone, None, Some(2.5)).is_err());
        assert!(range_of(KrKind::Number, Some(f64::INFINITY), Some(1.0)).is_err());
    }

    #[test]
    fn values_of_the_wrong_kind_are_refused() {
        assert_eq!(
            value_from_json(KrKind::Percent, 100.0, &json!(40)),
            Ok(40.0)
        );
        assert!(value_from_json(KrKind::Percent, 100.0, &json!(140)).is_err());
        assert!(value_from_json(KrKind::Percent, 100.0, &json!("40")).is_err());
        assert_eq!(value_from_json(KrKind::Boolean, 1.0, &json!(true)), Ok(1.0));
        assert_eq!(value_from_json(KrKind::Boolean, 1.0, &json!(0)), Ok(0.0));
        assert!(value_from_json(KrKind::Boolean, 1.0, &json!(0.5)).is_err());
        assert!(value_from_json(KrKind::Number, 10.0, &json!(true)).is_err());
        assert_eq!(value_from_json(KrKind::Milestone, 4.0, &json!(3)), Ok(3.0));
        assert!(value_from_json(KrKind::Milestone, 4.0, &json!(5)).is_err());
        assert!(value_from_json(KrKind::Milestone, 4.0, &json!(1.5)).is_err());
        assert!(value_from_json(KrKind::Number, 4.0, &json!(null)).is_err());
    }

    #[test]
    fn texts() {
        assert_eq!(text("name", "  Sales ", NAME_MAX), Ok("Sales".into()));
        assert!(text("name", "   ", NAME_MAX).is_err());
        assert!(text("name", &"x".repeat(101), NAME_MAX).is_err());
        assert!(text("name", "a\u{7}b", NAME_MAX).is_err());
        assert!(text("note", "line 1\nline 2", NOTE_MAX).is_ok());
    }

    #[test]
    fn values_from_chat_text() {
        assert_eq!(value_from_text(KrKind::Percent, 100.0, "40%"), Ok(40.0));
        assert_eq!(value_from_text(KrKind::Number, 0.0, "1200.5"), Ok(1200.5));
        assert_eq!(value_from_text(KrKind::Boolean, 1.0, "Yes"), Ok(1.0));
        assert_eq!(value_from_text(KrKind::Boolean, 1.0, "done"), Ok(1.0));
        assert_eq!(value_from_text(KrKind::Milestone, 5.0, "3/5"), Ok(3.0));
        assert!(value_from_text(KrKind::Number, 0.0, "lots").is_err());
        assert!(looks_like_value("12") && looks_like_value("40%") && looks_like_value("yes"));
        assert!(looks_like_value("3/5") && !looks_like_value("deals"));
    }
}
