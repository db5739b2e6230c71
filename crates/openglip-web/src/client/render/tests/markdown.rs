//! Mini-markdown: escaping and links, inline markup, blocks, mentions, plain text, hostile text.

use super::super::plain;
use super::*;

// ------------------------------------------------------------------ escaping and links

#[test]
fn script_in_text_is_escaped() {
    let h = md("<script>alert('x')</script> & \"q\"");
    assert_eq!(
        h,
        "<p>&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;q&quot;</p>"
    );
    assert_inert(&h);
}

#[test]
fn html_in_link_text_and_markup_is_escaped() {
    let h = md("[<img src=x onerror=alert(1)>](https://example.com) **<b>x</b>** `<i>`");
    assert!(
        h.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">&lt;img src=x onerror=alert(1)&gt;</a>"#),
        "{h}"
    );
    assert!(h.contains("<strong>&lt;b&gt;x&lt;/b&gt;</strong>"), "{h}");
    assert!(h.contains("<code>&lt;i&gt;</code>"), "{h}");
    assert!(!h.contains("<img"), "{h}");
}

#[test]
fn quotes_in_urls_cannot_break_out_of_attributes() {
    let h = md(r#"[x](https://a.example/"onmouseover="alert(1)) and https://b.example/'x"y"#);
    assert!(
        h.contains(r#"href="https://a.example/&quot;onmouseover=&quot;alert(1)""#),
        "{h}"
    );
    assert!(h.contains(r#"href="https://b.example/'x""#), "{h}");
    assert!(
        !h.contains(r#"" onmouseover"#) && !h.contains(r#""onmouseover"#),
        "{h}"
    );
}

#[test]
fn dangerous_link_targets_stay_text() {
    for url in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "//evil.example/x",
        "/relative",
        "http:",
        "https://",
        "mailto:",
    ] {
        let h = md(&format!("[click]({url})"));
        assert!(!h.contains("<a"), "{url}: {h}");
        assert!(h.contains("[click]("), "{url}: {h}");
        assert_inert(&h);
    }
    // Not even via an entity or a tab in the scheme.
    assert!(!md("[x](java\tscript:alert(1))").contains("<a"));
    assert!(!md("[x](&#106;avascript:alert(1))").contains("<a"));
}

#[test]
fn allowed_link_targets() {
    let h = md("[Mail](mailto:a@example.com) [Web](HTTPS://Example.com/a?b=1&c=2)");
    assert!(h.contains(r#"<a href="mailto:a@example.com" rel="noopener noreferrer nofollow" target="_blank">Mail</a>"#), "{h}");
    assert!(
        h.contains(r#"href="HTTPS://Example.com/a?b=1&amp;c=2""#),
        "{h}"
    );
}

#[test]
fn links_keep_balanced_parentheses_and_format_their_label() {
    let h = md("see [the **page**](https://en.wikipedia.org/wiki/Rust_(language)) now");
    assert_eq!(
        h,
        r#"<p>see <a href="https://en.wikipedia.org/wiki/Rust_(language)" rel="noopener noreferrer nofollow" target="_blank">the <strong>page</strong></a> now</p>"#
    );
}

#[test]
fn broken_links_stay_literal() {
    assert_eq!(
        md("[x](https://a.example"),
        r#"<p>[x](<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a></p>"#
    );
    assert_eq!(
        md("[x] (https://a.example)"),
        r#"<p>[x] (<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a>)</p>"#
    );
    assert_eq!(
        md("[](https://a.example)"),
        r#"<p>[](<a href="https://a.example" rel="noopener noreferrer nofollow" target="_blank">https://a.example</a>)</p>"#
    );
    assert_eq!(md("a [b c"), "<p>a [b c</p>");
}

#[test]
fn bare_urls_are_linked_without_trailing_punctuation() {
    let h = md("Go to https://example.com/a_b?x=1. Or (http://example.org/x).");
    assert!(h.contains(r#"<a href="https://example.com/a_b?x=1" rel="noopener noreferrer nofollow" target="_blank">https://example.com/a_b?x=1</a>. Or ("#), "{h}");
    assert!(h.contains(r#">http://example.org/x</a>).</p>"#), "{h}");
    let h = md("https://en.wikipedia.org/wiki/Rust_(language)");
    assert!(
        h.contains(">https://en.wikipedia.org/wiki/Rust_(language)</a>"),
        "{h}"
    );
    // Inside bold, and not inside words.
    assert!(md("**https://example.com**").contains(r#"<strong><a href="https://example.com""#));
    assert!(!md("xhttps://example.com").contains("<a"));
    assert!(!md("https:// nothing").contains("<a"));
    // Only http(s) is auto-linked.
    assert!(!md("ftp://example.com javascript:alert(1)").contains("<a"));
}

// ------------------------------------------------------------------ inline markdown

#[test]
fn bold_italics_underline() {
    assert_eq!(md("**bold**"), "<p><strong>bold</strong></p>");
    assert_eq!(md("*italics*"), "<p><em>italics</em></p>");
    // RingCentral documents `_x_` as underline.
    assert_eq!(md("_underline_"), "<p><u>underline</u></p>");
    assert_eq!(md("__bold__"), "<p><strong>bold</strong></p>");
    assert_eq!(md("***both***"), "<p><strong><em>both</em></strong></p>");
    assert_eq!(
        md("a **b *c* d** e"),
        "<p>a <strong>b <em>c</em> d</strong> e</p>"
    );
    assert_eq!(
        md("*it **bold***"),
        "<p><em>it <strong>bold</strong></em></p>"
    );
    assert_eq!(md("(*x*), *y*!"), "<p>(<em>x</em>), <em>y</em>!</p>");
    assert_eq!(
        md("**a** and **b**"),
        "<p><strong>a</strong> and <strong>b</strong></p>"
    );
}

#[test]
fn strikethrough_is_not_documented_so_literal() {
    assert_eq!(md("~~x~~"), "<p>~~x~~</p>");
}

#[test]
fn emphasis_needs_word_boundaries() {
    assert_eq!(md("snake_case_name"), "<p>snake_case_name</p>");
    assert_eq!(
        md("call my_func_name() now"),
        "<p>call my_func_name() now</p>"
    );
    assert_eq!(md("2*3*4 = 24"), "<p>2*3*4 = 24</p>");
    assert_eq!(md("a * b * c"), "<p>a * b * c</p>");
    assert_eq!(md("file_name_ and _x"), "<p>file_name_ and _x</p>");
}

#[test]
fn unclosed_markers_stay_literal() {
    assert_eq!(md("**bold"), "<p>**bold</p>");
    assert_eq!(md("*it"), "<p>*it</p>");
    assert_eq!(md("_u"), "<p>_u</p>");
    assert_eq!(md("`code"), "<p>`code</p>");
    assert_eq!(md("**a*"), "<p>*<em>a</em></p>");
    assert_eq!(md("``` not code"), "<p>``` not code</p>");
    assert_eq!(md("```\nnever closed\n"), "<p>```<br>never closed</p>");
}

#[test]
fn inline_code_has_no_markdown_inside() {
    assert_eq!(
        md("run `a *b* [c](https://x.example) ![:Person](5)` now"),
        "<p>run <code>a *b* [c](https://x.example) ![:Person](5)</code> now</p>"
    );
    assert_eq!(md("``a ` b``"), "<p><code>a ` b</code></p>");
    assert_eq!(md("` x `"), "<p><code>x</code></p>");
}

#[test]
fn backslash_escapes() {
    assert_eq!(md(r"\*not italic\*"), "<p>*not italic*</p>");
    assert_eq!(md(r"\> not a quote"), "<p>&gt; not a quote</p>");
    assert_eq!(md(r"C:\Users\me"), r"<p>C:\Users\me</p>");
}

#[test]
fn line_breaks_and_paragraphs() {
    assert_eq!(md("a\nb"), "<p>a<br>b</p>");
    assert_eq!(md("a\n\nb"), "<p>a</p><p>b</p>");
    assert_eq!(md("a\r\nb\r\n\r\nc"), "<p>a<br>b</p><p>c</p>");
    assert_eq!(md("\n\n  \n"), "");
    assert_eq!(md(""), "");
    // Absurdly long text is cut, not refused.
    let long = "word ".repeat(40_000);
    assert!(md(&long).ends_with("…</p>"));
    // Emphasis may span a line break.
    assert_eq!(md("**a\nb**"), "<p><strong>a<br>b</strong></p>");
}

// ------------------------------------------------------------------ blocks

#[test]
fn block_quotes() {
    assert_eq!(
        md("> a\n> b\nc"),
        "<blockquote><p>a<br>b</p></blockquote><p>c</p>"
    );
    assert_eq!(
        md("> a\n>\n> **b**"),
        "<blockquote><p>a</p><p><strong>b</strong></p></blockquote>"
    );
    assert_eq!(
        md(">> inner\n> outer"),
        "<blockquote><blockquote><p>inner</p></blockquote><p>outer</p></blockquote>"
    );
    assert_eq!(md("a > b"), "<p>a &gt; b</p>");
    assert_eq!(md(">.<"), "<p>&gt;.&lt;</p>");
}

#[test]
fn bullet_and_numbered_lists() {
    assert_eq!(
        md("Todo:\n* one\n- two\n\nafter"),
        "<p>Todo:</p><ul><li>one</li><li>two</li></ul><p>after</p>"
    );
    assert_eq!(md("1. a\n2. *b*"), "<ol><li>a</li><li><em>b</em></li></ol>");
    assert_eq!(
        md("3) c\n4) d"),
        r#"<ol start="3"><li>c</li><li>d</li></ol>"#
    );
    assert_eq!(
        md("- a\n  - a1\n  - a2\n- b"),
        "<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul>"
    );
    assert_eq!(md("- a\n1. b"), "<ul><li>a</li></ul><ol><li>b</li></ol>");
    assert_eq!(
        md("- a\n  continued\n- b"),
        "<ul><li>a<br>continued</li><li>b</li></ul>"
    );
    // Not lists.
    assert_eq!(md("-1 degrees"), "<p>-1 degrees</p>");
    assert_eq!(md("**not** a list"), "<p><strong>not</strong> a list</p>");
    assert_eq!(md("- "), "<p>- </p>");
}

#[test]
fn fenced_code_blocks() {
    assert_eq!(
        md("before\n```\nlet x = *y*; // <b>\n  indented\n```\nafter"),
        "<p>before</p><pre><code>let x = *y*; // &lt;b&gt;\n  indented</code></pre><p>after</p>"
    );
    assert_eq!(
        md("```rust\nfn main() {}\n```"),
        "<pre><code>fn main() {}</code></pre>"
    );
    assert_eq!(md("```x = 1```"), "<pre><code>x = 1</code></pre>");
    assert_eq!(
        md("```first line\nlast```"),
        "<pre><code>first line\nlast</code></pre>"
    );
    assert_eq!(
        md("> ```\n> a > b\n> ```"),
        "<blockquote><pre><code>a &gt; b</code></pre></blockquote>"
    );
    assert_eq!(
        md("```\n![:Person](5) [x](javascript:y)\n```"),
        "<pre><code>![:Person](5) [x](javascript:y)</code></pre>"
    );
}

// ------------------------------------------------------------------ mentions

#[test]
fn mentions_known_unknown_and_me() {
    let m = [
        person(11, "Alice Smith"),
        person(12, "Bob"),
        team(40, "Design"),
    ];
    let h = message("hi ![:Person](11), ![:Person](12) and ![:Team](40)", &m, 12);
    assert_eq!(
        h,
        r#"<p>hi <span class="mention" data-person="11">@Alice Smith</span>, <span class="mention me" data-person="12">@Bob</span> and <span class="mention team" data-team="40">@Design</span></p>"#
    );
    // Unknown ids, and a kind that does not match, show the id.
    let h = message("![:Person](99) ![:Team](11)", &m, 12);
    assert_eq!(
        h,
        r#"<p><span class="mention" data-person="99">@99</span> <span class="mention team" data-team="11">@11</span></p>"#
    );
}

#[test]
fn mention_names_are_escaped() {
    let m = [person(5, "<img src=x onerror=alert(1)>")];
    let h = message("![:Person](5)", &m, 0);
    assert!(
        h.contains("@&lt;img src=x onerror=alert(1)&gt;</span>"),
        "{h}"
    );
    assert!(!h.contains("<img"));
}

#[test]
fn mentions_inside_bold_quotes_and_lists() {
    let m = [person(7, "Carol")];
    let span = r#"<span class="mention" data-person="7">@Carol</span>"#;
    assert_eq!(
        message("**hey ![:Person](7)**", &m, 0),
        format!("<p><strong>hey {span}</strong></p>")
    );
    assert_eq!(
        message("> ![:Person](7) said", &m, 0),
        format!("<blockquote><p>{span} said</p></blockquote>")
    );
    assert_eq!(
        message("- ask ![:Person](7)", &m, 0),
        format!("<ul><li>ask {span}</li></ul>")
    );
}

#[test]
fn malformed_mentions_stay_literal() {
    for t in [
        "![:Bogus](1)",
        "![:Person](x)",
        "![:Person](",
        "![:Person]",
        "![:Person](1234567890123456789)",
        "![:Person]()",
    ] {
        let h = md(t);
        assert!(!h.contains("mention"), "{t}: {h}");
    }
    assert_eq!(
        md("![:![:Person](5)"),
        r#"<p>![:<span class="mention" data-person="5">@5</span></p>"#
    );
}

// ------------------------------------------------------------------ plain

#[test]
fn plain_text_drops_markers() {
    let m = [person(7, "Carol"), team(8, "Ops")];
    assert_eq!(
        plain(
            "**Hi** ![:Person](7)\n\n> _quoted_ [link](https://x.example)\n- one\n- `two`\n```\ncode  here\n```",
            &m,
            200
        ),
        "Hi @Carol quoted link one two code here"
    );
    assert_eq!(plain("![:Team](8) ![:Team](9)", &m, 50), "@Ops @9");
    // Text, not HTML: the caller escapes.
    assert_eq!(plain("a < b & c", &[], 50), "a < b & c");
    assert_eq!(plain("  \n ", &[], 50), "");
}

#[test]
fn plain_text_is_cut_with_an_ellipsis() {
    assert_eq!(plain("hello world", &[], 11), "hello world");
    assert_eq!(plain("hello world", &[], 7), "hello…");
    assert_eq!(plain("hello world", &[], 1), "…");
    assert_eq!(plain("hello world", &[], 0), "");
    let long = "ünïcödé ".repeat(100);
    let p = plain(&long, &[], 20);
    assert_eq!(p.chars().count(), 20);
    assert!(p.ends_with('…'));
}

// ------------------------------------------------------------------ hostile text

#[test]
fn hostile_text_stays_fast_and_balanced() {
    let cases = [
        "*a ".repeat(20_000),
        "**a ".repeat(20_000),
        "_a ".repeat(20_000),
        "[".repeat(50_000),
        "[a](".repeat(20_000),
        "`".repeat(50_000),
        "` ``".repeat(20_000),
        "![:".repeat(30_000),
        "![:Person](".repeat(10_000),
        "> ".repeat(10_000) + "deep",
        ">".repeat(50_000),
        "- ".repeat(5_000),
        (0..2_000)
            .map(|i| format!("{}- x\n", " ".repeat(i % 200)))
            .collect(),
        "```x\n".repeat(10_000),
        "http://".repeat(10_000),
        "https://x/".to_string() + &")".repeat(30_000),
        "*".repeat(10_000),
        "**x ".repeat(3_000) + &"x** ".repeat(3_000),
    ];
    for t in &cases {
        let start = std::time::Instant::now();
        let h = message(t, &[], 0);
        let p = plain(t, &[], 100);
        assert!(start.elapsed().as_secs() < 10, "too slow on {:?}", &t[..20]);
        assert!(p.chars().count() <= 100);
        for tag in [
            "p",
            "strong",
            "em",
            "u",
            "code",
            "a",
            "blockquote",
            "ul",
            "ol",
            "li",
            "pre",
            "span",
        ] {
            let opens =
                h.matches(&format!("<{tag}>")).count() + h.matches(&format!("<{tag} ")).count();
            let closes = h.matches(&format!("</{tag}>")).count();
            assert_eq!(opens, closes, "<{tag}> unbalanced on {:?}", &t[..20]);
        }
    }
}
