//! `openglip agents test`: the sample agent's conversation tests pass through the real binary
//! (exit status 0), and a failing test exits 1 with the answer it got.

use std::process::Command;

use crate::cli::BIN;

const SAMPLE_TESTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/agents/travel-assistant.tests.yaml"
);
const SAMPLE_AGENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/agents/travel-assistant.yaml"
);

#[test]
fn the_sample_agents_tests_pass() {
    let out = Command::new(BIN)
        .args(["agents", "test", SAMPLE_TESTS])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("PASS greeting"), "{stdout}");
    assert!(stdout.trim_end().ends_with("passed, 0 failed"), "{stdout}");
}

#[test]
fn a_failing_test_exits_1_and_prints_the_answer_got() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(SAMPLE_AGENT, dir.path().join("agent.yaml")).unwrap();
    let tests = dir.path().join("t.tests.yaml");
    std::fs::write(
        &tests,
        "agent: agent.yaml\ntests:\n  - name: rude\n    steps:\n      - say: Hello\n      - expect: Go away\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("agents")
        .arg("test")
        .arg(&tests)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL rude"), "{stdout}");
    assert!(
        stdout.contains("step 2: expected /Go away/, got: \"Hello! I'm the Travel Assistant."),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");
    // A broken dialog file is refused with its errors at their lines.
    std::fs::write(
        dir.path().join("agent.yaml"),
        "agent: A\ngreeting: Hi\ntasks: []\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("agents")
        .arg("test")
        .arg(&tests)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: the agent needs at least one task"),
        "{stderr}"
    );
}
