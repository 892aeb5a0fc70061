-- auth_db-create.sql (PostgreSQL): subscribers (auth_db).  Kamailio 1.x
-- columns and version 6; datetime_created/datetime_modified are extras
-- (UTC) that no module needs.
INSERT INTO version (table_name, table_version) VALUES ('subscriber', 6);
CREATE TABLE subscriber (
    id SERIAL PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    email_address VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(64) DEFAULT '' NOT NULL,
    ha1b VARCHAR(64) DEFAULT '' NOT NULL,
    rpid VARCHAR(64) DEFAULT NULL,
    datetime_created TIMESTAMP WITHOUT TIME ZONE
        DEFAULT '1900-01-01 00:00:01' NOT NULL,
    datetime_modified TIMESTAMP WITHOUT TIME ZONE
        DEFAULT '1900-01-01 00:00:01' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX subscriber_username_idx ON subscriber (username);
