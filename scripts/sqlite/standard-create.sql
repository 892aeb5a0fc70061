-- standard-create.sql (SQLite): the version table.  Every other group
-- adds one row per table it creates; modules check that row at start-up
-- (db_check_table_version).  Applied first by "kamdbctl create".
CREATE TABLE version (
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);
