-- The agent app's database (agents.sqlite in its data folder).

-- The app's own accounts: the first to sign up owns the app.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    owner INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- Signed-in browsers, by the SHA-256 of the cookie.
CREATE TABLE web_sessions (
    id BLOB PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);

-- An agent: its draft dialog file, and which version answers people.
CREATE TABLE agents (
    id INTEGER PRIMARY KEY,
    stream_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    draft TEXT NOT NULL,
    published_version INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Published versions, never changed.
CREATE TABLE versions (
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    source TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    PRIMARY KEY (agent_id, version)
);

-- A conversation's dialog state (engine::Session as JSON), per channel, chat and person.
CREATE TABLE conversations (
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (agent_id, channel, chat_id, person_id)
);

-- What was said and answered.
CREATE TABLE transcript_turns (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    said TEXT NOT NULL,
    answer TEXT NOT NULL,
    version INTEGER
);
CREATE INDEX transcript_turns_by_chat ON transcript_turns (agent_id, channel, chat_id, person_id, id);

-- The RingCentral Glip channel of an agent.
CREATE TABLE channels (
    agent_id INTEGER PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
    app_key TEXT NOT NULL DEFAULT '',
    app_secret TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT 'sandbox',
    sandbox_url TEXT,
    production_url TEXT,
    enabled INTEGER NOT NULL DEFAULT 0,
    access_token TEXT,
    refresh_token TEXT,
    access_expires_at INTEGER,
    refresh_expires_at INTEGER,
    extension_id TEXT,
    extension_name TEXT,
    verification_token TEXT,
    subscription_id TEXT,
    subscription_expires_at INTEGER,
    subscription_status TEXT,
    last_error TEXT,
    caught_up_to INTEGER,
    updated_at INTEGER NOT NULL
);

-- Authorize requests in flight: the SHA-256 of `state`, and the PKCE verifier.
CREATE TABLE oauth_requests (
    state_hash BLOB PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    verifier TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Posts already answered, so that a second delivery answers nothing.
CREATE TABLE processed_events (
    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (agent_id, event_id)
);
