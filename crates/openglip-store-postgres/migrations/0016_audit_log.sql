-- The audit log: security and administration events, append-only. No foreign keys: an event
-- outlives the person, app or company it names (a deleted person's sign-ins stay on record).
CREATE TABLE audit_events (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    account_id BIGINT,
    actor_id   BIGINT,
    app_id     BIGINT,
    target     TEXT,
    address    TEXT,
    detail     TEXT   NOT NULL DEFAULT ''
);
-- A company's events, newest first (the admin portal's listing and its pages).
CREATE INDEX audit_events_account ON audit_events (account_id, id);
