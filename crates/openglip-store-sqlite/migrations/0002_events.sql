-- openglip schema, version 2: the event outbox and subscriptions.

-- Every change that produces a notification appends its event here, in the same transaction as
-- the change. `seq` orders all events of the server; delivery cursors point into it.
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL,
    chat_id    INTEGER,
    created    INTEGER NOT NULL,
    -- The domain's EventPayload as JSON (an internal snapshot, not the wire shape).
    payload    TEXT    NOT NULL
);
CREATE INDEX events_created ON events (created);

CREATE TABLE subscriptions (
    id                 TEXT    PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    owner_id           INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    app_id             INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    -- JSON array of the filters' strings (re-parsed on load).
    filters            TEXT    NOT NULL,
    transport          TEXT    NOT NULL CHECK (transport IN ('WebHook', 'WebSocket')),
    address            TEXT,
    verification_token TEXT,
    encryption_key     BLOB,
    status             TEXT    NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Blacklisted')),
    blacklisted_at     INTEGER,
    blacklist_reason   TEXT,
    created            INTEGER NOT NULL,
    expires            INTEGER NOT NULL,
    -- The lifetime asked for (seconds, clamped): what a renewal extends by.
    expires_in         INTEGER NOT NULL,
    -- The last event seq delivered (acknowledged by the receiver, for WebHooks).
    cursor             INTEGER NOT NULL,
    -- When WebHook deliveries started failing (NULL: they are not); survives restarts so that
    -- blacklisting after sustained failure does too.
    failing_since      INTEGER
);
CREATE INDEX subscriptions_owner ON subscriptions (owner_id, app_id);
