//! RingCentral's attachments: Card, Event, Note, and what is not one.

use serde_json::json;

use super::*;

// ------------------------------------------------------------------ attachments

#[test]
fn no_attachments_no_html() {
    assert_eq!(attachments(&[]), "");
}

#[test]
fn a_task_is_a_card_of_its_own_class() {
    let task = json!({
        "type": "Task", "id": "7", "title": "Ship <it>", "color": "Black",
        "fields": [{"title": "Status", "value": "Pending", "style": "Short"}]
    });
    let h = attachments(&[task]);
    assert!(h.starts_with(r#"<div class="att att-task">"#), "{h}");
    assert!(h.contains("Ship &lt;it&gt;"), "{h}");
    assert!(h.contains("Pending"), "{h}");
}

#[test]
fn card_attachment() {
    let card = json!({
        "type": "Card",
        "fallback": "Something bad happened",
        "color": "#00ff2a",
        "intro": "Intro <b>",
        "author": {"name": "Ben", "uri": "https://example.com/ben", "iconUri": "https://example.com/ben.png"},
        "title": "I felt <something>",
        "text": "**as if** millions of _voices_",
        "imageUri": "https://example.com/img.gif",
        "thumbnailUri": "https://example.com/thumb.png",
        "fields": [
            {"title": "Where", "value": "Alderaan", "style": "Short"},
            {"title": "What", "value": "*Giant* explosion", "style": "Short"},
            {"title": "Long one", "value": "x"}
        ],
        "footnote": {"text": "Have a safe trip!", "iconUri": "https://example.com/f.png", "time": "2017-02-14T06:08:00Z"}
    });
    let h = attachments(&[card]);
    assert!(
        h.starts_with(r##"<div class="att att-card att-colored" data-color="#00ff2a">"##),
        "{h}"
    );
    assert!(
        h.contains(r#"<div class="att-intro">Intro &lt;b&gt;</div>"#),
        "{h}"
    );
    assert!(h.contains(r#"<div class="att-author"><img class="att-author-icon" src="https://example.com/ben.png" alt="" loading="lazy" referrerpolicy="no-referrer"><a class="att-author-name" href="https://example.com/ben" rel="noopener noreferrer nofollow" target="_blank">Ben</a></div>"#), "{h}");
    assert!(
        h.contains(r#"<img class="att-thumb" src="https://example.com/thumb.png""#),
        "{h}"
    );
    assert!(
        h.contains(r#"<div class="att-title">I felt &lt;something&gt;</div>"#),
        "{h}"
    );
    assert!(
        h.contains(
            r#"<div class="att-text"><strong>as if</strong> millions of <u>voices</u></div>"#
        ),
        "{h}"
    );
    assert!(h.contains(r#"<div class="att-fields"><div class="att-field short"><div class="att-field-title">Where</div><div class="att-field-value">Alderaan</div></div><div class="att-field short"><div class="att-field-title">What</div><div class="att-field-value"><em>Giant</em> explosion</div></div><div class="att-field long">"#), "{h}");
    assert!(
        h.contains(
            r#"<img class="att-image" src="https://example.com/img.gif" alt="" loading="lazy""#
        ),
        "{h}"
    );
    assert!(h.contains(r#"<div class="att-footnote"><img class="att-footnote-icon" src="https://example.com/f.png" alt="" loading="lazy" referrerpolicy="no-referrer"><span class="att-footnote-text">Have a safe trip!</span><time class="att-time" datetime="2017-02-14T06:08:00Z">Tue, Feb 14, 2017 06:08 UTC</time></div>"#), "{h}");
    assert!(!h.contains("att-fallback"), "{h}");
    assert!(h.ends_with("</div></div>"), "{h}");
}

#[test]
fn card_colors_must_be_hex() {
    for (color, ok) in [
        ("#abc", true),
        ("#A1b2C3", true),
        ("Blue", false),
        ("#12345", false),
        ("#1234567", false),
        ("#abg", false),
        (r##"#abc" onload="x"##, false),
        ("red;background:url(x)", false),
    ] {
        let h = attachments(&[json!({"type": "Card", "title": "t", "color": color})]);
        assert_eq!(h.contains("data-color"), ok, "{color}: {h}");
        assert_eq!(h.contains("att-colored"), ok, "{color}: {h}");
        assert_inert(&h);
    }
    let h = attachments(&[json!({"type": "Card", "title": "t", "color": 123})]);
    assert!(!h.contains("data-color"));
}

#[test]
fn card_urls_must_be_http() {
    let h = attachments(&[json!({
        "type": "Card",
        "author": {"name": "x", "uri": "javascript:alert(1)", "iconUri": "data:image/png;base64,AAAA"},
        "imageUri": "javascript:alert(1)",
        "thumbnailUri": "//evil.example/x.png",
        "text": "[a](javascript:alert(1))",
        "footnote": {"iconUri": "vbscript:x"}
    })]);
    assert!(!h.contains("<img"), "{h}");
    assert!(!h.contains("<a"), "{h}");
    assert!(
        h.contains(r#"<span class="att-author-name">x</span>"#),
        "{h}"
    );
    assert_inert(&h);
}

#[test]
fn card_with_only_a_fallback_and_cards_without_type() {
    let h = attachments(&[json!({"type": "Card", "fallback": "Plain <fallback>"})]);
    assert_eq!(
        h,
        r#"<div class="att att-card"><div class="att-fallback">Plain &lt;fallback&gt;</div></div>"#
    );
    let h = attachments(&[json!({"title": "just a card"})]);
    assert_eq!(
        h,
        r#"<div class="att att-card"><div class="att-title">just a card</div></div>"#
    );
    // Legacy `short: true` fields, and `body` for the text.
    let h =
        attachments(&[json!({"body": "b", "fields": [{"title": "a", "value": 5, "short": true}]})]);
    assert!(h.contains(r#"<div class="att-text">b</div>"#), "{h}");
    assert!(h.contains(r#"<div class="att-field short"><div class="att-field-title">a</div><div class="att-field-value">5</div></div>"#), "{h}");
}

#[test]
fn event_attachment() {
    let h = attachments(&[json!({
        "type": "Event",
        "title": "Standup <daily>",
        "startTime": "2024-05-01T09:00:00Z",
        "endTime": "2024-05-01T09:15:00+00:00",
        "recurrence": "Weekday",
        "location": "Room 1",
        "color": "#123456",
        "description": "Bring **notes**"
    })]);
    assert!(h.starts_with(r##"<div class="att att-event att-colored" data-color="#123456"><div class="att-event-title">Standup &lt;daily&gt;</div>"##), "{h}");
    assert!(h.contains(r#"<div class="att-event-when"><time class="att-time" datetime="2024-05-01T09:00:00Z">Wed, May 1, 2024 09:00 UTC</time> – <time class="att-time" datetime="2024-05-01T09:15:00Z">Wed, May 1, 2024 09:15 UTC</time></div>"#), "{h}");
    assert!(
        h.contains(r#"<div class="att-event-recurrence">Repeats every weekday</div>"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<div class="att-event-location">Room 1</div>"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<div class="att-event-description">Bring <strong>notes</strong></div>"#),
        "{h}"
    );

    let h = attachments(&[json!({
        "type": "Event", "title": "Holiday", "startTime": "2024-12-25", "endTime": "2024-12-25",
        "allDay": true, "recurrence": "None"
    })]);
    assert!(h.contains(r#"<div class="att-event-when"><time class="att-time" datetime="2024-12-25">Wed, Dec 25, 2024</time> <span class="att-event-allday">All day</span></div>"#), "{h}");
    assert!(!h.contains("recurrence"), "{h}");

    // Unix times, garbage times, wrong types.
    let h = attachments(&[
        json!({"type": "Event", "startTime": 1714554000, "endTime": "soon <b>", "allDay": "yes"}),
    ]);
    assert!(
        h.contains(r#"<div class="att-event-title">Event</div>"#),
        "{h}"
    );
    assert!(h.contains(r#"datetime="2024-05-01T09:00:00Z""#), "{h}");
    assert!(
        h.contains(r#"<span class="att-time">soon &lt;b&gt;</span>"#),
        "{h}"
    );
    assert!(!h.contains("All day"), "{h}");
    let h = attachments(&[json!({"type": "Event", "startTime": 1714554000123i64})]);
    assert!(h.contains(r#"datetime="2024-05-01T09:00:00.123Z""#), "{h}");
}

#[test]
fn note_attachment() {
    let h = attachments(&[
        json!({"type": "Note", "title": "Minutes", "body": "We *agreed*\n\n- a\n- b"}),
    ]);
    assert_eq!(
        h,
        r#"<div class="att att-note"><div class="att-note-title">Minutes</div><div class="att-note-body"><p>We <em>agreed</em></p><ul><li>a</li><li>b</li></ul></div></div>"#
    );
    // A body written as HTML shows as text.
    let h = attachments(&[
        json!({"type": "Note", "body": "<p>Hello &amp; <b>bye</b></p><script>alert(1)</script><ul><li>x</li></ul>"}),
    ]);
    assert!(
        h.contains(r#"<div class="att-note-title">Note</div>"#),
        "{h}"
    );
    assert!(h.contains("<p>Hello &amp; bye</p>"), "{h}");
    assert!(h.contains("<li>x</li>"), "{h}");
    assert!(!h.contains("alert"), "{h}");
    assert_inert(&h);
    // Hostile markup stays linear and inert.
    let body = "</p>".to_string() + &"<".repeat(100_000) + &"<a>&amp;".repeat(10_000);
    let h = attachments(&[json!({"type": "Note", "body": body})]);
    assert!(h.ends_with("</div></div>"));
    assert!(!h.contains("<a>"));
}

#[test]
fn unknown_and_malformed_attachments() {
    let h = attachments(&[
        json!({"type": "File", "name": "x"}),
        json!({"type": 7}),
        json!(1),
        json!("card"),
        json!(null),
        json!([{"type": "Card"}]),
    ]);
    assert_eq!(
        h,
        r#"<div class="att att-unsupported">Unsupported attachment</div>"#.repeat(6)
    );
    // Every field of the wrong type.
    let h = attachments(&[
        json!({"type": "Card", "title": 5, "text": ["x"], "fields": "x", "author": [1], "color": 7,
               "footnote": "f", "imageUri": {"u": 1}, "intro": null, "fallback": false}),
        json!({"type": "Card", "fields": [1, null, "x", {"title": {}, "value": []}], "author": {"name": 3}}),
        json!({"type": "Event", "title": [], "startTime": {}, "endTime": [1], "location": 1, "description": {}}),
        json!({"type": "Note", "title": 1, "body": 2}),
        json!({"type": "AdaptiveCard", "body": {"a": 1}, "actions": "x"}),
        json!({"type": "AdaptiveCard", "body": [1, "x", null, [], {"type": 5}, {"type": "TextBlock", "text": {}}]}),
    ]);
    assert_eq!(h.matches(r#"<div class="att "#).count(), 4, "{h}");
    assert_eq!(h.matches(r#"<form class="att "#).count(), 2, "{h}");
    assert_inert(&h);
}
