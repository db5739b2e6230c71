-- Notifications a WebHook did not accept within their retry budget (a "poisoned" event): kept
-- with the body that was posted, listed and delivered again through the developer console, while
-- delivery of later events moved on.
CREATE TABLE undeliverable_events (
    id              BIGSERIAL PRIMARY KEY,
    subscription_id TEXT   NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    -- The outbox seq of the event; NULL for a renewal reminder.
    seq             BIGINT,
    body            TEXT   NOT NULL,
    reason          TEXT   NOT NULL,
    failed_at       BIGINT NOT NULL
);
CREATE INDEX undeliverable_events_subscription ON undeliverable_events (subscription_id);
