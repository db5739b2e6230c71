-- People signed in to the pages ("Sign in with openglip"). A session is found by the SHA-256 of
-- its cookie's token (never the token itself); it keeps the person's platform tokens, so the
-- pages can act for them (their conversations, the directory), renewed as they near expiry.
CREATE TABLE sessions (
    id_hash             TEXT    PRIMARY KEY,
    account_id          TEXT    NOT NULL REFERENCES tenants (account_id),
    person_id           TEXT    NOT NULL,
    access_token        TEXT    NOT NULL,
    refresh_token       TEXT,
    access_expires_at   INTEGER,
    refresh_expires_at  INTEGER,
    expires_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
