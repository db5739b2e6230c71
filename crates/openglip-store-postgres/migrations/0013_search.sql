-- Full-text search of posts (`openglip_domain::search`): a generated `tsvector` of each post's
-- text with a GIN index, computed by the database in the same statement as every insert and
-- edit (and gone with the row). Words are runs of letters and digits (everything else becomes a
-- space before the `simple` parser reads it, so URLs, e-mail addresses and hyphenated words are
-- split into their words as the SQLite store's FTS5 tokenizer splits them), lower-cased, not
-- stemmed. Who may see a post is decided at query time, by membership.
ALTER TABLE posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))
    ) STORED;
CREATE INDEX posts_search ON posts USING gin (search);
