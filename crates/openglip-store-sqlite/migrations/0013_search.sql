-- Full-text search of posts (`openglip_domain::search`): an FTS5 index over `posts.text`
-- (external content: the text is stored once, in `posts`), kept in step by triggers, so in the
-- same transaction as every insert, edit and delete of a post, including the posts a deleted
-- chat takes with it. Words are runs of letters and digits, case-folded, diacritics kept (as the
-- PostgreSQL store reads them); the 1- and 2-character prefix indexes keep short prefix queries
-- from scanning the vocabulary. Who may see a post is decided at query time, by membership.
CREATE VIRTUAL TABLE post_search USING fts5(
    text,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2'
);
CREATE TRIGGER post_search_insert AFTER INSERT ON posts BEGIN
    INSERT INTO post_search (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER post_search_delete AFTER DELETE ON posts BEGIN
    INSERT INTO post_search (post_search, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER post_search_update AFTER UPDATE OF text ON posts BEGIN
    INSERT INTO post_search (post_search, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO post_search (rowid, text) VALUES (new.id, new.text);
END;
-- The posts written before this version.
INSERT INTO post_search (post_search) VALUES ('rebuild');
