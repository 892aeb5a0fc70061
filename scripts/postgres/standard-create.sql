-- standard-create.sql (PostgreSQL): the version table.  Every other group
-- adds one row per table it creates; modules check that row at start-up
-- (db_check_table_version).  Applied first by "kamdbctl create", which
-- makes the database SQL_ASCII with the C locale: bytes stored and
-- compared as bytes.
CREATE TABLE version (
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);
