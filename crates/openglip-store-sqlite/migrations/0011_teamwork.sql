-- Tasks, notes and calendar events (openglip_domain::teamwork). What a task or an event says
-- is kept as JSON (`content`: the domain's TaskContent / EventContent); the columns are what
-- listings filter and order by. `post_id` is the post that shows the item in its chat.

CREATE TABLE tasks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    creator_id INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    post_id    INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    content    TEXT    NOT NULL,
    created    INTEGER NOT NULL,
    modified   INTEGER NOT NULL
);
CREATE INDEX tasks_chat ON tasks (chat_id, id);
CREATE INDEX tasks_post ON tasks (post_id) WHERE post_id IS NOT NULL;

-- One row per assignee of a task (also in its content), for the assignee filters.
CREATE TABLE task_assignees (
    task_id   INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL,
    status    TEXT    NOT NULL,
    PRIMARY KEY (task_id, person_id)
);
CREATE INDEX task_assignees_person ON task_assignees (person_id, task_id);

CREATE TABLE notes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id          INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    creator_id       INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    locked_by        INTEGER,
    locked_at        INTEGER,
    last_modified_by INTEGER NOT NULL,
    post_id          INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    created          INTEGER NOT NULL,
    modified         INTEGER NOT NULL
);
CREATE INDEX notes_chat ON notes (chat_id, id);
CREATE INDEX notes_post ON notes (post_id) WHERE post_id IS NOT NULL;

CREATE TABLE calendar_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    creator_id INTEGER NOT NULL,
    -- NULL: a person's own event.
    chat_id    INTEGER REFERENCES chats(id) ON DELETE CASCADE,
    post_id    INTEGER REFERENCES posts(id) ON DELETE SET NULL,
    content    TEXT    NOT NULL,
    created    INTEGER NOT NULL,
    modified   INTEGER NOT NULL
);
CREATE INDEX calendar_events_creator ON calendar_events (creator_id, id);
CREATE INDEX calendar_events_chat ON calendar_events (chat_id, id) WHERE chat_id IS NOT NULL;
CREATE INDEX calendar_events_post ON calendar_events (post_id) WHERE post_id IS NOT NULL;
