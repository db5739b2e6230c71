-- openglip schema for PostgreSQL, version 21. People's notification levels of chats (an
-- openglip extension of the web client), only those that differ from the chat's default
-- (`crate::notify` of the domain): `all`, `mentions` or `muted`.
CREATE TABLE chat_notifications (
    person_id BIGINT NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    chat_id   BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    level     TEXT NOT NULL CHECK (level IN ('all', 'mentions', 'muted')),
    PRIMARY KEY (person_id, chat_id)
);
CREATE INDEX chat_notifications_chat ON chat_notifications (chat_id);
