//! Full-text search of posts (`SearchStore`): the same words, visibility, filters, order and
//! paging on every store, and an index that keeps step with posts in the same transaction.

use openglip_domain::search::{self, SearchQuery};
use openglip_domain::store::*;
use openglip_domain::*;

use crate::*;

fn query(q: &str) -> SearchQuery {
    SearchQuery {
        terms: search::terms(q).unwrap(),
        ..Default::default()
    }
}

async fn found<B: Backend>(store: &B, member: ExtensionId, q: SearchQuery) -> Vec<String> {
    let page = store
        .search()
        .search_posts(member, q, 0, 250)
        .await
        .unwrap();
    page.posts.into_iter().map(|p| p.text).collect()
}

async fn find<B: Backend>(store: &B, member: ExtensionId, q: &str) -> Vec<String> {
    let mut texts = found(store, member, query(q)).await;
    texts.sort();
    texts
}

pub async fn words_prefixes_edits_and_deletes_are_searchable_at_once<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let ada = f.admin.id;
    let post = |text: &str| f.store.create_post(text_post(team.id, ada, text));
    let deploy = post("The Deployment of v2 is done").await.unwrap();
    post("deploy again tomorrow").await.unwrap();
    post("see https://example.com/release-notes_final for the notes")
        .await
        .unwrap();
    post("Café au lait, naïve 日本語").await.unwrap();
    post("nothing to see here").await.unwrap();

    // Word prefixes, any case; every word of the query required.
    assert_eq!(
        find(&f.store, ada, "DEPLO").await,
        ["The Deployment of v2 is done", "deploy again tomorrow"]
    );
    assert_eq!(
        find(&f.store, ada, "deploy v2").await,
        ["The Deployment of v2 is done"]
    );
    assert!(find(&f.store, ada, "deploy tuesday").await.is_empty());
    // Inside a word is not a prefix.
    assert!(find(&f.store, ada, "ployment").await.is_empty());
    // URLs and punctuation are only separators.
    for q in ["example", "release", "notes final", "com"] {
        assert_eq!(find(&f.store, ada, q).await.len(), 1, "{q}");
    }
    // Letters of any script, diacritics kept and case-folded.
    assert_eq!(find(&f.store, ada, "CAFÉ naïve").await.len(), 1);
    assert_eq!(find(&f.store, ada, "日本語").await.len(), 1);
    assert!(find(&f.store, ada, "cafe").await.is_empty());

    // An edit is searchable as soon as it returns; the old words are gone.
    f.store
        .update_post(team.id, deploy.id, "Rollout finished".into(), Vec::new())
        .await
        .unwrap();
    assert_eq!(find(&f.store, ada, "rollout").await, ["Rollout finished"]);
    assert_eq!(
        find(&f.store, ada, "deployment").await,
        Vec::<String>::new()
    );
    // A delete too, and a deleted chat takes its posts' index entries with it.
    f.store.delete_post(team.id, deploy.id).await.unwrap();
    assert!(find(&f.store, ada, "rollout").await.is_empty());
    assert_eq!(find(&f.store, ada, "deploy").await.len(), 1);
    f.store.delete_chat(team.id).await.unwrap();
    assert!(find(&f.store, ada, "deploy").await.is_empty());
    assert!(find(&f.store, ada, "see").await.is_empty());
}

pub async fn only_the_chats_a_person_is_in_now_are_searched<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "Secret", &[]).await;
    f.store
        .create_post(text_post(team.id, f.admin.id, "the launch code"))
        .await
        .unwrap();
    // Another company's post with the same words.
    let mut other = person("Oz", "Other", Some("oz@other.test"));
    other.is_admin = true;
    let (_, oz) = f.store.create_account("Other".into(), other).await.unwrap();
    let everyone = f.store.everyone_chat(oz.account_id).await.unwrap();
    f.store
        .create_post(text_post(everyone.id, oz.id, "launch code elsewhere"))
        .await
        .unwrap();

    assert_eq!(
        find(&f.store, f.admin.id, "launch").await,
        ["the launch code"]
    );
    assert!(find(&f.store, pat.id, "launch").await.is_empty());
    // Joining shows the chat's history; leaving hides it again.
    let change = |add: Vec<ExtensionId>, remove: Vec<ExtensionId>| MembershipChange {
        chat_id: team.id,
        actor: f.admin.id,
        add,
        remove,
    };
    f.store
        .change_members(change(vec![pat.id], vec![]))
        .await
        .unwrap();
    assert_eq!(
        find(&f.store, pat.id, "launch code").await,
        ["the launch code"]
    );
    f.store
        .change_members(change(vec![], vec![pat.id]))
        .await
        .unwrap();
    assert!(find(&f.store, pat.id, "launch").await.is_empty());
    assert_eq!(
        find(&f.store, oz.id, "code").await,
        ["launch code elsewhere"]
    );
}

