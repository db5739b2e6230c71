//! Adaptive Cards: elements, inputs, actions, fallbacks, depth and size limits.

use serde_json::{Value, json};

use super::super::limits::{MAX_AC_DEPTH, MAX_ATT_HTML, MAX_DATA_URL_LEN};
use super::*;

// ------------------------------------------------------------------ adaptive cards

fn ac(body: Value) -> String {
    attachments(&[json!({"type": "AdaptiveCard", "version": "1.2", "body": body})])
}

#[test]
fn adaptive_text_blocks() {
    let h = ac(json!([
        {"type": "TextBlock", "text": "Hello **world** _it_ [a](https://x.example)", "size": "Large", "weight": "bolder", "color": "Good", "isSubtle": true, "wrap": true},
        {"type": "TextBlock", "text": "- one\r- two", "fontType": "Monospace", "horizontalAlignment": "center", "size": "extraLarge"},
        {"type": "TextBlock", "text": "<script>x</script>", "size": "huge", "color": "red\" onclick=\"x"},
        {"type": "TextBlock", "text": "hidden", "isVisible": false},
        {"type": "TextBlock", "text": 42}
    ]));
    assert!(
        h.starts_with(r#"<form class="att att-adaptive ac-card" novalidate>"#),
        "{h}"
    );
    assert!(h.contains(r#"<div class="ac-text size-large weight-bolder color-good subtle wrap">Hello <strong>world</strong> <em>it</em> <a href="https://x.example" rel="noopener noreferrer nofollow" target="_blank">a</a></div>"#), "{h}");
    assert!(h.contains(r#"<div class="ac-text size-extralarge mono align-center"><ul><li>one</li><li>two</li></ul></div>"#), "{h}");
    assert!(
        h.contains(r#"<div class="ac-text">&lt;script&gt;x&lt;/script&gt;</div>"#),
        "{h}"
    );
    assert!(!h.contains("hidden"), "{h}");
    assert!(h.contains(r#"<div class="ac-text">42</div>"#), "{h}");
    assert_inert(&h);
}

#[test]
fn adaptive_date_and_time_functions() {
    let h = ac(
        json!([{"type": "TextBlock", "text": "On {{DATE(2017-02-14T06:08:00Z, SHORT)}} at {{TIME(2017-02-14T06:08:00Z)}}; {{DATE(bad)}} {{x"}]),
    );
    assert!(
        h.contains("On Tue, Feb 14, 2017 at 06:08 UTC; {{DATE(bad)}} {{x"),
        "{h}"
    );
}

#[test]
fn adaptive_rich_text() {
    let h = ac(
        json!([{"type": "RichTextBlock", "horizontalAlignment": "right", "inlines": [
            "plain <b> ",
            {"type": "TextRun", "text": "bold", "weight": "Bolder", "color": "attention"},
            {"type": "TextRun", "text": "it", "italic": true, "strikethrough": true, "isSubtle": true},
            {"type": "TextRun", "text": "go", "selectAction": {"type": "Action.OpenUrl", "url": "https://x.example"}},
            {"type": "TextRun", "text": "no", "selectAction": {"type": "Action.OpenUrl", "url": "javascript:x"}},
            {"type": "Image", "url": "https://x.example/i.png"},
            5
        ]}]),
    );
    assert!(h.contains(r#"<div class="ac-richtext align-right">plain &lt;b&gt; <span class="ac-run color-attention"><strong>bold</strong></span><span class="ac-run subtle"><s><em>it</em></s></span><a class="ac-run-link" href="https://x.example" rel="noopener noreferrer nofollow" target="_blank"><span class="ac-run">go</span></a><span class="ac-run">no</span></div>"#), "{h}");
    assert!(!h.contains("<img"), "{h}");
}

#[test]
fn adaptive_images() {
    let h = ac(json!([
        {"type": "Image", "url": "https://x.example/a.png", "altText": "A \"pic\"", "size": "Small", "style": "Person"},
        {"type": "Image", "url": "data:image/png;base64,iVBORw0KGgo="},
        {"type": "Image", "url": "data:image/svg+xml;base64,PHN2Zz4="},
        {"type": "Image", "url": "data:image/png;base64,<script>"},
        {"type": "Image", "url": "javascript:alert(1)"},
        {"type": "Image", "url": "https://x.example/b.png", "selectAction": {"type": "Action.OpenUrl", "url": "https://x.example"}},
        {"type": "ImageSet", "imageSize": "medium", "images": [{"type": "Image", "url": "https://x.example/c.png"}, {"url": 5}, 7]}
    ]));
    assert!(h.contains(r#"<img class="ac-image size-small person" src="https://x.example/a.png" alt="A &quot;pic&quot;" loading="lazy" referrerpolicy="no-referrer">"#), "{h}");
    assert!(
        h.contains(r#"src="data:image/png;base64,iVBORw0KGgo=""#),
        "{h}"
    );
    assert_eq!(h.matches("<img").count(), 4, "{h}");
    assert!(h.contains(r#"<a class="ac-image-link" href="https://x.example" rel="noopener noreferrer nofollow" target="_blank"><img class="ac-image" src="https://x.example/b.png""#), "{h}");
    assert!(h.contains(r#"<div class="ac-imageset"><img class="ac-image size-medium" src="https://x.example/c.png""#), "{h}");
    assert_inert(&h);
}

#[test]
fn adaptive_fact_sets_and_layout() {
    let h = ac(json!([
        {"type": "FactSet", "facts": [{"title": "Due", "value": "**today**"}, {"title": "Count", "value": 3}, "x", {"a": 1}]},
        {"type": "Container", "style": "emphasis", "items": [{"type": "TextBlock", "text": "in"}]},
        {"type": "Container", "items": []},
        {"type": "ColumnSet", "columns": [
            {"type": "Column", "width": "auto", "items": [{"type": "TextBlock", "text": "a"}]},
            {"type": "Column", "width": 2, "style": "good", "items": [{"type": "TextBlock", "text": "b"}]},
            {"type": "Column", "width": "80px", "items": []},
            {"type": "Column", "width": "stretch"},
            {"type": "Column", "width": "\"><script>"},
            {"type": "Column", "width": 1e300},
            {"type": "Column", "isVisible": false, "items": [{"type": "TextBlock", "text": "gone"}]}
        ]}
    ]));
    assert!(h.contains(r#"<dl class="ac-factset"><dt>Due</dt><dd><strong>today</strong></dd><dt>Count</dt><dd>3</dd></dl>"#), "{h}");
    assert!(
        h.contains(
            r#"<div class="ac-container style-emphasis"><div class="ac-text">in</div></div>"#
        ),
        "{h}"
    );
    assert_eq!(h.matches("ac-container").count(), 1, "{h}");
    assert!(h.contains(r#"<div class="ac-columnset"><div class="ac-column w-auto"><div class="ac-text">a</div></div><div class="ac-column w-weight style-good" data-weight="2"><div class="ac-text">b</div></div><div class="ac-column w-px" data-px="80"></div><div class="ac-column w-stretch"></div><div class="ac-column w-stretch"></div><div class="ac-column w-stretch"></div></div>"#), "{h}");
    assert!(!h.contains("gone"), "{h}");
    assert_inert(&h);
}

#[test]
fn adaptive_inputs_are_answerable() {
    let h = ac(json!([
        {"type": "Input.Text", "id": "a", "label": "Name", "placeholder": "Your \"name\"", "value": "Bo<b>"},
        {"type": "Input.Text", "id": "b", "isMultiline": true, "value": "</textarea><script>"},
        {"type": "Input.Number", "id": "c", "value": 5, "label": "N"},
        {"type": "Input.Number", "id": "c2", "value": "five"},
        {"type": "Input.Date", "id": "d", "value": "2024-05-01"},
        {"type": "Input.Time", "id": "e", "value": "09:30"},
        {"type": "Input.Toggle", "id": "f", "title": "Agree", "value": "yes", "valueOn": "yes"},
        {"type": "Input.ChoiceSet", "id": "g", "label": "Pick", "value": "2", "choices": [{"title": "One", "value": "1"}, {"title": "Two", "value": "2"}, 3]},
        {"type": "Input.ChoiceSet", "id": "h", "isMultiSelect": true, "value": "1,2", "choices": [{"title": "One", "value": "1"}, {"title": "Two", "value": "2"}, {"title": "Three", "value": "3"}]},
        {"type": "Input.ChoiceSet", "id": "i", "style": "expanded", "choices": [{"title": "A", "value": "a"}]}
    ]));
    assert!(h.contains(r#"<div class="ac-input"><label><span class="ac-label">Name</span><input type="text" data-ac-input="a" placeholder="Your &quot;name&quot;" value="Bo&lt;b&gt;"></label></div>"#), "{h}");
    assert!(
        h.contains(r#"<textarea data-ac-input="b">&lt;/textarea&gt;&lt;script&gt;</textarea>"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="number" data-ac-input="c" value="5">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="number" data-ac-input="c2">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="date" data-ac-input="d" value="2024-05-01">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="time" data-ac-input="e" value="09:30">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="checkbox" data-ac-input="f" data-on="yes" data-off="false" checked> Agree"#),
        "{h}"
    );
    assert!(h.contains(r#"<label><span class="ac-label">Pick</span><select data-ac-input="g"><option value="1">One</option><option value="2" selected>Two</option></select></label>"#), "{h}");
    assert!(h.contains(r#"<div class="ac-choices" data-ac-input="h" data-multi="1"><label class="ac-choice"><input type="checkbox" name="ac-h" value="1" checked> One</label><label class="ac-choice"><input type="checkbox" name="ac-h" value="2" checked> Two</label><label class="ac-choice"><input type="checkbox" name="ac-h" value="3"> Three</label></div>"#), "{h}");
    assert!(
        h.contains(r#"<div class="ac-choices" data-ac-input="i" data-multi="0"><label class="ac-choice"><input type="radio" name="ac-i" value="a"> A</label></div>"#),
        "{h}"
    );
    assert_eq!(
        h.matches("<input").count(),
        h.matches("<input type=\"").count()
    );
    // Every control is enabled, and named by its input's id (choices by their set's).
    for control in ["<input", "<select", "<textarea"] {
        for (k, _) in h.match_indices(control) {
            let tag_end = k + h[k..].find('>').unwrap();
            let tag = &h[k..tag_end];
            assert!(!tag.contains(" disabled"), "{tag}");
            assert!(
                tag.contains("data-ac-input=") || tag.contains("name=\"ac-"),
                "{tag}"
            );
        }
    }
    // Required, length and bounds travel to the browser's own checks.
    let h = ac(json!([
        {"type": "Input.Text", "id": "r", "isRequired": true, "maxLength": 10},
        {"type": "Input.Number", "id": "n", "min": 1, "max": "5"}
    ]));
    assert!(
        h.contains(r#"<input type="text" data-ac-input="r" required maxlength="10">"#),
        "{h}"
    );
    assert!(
        h.contains(r#"<input type="number" data-ac-input="n" min="1" max="5">"#),
        "{h}"
    );
    assert!(!h.contains("<script"), "{h}");
}

#[test]
fn adaptive_actions() {
    let h = attachments(&[json!({
        "type": "AdaptiveCard",
        "body": [{"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Approve", "style": "positive"}]}],
        "actions": [
            {"type": "Action.OpenUrl", "title": "Open <it>", "url": "https://x.example/a?b=1&c=2"},
            {"type": "Action.OpenUrl", "title": "Bad", "url": "javascript:alert(1)"},
            {"type": "Action.Execute", "title": "Run", "verb": "x"},
            {"type": "Action.ToggleVisibility", "title": "More", "targetElements": ["a"]},
            {"type": "Action.ShowCard", "title": "Comment", "card": {"type": "AdaptiveCard", "body": [{"type": "Input.Text", "id": "c"}], "actions": [{"type": "Action.Submit", "title": "OK", "data": {"x": "<1>"}}]}},
            {"type": "Action.Future", "title": "x", "fallback": {"type": "Action.OpenUrl", "title": "Fallback", "url": "https://x.example/f"}},
            {"type": "Action.Future", "title": "dropped", "fallback": "drop"},
            {"type": "Action.Future", "title": "none"},
            "junk"
        ]
    })]);
    let hint = r#"title="This kind of button (Action.Execute) is not delivered to apps""#;
    assert!(h.contains(r#"<div class="ac-actions"><button type="button" class="ac-action positive ac-submit">Approve</button></div>"#), "{h}");
    assert!(h.contains(r#"<a class="ac-action" href="https://x.example/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">Open &lt;it&gt;</a>"#), "{h}");
    assert!(
        h.contains(r#"<button type="button" class="ac-action" disabled>Bad</button>"#),
        "{h}"
    );
    assert!(
        h.contains(&format!(
            r#"<button type="button" class="ac-action" disabled {hint}>Run</button>"#
        )),
        "{h}"
    );
    assert!(
        h.contains(r#"<button type="button" class="ac-action" disabled>More</button>"#),
        "{h}"
    );
    assert!(h.contains(r#"<details class="ac-showcard"><summary class="ac-action">Comment</summary><div class="ac-card ac-subcard"><div class="ac-input"><label><input type="text" data-ac-input="c"></label></div><div class="ac-actions"><button type="button" class="ac-action ac-submit" data-ac-data="{&quot;x&quot;:&quot;&lt;1&gt;&quot;}">OK</button></div></div></details>"#), "{h}");
    assert!(h.contains(r#">Fallback</a>"#), "{h}");
    assert!(!h.contains("dropped") && !h.contains(">none<"), "{h}");
    assert_inert(&h);
}

#[test]
fn adaptive_unknown_elements_use_their_fallback() {
    let h = ac(json!([
        {"type": "Carousel", "fallback": {"type": "TextBlock", "text": "instead"}},
        {"type": "Icon", "fallback": "drop"},
        {"type": "Badge"},
        {"type": "Chart", "fallback": {"type": "Chart2", "fallback": {"type": "TextBlock", "text": "deeper"}}}
    ]));
    assert_eq!(
        h,
        r#"<form class="att att-adaptive ac-card" novalidate><div class="ac-text">instead</div><div class="ac-text">deeper</div><p class="ac-status" role="status" aria-live="polite"></p></form>"#
    );
    // Nothing renderable: the card's fallback text.
    let h = attachments(&[
        json!({"type": "AdaptiveCard", "body": [{"type": "Badge"}], "fallbackText": "Upgrade"}),
    ]);
    assert!(
        h.contains(r#"<div class="ac-fallback-text">Upgrade</div>"#),
        "{h}"
    );
}

#[test]
fn adaptive_media() {
    let h = ac(
        json!([{"type": "Media", "poster": "https://x.example/p.png", "altText": "Clip",
        "sources": [{"mimeType": "video/mp4", "url": "javascript:x"}, {"mimeType": "video/mp4", "url": "https://x.example/v.mp4"}]}]),
    );
    assert!(h.contains(r#"<div class="ac-media"><img class="ac-media-poster" src="https://x.example/p.png" alt="Clip""#), "{h}");
    assert!(h.contains(r#"<a class="ac-media-link" href="https://x.example/v.mp4" rel="noopener noreferrer nofollow" target="_blank">Clip</a></div>"#), "{h}");
}

#[test]
fn adaptive_nesting_is_depth_limited() {
    let mut el = json!({"type": "TextBlock", "text": "bottom"});
    for _ in 0..100 {
        el = json!({"type": "Container", "items": [el]});
    }
    let h = ac(json!([el]));
    assert!(!h.contains("bottom"), "rendered past the depth limit");
    assert!(h.matches("ac-container").count() <= MAX_AC_DEPTH);
    // A fallback chain and nested shown cards are limited too.
    let mut fb = json!({"type": "TextBlock", "text": "end"});
    for _ in 0..100 {
        fb = json!({"type": "Nope", "fallback": fb});
    }
    assert!(!ac(json!([fb])).contains("end"));
    let mut card =
        json!({"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "inner"}]});
    for _ in 0..50 {
        card = json!({"type": "AdaptiveCard", "actions": [{"type": "Action.ShowCard", "title": "s", "card": card}]});
    }
    let h = attachments(&[card]);
    assert!(!h.contains("inner"));
    let opens = h.matches("<details").count();
    assert_eq!(opens, h.matches("</details>").count());
    assert!(opens <= MAX_AC_DEPTH);
}

#[test]
fn huge_attachments_are_capped() {
    let body: Vec<Value> = (0..200_000)
        .map(|i| json!({"type": "TextBlock", "text": format!("line {i} with some text")}))
        .collect();
    let h = ac(Value::Array(body));
    assert!(h.len() < MAX_ATT_HTML + 64 * 1024, "{}", h.len());
    assert!(h.ends_with(
        r#"<div class="att att-truncated">Part of this message is too large to show.</div>"#
    ));
    assert_eq!(h.matches("<div").count(), h.matches("</div>").count());

    let big = "x".repeat(2_000_000);
    let h = attachments(&[
        json!({"type": "Card", "text": big, "title": big, "fields": [{"value": big}, {"value": big}, {"value": big}]}),
    ]);
    assert!(h.len() < 200_000, "{}", h.len());

    let text = "{{DATE(".repeat(2_500) + &"{{TIME(2017-02-14T06:08:00Z)}}".repeat(10);
    let h = ac(json!([{"type": "TextBlock", "text": text}]));
    assert!(h.contains("06:08 UTC"));

    let data = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_URL_LEN));
    assert!(!ac(json!([{"type": "Image", "url": data}])).contains("<img"));

    let many: Vec<Value> = (0..100_000)
        .map(|_| json!({"type": "Card", "title": "t"}))
        .collect();
    let h = attachments(&many);
    assert!(h.len() < MAX_ATT_HTML + 64 * 1024);
    assert!(h.contains("att-truncated"));

    let facts: Vec<Value> = (0..100_000)
        .map(|i| json!({"title": i, "value": i}))
        .collect();
    let h = ac(json!([{"type": "FactSet", "facts": facts}]));
    assert!(h.contains("att-truncated"));
    assert_eq!(h.matches("<dl").count(), h.matches("</dl>").count());
}
