//! Tasks, notes and calendar events (`TeamworkStore`): each written with its card post and the
//! post's event in one transaction, filtered and paged, refused whole.

use openglip_domain::calendar::{
    CalendarEvent, EventContent, EventFilter, EventRecurrence, NewEvent,
};
use openglip_domain::notes::{NewNote, NoteChange, NoteFilter, NoteStatus, NoteWrite};
use openglip_domain::store::*;
use openglip_domain::tasks::*;
use openglip_domain::teamwork::Color;
use openglip_domain::*;

use crate::*;

fn content(subject: &str, assignees: &[ExtensionId]) -> TaskContent {
    TaskContent {
        subject: subject.into(),
        assignees: assignees
            .iter()
            .map(|id| Assignee {
                id: *id,
                status: AssigneeStatus::Pending,
            })
            .collect(),
        completeness: Completeness::Simple,
        percentage: None,
        status: TaskStatus::Pending,
        start_date: None,
        due_date: Some(Timestamp(1_800_000_000_000)),
        color: Color::Blue,
        section: Some("Launch".into()),
        description: Some("Write it".into()),
        recurrence: Some(TaskRecurrence {
            schedule: TaskSchedule::Weekly,
            ending: openglip_domain::teamwork::Ending::Count,
            ending_after: Some(3),
            ending_on: None,
        }),
        attachments: vec![TaskFile {
            id: "f1".into(),
            name: Some("plan.pdf".into()),
            content_uri: None,
        }],
    }
}

fn event(title: &str) -> EventContent {
    EventContent {
        title: title.into(),
        start: Timestamp(1_800_000_000_000),
        end: Timestamp(1_800_000_900_000),
        all_day: false,
        recurrence: EventRecurrence::default(),
        color: Color::Red,
        location: Some("Room 1".into()),
        description: None,
    }
}

fn names(events: &[openglip_domain::events::StoredEvent]) -> Vec<&'static str> {
    events.iter().map(|e| e.payload.name()).collect()
}

fn complete_by(who: &[ExtensionId]) -> TaskChange {
    TaskChange::Complete {
        done: true,
        who: who.to_vec(),
        percentage: None,
    }
}

fn task_filter(chat: ChatId) -> TaskFilter {
    TaskFilter {
        chat_id: Some(chat),
        ..Default::default()
    }
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    items.iter().map(id).collect()
}

pub async fn tasks_round_trip_with_their_card_post<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id]).await;
    let before = f.store.last_event_seq().await.unwrap();

    let task = f
        .store
        .teamwork()
        .create_task(NewTask {
            chat_id: team.id,
            creator_id: f.admin.id,
            content: content("Ship it", &[pat.id]),
        })
        .await
        .unwrap();
    assert_eq!(task.content, content("Ship it", &[pat.id]));
    let post = f
        .store
        .post(team.id, task.post_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(post.attachments, vec![tasks::card(&task, &post.mentions)]);
    assert_eq!(post.creator_id, f.admin.id);
    // The card names its assignees: the post mentions them.
    let named: Vec<(i64, &str)> = post
        .mentions
        .iter()
        .map(|m| (m.id, m.name.as_str()))
        .collect();
    assert_eq!(named, [(pat.id.0, "Pat Lee")]);
    let read = f.store.teamwork().task(task.id).await.unwrap().unwrap();
    assert_eq!(read, task);

    let changed = TaskChange::Complete {
        done: true,
        who: vec![pat.id],
        percentage: None,
    };
    let done = f
        .store
        .teamwork()
        .update_task(task.id, changed.clone())
        .await
        .unwrap();
    assert_eq!(done.content.status, TaskStatus::Completed);
    assert!(done.modified >= task.modified);
    let post = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(post.attachments, vec![tasks::card(&done, &post.mentions)]);
    assert_eq!(post.attachments[0]["fields"][2]["value"], "Pat Lee");

    f.store.teamwork().delete_task(task.id).await.unwrap();
    assert!(f.store.teamwork().task(task.id).await.unwrap().is_none());
    assert!(f.store.post(team.id, post.id).await.unwrap().is_none());
    assert!(matches!(
        f.store.teamwork().delete_task(task.id).await,
        Err(Error::NotFound(Subject::Task))
    ));
    assert!(matches!(
        f.store.teamwork().update_task(task.id, changed).await,
        Err(Error::NotFound(Subject::Task))
    ));
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(names(&events), ["PostAdded", "PostChanged", "PostRemoved"]);
    assert_eq!(
        count(&f.store, "SELECT count(*) FROM task_assignees").await,
        0
    );
}

