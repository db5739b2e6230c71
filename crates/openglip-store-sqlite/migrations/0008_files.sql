-- Files (schema version 8). A blob is file content named by its SHA-256 (lower-case hex), kept by
-- a blob store outside the database; `touched` is when an upload last used it, so that the
-- cleanup pass leaves alone a blob an upload is about to record.
CREATE TABLE blobs (
    hash    TEXT    PRIMARY KEY,
    size    INTEGER NOT NULL,
    touched INTEGER NOT NULL
);

-- One upload of a blob.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    hash         TEXT    NOT NULL REFERENCES blobs(hash),
    content_uri  TEXT    NOT NULL,
    created      INTEGER NOT NULL
);
CREATE INDEX files_hash ON files (hash);
CREATE INDEX files_created ON files (created);

-- Which posts a file is attached to (a post's deletion forgets its links).
CREATE TABLE file_posts (
    file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    post_id  INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    chat_id  INTEGER NOT NULL,
    -- The order of the post's files.
    position INTEGER NOT NULL,
    PRIMARY KEY (file_id, post_id)
);
CREATE INDEX file_posts_post ON file_posts (post_id, position);
