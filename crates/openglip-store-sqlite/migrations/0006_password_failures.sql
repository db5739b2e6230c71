-- Failed password checks, counted per key (a person, `ext:<id>`; a login nobody has,
-- `login:<login>`; a client address, `addr:<ip>`) in a window that starts at the first failure.
-- Kept in the database so that every process serving the same data shares the throttle.
CREATE TABLE password_failures (
    key   TEXT    PRIMARY KEY,
    count INTEGER NOT NULL,
    since INTEGER NOT NULL
) WITHOUT ROWID;
