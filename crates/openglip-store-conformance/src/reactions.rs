//! Reactions on posts (`ReactionStore`): added once per person and emoji, taken back, ordered,
//! limited in kinds, each change with its event in the same transaction (none when nothing
//! changed), and gone with their post.

use openglip_domain::events::EventPayload;
use openglip_domain::reactions::{Emoji, ReactionChange, ReactionOutcome};
use openglip_domain::*;

use crate::*;

fn change(
    chat: ChatId,
    post: PostId,
    person: ExtensionId,
    emoji: &str,
    add: bool,
) -> ReactionChange {
    ReactionChange {
        chat,
        post,
        person,
        emoji: Emoji::parse(emoji).unwrap(),
        add,
        max_kinds: 2,
    }
}

fn done(o: ReactionOutcome) -> Vec<Reaction> {
    match o {
        ReactionOutcome::Done(r) => r,
        other => panic!("{other:?}"),
    }
}

pub async fn reactions_are_kept_with_their_events<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id]).await;
    let post = f
        .store
        .create_post(text_post(team.id, f.admin.id, "hi"))
        .await
        .unwrap();
    let other = f
        .store
        .create_post(text_post(team.id, pat.id, "yo"))
        .await
        .unwrap();
    let r = f.store.reactions();
    let before = f.last_seq().await;

    let now = done(
        r.set_reaction(change(team.id, post.id, pat.id, "👍", true))
            .await
            .unwrap(),
    );
    assert_eq!(
        now,
        vec![Reaction {
            emoji: "👍".into(),
            person_ids: vec![pat.id]
        }]
    );
    let now = done(
        r.set_reaction(change(team.id, post.id, f.admin.id, "👍", true))
            .await
            .unwrap(),
    );
    assert_eq!(now[0].person_ids, vec![pat.id, f.admin.id]);
    // Again: nothing changes, no event.
    let again = done(
        r.set_reaction(change(team.id, post.id, pat.id, "👍", true))
            .await
            .unwrap(),
    );
    assert_eq!(again, now);
    let events = f.events_since(before).await;
    assert_eq!(events.len(), 2, "{events:?}");
    match &events[1].payload {
        EventPayload::ReactionsChanged {
            chat_id,
            post_id,
            reactions,
        } => {
            assert_eq!((*chat_id, *post_id), (team.id, post.id));
            assert_eq!(reactions, &now);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events[1].account_id, f.account.id);

    // A second kind, then a third is refused (the limit is the change's), writing nothing.
    done(
        r.set_reaction(change(team.id, post.id, pat.id, "🎉", true))
            .await
            .unwrap(),
    );
    let seq = f.last_seq().await;
    assert_eq!(
        r.set_reaction(change(team.id, post.id, pat.id, "😂", true))
            .await
            .unwrap(),
        ReactionOutcome::TooManyKinds
    );
    assert_eq!(f.last_seq().await, seq);
    // Another person may still add a kind that is there.
    done(
        r.set_reaction(change(team.id, post.id, f.admin.id, "🎉", true))
            .await
            .unwrap(),
    );
    done(
        r.set_reaction(change(team.id, other.id, pat.id, "👀", true))
            .await
            .unwrap(),
    );

    let listed = r.reactions(team.id, vec![post.id, other.id]).await.unwrap();
    assert_eq!(listed.len(), 2);
    let of_post = &listed.iter().find(|(p, _)| *p == post.id).unwrap().1;
    let emoji: Vec<&str> = of_post.iter().map(|x| x.emoji.as_str()).collect();
    assert_eq!(emoji, ["👍", "🎉"]);

    // Taken back: once changes (an event), twice does nothing.
    let seq = f.last_seq().await;
    let now = done(
        r.set_reaction(change(team.id, post.id, pat.id, "👍", false))
            .await
            .unwrap(),
    );
    assert_eq!(now[0].person_ids, vec![f.admin.id]);
    done(
        r.set_reaction(change(team.id, post.id, pat.id, "👍", false))
            .await
            .unwrap(),
    );
    assert_eq!(f.events_since(seq).await.len(), 1);

    // A post of another chat is not found, and nothing is written.
    let elsewhere = f.team(f.admin.id, "U", &[]).await;
    let err = r
        .set_reaction(change(elsewhere.id, post.id, pat.id, "👍", true))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(Subject::Post)), "{err:?}");
    assert!(
        r.reactions(elsewhere.id, vec![post.id])
            .await
            .unwrap()
            .is_empty()
    );

    // Deleting the post forgets its reactions.
    f.store.delete_post(team.id, post.id).await.unwrap();
    let left = r.reactions(team.id, vec![post.id, other.id]).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].0, other.id);
}
