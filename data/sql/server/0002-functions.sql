-- onestop-server schema, version 2: the functions the request handlers call, so that
-- each mutation, lease or feed page is one round trip.

-- The units a user may see: their own units and, for a supervisor, every unit below them.
CREATE FUNCTION os_visible_units (p_user uuid) RETURNS uuid[]
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE visible (id) AS (
    SELECT unit_id FROM user_units WHERE user_id = p_user
    UNION
    SELECT u.id FROM units u JOIN visible v ON u.parent_id = v.id
     WHERE EXISTS (SELECT 1 FROM users WHERE id = p_user AND 'supervisor' = ANY (roles))
  )
  SELECT coalesce (array_agg (id), '{}') FROM visible
$$;

CREATE FUNCTION os_mutation_rejected (p_id uuid, p_record uuid, p_code text, p_retryable boolean)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object ('id', p_id, 'record_id', p_record, 'status', 'rejected',
                             'error', jsonb_build_object ('code', p_code, 'retryable', p_retryable))
$$;

-- Appends a change to the feed, with its API text made once here rather than on every read.
CREATE FUNCTION os_add_change (p_unit uuid, p_entity text, p_id uuid, p_op text,
                               p_version integer, p_data jsonb)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO changes (unit_id, entity, id, op, version, data, doc)
  VALUES (p_unit, p_entity, p_id, p_op, p_version, p_data,
          (jsonb_build_object ('entity', p_entity, 'id', p_id, 'op', p_op,
                               'unit_id', p_unit, 'version', p_version)
           || CASE WHEN p_data IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object ('data', p_data) END)::text)
$$;

-- Applies one mutation (the caller runs it as its own transaction) and returns its result
-- as the API's MutationResult without the error message (the server adds it in the
-- client's language). Payload types were checked by the server before.
CREATE FUNCTION os_apply_mutation (p_user uuid, p_desk uuid, p_client uuid, p_units uuid[],
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

      IF p_kind = 'update' THEN
        IF p_payload ->> 'code' IS DISTINCT FROM v_rec.code THEN
          v_reject := 'invalid'; EXIT apply;
        END IF;
        UPDATE records SET data = p_payload, version = v_version, updated_at = now ()
         WHERE id = p_record;
        PERFORM os_add_change (v_unit, 'record', p_record, 'upsert', v_version, p_payload);
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
          jsonb_build_object ('mutation', p_id, 'version', v_version, 'client', p_client));
  RETURN v_result;
END
$$;

