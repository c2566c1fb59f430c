-- onestop-server schema, version 4: process definitions (quy trình) and actions on records
-- (src/server/os-api-processes.c, os-api-sync.c; PROCESS-CONTRACT.md "Sync").

-- Every published version of every process, immutable: records keep the version they
-- started with. `data` is the API's ProcessDefinition as published.
CREATE TABLE process_versions (
  id           uuid NOT NULL,
  version      integer NOT NULL CHECK (version >= 1),
  name         text NOT NULL,
  data         jsonb NOT NULL,
  published_by text NOT NULL,
  published_at bigint NOT NULL,
  publisher    uuid REFERENCES users (id),
  PRIMARY KEY (id, version)
);

-- One row: the version of the whole set of definitions, the ETag of
-- GET /definitions/processes. Publishing takes this row's lock first, so publishes (from
-- any server copy) take turns and each sees the versions published before it.
CREATE TABLE process_catalogue (
  id      integer PRIMARY KEY CHECK (id = 1),
  version integer NOT NULL
);
INSERT INTO process_catalogue (id, version) VALUES (1, 0);

-- Publishes @p_data (a ProcessDefinition the server checked) as the next version of its
-- id. Returns the definition as published, or NULL when @p_user is not an admin.
CREATE FUNCTION os_publish_process (p_user uuid, p_id uuid, p_data jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_name    text;
  v_version integer;
  v_now     bigint := extract (epoch FROM now ())::bigint;
  v_data    jsonb;
BEGIN
  SELECT full_name INTO v_name FROM users
   WHERE id = p_user AND 'admin' = ANY (roles) AND NOT disabled;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- The lock first; the next statement then sees every version committed before it
  -- (READ COMMITTED: each statement of a volatile function takes a new snapshot).
  UPDATE process_catalogue SET version = version + 1 WHERE id = 1;
  SELECT coalesce (max (version), 0) + 1 INTO v_version FROM process_versions WHERE id = p_id;
  v_data := p_data || jsonb_build_object ('id', p_id, 'version', v_version,
                                          'published_at', v_now, 'published_by', v_name);
  INSERT INTO process_versions (id, version, name, data, published_by, published_at, publisher)
  VALUES (p_id, v_version, coalesce (p_data ->> 'name', ''), v_data, v_name, v_now, p_user);
  INSERT INTO audit_log (user_id, action, entity, entity_id, details)
  VALUES (p_user, 'publish', 'process', p_id, jsonb_build_object ('version', v_version));
  RETURN v_data;
END
$$;

-- The members of a record that only actions move: an `update` (edit mode) of a record
-- that follows a process keeps the server's.
CREATE FUNCTION os_process_members (p_data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce (jsonb_object_agg (key, value), '{}'::jsonb)
    FROM jsonb_each (p_data)
   WHERE key IN ('process', 'status', 'due_at', 'finished_at', 'returned_at')
$$;

-- As in 0002, with two changes: kind `action` (the payload is the record as the server
-- computed it with the process engine, os-api-sync.c; an action payload the server did
-- not compute, i.e. without `code`, is `out_of_order`: it is computed on the next push),
-- and an `update` never attaches, moves or changes a process: of a record the server holds
-- without `process` the payload's `process` is dropped; of a record with one, the server's
-- `process`, `status`, `due_at`, `finished_at` and `returned_at` are kept (only a `receive`
-- in the initial state, checked in os-api-processes.c, and `action` mutations computed by
-- the server's engine set a process).
CREATE OR REPLACE FUNCTION os_apply_mutation (p_user uuid, p_desk uuid, p_client uuid, p_units uuid[],
                                              p_id uuid, p_record uuid, p_kind text, p_base integer,
                                              p_hash text, p_action_time bigint, p_payload jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_now     bigint := extract (epoch FROM now ())::bigint;
  v_prev    mutations%ROWTYPE;
  v_claimed boolean;
  v_rec     records%ROWTYPE;
  v_agency  text;
  v_day     date;
  v_number  integer;
  v_lease   integer;
  v_unit    uuid;
  v_version integer;
  v_result  jsonb;
  v_reject  text;
  v_retry   boolean := false;
  v_att     uuid;
  v_data    jsonb;
  v_details jsonb := '{}'::jsonb;
BEGIN
  -- Claim the idempotency key; a concurrent twin waits here for the first to end.
  INSERT INTO mutations (id, payload_hash, user_id, desk_id, client_id, action_time, server_time)
  VALUES (p_id, p_hash, p_user, p_desk, p_client, p_action_time, v_now)
  ON CONFLICT (id) DO NOTHING;
  GET DIAGNOSTICS v_claimed = ROW_COUNT;
  IF NOT v_claimed THEN
    SELECT * INTO v_prev FROM mutations WHERE id = p_id;
    IF v_prev.payload_hash <> p_hash OR v_prev.result IS NULL THEN
      RETURN os_mutation_rejected (p_id, p_record, 'idempotency_mismatch', false);
    END IF;
    IF (v_prev.result ->> 'record_id')::uuid <> p_record THEN
      RETURN os_mutation_rejected (p_id, p_record, 'idempotency_mismatch', false);
    END IF;
    RETURN jsonb_set (v_prev.result, '{status}', '"duplicate"');
  END IF;

  <<apply>>
  BEGIN
    IF p_kind IN ('receive', 'refuse', 'request-supplement') THEN
      -- AGENCY-YYMMDD-NNNN: the server checked the shape and the date before.
      v_agency := substring (p_payload ->> 'code' FROM '^(.+)-[0-9]{6}-[0-9]{4,5}$');
      v_day := to_date ('20' || substring (p_payload ->> 'code' FROM '-([0-9]{6})-[0-9]{4,5}$'), 'YYYYMMDD');
      v_number := substring (p_payload ->> 'code' FROM '-([0-9]{4,5})$')::integer;
      SELECT id INTO v_unit FROM units WHERE agency_code = v_agency AND id = ANY (p_units);
      IF v_unit IS NULL THEN
        v_reject := 'forbidden'; EXIT apply;
      END IF;
      IF p_base <> 0 THEN
        v_reject := 'invalid'; EXIT apply;
      END IF;
      -- The same answer whichever unit holds the id: nothing about other units leaks.
      PERFORM 1 FROM records WHERE id = p_record;
      IF FOUND THEN
        v_reject := 'stale_version'; EXIT apply;
      END IF;
      -- Only a number leased to this client for that agency and day (a desk never
      -- invents one, and no client can take another's).
      SELECT first INTO v_lease FROM code_leases
       WHERE client_id = p_client AND agency = v_agency AND day = v_day
         AND v_number BETWEEN first AND last
         FOR UPDATE;
      IF NOT FOUND THEN
        v_reject := 'code_not_leased'; EXIT apply;
      END IF;
      INSERT INTO records (id, unit_id, code, version, data)
      VALUES (p_record, v_unit, p_payload ->> 'code', 1, p_payload)
      ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        -- Another record holds the code (or a twin record id raced us).
        PERFORM 1 FROM records WHERE id = p_record;
        v_reject := CASE WHEN FOUND THEN 'stale_version' ELSE 'code_taken' END;
        EXIT apply;
      END IF;
      UPDATE code_leases SET used = used + 1 WHERE agency = v_agency AND day = v_day AND first = v_lease;
      v_version := 1;
      PERFORM os_add_change (v_unit, 'record', p_record, 'upsert', 1, p_payload);
    ELSE
      SELECT * INTO v_rec FROM records WHERE id = p_record FOR UPDATE;
      -- A record of another unit gets the answer of a missing one: nothing revealed.
      IF NOT FOUND OR NOT v_rec.unit_id = ANY (p_units) THEN
        v_reject := 'out_of_order'; v_retry := true; EXIT apply;
      END IF;
      IF p_base > v_rec.version THEN
        v_reject := 'out_of_order'; v_retry := true; EXIT apply;
      END IF;
      IF p_base < v_rec.version OR v_rec.deleted THEN
        v_reject := 'stale_version'; EXIT apply;
      END IF;
      v_unit := v_rec.unit_id;
      v_version := v_rec.version + 1;

      IF p_kind IN ('update', 'action') THEN
        IF p_kind = 'action' AND NOT p_payload ? 'code' THEN
          -- Not computed by the server: the record was at another version when the
          -- push was read (an earlier mutation of this batch moved it). Next push.
          v_reject := 'out_of_order'; v_retry := true; EXIT apply;
        END IF;
        IF p_payload ->> 'code' IS DISTINCT FROM v_rec.code THEN
          v_reject := 'invalid'; EXIT apply;
        END IF;
        v_data := p_payload;
        IF p_kind = 'update' THEN
          -- Edit mode never moves the process: the server's `process` stays as it is (also
          -- its absence: an update never attaches one), and so do the status and instants
          -- of a record that follows a process.
          IF v_rec.data ? 'process' THEN
            v_data := (p_payload - ARRAY['process', 'status', 'due_at', 'finished_at', 'returned_at'])
                      || os_process_members (v_rec.data);
          ELSE
            v_data := p_payload - 'process';
          END IF;
        END IF;
        IF p_kind = 'action' THEN
          v_details := jsonb_build_object ('process_action',
                                           p_payload -> 'process' -> 'entries' -> -1 -> 'action');
        END IF;
        UPDATE records SET data = v_data, version = v_version, updated_at = now ()
         WHERE id = p_record;
        PERFORM os_add_change (v_unit, 'record', p_record, 'upsert', v_version, v_data);
      ELSIF p_kind IN ('attach', 'detach') THEN
        v_att := (p_payload ->> 'id')::uuid;
        IF p_kind = 'attach' THEN
          INSERT INTO attachments (id, record_id, data) VALUES (v_att, p_record, p_payload)
          ON CONFLICT (id) DO UPDATE SET data = excluded.data, deleted = false, updated_at = now ()
           WHERE attachments.record_id = excluded.record_id;
          IF NOT FOUND THEN
            v_reject := 'invalid'; EXIT apply;
          END IF;
        ELSE
          UPDATE attachments SET deleted = true, updated_at = now ()
           WHERE id = v_att AND record_id = p_record;
          IF NOT FOUND THEN
            v_reject := 'not_found'; EXIT apply;
          END IF;
        END IF;
        UPDATE records SET version = v_version, updated_at = now () WHERE id = p_record;
        PERFORM os_add_change (v_unit, 'attachment', v_att,
                               CASE p_kind WHEN 'attach' THEN 'upsert' ELSE 'delete' END, v_version,
                               CASE p_kind WHEN 'attach' THEN p_payload ELSE NULL END);
        PERFORM os_add_change (v_unit, 'record', p_record, 'upsert', v_version, v_rec.data);
      ELSIF p_kind = 'delete' THEN
        UPDATE records SET deleted = true, version = v_version, updated_at = now ()
         WHERE id = p_record;
        UPDATE attachments SET deleted = true WHERE record_id = p_record;
        PERFORM os_add_change (v_unit, 'record', p_record, 'delete', v_version, NULL);
      ELSE
        v_reject := 'invalid'; EXIT apply;
      END IF;
    END IF;
  END;

  IF v_reject IS NOT NULL THEN
    -- Nothing was written but the claim: give the key back, so a retry is judged afresh.
    DELETE FROM mutations WHERE id = p_id;
    RETURN os_mutation_rejected (p_id, p_record, v_reject, v_retry);
  END IF;

  v_result := jsonb_build_object ('id', p_id, 'record_id', p_record, 'status', 'applied',
                                  'version', v_version, 'server_time', v_now);
  UPDATE mutations SET result = v_result WHERE id = p_id;
  INSERT INTO audit_log (user_id, desk_id, action, entity, entity_id, action_time, details)
  VALUES (p_user, p_desk, p_kind, 'record', p_record, p_action_time,
          jsonb_build_object ('mutation', p_id, 'version', v_version, 'client', p_client)
          || v_details);
  RETURN v_result;
END
$$;
