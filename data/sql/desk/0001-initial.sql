-- Desk database, version 1: settings, catalogue, records with their documents and history,
-- the record-code and tracking-book counters, the sync outbox and the declared calendar.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE procedures (
  id             TEXT PRIMARY KEY,
  code           TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL,
  field          TEXT NOT NULL DEFAULT '',
  time_unit      INTEGER NOT NULL,
  time_amount    INTEGER NOT NULL CHECK (time_amount >= 0),
  cutoff_minutes INTEGER NOT NULL DEFAULT -1,
  fee            TEXT NOT NULL DEFAULT '',
  result         TEXT NOT NULL DEFAULT '',
  documents      TEXT NOT NULL DEFAULT '[]',
  position       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE records (
  local_id       INTEGER PRIMARY KEY,
  id             TEXT NOT NULL UNIQUE,
  code           TEXT NOT NULL UNIQUE,
  agency         TEXT NOT NULL,
  procedure_id   TEXT NOT NULL DEFAULT '',
  procedure_code TEXT NOT NULL DEFAULT '',
  procedure_name TEXT NOT NULL,
  field          TEXT NOT NULL DEFAULT '',
  time_unit      INTEGER NOT NULL DEFAULT 0,
  time_amount    INTEGER NOT NULL DEFAULT 0,
  cutoff_minutes INTEGER NOT NULL DEFAULT -1,
  applicant_name TEXT NOT NULL,
  id_number      TEXT NOT NULL DEFAULT '',
  birth_date     TEXT NOT NULL DEFAULT '',
  phone          TEXT NOT NULL DEFAULT '',
  email          TEXT NOT NULL DEFAULT '',
  address        TEXT NOT NULL DEFAULT '',
  sets           INTEGER NOT NULL DEFAULT 1 CHECK (sets >= 1),
  delivery       INTEGER NOT NULL DEFAULT 0,
  channel        INTEGER NOT NULL DEFAULT 1,
  notes          TEXT NOT NULL DEFAULT '',
  officer        TEXT NOT NULL DEFAULT '',
  reason         TEXT NOT NULL DEFAULT '',
  book_volume    INTEGER NOT NULL DEFAULT 0,
  book_number    INTEGER NOT NULL DEFAULT 0,
  status         INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
  received_at    INTEGER NOT NULL,
  due_at         INTEGER NOT NULL DEFAULT 0,
  finished_at    INTEGER NOT NULL DEFAULT 0,
  returned_at    INTEGER NOT NULL DEFAULT 0,
  updated_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL DEFAULT 1,
  demo           INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX records_received ON records (received_at);
CREATE INDEX records_status_due ON records (status, due_at);

CREATE TABLE record_documents (
  record_id  INTEGER NOT NULL REFERENCES records (local_id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  originals  INTEGER NOT NULL DEFAULT 0,
  certified  INTEGER NOT NULL DEFAULT 0,
  copies     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (record_id, position)
) WITHOUT ROWID;

CREATE TABLE record_events (
  id         INTEGER PRIMARY KEY,
  record_id  INTEGER NOT NULL REFERENCES records (local_id) ON DELETE CASCADE,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL,
  status     INTEGER NOT NULL,
  note       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX record_events_record ON record_events (record_id);

-- Folded (lower-case, no diacritics) code, name and ID number; rowid = records.local_id.
CREATE VIRTUAL TABLE records_fts USING fts5 (text, prefix = '1 2 3');

CREATE TABLE code_counters (
  agency TEXT NOT NULL,
  day    TEXT NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (agency, day)
) WITHOUT ROWID;

CREATE TABLE book_counters (
  agency TEXT NOT NULL,
  volume INTEGER NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (agency, volume)
) WITHOUT ROWID;

-- Mutations waiting to be pushed to the server, in order.
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  record_id    TEXT NOT NULL,
  kind         TEXT NOT NULL,
  payload      TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  state        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE calendar_entries (
  date  TEXT PRIMARY KEY,
  kind  INTEGER NOT NULL,
  label TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
