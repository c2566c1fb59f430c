-- Desk database, version 3: files attached to records. The files themselves live in the
-- blob store (content-addressed by SHA-256, see os-blob-store.h); a row only names one.
-- Several rows, of one record or of many, may name the same file: a file is removed from
-- the blob store only when the last row naming it is gone.

CREATE TABLE attachments (
  id            TEXT PRIMARY KEY,  -- UUID v7
  record_id     INTEGER NOT NULL REFERENCES records (local_id) ON DELETE CASCADE,
  document_name TEXT NOT NULL DEFAULT '',
  file_name     TEXT NOT NULL,
  mime_type     TEXT NOT NULL,
  sha256        TEXT NOT NULL CHECK (length (sha256) = 64),
  size          INTEGER NOT NULL CHECK (size >= 0),
  pages         INTEGER NOT NULL DEFAULT 0 CHECK (pages >= 0),
  created_at    INTEGER NOT NULL
);  -- with a rowid: it keeps the order files were attached in within one second

CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX attachments_record ON attachments (record_id, created_at);
