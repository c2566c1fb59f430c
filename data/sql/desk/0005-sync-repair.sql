-- Desk database, version 5: what keeps the sync going when something cannot go through.
--
-- outbox.out_of_order counts the server's `out_of_order` answers to an entry: one at the
-- head of its record's line (nothing of the record before it) that keeps getting it is
-- quarantined instead of being retried for ever (os-store.c, os_store_save_push_results).
ALTER TABLE outbox ADD COLUMN out_of_order INTEGER NOT NULL DEFAULT 0;

-- Changes of the feed the desk could not apply (a record it cannot read, a code another
-- record of this desk holds): kept, not dropped, and tried again after each page pulled
-- and each discard or resend. The feed's cursor moves on.
CREATE TABLE parked_changes (
  id        TEXT PRIMARY KEY,            -- the record's UUID
  version   INTEGER NOT NULL,
  unit_id   TEXT NOT NULL DEFAULT '',
  data      TEXT NOT NULL,               -- the Change.data object as JSON text
  reason    TEXT NOT NULL DEFAULT '',
  parked_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- records.version had run ahead of the server for records with nothing left to send
-- (after a discard): put it back, so the next edit is made against the server's version.
UPDATE records SET version = server_version
 WHERE server_version > 0 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.record_id = records.id);
