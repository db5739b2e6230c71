-- openglip schema for PostgreSQL, version 4. Read state of the web client: per member and chat,
-- the newest post they have read. A row is written when someone joins a chat (at its newest
-- post: history is not unread), so unread counts are a range of the (chat_id, id) index after
-- `last_read`.
CREATE TABLE chat_reads (
    person_id BIGINT NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    chat_id   BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    last_read BIGINT NOT NULL,
    PRIMARY KEY (person_id, chat_id)
);
CREATE INDEX chat_reads_chat ON chat_reads (chat_id);

-- Everyone already in a chat has read it up to now.
INSERT INTO chat_reads (person_id, chat_id, last_read)
SELECT m.person_id, m.chat_id, COALESCE((SELECT MAX(p.id) FROM posts p WHERE p.chat_id = m.chat_id), 0)
FROM members m;
