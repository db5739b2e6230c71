-- Incoming webhooks: a URL bound to one chat through which another service posts into it. The
-- URL carries the webhook's public id and a secret; only the secret's SHA-256 is kept. A
-- webhook goes with its chat.
CREATE TABLE webhooks (
    id          TEXT   PRIMARY KEY,
    secret_hash BYTEA  NOT NULL,
    chat_id     BIGINT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    creator_id  BIGINT NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    -- 'Active' or 'Suspended'.
    status      TEXT   NOT NULL,
    created     BIGINT NOT NULL,
    modified    BIGINT NOT NULL
);
CREATE INDEX webhooks_chat ON webhooks (chat_id, created);