/// Assignees completing their parts at the same moment: every part is kept, and a refused change
/// (a due date before the start) changes nothing.
pub async fn changes_at_the_same_moment_are_all_kept<B: Backend>() {
    let f = fixture::<B>().await;
    let mut people = Vec::new();
    for name in ["Pat", "Kim", "Lou", "Max", "Ned", "Oda"] {
        people.push(f.add_person(name, "Lee").await.id);
    }
    let team = f.team(f.admin.id, "T", &people).await;
    let mut c = content("Together", &people);
    c.completeness = Completeness::AllAssignees;
    c.start_date = Some(Timestamp(1_700_000_000_000));
    let task = f
        .store
        .teamwork()
        .create_task(NewTask {
            chat_id: team.id,
            creator_id: f.admin.id,
            content: c,
        })
        .await
        .unwrap();
    let mut parts = Vec::new();
    for p in &people {
        let store = f.store.clone();
        let change = complete_by(&[*p]);
        parts.push(tokio::spawn(async move {
            store.teamwork().update_task(task.id, change).await
        }));
    }
    for part in parts {
        part.await.unwrap().unwrap();
    }
    let done = f.store.teamwork().task(task.id).await.unwrap().unwrap();
    assert_eq!(done.content.status, TaskStatus::Completed);
    assert!(
        done.content
            .assignees
            .iter()
            .all(|a| a.status == AssigneeStatus::Completed)
    );

    let early = TaskEdit {
        due_date: Some(Timestamp(1_600_000_000_000)),
        subject: Some("Changed".into()),
        ..Default::default()
    };
    let r = f
        .store
        .teamwork()
        .update_task(task.id, TaskChange::Edit(early))
        .await;
    assert_eq!(r.unwrap_err().parameter_name(), Some("dueDate"));
    let same = f.store.teamwork().task(task.id).await.unwrap().unwrap();
    assert_eq!(same, done);
}

