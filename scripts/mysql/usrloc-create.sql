-- usrloc-create.sql (MariaDB/MySQL): registered contacts (usrloc,
-- db_mode 1-3).  expires and last_modified are epoch seconds (UTC) in a
-- BIGINT, not DATETIME: no time zone can shift them.  ruid names a
-- contact across proxies; instance/reg_id are RFC 5626 outbound, conn_id
-- the TCP/TLS connection the contact registered on and server_id the
-- proxy that holds it (db_mode 3 clusters).  Version 2001: this proxy's
-- own numbering, so a Kamailio location table (1001-1009) is refused.
-- InnoDB: row locks, transactions, and the only engine Galera replicates.
INSERT INTO version (table_name, table_version) VALUES ('location', 2001);
CREATE TABLE location (
    id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    ruid VARCHAR(64) DEFAULT '' NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT NULL,
    contact VARCHAR(512) DEFAULT '' NOT NULL,
    received VARCHAR(128) DEFAULT NULL,
    path VARCHAR(512) DEFAULT NULL,
    expires BIGINT DEFAULT 0 NOT NULL,
    q DOUBLE DEFAULT 1.0 NOT NULL,
    callid VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL,
    cseq INT DEFAULT 1 NOT NULL,
    last_modified BIGINT DEFAULT 0 NOT NULL,
    flags INT DEFAULT 0 NOT NULL,
    cflags INT DEFAULT 0 NOT NULL,
    user_agent VARCHAR(255) DEFAULT '' NOT NULL,
    socket VARCHAR(64) DEFAULT NULL,
    methods INT DEFAULT NULL,
    instance VARCHAR(255) DEFAULT NULL,
    reg_id INT DEFAULT 0 NOT NULL,
    conn_id BIGINT DEFAULT -1 NOT NULL,
    server_id INT DEFAULT 0 NOT NULL,
    CONSTRAINT location_ruid_idx UNIQUE (ruid)
) ENGINE=InnoDB;
CREATE INDEX location_account_idx ON location (username, domain);
CREATE INDEX location_expires_idx ON location (expires);
