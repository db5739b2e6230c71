-- Data export (`openglip_domain::export`): the tasks, which are also the job queue (a worker
-- claims the oldest `Accepted` task, or an `InProgress` one whose lease ended: its worker died),
-- and the datasets a completed task built (zip archives, kept in the database).
CREATE TABLE export_tasks (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    creator_id  INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    time_from   INTEGER NOT NULL,
    time_to     INTEGER NOT NULL,
    -- Comma-separated ids; '' when none.
    contacts    TEXT    NOT NULL,
    chat_ids    TEXT    NOT NULL,
    -- Until when the worker that claimed it holds it (InProgress).
    lease_until INTEGER,
    failure     TEXT,
    created     INTEGER NOT NULL,
    modified    INTEGER NOT NULL
);
CREATE INDEX export_tasks_account ON export_tasks (account_id, id);
CREATE INDEX export_tasks_queue ON export_tasks (id) WHERE status IN ('Accepted', 'InProgress');
CREATE TABLE export_datasets (
    task_id INTEGER NOT NULL REFERENCES export_tasks(id) ON DELETE CASCADE,
    id      INTEGER NOT NULL,
    size    INTEGER NOT NULL,
    bytes   BLOB    NOT NULL,
    PRIMARY KEY (task_id, id)
);
