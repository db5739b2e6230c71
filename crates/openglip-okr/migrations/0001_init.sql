-- The OKR app's own database. Times are milliseconds since the epoch (UTC); ids of the
-- platform (accounts, extensions, chats, posts) are kept as the text the platform sends.

-- A tenant: one platform account (company).
CREATE TABLE tenants (
    account_id  TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- The zone used for people whose own zone is not known.
    time_zone   TEXT    NOT NULL DEFAULT 'UTC',
    nudges      INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- People as the platform's directory describes them: one row per account and extension.
CREATE TABLE people (
    account_id  TEXT    NOT NULL REFERENCES tenants (account_id),
    id          TEXT    NOT NULL,
    first_name  TEXT    NOT NULL,
    last_name   TEXT    NOT NULL,
    email       TEXT,
    is_admin    INTEGER NOT NULL DEFAULT 0,
    time_zone   TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT    NOT NULL REFERENCES tenants (account_id),
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    parent_id   INTEGER REFERENCES teams (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);
CREATE INDEX teams_parent ON teams (parent_id);

CREATE TABLE team_members (
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    person_id   TEXT    NOT NULL,
    PRIMARY KEY (team_id, person_id)
);

CREATE TABLE objectives (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    TEXT    NOT NULL REFERENCES tenants (account_id),
    title         TEXT    NOT NULL,
    owner_type    TEXT    NOT NULL CHECK (owner_type IN ('company', 'team', 'person')),
    owner_id      TEXT    NOT NULL,
    period_name   TEXT    NOT NULL,
    period_start  TEXT    NOT NULL,
    period_end    TEXT    NOT NULL,
    parent_id     INTEGER REFERENCES objectives (id),
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX objectives_account ON objectives (account_id);

CREATE TABLE key_results (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    objective_id  INTEGER NOT NULL REFERENCES objectives (id),
    account_id    TEXT    NOT NULL REFERENCES tenants (account_id),
    title         TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('percent', 'number', 'boolean', 'milestone')),
    start_value   REAL    NOT NULL,
    target_value  REAL    NOT NULL,
    unit          TEXT,
    weight        REAL    NOT NULL DEFAULT 1,
    owner_id      TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX key_results_objective ON key_results (objective_id);
CREATE INDEX key_results_account ON key_results (account_id);

-- Check-ins are history: never changed, never deleted.
CREATE TABLE check_ins (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    key_result_id  INTEGER NOT NULL REFERENCES key_results (id),
    account_id     TEXT    NOT NULL REFERENCES tenants (account_id),
    value          REAL    NOT NULL,
    status         TEXT,
    confidence     INTEGER,
    note           TEXT,
    author_id      TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX check_ins_kr ON check_ins (key_result_id, created_at);
CREATE INDEX check_ins_account ON check_ins (account_id, created_at);
CREATE TRIGGER check_ins_are_not_changed BEFORE UPDATE ON check_ins
BEGIN SELECT RAISE(ABORT, 'check-ins are immutable'); END;
CREATE TRIGGER check_ins_are_not_deleted BEFORE DELETE ON check_ins
BEGIN SELECT RAISE(ABORT, 'check-ins are immutable'); END;

-- The Glip integration of a tenant: the app's bot, installed through the platform's OAuth.
CREATE TABLE integrations (
    account_id      TEXT    PRIMARY KEY REFERENCES tenants (account_id),
    state           TEXT    NOT NULL CHECK (state IN ('active', 'removed')),
    bot_id          TEXT,
    bot_token       TEXT,
    installed_by    TEXT,
    installed_at    INTEGER,
    removed_at      INTEGER,
    removed_reason  TEXT
);

-- "Add to Glip" in progress: the OAuth state (stored hashed) and its PKCE verifier.
CREATE TABLE install_requests (
    state_hash  TEXT    PRIMARY KEY,
    account_id  TEXT    NOT NULL,
    person_id   TEXT    NOT NULL,
    verifier    TEXT    NOT NULL,
    return_to   TEXT,
    expires_at  INTEGER NOT NULL
);

-- A conversation following an entity, with its schedule.
CREATE TABLE followers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      TEXT    NOT NULL REFERENCES tenants (account_id),
    entity_type     TEXT    NOT NULL CHECK (entity_type IN ('company', 'team', 'person')),
    entity_id       TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    chat_name       TEXT,
    schedule        TEXT    NOT NULL,
    time_zone       TEXT    NOT NULL,
    status_changes  INTEGER NOT NULL DEFAULT 0,
    -- The next slot (ms): the worker owes a digest once the clock passes it.
    next_run_at     INTEGER NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (account_id, entity_type, entity_id, chat_id)
);
CREATE INDEX followers_due ON followers (next_run_at);

-- The outbox and audit of every post to a follower: digests (scheduled, sent now) and
-- status-change posts. `idem_key` is unique: one post per follower per slot, ever.
CREATE TABLE digests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       TEXT    NOT NULL,
    follower_id      INTEGER NOT NULL,
    chat_id          TEXT    NOT NULL,
    idem_key         TEXT    NOT NULL UNIQUE,
    trigger          TEXT    NOT NULL CHECK (trigger IN ('schedule', 'manual', 'status')),
    slot_at          INTEGER,
    late             INTEGER NOT NULL DEFAULT 0,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    claimed_at       INTEGER,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    post_id          TEXT,
    last_error       TEXT,
    -- The entity's progress the post carried (the next digest shows the change from it).
    progress         REAL,
    -- The card as posted (fixed at the first attempt, so retries post the same thing).
    card             TEXT
);
CREATE INDEX digests_due ON digests (state, next_attempt_at);
CREATE INDEX digests_follower ON digests (follower_id, id);
CREATE INDEX digests_account ON digests (account_id, id);

CREATE TABLE digest_attempts (
    digest_id  INTEGER NOT NULL REFERENCES digests (id),
    at         INTEGER NOT NULL,
    outcome    TEXT    NOT NULL,
    error      TEXT
);
CREATE INDEX digest_attempts_digest ON digest_attempts (digest_id);

-- Reminders sent to people with stale key results.
CREATE TABLE nudges (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT    NOT NULL,
    person_id   TEXT    NOT NULL,
    sent_at     INTEGER NOT NULL,
    key_results TEXT    NOT NULL,
    post_id     TEXT,
    error       TEXT
);
CREATE INDEX nudges_person ON nudges (account_id, person_id, sent_at);
