-- openglip schema for PostgreSQL, version 20: who joined or left which chat, at which outbox event.
--
-- One row per person of each GroupJoined / GroupLeft event, written in the same transaction as
-- the event. A subscription that catches up from the outbox replays them backwards from today's
-- membership to know who was in a chat when an older event happened
-- (openglip_domain::membership_history). Pruned with the events: a step older than every event
-- left can no longer decide anything.
CREATE TABLE membership_steps (
    person_id BIGINT NOT NULL,
    seq       BIGINT NOT NULL,
    chat_id   BIGINT NOT NULL,
    joined    BOOLEAN NOT NULL,
    PRIMARY KEY (person_id, seq, chat_id)
);
CREATE INDEX membership_steps_seq ON membership_steps (seq);
