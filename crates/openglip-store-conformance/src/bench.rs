//! A benchmark, not a behaviour: search latency on 100,000 posts (`BENCHMARKS.md`). Each store's
//! test binary declares it `#[ignore]`d; run it with
//! `cargo nextest run -p openglip-store-sqlite --run-ignored only -E 'test(/search_latency/)' --no-capture`
//! (or `-p openglip-store-postgres`). It prints; it asserts only that searches find what they
//! should, never a time.

use std::time::{Duration, Instant};

use openglip_domain::search::{self, SearchQuery};
use openglip_domain::*;

use crate::*;

/// Posts written.
const POSTS: usize = 100_000;
/// Teams they are spread over; the searcher is in every fifth.
const TEAMS: usize = 50;
/// Distinct words; word `i` is drawn about `1/(i+1)` as often as word 0 (Zipf-like).
const VOCABULARY: usize = 5_000;
/// Runs of each query.
const RUNS: usize = 40;

/// A small deterministic generator (the same posts every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    /// A word index, small ones far more often.
    fn word(&mut self) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((VOCABULARY as f64).powf(u) as usize).saturating_sub(1)
    }
}

/// Word `i` of the vocabulary: letters only, distinct.
fn word(i: usize) -> String {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "do", "gu", "be", "fi", "ho",
        "ju",
    ];
    let mut n = i;
    let mut w = String::new();
    loop {
        w.push_str(SYLLABLES[n % 16]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    w
}

pub async fn search_latency_on_100k_posts<B: Backend>() {
    let f = fixture::<B>().await;
    let mut people = vec![f.admin.id];
    for i in 0..19 {
        people.push(f.add_person(&format!("P{i}"), "Bench").await.id);
    }
    let searcher = people[1];
    let mut teams = Vec::new();
    for t in 0..TEAMS {
        // Everyone but the searcher, who joins every fifth team.
        let members: Vec<ExtensionId> = people
            .iter()
            .copied()
            .filter(|p| *p != searcher || t.is_multiple_of(5))
            .collect();
        teams.push(f.team(f.admin.id, &format!("Team {t}"), &members).await.id);
    }

    let started = Instant::now();
    const WRITERS: usize = 32;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let store = f.store.clone();
        let teams = teams.clone();
        let people = people.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(w as u64 + 1);
            for i in (w..POSTS).step_by(WRITERS) {
                let len = 6 + (rng.next() % 25) as usize;
                let text: Vec<String> = (0..len).map(|_| word(rng.word())).collect();
                let team = teams[i % TEAMS];
                let who = people[(i / TEAMS) % people.len()];
                let who = if who == searcher && !(i % TEAMS).is_multiple_of(5) {
                    people[0]
                } else {
                    who
                };
                store
                    .create_post(text_post(team, who, &text.join(" ")))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let wrote = started.elapsed();
    println!(
        "wrote {POSTS} posts in {:.1} s ({:.0} posts/s, index kept in the same transactions)",
        wrote.as_secs_f64(),
        POSTS as f64 / wrote.as_secs_f64()
    );

    let own_chat = teams[0];
    let cases: Vec<(&str, SearchQuery)> = vec![
        ("most common word", query(&word(0), None)),
        ("a word in ~1% of posts", query(&word(40), None)),
        ("a rare word", query(&word(3_000), None)),
        (
            "two common words",
            query(&format!("{} {}", word(0), word(1)), None),
        ),
        ("a 2-letter prefix", query("ka", None)),
        ("common word, one chat", query(&word(0), Some(own_chat))),
        ("no match", query("zzzzqqq", None)),
    ];
    println!("| query | matches (first page of 30) | p50 ms | p90 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, q) in cases {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut found = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let page = f
                .store
                .search()
                .search_posts(searcher, q.clone(), 0, 30)
                .await
                .unwrap();
            times.push(t.elapsed());
            found = page.posts.len();
            if let Some(chat) = q.chat {
                assert!(page.posts.iter().all(|p| p.chat_id == chat));
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {found} | {:.2} | {:.2} | {:.2} |",
            ms(times[RUNS / 2]),
            ms(times[RUNS * 9 / 10]),
            ms(times[RUNS - 1])
        );
    }
}

fn query(q: &str, chat: Option<ChatId>) -> SearchQuery {
    SearchQuery {
        terms: search::terms(q).unwrap(),
        chat,
        ..Default::default()
    }
}
