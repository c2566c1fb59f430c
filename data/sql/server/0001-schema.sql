-- onestop-server schema, version 1. Applied by `onestop-server admin migrate` (and at
-- `serve` start) in one transaction, under an advisory lock.

CREATE TABLE units (
  id          uuid PRIMARY KEY,
  agency_code text NOT NULL UNIQUE,
  name        text NOT NULL,
  parent_id   uuid REFERENCES units (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  full_name     text NOT NULL,
  password_hash text NOT NULL,           -- libsodium crypto_pwhash_str (Argon2id)
  roles         text[] NOT NULL DEFAULT '{}',
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_units (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  unit_id uuid NOT NULL REFERENCES units (id),
  PRIMARY KEY (user_id, unit_id)
);

CREATE TABLE desks (
  id         uuid PRIMARY KEY,
  unit_id    uuid NOT NULL REFERENCES units (id),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Tokens are kept only as lower-case hex SHA-256.
CREATE TABLE sessions (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users (id),
  desk_id         uuid NOT NULL REFERENCES desks (id),
  client_id       uuid NOT NULL,
  access_hash     text NOT NULL UNIQUE,
  access_expires  timestamptz NOT NULL,
  refresh_hash    text NOT NULL UNIQUE,
  refresh_expires timestamptz NOT NULL,
  -- The refresh token this one replaced stays good for a short grace (a lost answer must
  -- not log the desk out) and gives the same new pair again: sealed_pair is that pair,
  -- encrypted with a key derived from the previous token (os-api-auth.c), so the database
  -- alone cannot use it.
  prev_refresh_hash text,
  prev_until      timestamptz,
  sealed_pair     text,
  revoked         boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sessions_prev_refresh ON sessions (prev_refresh_hash);

CREATE TABLE records (
  id         uuid PRIMARY KEY,
  unit_id    uuid NOT NULL REFERENCES units (id),
  code       text NOT NULL UNIQUE,
  version    integer NOT NULL,
  data       jsonb NOT NULL,
  deleted    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachments (
  id         uuid PRIMARY KEY,
  record_id  uuid NOT NULL REFERENCES records (id),
  data       jsonb NOT NULL,
  deleted    boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_record ON attachments (record_id);

-- One row per applied mutation: its id is the idempotency key.
CREATE TABLE mutations (
  id           uuid PRIMARY KEY,
  payload_hash text NOT NULL,
  result       jsonb,
  user_id      uuid NOT NULL,
  desk_id      uuid NOT NULL,
  client_id    uuid NOT NULL,
  action_time  bigint NOT NULL,
  server_time  bigint NOT NULL
);

-- The change feed. Positions are (txid, pos): txid is the writing transaction's id and
-- the feed only shows rows of transactions older than every transaction still running
-- (see src/server/README.md), so a row never appears below a cursor handed out.
CREATE SEQUENCE changes_pos;
CREATE TABLE changes (
  txid    xid8 NOT NULL DEFAULT pg_current_xact_id(),
  pos     bigint NOT NULL DEFAULT nextval('changes_pos'),
  unit_id uuid NOT NULL,
  entity  text NOT NULL CHECK (entity IN ('record', 'attachment')),
  id      uuid NOT NULL,
  op      text NOT NULL CHECK (op IN ('upsert', 'delete')),
  version integer NOT NULL,
  data    jsonb,
  doc     text NOT NULL,     -- the API's Change object, made once when written
  PRIMARY KEY (txid, pos)
);
CREATE INDEX changes_unit ON changes (unit_id, txid, pos);

CREATE TABLE code_counters (
  agency text NOT NULL,
  day    date NOT NULL,
  next   integer NOT NULL,
  PRIMARY KEY (agency, day)
);

CREATE TABLE code_leases (
  client_id  uuid NOT NULL,
  agency     text NOT NULL,
  day        date NOT NULL,
  first      integer NOT NULL,
  last       integer NOT NULL,
  used       integer NOT NULL DEFAULT 0,   -- numbers of the block records were created with
  user_id    uuid NOT NULL,
  leased_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency, day, first)
);
CREATE INDEX code_leases_client ON code_leases (client_id, agency, day);

CREATE TABLE procedure_catalogue (
  id          integer PRIMARY KEY CHECK (id = 1),
  version     integer NOT NULL,
  procedures  jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  user_id     uuid,
  desk_id     uuid,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   uuid,
  action_time bigint,                        -- the desk's clock
  server_time timestamptz NOT NULL DEFAULT now(),
  details     jsonb
);
