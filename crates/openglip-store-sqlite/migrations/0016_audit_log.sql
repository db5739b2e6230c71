-- The audit log: security and administration events, append-only. No foreign keys: an event
-- outlives the person, app or company it names (a deleted person's sign-ins stay on record).
CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    account_id INTEGER,
    actor_id   INTEGER,
    app_id     INTEGER,
    target     TEXT,
    address    TEXT,
    detail     TEXT    NOT NULL DEFAULT ''
);
-- A company's events, newest first (the admin portal's listing and its pages).
CREATE INDEX audit_events_account ON audit_events (account_id, id);
