-- Provenance's registry on PostgreSQL, schema version 1: the rows of the store (the key layout
-- of src/store/keys.rs, one row per key), the writers' locks and the id sequence.
CREATE TABLE registry (
    key bytea PRIMARY KEY,
    value bytea NOT NULL
);

-- One row per lock of src/store/rows.rs (Lock): a writer holds it with SELECT ... FOR UPDATE
-- for the length of its transaction.
CREATE TABLE provenance_locks (
    name text PRIMARY KEY
);
INSERT INTO provenance_locks (name) VALUES ('log'), ('keys'), ('watches'), ('webhooks');

-- Event, observation and delivery-log sequence numbers.
CREATE SEQUENCE provenance_ids START WITH 1;