pub async fn items_are_refused_whole_outside_their_chat<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let before = f.store.last_event_seq().await.unwrap();
    let posts = count(&f.store, "SELECT count(*) FROM posts").await;
    let w = f.store.teamwork();

    let r = w
        .create_task(NewTask {
            chat_id: team.id,
            creator_id: pat.id,
            content: content("Nope", &[]),
        })
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
    let r = w
        .create_task(NewTask {
            chat_id: ChatId(999_999),
            creator_id: f.admin.id,
            content: content("Nope", &[]),
        })
        .await;
    assert!(matches!(r, Err(Error::NotFound(Subject::Chat))), "{r:?}");
    let r = w
        .create_note(NewNote {
            chat_id: team.id,
            creator_id: pat.id,
            title: "Nope".into(),
            body: String::new(),
        })
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");
    let r = w
        .create_event(NewEvent {
            creator_id: pat.id,
            chat_id: Some(team.id),
            content: event("Nope"),
        })
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");

    f.store
        .update_chat(
            team.id,
            ChatPatch {
                status: Some(ChatStatus::Archived),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let r = w
        .create_task(NewTask {
            chat_id: team.id,
            creator_id: f.admin.id,
            content: content("Late", &[]),
        })
        .await;
    assert!(matches!(r, Err(Error::Forbidden(_))), "{r:?}");

    for table in ["tasks", "task_assignees", "notes", "calendar_events"] {
        assert_eq!(
            count(&f.store, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
    assert_eq!(count(&f.store, "SELECT count(*) FROM posts").await, posts);
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(names(&events), ["GroupChanged"]);
}

pub async fn task_filters_and_pages<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let kim = f.add_person("Kim", "Ng").await;
    let team = f.team(f.admin.id, "T", &[pat.id, kim.id]).await;
    let w = f.store.teamwork();
    let mut made = Vec::new();
    for (i, who) in [
        vec![],
        vec![pat.id],
        vec![kim.id],
        vec![pat.id, kim.id],
        vec![],
    ]
    .into_iter()
    .enumerate()
    {
        let creator = if i % 2 == 0 { f.admin.id } else { pat.id };
        let t = w
            .create_task(NewTask {
                chat_id: team.id,
                creator_id: creator,
                content: content(&format!("T{i}"), &who),
            })
            .await
            .unwrap();
        made.push(t);
    }
    // T3: Pat done, Kim not (AllAssignees).
    let all = TaskEdit {
        completeness: Some(Completeness::AllAssignees),
        ..Default::default()
    };
    w.update_task(made[3].id, TaskChange::Edit(all))
        .await
        .unwrap();
    w.update_task(made[3].id, complete_by(&[pat.id]))
        .await
        .unwrap();
    // T4: completed.
    w.update_task(made[4].id, complete_by(&[])).await.unwrap();

    let list = |filter: TaskFilter| async move {
        let page = w.list_tasks(filter, first_page(50)).await.unwrap();
        ids(&page.items, |t| t.id.0)
    };
    let id = |i: usize| made[i].id.0;
    assert_eq!(
        list(task_filter(team.id)).await,
        [id(4), id(3), id(2), id(1), id(0)]
    );
    assert_eq!(
        list(TaskFilter {
            statuses: vec![TaskStatus::Completed, TaskStatus::InProgress],
            ..task_filter(team.id)
        })
        .await,
        [id(4), id(3)]
    );
    assert_eq!(
        list(TaskFilter {
            assigned: Some(false),
            ..task_filter(team.id)
        })
        .await,
        [id(4), id(0)]
    );
    assert_eq!(
        list(TaskFilter {
            assigned: Some(true),
            ..task_filter(team.id)
        })
        .await,
        [id(3), id(2), id(1)]
    );
    assert_eq!(
        list(TaskFilter {
            assignees: vec![pat.id],
            ..task_filter(team.id)
        })
        .await,
        [id(3), id(1)]
    );
    assert_eq!(
        list(TaskFilter {
            assignees: vec![pat.id],
            assignee_status: Some(AssigneeStatus::Pending),
            ..task_filter(team.id)
        })
        .await,
        [id(1)]
    );
    assert_eq!(
        list(TaskFilter {
            assignee_status: Some(AssigneeStatus::Completed),
            ..task_filter(team.id)
        })
        .await,
        [id(3)]
    );
    assert_eq!(
        list(TaskFilter {
            creators: vec![pat.id],
            ..task_filter(team.id)
        })
        .await,
        [id(3), id(1)]
    );
    assert_eq!(
        list(TaskFilter {
            created_from: Some(Timestamp(made[0].created.0 + 1_000_000_000)),
            ..task_filter(team.id)
        })
        .await,
        Vec::<i64>::new()
    );
    assert_eq!(
        list(TaskFilter {
            created_to: Some(made[4].created),
            ..task_filter(team.id)
        })
        .await
        .len(),
        5
    );

    // Pages both ways.
    let first = w
        .list_tasks(task_filter(team.id), first_page(2))
        .await
        .unwrap();
    assert_eq!(ids(&first.items, |t| t.id.0), [id(4), id(3)]);
    assert!(first.has_older && !first.has_newer);
    let second = w
        .list_tasks(task_filter(team.id), older(id(3), 2))
        .await
        .unwrap();
    assert_eq!(ids(&second.items, |t| t.id.0), [id(2), id(1)]);
    assert!(second.has_older && second.has_newer);
    let back = w
        .list_tasks(task_filter(team.id), newer(id(2), 2))
        .await
        .unwrap();
    assert_eq!(ids(&back.items, |t| t.id.0), [id(4), id(3)]);
    assert!(back.has_older && !back.has_newer);
    // Another chat has none of them.
    let other = f.team(f.admin.id, "O", &[]).await;
    assert!(list(task_filter(other.id)).await.is_empty());
}

pub async fn notes_drafts_locks_and_publishing<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id]).await;
    let w = f.store.teamwork();
    let note = w
        .create_note(NewNote {
            chat_id: team.id,
            creator_id: f.admin.id,
            title: "Plan".into(),
            body: "<p>First draft</p>".into(),
        })
        .await
        .unwrap();
    assert_eq!(note.status, NoteStatus::Draft);
    assert_eq!((note.locked_by, note.post_id), (None, None));
    assert_eq!(note.last_modified_by, f.admin.id);
    assert_eq!(w.note(note.id).await.unwrap().unwrap(), note);

    let filter = |viewer: ExtensionId| NoteFilter {
        chat_id: team.id,
        viewer,
        created_from: None,
        created_to: None,
        creators: vec![],
        status: None,
    };
    let seen = |viewer| async move {
        let page = w.list_notes(filter(viewer), first_page(10)).await.unwrap();
        ids(&page.items, |n| n.id.0)
    };
    assert_eq!(seen(f.admin.id).await, [note.id.0]);
    assert!(seen(pat.id).await.is_empty(), "a draft is its creator's");

    // Pat locks it; the admin cannot edit, lock or unlock it, but may publish.
    let locked = w
        .change_note(note.id, pat.id, NoteChange::Lock)
        .await
        .unwrap();
    assert!(matches!(locked, NoteWrite::Done(ref n) if n.locked_by == Some(pat.id)));
    let edit = NoteChange::Edit {
        title: Some("Plan B".into()),
        body: None,
        release_lock: false,
    };
    for change in [edit.clone(), NoteChange::Lock, NoteChange::Unlock] {
        assert_eq!(
            w.change_note(note.id, f.admin.id, change).await.unwrap(),
            NoteWrite::LockedBy(pat.id)
        );
    }
    assert_eq!(w.note(note.id).await.unwrap().unwrap().title, "Plan");

    let before = f.store.last_event_seq().await.unwrap();
    let NoteWrite::Done(published) = w
        .change_note(note.id, f.admin.id, NoteChange::Publish)
        .await
        .unwrap()
    else {
        panic!("publishing is not held by a lock");
    };
    assert_eq!(published.status, NoteStatus::Active);
    let post = f
        .store
        .post(team.id, published.post_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        post.attachments,
        vec![openglip_domain::notes::card(&published)]
    );
    assert_eq!(seen(pat.id).await, [note.id.0]);

    // Pat edits, letting go of the lock; the card follows.
    let NoteWrite::Done(edited) = w
        .change_note(
            note.id,
            pat.id,
            NoteChange::Edit {
                title: Some("Plan B".into()),
                body: Some("Second".into()),
                release_lock: true,
            },
        )
        .await
        .unwrap()
    else {
        panic!("Pat holds the lock");
    };
    assert_eq!(
        (edited.title.as_str(), edited.body.as_str()),
        ("Plan B", "Second")
    );
    assert_eq!((edited.last_modified_by, edited.locked_by), (pat.id, None));
    let post = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(post.attachments[0]["title"], "Plan B");
    assert!(matches!(
        w.change_note(note.id, f.admin.id, NoteChange::Lock)
            .await
            .unwrap(),
        NoteWrite::Done(_)
    ));

    assert_eq!(
        ids(
            &w.list_notes(
                NoteFilter {
                    status: Some(NoteStatus::Draft),
                    ..filter(f.admin.id)
                },
                first_page(10)
            )
            .await
            .unwrap()
            .items,
            |n| n.id.0
        ),
        Vec::<i64>::new()
    );
    assert_eq!(
        ids(
            &w.list_notes(
                NoteFilter {
                    creators: vec![pat.id],
                    ..filter(f.admin.id)
                },
                first_page(10)
            )
            .await
            .unwrap()
            .items,
            |n| n.id.0
        ),
        Vec::<i64>::new()
    );

    w.delete_note(note.id).await.unwrap();
    assert!(w.note(note.id).await.unwrap().is_none());
    assert!(f.store.post(team.id, post.id).await.unwrap().is_none());
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(names(&events), ["PostAdded", "PostChanged", "PostRemoved"]);
    assert!(matches!(
        w.change_note(note.id, pat.id, NoteChange::Lock).await,
        Err(Error::NotFound(Subject::Note))
    ));
}

