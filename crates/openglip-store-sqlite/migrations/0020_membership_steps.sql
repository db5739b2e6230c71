-- openglip schema, version 20: who joined or left which chat, at which outbox event.
--
-- One row per person of each GroupJoined / GroupLeft event, written in the same transaction as
-- the event. A subscription that catches up from the outbox replays them backwards from today's
-- membership to know who was in a chat when an older event happened
-- (openglip_domain::membership_history). Pruned with the events: a step older than every event
-- left can no longer decide anything.
CREATE TABLE membership_steps (
    person_id INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    chat_id   INTEGER NOT NULL,
    joined    INTEGER NOT NULL CHECK (joined IN (0, 1)),
    PRIMARY KEY (person_id, seq, chat_id)
) WITHOUT ROWID;
CREATE INDEX membership_steps_seq ON membership_steps (seq);
