use jiff::civil::date;

use super::*;
use crate::text::tokens;

/// Monday 7 December 2026.
fn today() -> Date {
    date(2026, 12, 7)
}

fn spec(kind: EntityKind) -> EntitySpec {
    EntitySpec {
        kind,
        items: Vec::new(),
        validation: Validation::default(),
        pattern: None,
        uppercase: false,
    }
}

fn values(kind: EntityKind, text: &str) -> Vec<String> {
    find(&spec(kind), &tokens(text), today())
        .into_iter()
        .map(|f| f.value)
        .collect()
}

#[test]
fn numbers_and_integers() {
    assert_eq!(values(EntityKind::Integer, "for two people"), ["2"]);
    assert_eq!(
        values(EntityKind::Integer, "3 adults and 1 child"),
        ["3", "1"]
    );
    assert_eq!(values(EntityKind::Integer, "2.5"), Vec::<String>::new());
    assert_eq!(values(EntityKind::Number, "about 2.50 kg"), ["2.5"]);
    assert_eq!(values(EntityKind::Number, "12/24"), Vec::<String>::new());
}

#[test]
fn relative_and_absolute_dates() {
    assert_eq!(values(EntityKind::Date, "today"), ["2026-12-07"]);
    assert_eq!(values(EntityKind::Date, "tomorrow please"), ["2026-12-08"]);
    assert_eq!(
        values(EntityKind::Date, "the day after tomorrow"),
        ["2026-12-09"]
    );
    assert_eq!(values(EntityKind::Date, "on friday"), ["2026-12-11"]);
    assert_eq!(values(EntityKind::Date, "next monday"), ["2026-12-14"]);
    assert_eq!(values(EntityKind::Date, "in 3 days"), ["2026-12-10"]);
    assert_eq!(values(EntityKind::Date, "in two weeks"), ["2026-12-21"]);
    assert_eq!(values(EntityKind::Date, "2027-01-15"), ["2027-01-15"]);
    assert_eq!(values(EntityKind::Date, "12/24"), ["2026-12-24"]);
    assert_eq!(values(EntityKind::Date, "dec 24th"), ["2026-12-24"]);
    assert_eq!(
        values(EntityKind::Date, "24 of december 2027"),
        ["2027-12-24"]
    );
    // Without a year, a day already gone this year is next year's.
    assert_eq!(values(EntityKind::Date, "march 3"), ["2027-03-03"]);
    assert_eq!(values(EntityKind::Date, "13/45"), Vec::<String>::new());
}

#[test]
fn times() {
    assert_eq!(values(EntityKind::Time, "at 3pm"), ["15:00"]);
    assert_eq!(values(EntityKind::Time, "at 9:30 am"), ["09:30"]);
    assert_eq!(values(EntityKind::Time, "12am"), ["00:00"]);
    assert_eq!(values(EntityKind::Time, "18:45"), ["18:45"]);
    assert_eq!(values(EntityKind::Time, "noon"), ["12:00"]);
    assert_eq!(
        values(EntityKind::Time, "25:00 or 13pm"),
        Vec::<String>::new()
    );
}

#[test]
fn emails_and_phones() {
    assert_eq!(
        values(EntityKind::Email, "write to Ann.Lee@Example.com."),
        ["ann.lee@example.com"]
    );
    assert_eq!(
        values(EntityKind::Email, "ann@localhost"),
        Vec::<String>::new()
    );
    assert_eq!(
        values(EntityKind::Phone, "call +1 650 555-0100"),
        ["+16505550100"]
    );
    assert_eq!(values(EntityKind::Phone, "room 12"), Vec::<String>::new());
}

#[test]
fn cities_by_name_short_name_and_airport() {
    assert_eq!(
        values(EntityKind::City, "from new york to LAX"),
        ["New York", "Los Angeles"]
    );
    assert_eq!(
        values(EntityKind::City, "fly to San Francisco"),
        ["San Francisco"]
    );
    assert_eq!(values(EntityKind::City, "to the sea"), Vec::<String>::new());
}

#[test]
fn custom_lists_with_synonyms_and_longest_match() {
    let mut s = spec(EntityKind::List);
    s.items = vec![
        (
            "Economy".into(),
            vec![vec!["economy".into()], vec!["coach".into()]],
        ),
        (
            "Premium Economy".into(),
            vec![vec!["premium".into(), "economy".into()]],
        ),
    ];
    let got: Vec<_> = find(&s, &tokens("premium economy or coach"), today())
        .into_iter()
        .map(|f| f.value)
        .collect();
    assert_eq!(got, ["Premium Economy", "Economy"]);
}

#[test]
fn free_text_is_the_whole_answer_and_a_pattern_finds_it_in_sentences() {
    let s = spec(EntityKind::Text);
    let t = "  Window seat, please ";
    assert_eq!(
        whole(&s, t, &tokens(t), today()).as_deref(),
        Some("Window seat, please")
    );
    assert!(find(&s, &tokens(t), today()).is_empty());

    let mut r = spec(EntityKind::Text);
    r.pattern = Some(Regex::new("(?i)^TA-[A-Z0-9]{6}$").unwrap());
    r.uppercase = true;
    let found = find(&r, &tokens("check booking ta-7kq2px please"), today());
    assert_eq!(found[0].value, "TA-7KQ2PX");
    assert_eq!((found[0].start, found[0].end), (2, 3));
}

#[test]
fn validation_of_ranges_and_past_dates() {
    let mut s = spec(EntityKind::Integer);
    s.validation.min = Some(1.0);
    s.validation.max = Some(9.0);
    assert!(invalid(&s, "0", today()).unwrap().contains("less than 1"));
    assert!(invalid(&s, "10", today()).unwrap().contains("more than 9"));
    assert!(invalid(&s, "4", today()).is_none());
    let mut d = spec(EntityKind::Date);
    d.validation.future = true;
    assert!(invalid(&d, "2026-12-06", today()).unwrap().contains("past"));
    assert!(invalid(&d, "2026-12-07", today()).is_none());
}
