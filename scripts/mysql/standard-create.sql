-- standard-create.sql (MariaDB/MySQL): the version table.  Every other
-- group adds one row per table it creates; modules check that row at
-- start-up (db_check_table_version).  Applied first by "kamdbctl create".
-- The character set comes from the database (kamdbctl: CHARSET, default
-- latin1 with a binary collation: bytes stored and compared as bytes).
CREATE TABLE version (
    table_name VARCHAR(32) NOT NULL,
    table_version INT UNSIGNED DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
) ENGINE=InnoDB;
