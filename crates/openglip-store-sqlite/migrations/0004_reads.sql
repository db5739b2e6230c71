-- Read state of the web client: per member and chat, the newest post they have read. A member
-- without a row has read nothing posted since they joined (members.joined_at).
CREATE TABLE chat_reads (
    person_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    chat_id   INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    last_read INTEGER NOT NULL,
    PRIMARY KEY (person_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX chat_reads_chat ON chat_reads (chat_id);
