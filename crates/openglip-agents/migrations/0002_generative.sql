-- The optional generative step of each agent (off by default): an OpenAI-compatible
-- chat-completions endpoint answers what the dialog tasks do not. The key is never shown back.
CREATE TABLE generative (
    agent_id INTEGER PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    enabled INTEGER NOT NULL DEFAULT 0,
    url TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    api_key TEXT NOT NULL DEFAULT '',
    timeout_ms INTEGER NOT NULL DEFAULT 10000,
    updated_at INTEGER NOT NULL
);

-- What the generative step did in a turn (NULL: it was not asked): "answered by MODEL" or
-- "failed: REASON; the fallback answered".
ALTER TABLE transcript_turns ADD COLUMN generative TEXT;
