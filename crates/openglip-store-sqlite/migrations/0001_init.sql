-- openglip schema, version 1.
-- Times are INTEGER milliseconds since the Unix epoch (UTC). Ids that clients see use
-- AUTOINCREMENT so that a deleted id is never handed out again.

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    -- Assigned right after the insert, from the id.
    main_number TEXT    UNIQUE,
    created     INTEGER NOT NULL,
    modified    INTEGER NOT NULL
);

CREATE TABLE extensions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    extension_number TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    -- Lower-cased by the caller; NOCASE makes the uniqueness and lookups case-insensitive anyway.
    email            TEXT    COLLATE NOCASE UNIQUE,
    password_hash    TEXT,
    is_admin         INTEGER NOT NULL DEFAULT 0,
    avatar           TEXT,
    created          INTEGER NOT NULL,
    modified         INTEGER NOT NULL,
    UNIQUE (account_id, extension_number)
);
-- Login by a bare extension number.
CREATE INDEX extensions_number ON extensions (extension_number);

CREATE TABLE chats (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    type          TEXT    NOT NULL,
    name          TEXT,
    description   TEXT,
    is_public     INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL DEFAULT 'Active',
    creator_id    INTEGER,
    -- Conversations (Direct, Group, Personal): the sorted, comma-joined member ids. NULL otherwise.
    member_key    TEXT,
    created       INTEGER NOT NULL,
    modified      INTEGER NOT NULL,
    -- Latest post or change; orders "recent chats".
    last_activity INTEGER NOT NULL,
    UNIQUE (account_id, type, member_key)
);
-- One Everyone team per account.
CREATE UNIQUE INDEX chats_everyone ON chats (account_id) WHERE type = 'Everyone';

CREATE TABLE members (
    chat_id   INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    -- Join order within the chat (0, 1, 2, ...).
    ord       INTEGER NOT NULL,
    PRIMARY KEY (chat_id, person_id)
) WITHOUT ROWID;
CREATE INDEX members_person ON members (person_id, chat_id);

CREATE TABLE posts (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id            INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    creator_id         INTEGER NOT NULL,
    type               TEXT    NOT NULL,
    text               TEXT    NOT NULL,
    -- May dangle once the parent is deleted.
    parent_post_id     INTEGER,
    -- JSON arrays; NULL when empty.
    mentions           TEXT,
    added_person_ids   TEXT,
    removed_person_ids TEXT,
    attachments        TEXT,
    activity           TEXT,
    title              TEXT,
    icon_uri           TEXT,
    icon_emoji         TEXT,
    created            INTEGER NOT NULL,
    modified           INTEGER NOT NULL
);
CREATE INDEX posts_chat ON posts (chat_id, id);
CREATE INDEX posts_thread ON posts (parent_post_id, id) WHERE parent_post_id IS NOT NULL;

CREATE TABLE favorites (
    -- The order favorites were added in.
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    chat_id   INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    created   INTEGER NOT NULL,
    UNIQUE (person_id, chat_id)
);
CREATE INDEX favorites_chat ON favorites (chat_id);

CREATE TABLE apps (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id          TEXT    NOT NULL UNIQUE,
    client_secret_hash TEXT,
    account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    public_client      INTEGER NOT NULL,
    -- Bit sets: GrantSet::bits, PermissionSet::bits.
    grants             INTEGER NOT NULL,
    permissions        INTEGER NOT NULL,
    -- JSON array of strings.
    redirect_uris      TEXT    NOT NULL DEFAULT '[]',
    access_ttl_secs    INTEGER NOT NULL,
    refresh_ttl_secs   INTEGER NOT NULL,
    created            INTEGER NOT NULL
);
CREATE INDEX apps_account ON apps (account_id);

CREATE TABLE tokens (
    id              INTEGER PRIMARY KEY,
    -- SHA-256 of the tokens; the tokens themselves are never stored.
    access_hash     BLOB    NOT NULL UNIQUE,
    refresh_hash    BLOB    UNIQUE,
    app_id          INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    extension_id    INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL,
    scope           INTEGER NOT NULL,
    access_expires  INTEGER,
    refresh_expires INTEGER,
    family          TEXT    NOT NULL,
    endpoint_id     TEXT    NOT NULL,
    created         INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'spent', 'revoked'))
);
CREATE INDEX tokens_family ON tokens (family);
CREATE INDEX tokens_app ON tokens (app_id);
CREATE INDEX tokens_extension ON tokens (extension_id);
