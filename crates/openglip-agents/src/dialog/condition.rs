//! Transition conditions: `slot OP value`, `slot set`, `slot unset`. Values compare as numbers
//! when both sides are numbers, else as text without regard to case.

use std::collections::BTreeMap;

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub name: String,
    pub test: Test,
}

/// What a condition checks about its slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Set,
    Unset,
    Compare(Op, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Condition {
    /// Parses `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let mut parts = text.split_whitespace();
        let name = parts
            .next()
            .ok_or_else(|| "an empty condition".to_string())?
            .trim_start_matches("{{")
            .trim_end_matches("}}")
            .to_string();
        let op = parts
            .next()
            .ok_or_else(|| format!("condition `{text}` has no operator (`==`, `>`, `set`, …)"))?;
        let rest: Vec<&str> = parts.collect();
        let value = rest.join(" ").trim_matches(['"', '\'']).to_string();
        let test = match op {
            "set" | "unset" if !rest.is_empty() => {
                return Err(format!("condition `{text}`: nothing may follow `{op}`"));
            }
            "set" => Test::Set,
            "unset" => Test::Unset,
            _ => {
                let op = match op {
                    "==" => Op::Eq,
                    "!=" => Op::Ne,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    other => {
                        return Err(format!(
                            "condition `{text}`: unknown operator `{other}` (use ==, !=, >, >=, <, <=, set, unset)"
                        ));
                    }
                };
                if value.is_empty() {
                    return Err(format!("condition `{text}` has nothing to compare with"));
                }
                Test::Compare(op, value)
            }
        };
        Ok(Condition { name, test })
    }

    /// Whether it holds for these slots.
    pub fn holds(&self, slots: &BTreeMap<String, String>) -> bool {
        let current = slots.get(&self.name);
        match (&self.test, current) {
            (Test::Set, v) => v.is_some_and(|v| !v.is_empty()),
            (Test::Unset, v) => v.is_none_or(|v| v.is_empty()),
            (Test::Compare(..), None) => false,
            (Test::Compare(op, want), Some(have)) => {
                let ordering = match (have.parse::<f64>(), want.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a.partial_cmp(&b),
                    _ => Some(have.to_lowercase().cmp(&want.to_lowercase())),
                };
                let Some(o) = ordering else { return false };
                match op {
                    Op::Eq => o.is_eq(),
                    Op::Ne => o.is_ne(),
                    Op::Gt => o.is_gt(),
                    Op::Ge => o.is_ge(),
                    Op::Lt => o.is_lt(),
                    Op::Le => o.is_le(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn numbers_compare_as_numbers() {
        let c = Condition::parse("passengers > 9").unwrap();
        assert!(c.holds(&slots(&[("passengers", "10")])));
        assert!(!c.holds(&slots(&[("passengers", "2")])));
        assert!(!c.holds(&slots(&[])));
    }

    #[test]
    fn text_compares_without_case() {
        let c = Condition::parse("to == 'new york'").unwrap();
        assert!(c.holds(&slots(&[("to", "New York")])));
        assert!(
            Condition::parse("to != Denver")
                .unwrap()
                .holds(&slots(&[("to", "Boston")]))
        );
    }

    #[test]
    fn set_and_unset() {
        assert!(
            Condition::parse("reference set")
                .unwrap()
                .holds(&slots(&[("reference", "X")]))
        );
        assert!(
            Condition::parse("reference unset")
                .unwrap()
                .holds(&slots(&[]))
        );
    }

    #[test]
    fn bad_conditions_say_why() {
        assert!(
            Condition::parse("passengers")
                .unwrap_err()
                .contains("no operator")
        );
        assert!(
            Condition::parse("a ~ b")
                .unwrap_err()
                .contains("unknown operator")
        );
        assert!(
            Condition::parse("a >")
                .unwrap_err()
                .contains("nothing to compare")
        );
        assert!(
            Condition::parse("a set 3")
                .unwrap_err()
                .contains("nothing may follow")
        );
    }
}
