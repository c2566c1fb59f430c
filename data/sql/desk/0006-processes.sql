-- Desk database, version 6: process definitions and where each record stands in its process
-- (issue 5). The engine's rules are in src/core/os-process-engine.c; this is storage only.

-- Published definitions are immutable: one row per (id, version). Drafts are version 0 and
-- change in place while the admin edits them.
CREATE TABLE process_definitions (
  id           TEXT NOT NULL,
  version      INTEGER NOT NULL CHECK (version >= 0),
  name         TEXT NOT NULL,
  data         TEXT NOT NULL,               -- ProcessDefinition JSON (os_process_to_data)
  published_at INTEGER NOT NULL DEFAULT 0,
  published_by TEXT NOT NULL DEFAULT '',
  updated_at   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id, version)
) WITHOUT ROWID;

-- Which published version a new record of a procedure takes: the latest version listing it.
CREATE TABLE process_procedures (
  procedure_id TEXT NOT NULL,
  process_id   TEXT NOT NULL,
  version      INTEGER NOT NULL,
  PRIMARY KEY (procedure_id, process_id, version)
) WITHOUT ROWID;

-- The record's process state: the whole of it as JSON (ProcessState, os_process_state_to_json)
-- and copies of what lists, the inbox and the statistics filter and sort on.
ALTER TABLE records ADD COLUMN process TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN process_id TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN process_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN step_id TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN step_name TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN step_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN step_role TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN assignee TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN step_due_at INTEGER NOT NULL DEFAULT 0;

CREATE INDEX records_inbox ON records (step_role, step_unit, assignee)
  WHERE step_id <> '';
CREATE INDEX records_process_step ON records (process_id, process_version, step_id)
  WHERE process_id <> '';

-- Every stay of a record at a step (derived from the state's entries, rewritten with it),
-- for the designer's "where time goes" overlay: left_at 0 = still there.
CREATE TABLE record_steps (
  record_id       INTEGER NOT NULL REFERENCES records (local_id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  process_id      TEXT NOT NULL,
  process_version INTEGER NOT NULL,
  step_id         TEXT NOT NULL,
  entered_at      INTEGER NOT NULL,
  left_at         INTEGER NOT NULL DEFAULT 0,
  due_at          INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (record_id, seq)
) WITHOUT ROWID;

CREATE INDEX record_steps_step ON record_steps (process_id, process_version, step_id);

-- An `action` outbox row keeps the record as it was before the action (Record JSON): what
-- the server still has when it refuses the action, for "Gửi lại" (re-run on that copy) and
-- "Bỏ" (back to it) when no newer server copy was pulled meanwhile.
ALTER TABLE outbox ADD COLUMN before TEXT NOT NULL DEFAULT '';
