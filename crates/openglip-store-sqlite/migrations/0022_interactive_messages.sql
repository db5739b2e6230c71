-- Interactive messages (`openglip_domain::interactive`): each app's settings (the console's
-- "Interactive Messages": enabled, the outbound WebHook URL, the shared secret the server signs
-- deliveries with — kept as it is, because signing needs it), and the card submissions waiting
-- for delivery or delivered. A submission is a queue row: `due` is when it may be (re)claimed;
-- claiming counts an attempt and moves `due` to the worker's lease.
CREATE TABLE app_interactive (
    app_id   INTEGER PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
    enabled  INTEGER NOT NULL,
    url      TEXT    NOT NULL,
    secret   TEXT    NOT NULL,
    modified INTEGER NOT NULL
);

CREATE TABLE card_submissions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id     INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    -- The person who submitted (who may read its state).
    user_id    INTEGER NOT NULL,
    -- JSON of `interactive::Submitted`: what the delivery says.
    submitted  TEXT    NOT NULL,
    status     TEXT    NOT NULL CHECK (status IN ('Pending', 'Delivered', 'Failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    due        INTEGER NOT NULL,
    created    INTEGER NOT NULL,
    finished   INTEGER
);
CREATE INDEX card_submissions_due ON card_submissions (due, id) WHERE status = 'Pending';
