//! The sample agent's conversation tests, run by the library's runner against the real flights
//! endpoint over HTTP (as `openglip agents test` runs them), and what a failing test reports.

use openglip_agents::testing::{self, Step, TestFile};
use openglip_agents::{Agent, HttpServices, Session, Turn, flights};

fn sample() -> Agent {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/agents/travel-assistant.yaml"
    ))
    .unwrap();
    Agent::from_yaml(&text).unwrap()
}

fn sample_tests() -> TestFile {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/agents/travel-assistant.tests.yaml"
    ))
    .unwrap();
    TestFile::parse(&text).unwrap()
}

#[tokio::test]
async fn the_sample_agents_conversation_tests_pass_against_the_flights_endpoint() {
    let base = flights::serve_local().await.unwrap();
    let services = HttpServices::new(Some(base));
    let file = sample_tests();
    assert!(file.names_a_file());
    let outcomes = testing::run(&sample(), &file, &services).await;
    assert!(outcomes.len() >= 8);
    for o in &outcomes {
        assert!(
            o.failure.is_none(),
            "{}: {}",
            o.name,
            o.failure.as_deref().unwrap_or("")
        );
    }
}

#[tokio::test]
async fn a_failing_test_reports_the_step_and_the_answer_got() {
    let base = flights::serve_local().await.unwrap();
    let services = HttpServices::new(Some(base));
    let file = TestFile::parse(
        "agent: travel-assistant.yaml\ntests:\n  - name: wrong\n    steps:\n      - say: Hello\n      - expect: Goodbye\n      - expect: more\n",
    )
    .unwrap();
    let outcomes = testing::run(&sample(), &file, &services).await;
    let failure = outcomes[0].failure.as_deref().unwrap();
    assert!(
        failure.starts_with("step 2: expected /Goodbye/, got: \"Hello! I'm the Travel Assistant."),
        "{failure}"
    );
    let bad =
        TestFile::parse("agent: x.yaml\ntests:\n  - name: t\n    steps:\n      - expect: \"(\"\n");
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("line 5: test \"t\": `(` is not a valid regular expression")
    );
}

#[tokio::test]
async fn a_transcript_becomes_a_test_that_passes() {
    let base = flights::serve_local().await.unwrap();
    let services = HttpServices::new(Some(base));
    let agent = sample();
    let mut session = Session::default();
    let mut turns = Vec::new();
    for said in ["hi", "check my booking", "TA-QQQQQQ"] {
        let now = jiff::Timestamp::now();
        let turn = Turn {
            now,
            today: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
            services: &services,
        };
        let reply = agent.respond(&mut session, said, &turn).await;
        turns.push((said.to_string(), reply.text()));
    }
    let test = testing::from_transcript("from a transcript", &turns);
    assert_eq!(test.steps[0], Step::Say("hi".into()));
    let file = TestFile {
        agent: "travel-assistant.yaml".into(),
        tests: vec![test],
    };
    let outcomes = testing::run(&agent, &file, &services).await;
    assert!(outcomes[0].failure.is_none(), "{:?}", outcomes[0].failure);
}

#[tokio::test]
async fn a_service_that_does_not_answer_in_time_takes_the_error_branch() {
    // A listener that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            open.push(s);
        }
    });
    let services = HttpServices::new(Some(base));
    let agent = sample();
    let mut session = Session::default();
    let now = jiff::Timestamp::now();
    let turn = Turn {
        now,
        today: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
        services: &services,
    };
    agent
        .respond(
            &mut session,
            "fly from Boston to Denver on 2099-01-02 for 2",
            &turn,
        )
        .await;
    let reply = agent.respond(&mut session, "yes", &turn).await;
    assert!(
        reply.text().contains("not answering right now"),
        "{}",
        reply.text()
    );
    assert!(
        reply
            .notes
            .iter()
            .any(|n| n.contains("did not answer within 3000 ms")),
        "{:?}",
        reply.notes
    );
    hold.abort();
}
