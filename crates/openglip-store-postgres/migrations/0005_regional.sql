-- openglip schema for PostgreSQL, version 5. A person's regional settings: their time zone
-- (`regionalSettings.timezone` of the REST API), an IANA name, NULL until they or an
-- administrator set it.
ALTER TABLE extensions ADD COLUMN time_zone TEXT;