-- A short fingerprint of a set of units, carried in feed cursors: when the units a user
-- may see change, a cursor made for the old set no longer fits and the feed starts over,
-- so the records of a unit added later are not skipped.
CREATE FUNCTION os_units_fingerprint (p_units uuid[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT left (md5 (coalesce (string_agg (u::text, ',' ORDER BY u), '')), 8) FROM unnest (p_units) u
$$;

-- A page of the change feed as the API's ChangePage text; the cursor is TXID.POS.FP.
-- Only rows of transactions older than every transaction still running are shown
-- (txid < snapshot xmin): those are all finished, and every row still to come gets a
-- larger txid, so ordering by (txid, pos) never puts a new row below a cursor handed out.
-- A cursor whose fingerprint @p_fp is not that of @p_units (the user's units changed, or
-- NULL) starts from the beginning.
CREATE FUNCTION os_changes_page (p_units uuid[], p_txid xid8, p_pos bigint, p_fp text,
                                 p_limit integer)
RETURNS text LANGUAGE sql STABLE AS $$
  WITH fp AS (
    SELECT os_units_fingerprint (p_units) AS fp
  ), start AS (
    SELECT CASE WHEN p_fp = fp.fp THEN p_txid ELSE '0'::xid8 END AS txid,
           CASE WHEN p_fp = fp.fp THEN p_pos ELSE 0 END AS pos
      FROM fp
  ), page AS (
    SELECT c.txid, c.pos, c.doc
      FROM changes c, start
     WHERE c.unit_id = ANY (p_units)
       AND (c.txid, c.pos) > (start.txid, start.pos)
       AND c.txid < pg_snapshot_xmin (pg_current_snapshot ())
     ORDER BY c.txid, c.pos
     LIMIT p_limit + 1
  ), numbered AS (
    SELECT *, row_number () OVER (ORDER BY txid, pos) AS n FROM page
  ), shown AS (
    SELECT * FROM numbered WHERE n <= p_limit
  )
  SELECT '{"changes":[' || coalesce ((SELECT string_agg (doc, ',' ORDER BY n) FROM shown), '')
         || '],"next_cursor":"'
         || coalesce ((SELECT txid::text || '.' || pos::text FROM shown ORDER BY n DESC LIMIT 1),
                      (SELECT txid::text || '.' || pos::text FROM start))
         || '.' || (SELECT fp FROM fp)
         || '","has_more":'
         || CASE WHEN (SELECT count (*) FROM numbered) > p_limit THEN 'true' ELSE 'false' END
         || '}'
$$;

-- Leases the next block of sequence numbers of an agency and day to a client. status:
-- 'ok', 'forbidden' (the agency is not one of @p_units), 'bad_day' (not between the
-- server's yesterday and a week ahead, Asia/Ho_Chi_Minh), 'limit' (the client already
-- holds @p_max_unused numbers of that agency and day it has not used; the block is
-- shortened to stay within it) or 'exhausted' (none left).
CREATE FUNCTION os_lease_codes (p_user uuid, p_units uuid[], p_client uuid, p_agency text,
                                p_day date, p_count integer, p_max_unused integer,
                                OUT status text, OUT first integer, OUT last integer)
LANGUAGE plpgsql AS $$
DECLARE
  v_today  date := (now () AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
  v_next   integer;
  v_unused integer;
BEGIN
  PERFORM 1 FROM units WHERE agency_code = p_agency AND id = ANY (p_units);
  IF NOT FOUND THEN
    status := 'forbidden';
    RETURN;
  END IF;
  IF p_day < v_today - 1 OR p_day > v_today + 7 THEN
    status := 'bad_day';
    RETURN;
  END IF;
  INSERT INTO code_counters (agency, day, next) VALUES (p_agency, p_day, 1)
  ON CONFLICT DO NOTHING;
  -- The counter's lock also serializes this client's leases of the day.
  SELECT next INTO v_next FROM code_counters WHERE agency = p_agency AND day = p_day FOR UPDATE;
  IF v_next > 99999 THEN
    status := 'exhausted';
    RETURN;
  END IF;
  SELECT coalesce (sum (l.last - l.first + 1 - l.used), 0) INTO v_unused
    FROM code_leases l WHERE l.client_id = p_client AND l.agency = p_agency AND l.day = p_day;
  IF v_unused >= p_max_unused THEN
    status := 'limit';
    RETURN;
  END IF;
  status := 'ok';
  first := v_next;
  last := least (v_next + least (p_count, p_max_unused - v_unused) - 1, 99999);
  UPDATE code_counters SET next = last + 1 WHERE agency = p_agency AND day = p_day;
  INSERT INTO code_leases (client_id, agency, day, first, last, user_id)
  VALUES (p_client, p_agency, p_day, first, last, p_user);
  INSERT INTO audit_log (user_id, action, entity, details)
  VALUES (p_user, 'lease', 'codes',
          jsonb_build_object ('client', p_client, 'agency', p_agency, 'day', p_day,
                              'first', first, 'last', last));
END
$$;

-- The API's User object.
CREATE FUNCTION os_user_json (p_user uuid) RETURNS json
LANGUAGE sql STABLE AS $$
  SELECT json_build_object (
           'id', u.id, 'username', u.username, 'full_name', u.full_name,
           'roles', to_json (u.roles),
           'units', coalesce ((SELECT json_agg (json_strip_nulls (json_build_object (
                                        'id', n.id, 'agency_code', n.agency_code,
                                        'name', n.name, 'parent_id', n.parent_id))
                                      ORDER BY n.agency_code)
                                 FROM units n WHERE n.id = ANY (os_visible_units (u.id))),
                              '[]'::json))
    FROM users u WHERE u.id = p_user
$$;

-- Applies a push batch in order, in the caller's one transaction (one commit, one round
-- trip), one result row per mutation. Each mutation is atomic on its own: os_apply_mutation
-- writes all of its rows or, when it rejects, none. When a statement fails instead (a
-- deadlock, a bug), the whole batch rolls back and the server applies the batch again one
-- mutation per transaction, so one bad mutation cannot hold up the others.
CREATE FUNCTION os_push_batch (p_user uuid, p_desk uuid, p_client uuid, p_units uuid[],
                               p_mutations jsonb)
RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
DECLARE
  m jsonb;
BEGIN
  FOR m IN SELECT value FROM jsonb_array_elements (p_mutations) WITH ORDINALITY ORDER BY ordinality
  LOOP
    RETURN NEXT os_apply_mutation (p_user, p_desk, p_client, p_units,
                                   (m ->> 'id')::uuid, (m ->> 'record_id')::uuid, m ->> 'kind',
                                   (m ->> 'base_version')::integer, m ->> 'payload_hash',
                                   (m ->> 'action_time')::bigint, m -> 'payload');
  END LOOP;
END
$$;
