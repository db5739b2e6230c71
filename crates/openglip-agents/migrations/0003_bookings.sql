-- The sample airline's bookings (the flights endpoint the Travel Assistant's service nodes
-- call), kept so that a booking made before a restart can still be checked or cancelled.
CREATE TABLE bookings (
    reference  TEXT    PRIMARY KEY,
    origin     TEXT    NOT NULL,
    destination TEXT   NOT NULL,
    date       TEXT    NOT NULL,
    passengers INTEGER NOT NULL CHECK (passengers BETWEEN 1 AND 9),
    status     TEXT    NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
    created    INTEGER NOT NULL
);
