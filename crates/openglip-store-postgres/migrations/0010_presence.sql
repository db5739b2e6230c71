-- What a person sets of their presence by hand (`PUT …/extension/{id}/presence`): the
-- `userStatus` they chose, Do-Not-Disturb and a custom message. Whether they are connected is
-- not stored: the server knows its live connections. No row: the defaults.
CREATE TABLE presence (
    extension_id BIGINT PRIMARY KEY REFERENCES extensions(id) ON DELETE CASCADE,
    -- 'Offline', 'Busy', 'Available' or NULL (not chosen).
    user_status  TEXT,
    dnd_status   TEXT,
    message      TEXT,
    modified     BIGINT NOT NULL
);
