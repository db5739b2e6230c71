-- Reactions on posts (schema version 23; an openglip extension, `crate::reactions` of the
-- domain): one row per person and emoji on a post, gone with the post or the person. `created`
-- orders a post's emoji (by their first reaction) and the people of each.
CREATE TABLE post_reactions (
    post_id   INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    emoji     TEXT    NOT NULL,
    created   INTEGER NOT NULL,
    PRIMARY KEY (post_id, emoji, person_id)
) WITHOUT ROWID;
CREATE INDEX post_reactions_person ON post_reactions (person_id);
