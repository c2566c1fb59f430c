-- Desk database, version 4: what the sync engine keeps (os-sync-engine.c).
--
-- records.version is the version the desk's copy of a record is at (its own changes count
-- ahead of the server); server_version is the last version the server confirmed or sent;
-- synced is 1 when the server has every change of the record.
ALTER TABLE records ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN unit_id TEXT NOT NULL DEFAULT '';

-- Outbox: state 0 = pending, 1 = quarantined (refused for good, waits for the officer).
-- payload_hash is the SHA-256 (lower-case hex) of the payload text as stored.
ALTER TABLE outbox ADD COLUMN payload_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN error_message TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN refused_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_record ON outbox (record_id, seq);
CREATE INDEX outbox_state ON outbox (state, seq);

-- Blocks of record-code numbers the server leased to this desk client: numbers first..last
-- of an agency and day; next is the next one to use (next > last: used up).
CREATE TABLE code_blocks (
  agency TEXT NOT NULL,
  day    TEXT NOT NULL,
  first  INTEGER NOT NULL CHECK (first >= 1),
  last   INTEGER NOT NULL CHECK (last >= first),
  next   INTEGER NOT NULL,
  PRIMARY KEY (agency, day, first)
) WITHOUT ROWID;

-- The server's copy of a record, pulled while the desk still had changes of the record to
-- send: applied when those are settled (acknowledged or discarded), dropped when the
-- desk's own change comes after it.
CREATE TABLE held_changes (
  record_id TEXT PRIMARY KEY,
  version   INTEGER NOT NULL,
  data      TEXT NOT NULL,
  unit_id   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