pub async fn events_of_people_and_of_chats<B: Backend>() {
    let f = fixture::<B>().await;
    let pat = f.add_person("Pat", "Lee").await;
    let team = f.team(f.admin.id, "T", &[pat.id]).await;
    let w = f.store.teamwork();
    let before = f.store.last_event_seq().await.unwrap();
    let own = w
        .create_event(NewEvent {
            creator_id: pat.id,
            chat_id: None,
            content: event("Dentist"),
        })
        .await
        .unwrap();
    assert_eq!((own.chat_id, own.post_id), (None, None));
    let meeting = w
        .create_event(NewEvent {
            creator_id: f.admin.id,
            chat_id: Some(team.id),
            content: event("Planning"),
        })
        .await
        .unwrap();
    let post = f
        .store
        .post(team.id, meeting.post_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        post.attachments,
        vec![openglip_domain::calendar::card(&meeting)]
    );
    assert_eq!(w.calendar_event(own.id).await.unwrap().unwrap(), own);

    let list = |filter| async move {
        let page = w.list_events(filter, first_page(10)).await.unwrap();
        ids(&page.items, |e: &CalendarEvent| e.id.0)
    };
    assert_eq!(list(EventFilter::Creator(pat.id)).await, [own.id.0]);
    assert_eq!(list(EventFilter::Creator(f.admin.id)).await, [meeting.id.0]);
    assert_eq!(list(EventFilter::Chat(team.id)).await, [meeting.id.0]);

    let mut moved = event("Planning, moved");
    moved.start = Timestamp(1_800_003_600_000);
    moved.end = Timestamp(1_800_007_200_000);
    let changed = w.update_event(meeting.id, moved.clone()).await.unwrap();
    assert_eq!(changed.content, moved);
    let post = f.store.post(team.id, post.id).await.unwrap().unwrap();
    assert_eq!(post.attachments[0]["title"], "Planning, moved");

    w.delete_event(meeting.id).await.unwrap();
    w.delete_event(own.id).await.unwrap();
    assert!(f.store.post(team.id, post.id).await.unwrap().is_none());
    assert!(matches!(
        w.update_event(own.id, moved).await,
        Err(Error::NotFound(Subject::CalendarEvent))
    ));
    assert!(matches!(
        w.delete_event(own.id).await,
        Err(Error::NotFound(Subject::CalendarEvent))
    ));
    let events = f.store.events_after(before, 100).await.unwrap();
    assert_eq!(names(&events), ["PostAdded", "PostChanged", "PostRemoved"]);
}

pub async fn deleting_a_chat_deletes_its_items<B: Backend>() {
    let f = fixture::<B>().await;
    let team = f.team(f.admin.id, "T", &[]).await;
    let w = f.store.teamwork();
    w.create_task(NewTask {
        chat_id: team.id,
        creator_id: f.admin.id,
        content: content("T", &[f.admin.id]),
    })
    .await
    .unwrap();
    w.create_note(NewNote {
        chat_id: team.id,
        creator_id: f.admin.id,
        title: "N".into(),
        body: String::new(),
    })
    .await
    .unwrap();
    w.create_event(NewEvent {
        creator_id: f.admin.id,
        chat_id: Some(team.id),
        content: event("E"),
    })
    .await
    .unwrap();
    f.store.delete_chat(team.id).await.unwrap();
    for table in ["tasks", "task_assignees", "notes", "calendar_events"] {
        assert_eq!(
            count(&f.store, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}
