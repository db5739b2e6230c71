-- openglip schema, version 3: the platform around the API — environments, the developer
-- console's apps, web sessions, authorization codes, consents, JWT credentials, API usage,
-- bot installations, activation links, the local mail outbox and profile images.

-- Accounts made by `openglip admin account create` (and every account before this version) are
-- production accounts; the console makes sandbox accounts for developers.
ALTER TABLE accounts ADD COLUMN environment TEXT NOT NULL DEFAULT 'Production'
    CHECK (environment IN ('Sandbox', 'Production'));

-- The sandbox account a developer (an extension) owns.
CREATE TABLE developer_sandboxes (
    developer_id INTEGER PRIMARY KEY REFERENCES extensions(id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE
);

-- Console details of an app. Apps without a row (provisioned by an operator) are production apps.
CREATE TABLE app_details (
    app_id        INTEGER PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    developer_id  INTEGER REFERENCES extensions(id) ON DELETE SET NULL,
    description   TEXT    NOT NULL DEFAULT '',
    contact_email TEXT    NOT NULL DEFAULT '',
    stage         TEXT    NOT NULL DEFAULT 'Sandbox' CHECK (stage IN ('Sandbox', 'Production')),
    public_bot    INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL
);
CREATE INDEX app_details_developer ON app_details (developer_id);

-- API calls per app and throttling group (flushed from memory every few seconds).
CREATE TABLE app_usage (
    app_id    INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    grp       TEXT    NOT NULL,
    calls     INTEGER NOT NULL DEFAULT 0,
    errors    INTEGER NOT NULL DEFAULT 0,
    last_call INTEGER NOT NULL,
    PRIMARY KEY (app_id, grp)
) WITHOUT ROWID;

-- Browser sessions; the id itself is only in the cookie.
CREATE TABLE web_sessions (
    id_hash      BLOB    PRIMARY KEY,
    realm        TEXT    NOT NULL CHECK (realm IN ('account', 'console')),
    extension_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    created      INTEGER NOT NULL,
    expires      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_sessions_expires ON web_sessions (expires);

-- Authorization codes (hashed): single use, short-lived, bound to client, redirect URI, PKCE.
CREATE TABLE auth_codes (
    code_hash        BLOB    PRIMARY KEY,
    app_id           INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    extension_id     INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    account_id       INTEGER NOT NULL,
    redirect_uri     TEXT    NOT NULL,
    code_challenge   TEXT,
    challenge_method TEXT,
    scope            INTEGER NOT NULL,
    family           TEXT    NOT NULL,
    created          INTEGER NOT NULL,
    expires          INTEGER NOT NULL,
    used             INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX auth_codes_expires ON auth_codes (expires);

-- What a person allowed an app on the Access Request page.
CREATE TABLE consents (
    app_id       INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    extension_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    scope        INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    PRIMARY KEY (app_id, extension_id)
) WITHOUT ROWID;

-- JWT credentials (hashed); client_ids: JSON array, NULL for any app.
CREATE TABLE jwt_credentials (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id   INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    hash       BLOB    NOT NULL UNIQUE,
    client_ids TEXT,
    created    INTEGER NOT NULL,
    expires    INTEGER,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jwt_credentials_owner ON jwt_credentials (owner_id);

-- Bot apps installed into accounts, with their bot extensions.
CREATE TABLE bot_installs (
    extension_id INTEGER PRIMARY KEY REFERENCES extensions(id) ON DELETE CASCADE,
    app_id       INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    installed_by INTEGER NOT NULL,
    created      INTEGER NOT NULL
);
CREATE INDEX bot_installs_account ON bot_installs (account_id);

-- Activation links (hashed) for people added without a password.
CREATE TABLE activations (
    hash         BLOB    PRIMARY KEY,
    extension_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    expires      INTEGER NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Mail the server would have sent, for administrators to read.
CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    recipient  TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created    INTEGER NOT NULL
);
CREATE INDEX mail_outbox_account ON mail_outbox (account_id, id);

-- Extension numbers reserved without a user ("Unassigned Extensions"), assigned later.
CREATE TABLE unassigned_extensions (
    account_id       INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    extension_number TEXT    NOT NULL,
    created          INTEGER NOT NULL,
    PRIMARY KEY (account_id, extension_number)
) WITHOUT ROWID;

CREATE TABLE profile_images (
    extension_id INTEGER PRIMARY KEY REFERENCES extensions(id) ON DELETE CASCADE,
    content_type TEXT    NOT NULL,
    bytes        BLOB    NOT NULL,
    modified     INTEGER NOT NULL
);

-- Revoking an app in an account, and listing authorized apps.
CREATE INDEX tokens_account_app ON tokens (account_id, app_id);
