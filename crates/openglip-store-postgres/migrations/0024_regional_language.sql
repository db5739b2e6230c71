-- openglip schema for PostgreSQL, version 24. A person's language and formatting locale
-- (`regionalSettings.language` and `formattingLocale` of the REST API), RingCentral's language
-- ids (`crate::regional` of the domain), NULL until they or an administrator set them.
ALTER TABLE extensions ADD COLUMN language TEXT;
ALTER TABLE extensions ADD COLUMN formatting_locale TEXT;