pub async fn filters_by_chat_author_and_time<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let a = f.team(f.admin.id, "A", &[pat.id]).await;
    let b = f.team(f.admin.id, "B", &[pat.id]).await;
    let mut posts = Vec::new();
    for (chat, who, text) in [
        (a.id, f.admin.id, "budget one"),
        (a.id, pat.id, "budget two"),
        (b.id, f.admin.id, "budget three"),
        (b.id, pat.id, "budget four"),
    ] {
        posts.push(
            f.store
                .create_post(text_post(chat, who, text))
                .await
                .unwrap(),
        );
    }
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let q = |edit: &dyn Fn(&mut SearchQuery)| {
        let mut q = query("budget");
        edit(&mut q);
        q
    };
    let got = found(&f.store, pat.id, q(&|q| q.chat = Some(b.id))).await;
    assert_eq!(sorted(got), ["budget four", "budget three"]);
    let got = found(&f.store, pat.id, q(&|q| q.creator = Some(pat.id))).await;
    assert_eq!(sorted(got), ["budget four", "budget two"]);
    let got = found(
        &f.store,
        pat.id,
        q(&|q| {
            q.chat = Some(a.id);
            q.creator = Some(f.admin.id)
        }),
    )
    .await;
    assert_eq!(got, ["budget one"]);

    // `since` is inclusive, `until` exclusive, on the creation time the store assigned.
    let at = posts[2].created;
    let expect = |keep: &dyn Fn(Timestamp) -> bool| {
        let mut v: Vec<String> = posts
            .iter()
            .filter(|p| keep(p.created))
            .map(|p| p.text.clone())
            .collect();
        v.sort();
        v
    };
    let got = found(&f.store, pat.id, q(&|q| q.since = Some(at))).await;
    assert_eq!(sorted(got), expect(&|t| t >= at));
    let got = found(&f.store, pat.id, q(&|q| q.until = Some(at))).await;
    assert_eq!(sorted(got), expect(&|t| t < at));
    let got = found(
        &f.store,
        pat.id,
        q(&|q| {
            q.since = Some(at);
            q.until = Some(Timestamp(at.0 + 1))
        }),
    )
    .await;
    assert_eq!(sorted(got), expect(&|t| t == at));
}

pub async fn best_matches_first_and_pages_by_position<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let ada = f.admin.id;
    let post = |text: String| f.store.create_post(text_post(team.id, ada, &text));
    post("a long message that mentions the release once among very many other words of no interest to anyone at all".into())
        .await
        .unwrap();
    let best = post("release release release".into()).await.unwrap();
    for i in 0..7 {
        post(format!("filler {i} release")).await.unwrap();
    }
    let all = f
        .store
        .search()
        .search_posts(ada, query("release"), 0, 250)
        .await
        .unwrap();
    assert_eq!(all.posts.len(), 9);
    assert!(!all.has_more);
    assert_eq!(all.posts[0].id, best.id, "the best match first");
    assert!(
        all.posts[8].text.starts_with("a long message"),
        "the weakest match last"
    );

    // Pages of three, in the same order, each saying whether more follow.
    let mut paged = Vec::new();
    for (n, more) in [(0, true), (3, true), (6, false)] {
        let page = f
            .store
            .search()
            .search_posts(ada, query("release"), n, 3)
            .await
            .unwrap();
        assert_eq!(page.posts.len(), 3);
        assert_eq!(page.has_more, more, "page at {n}");
        paged.extend(page.posts.into_iter().map(|p| p.id));
    }
    let ids: Vec<PostId> = all.posts.iter().map(|p| p.id).collect();
    assert_eq!(paged, ids);
    let past = f
        .store
        .search()
        .search_posts(ada, query("release"), 9, 3)
        .await
        .unwrap();
    assert!(past.posts.is_empty() && !past.has_more);
}
