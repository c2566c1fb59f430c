-- onestop-server schema, version 3: attachment files (blobs), content-addressed by
-- lower-case hex SHA-256, kept in PostgreSQL so that any copy of the server serves any
-- request (src/server/os-api-blobs.c). An upload arrives in chunks of at most 1 MiB, each
-- starting where the last one ended (`received`); the upload's progress lives only here,
-- so a desk that was cut off asks how far the server got and goes on from there. When the
-- last byte is in, the server hashes the chunks: a match makes the blob complete, a
-- mismatch throws it away.

CREATE TABLE blobs (
  sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size      bigint NOT NULL CHECK (size >= 0),
  received  bigint NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
  complete  boolean NOT NULL DEFAULT false,
  uploader  uuid REFERENCES users (id),   -- who sent the first chunk
  created   timestamptz NOT NULL DEFAULT now(),
  completed timestamptz
);

CREATE TABLE blob_chunks (
  sha256 text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
  pos    bigint NOT NULL CHECK (pos >= 0),
  data   bytea NOT NULL,
  PRIMARY KEY (sha256, pos)
);
-- Scans and PDFs are compressed already: store the chunks out of line, uncompressed.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Who has shown they hold a file: the user whose upload completed it, and any user who
-- later sent the whole file again (checked on the fly, never stored twice). Only they and
-- users who may see a record that lists the file may read it or attach it (os-api-blobs.c):
-- knowing a file's SHA-256 is not enough.
CREATE TABLE blob_holders (
  sha256  text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  since   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sha256, user_id)
);

-- Such a proof under way: how far it got and the SHA-256 state of the bytes so far
-- (104 bytes: eight 32-bit words, a 64-bit byte count, both big-endian, and the 64-byte
-- block buffer), so that any server copy can take the next chunk.
CREATE TABLE blob_proofs (
  sha256   text NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES users (id),
  received bigint NOT NULL CHECK (received >= 0),
  state    bytea NOT NULL CHECK (octet_length (state) = 104),
  PRIMARY KEY (sha256, user_id)
);

-- Who may read a blob: anyone who may see a record that lists it.
CREATE INDEX attachments_sha256 ON attachments ((data ->> 'sha256'));
