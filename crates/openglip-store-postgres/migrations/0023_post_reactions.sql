-- openglip schema for PostgreSQL, version 23. Reactions on posts (an openglip extension,
-- `crate::reactions` of the domain): one row per person and emoji on a post, gone with the post
-- or the person. `created` orders a post's emoji (by their first reaction) and the people of
-- each.
CREATE TABLE post_reactions (
    post_id   BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES extensions(id) ON DELETE CASCADE,
    emoji     TEXT   NOT NULL,
    created   BIGINT NOT NULL,
    PRIMARY KEY (post_id, emoji, person_id)
);
CREATE INDEX post_reactions_person ON post_reactions (person_id);
