/* os-api-processes.c: GET and POST /definitions/processes, and the process engine's part
 * of a push (`action` mutations, and creations carrying a process: os_api_process_prepare()).
 *
 * The rules are those of the desks (libonestop-rules: os-process.c, os-process-engine.c,
 * os-record-json.c), so an action a desk accepted offline is judged the same way here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-api.h"
#include "os-db-pool.h"
#include "os-process-engine.h"
#include "os-record-json.h"

#include <stdlib.h>
#include <string.h>

void
os_api_processes (OsRequest *req,
                  PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[1];

  /* The ETag is the number of publishes so far (process_catalogue); the definitions are
   * only read when the desk's copy is not current. */
  params[0] = req->if_none_match;
  res = os_db_exec (conn,
                    "WITH c AS (SELECT version FROM process_catalogue WHERE id = 1)"
                    "SELECT c.version,"
                    "       CASE WHEN '\"' || c.version || '\"' = $1 THEN NULL"
                    "            ELSE json_build_object ('version', c.version, 'processes',"
                    "                   coalesce ((SELECT json_agg (data ORDER BY id, version)"
                    "                                FROM process_versions), '[]'))::text END"
                    "  FROM c",
                    1, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  req->etag = g_strdup_printf ("\"%s\"", PQgetvalue (res, 0, 0));
  if (PQgetisnull (res, 0, 1))
    os_request_reply (req, 304, NULL);
  else
    os_request_reply (req, 200, g_strdup (PQgetvalue (res, 0, 1)));
}

static gboolean
user_is_admin (OsRequest *req,
               PGconn    *conn,
               gboolean  *admin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[1] = { req->user_id };

  res = os_db_exec (conn, "SELECT coalesce ('admin' = ANY (roles), false) FROM users WHERE id = $1",
                    1, params, &error);
  if (res == NULL)
    return os_api_db_fail (req, error);
  *admin = PQntuples (res) == 1 && g_str_equal (PQgetvalue (res, 0, 0), "t");
  return TRUE;
}

static const char * const definition_members[] = {
  "id", "version", "name", "start", "procedures", "published_at", "published_by", "steps",
  "links", NULL
};

void
os_api_publish_process (OsRequest *req,
                        PGconn    *conn)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(OsProcess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *text = NULL;
  JsonObject *body = os_request_parse_body (req, &root);
  gboolean admin = FALSE;
  const char *params[3];

  if (body == NULL)
    return;
  /* Strict like every request body: no member the definition does not have. */
  {
    g_autoptr(GList) members = json_object_get_members (body);

    for (GList *l = members; l != NULL; l = l->next)
      if (!g_strv_contains (definition_members, l->data))
        {
          os_request_fail (req, 400, "unknown_field", l->data, NULL);
          return;
        }
  }
  if (!user_is_admin (req, conn, &admin))
    return;
  if (!admin)
    {
      os_request_fail (req, 403, "forbidden", NULL, NULL);
      return;
    }
  if (!json_object_has_member (body, "id"))
    {
      os_request_fail (req, 400, "missing_field", "id", NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (body, "id")) ||
      json_node_get_value_type (json_object_get_member (body, "id")) != G_TYPE_STRING ||
      !os_is_uuid (json_object_get_string_member (body, "id")))
    {
      os_request_fail (req, 400, "invalid_field", "id", NULL);
      return;
    }
  process = os_process_new_from_json (root, &error);
  if (process == NULL)
    {
      os_request_fail_message (req, 400, "invalid_field", "", error->message);
      return;
    }
  if (!os_process_validate (process, &error))
    {
      os_request_fail_message (req, 400, "invalid_process", NULL, error->message);
      return;
    }
  data = os_process_to_json (process);
  text = json_to_string (data, FALSE);
  params[0] = req->user_id;
  params[1] = os_process_get_id (process);
  params[2] = text;
  res = os_db_exec (conn, "SELECT os_publish_process ($1, $2, $3)", 3, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQgetisnull (res, 0, 0))
    {
      /* No longer an admin since the check above. */
      os_request_fail (req, 403, "forbidden", NULL, NULL);
      return;
    }
  os_request_reply (req, 201, g_strdup (PQgetvalue (res, 0, 0)));
}

/* ---- Actions in a push ---------------------------------------------------------------- */

static const OsFieldSpec action_specs[] = {
  { "process_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "process_version", OS_FIELD_INT, TRUE, 1, G_MAXINT32 },
  { "request", OS_FIELD_OBJECT, TRUE, 0, 0 },
  { NULL }
};

gboolean
os_api_action_payload_is_valid (JsonObject *payload)
{
  g_autoptr(OsActionRequest) request = NULL;
  const char *field = NULL;

  if (os_check_object (payload, action_specs, FALSE, &field) != NULL)
    return FALSE;
  request = os_action_request_from_json (json_object_get_member (payload, "request"), NULL);
  return request != NULL;
}

gboolean
os_api_process_state_is_valid (JsonNode *node)
{
  g_autoptr(OsProcessState) state = os_process_state_from_json (node, NULL);

  return state != NULL;
}

gboolean
os_api_record_is_readable (JsonObject *payload)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), payload);
  g_autoptr(OsRecord) record = os_record_new_from_json (node, NULL);

  return record != NULL;
}

/* A record as the server holds it, and as the batch will have left it. */
typedef struct
{
  int       version;
  gboolean  deleted;
  JsonNode *data;
  char     *agency;     /* the unit's agency code */
  char     *unit_id;
} Held;

static void
held_free (gpointer data)
{
  Held *held = data;

  g_clear_pointer (&held->data, json_node_unref);
  g_free (held->agency);
  g_free (held->unit_id);
  g_free (held);
}

static void
append_array_item (GString    *out,
                   const char *item)
{
  /* @out starts as "{" (a PostgreSQL array literal of UUIDs or integers). */
  if (out->len > 1)
    g_string_append_c (out, ',');
  g_string_append (out, item);
}

static JsonNode *
parse_json (const char *text)
{
  return json_from_string (text, NULL);
}

static const char *
string_member (JsonNode   *node,
               const char *name)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

static char **
string_array (JsonObject *object,
              const char *name)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonNode *member = json_object_get_member (object, name);

  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *e = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            g_strv_builder_add (b, json_node_get_string (e));
        }
    }
  return g_strv_builder_end (b);
}

/* A step's wall-clock span at most, for a step deadline the server cannot compute (it has
 * no calendar): three days a session (half a working day), plus a fortnight of holidays. */
#define STEP_SECONDS_PER_SESSION (3 * 24 * 3600)
#define STEP_SECONDS_SLACK (15 * 24 * 3600)
/* How far ahead of the server's clock a desk's action may be dated. */
#define ACTION_CLOCK_SKEW (10 * 60)

static gboolean
strv_is_empty (char **strv)
{
  return strv == NULL || strv[0] == NULL;
}

/* A creation (`receive`) carrying a process: only the state os_process_engine_start()
 * gives a record just received (os_store_receive()), on a published version that lists
 * the record's procedure. Anything else (a later step, history, a pause, a result, an
 * assignee, another status) would put the record past the engine without a check. */
static gboolean
creation_state_is_initial (OsProcess  *definition,
                           JsonObject *payload)
{
  g_autoptr(OsProcessState) state = NULL;
  const char * const *procedures = os_process_get_procedures (definition);
  const char *procedure_id = json_object_get_string_member_with_default (payload, "procedure_id", "");
  OsProcessStep *start;
  gint64 received_at = json_object_get_int_member_with_default (payload, "received_at", 0);

  state = os_process_state_from_json (json_object_get_member (payload, "process"), NULL);
  if (state == NULL)
    return FALSE;
  if (*procedure_id == '\0' || procedures == NULL ||
      !g_strv_contains (procedures, procedure_id))
    return FALSE;
  start = os_process_find_step (definition, os_process_get_start (definition));
  if (start == NULL)
    return FALSE;
  /* The start step, as the definition has it. */
  if (g_strcmp0 (state->step_id, start->id) != 0 ||
      g_strcmp0 (state->step_name, start->name) != 0 ||
      g_strcmp0 (state->step_unit, start->unit) != 0 ||
      g_strcmp0 (state->step_role, start->role) != 0)
    return FALSE;
  /* Nobody's yet, nothing done, nothing paused, extended or decided. */
  if (g_strcmp0 (state->assignee, "") != 0 || !strv_is_empty (state->co_processors) ||
      state->entries->len != 0 ||
      state->pause != OS_PAUSE_NONE || state->paused_at != 0 || g_strcmp0 (state->paused_step, "") != 0 ||
      state->supplements != 0 || state->extended || state->original_due_at != 0 ||
      g_strcmp0 (state->extension_reason, "") != 0 || g_strcmp0 (state->fee, "") != 0 ||
      state->result != OS_RESULT_NONE)
    return FALSE;
  /* Entered when received; the step's deadline (computed by the desk's calendar) within
   * sense: none without a budget, else after the reception and not absurdly far. */
  if (state->step_entered_at != received_at)
    return FALSE;
  if (start->budget <= 0 ? state->step_due_at != 0
                         : (state->step_due_at < state->step_entered_at ||
                            state->step_due_at - state->step_entered_at >
                              (gint64) start->budget * STEP_SECONDS_PER_SESSION + STEP_SECONDS_SLACK))
    return FALSE;
  /* Received, neither finished nor returned. */
  return json_object_get_int_member (payload, "status") == OS_STATUS_RECEIVED &&
         json_object_get_int_member_with_default (payload, "finished_at", 0) == 0 &&
         json_object_get_int_member_with_default (payload, "returned_at", 0) == 0;
}

static gboolean
is_creation (const char *kind)
{
  return g_str_equal (kind, "receive") || g_str_equal (kind, "refuse") ||
         g_str_equal (kind, "request-supplement");
}

/* The usernames a request names (assignee, co-processors), added to @names. */
static void
add_request_users (JsonObject *payload,
                   JsonArray  *names)
{
  JsonNode *request = json_object_get_member (payload, "request");
  const char *assignee = string_member (request, "assignee");
  g_auto(GStrv) co = NULL;

  if (assignee != NULL && *assignee != '\0')
    json_array_add_string_element (names, assignee);
  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    return;
  co = string_array (json_node_get_object (request), "co_processors");
  for (guint i = 0; co[i] != NULL; i++)
    if (*co[i] != '\0')
      json_array_add_string_element (names, co[i]);
}

/* NULL when every user @request names exists, is enabled and may see the record (a unit
 * of theirs, or below one they supervise, is @unit_id); else the sentence naming the
 * first who does not. */
static char *
check_request_users (OsRequest             *req,
                     const OsActionRequest *request,
                     GHashTable            *users,   /* username → GStrv of visible unit ids */
                     const char            *unit_id)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (request->assignee != NULL && *request->assignee != '\0')
    g_ptr_array_add (names, request->assignee);
  for (guint i = 0; request->co_processors != NULL && request->co_processors[i] != NULL; i++)
    if (*request->co_processors[i] != '\0')
      g_ptr_array_add (names, request->co_processors[i]);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      char **units = g_hash_table_lookup (users, name);

      if (units == NULL || unit_id == NULL || !g_strv_contains ((const char * const *) units, unit_id))
        return req->lang == OS_LANG_EN
          ? g_strdup_printf ("There is no user “%s” in the unit handling this record.", name)
          : g_strdup_printf ("Không có người dùng “%s” trong đơn vị xử lý hồ sơ này.", name);
    }
  return NULL;
}

gboolean
os_api_process_prepare (OsRequest   *req,
                        PGconn      *conn,
                        JsonArray   *mutations,
                        gboolean    *valid,
                        JsonNode   **computed,
                        char       **refused)
{
  guint n = json_array_get_length (mutations);
  g_autoptr(GString) record_ids = g_string_new ("{");
  g_autoptr(GString) process_ids = g_string_new ("{");
  g_autoptr(GString) process_versions = g_string_new ("{");
  g_autoptr(JsonArray) usernames = json_array_new ();
  g_autoptr(JsonNode) usernames_node = NULL;
  g_autofree char *usernames_text = NULL;
  g_autoptr(GHashTable) held = NULL;
  g_autoptr(GHashTable) definitions = NULL;   /* "id/version" → JsonNode text, then OsProcess */
  g_autoptr(GHashTable) processes = NULL;
  g_autoptr(GHashTable) users = NULL;         /* username → GStrv of the unit ids they see */
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsActor) actor = NULL;
  g_autofree char *username = NULL;
  g_autoptr(JsonNode) user = NULL;
  const char *params[6];
  guint actions = 0, starts = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);
      const char *kind = json_object_get_string_member (m, "kind");
      JsonObject *payload;
      g_autofree char *version = NULL;

      if (!valid[i])
        continue;
      payload = json_object_get_object_member (m, "payload");
      if (is_creation (kind) && json_object_has_member (payload, "process"))
        {
          JsonNode *process = json_object_get_member (payload, "process");
          const char *pid = string_member (process, "process_id");

          /* Only a record received (not refused, not sent back for a supplement at the
           * desk) starts on its process (os_store_receive()). */
          if (!g_str_equal (kind, "receive") || pid == NULL || !os_is_uuid (pid) ||
              JSON_NODE_HOLDS_NULL (process))
            {
              valid[i] = FALSE;
              continue;
            }
          version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                     json_object_get_int_member (json_node_get_object (process),
                                                                 "process_version"));
          append_array_item (process_ids, pid);
          append_array_item (process_versions, version);
          starts++;
          continue;
        }
      if (!g_str_equal (kind, "action"))
        continue;
      version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                 json_object_get_int_member (payload, "process_version"));
      append_array_item (record_ids, json_object_get_string_member (m, "record_id"));
      append_array_item (process_ids, json_object_get_string_member (payload, "process_id"));
      append_array_item (process_versions, version);
      add_request_users (payload, usernames);
      actions++;
    }
  if (actions == 0 && starts == 0)
    return TRUE;
  g_string_append_c (record_ids, '}');
  g_string_append_c (process_ids, '}');
  g_string_append_c (process_versions, '}');
  usernames_node = json_node_init_array (json_node_alloc (), usernames);
  usernames_text = json_to_string (usernames_node, FALSE);

  /* One round trip: the records (of the user's units only: another unit's record is not
   * there, like a missing one), the definitions named, who acts, and the enabled users
   * the actions name with the units they see (os_visible_units()). */
  params[0] = record_ids->str;
  params[1] = req->units;
  params[2] = process_ids->str;
  params[3] = process_versions->str;
  params[4] = req->user_id;
  params[5] = usernames_text;
  res = os_db_exec (conn,
                    "SELECT 'r', r.id::text, r.version, r.data::text, n.agency_code, r.unit_id::text,"
                    "       r.deleted"
                    "  FROM records r JOIN units n ON n.id = r.unit_id"
                    " WHERE r.id = ANY ($1::uuid[]) AND r.unit_id = ANY ($2::uuid[])"
                    " UNION ALL "
                    "SELECT 'p', p.id::text, p.version, p.data::text, NULL, NULL, NULL"
                    "  FROM process_versions p"
                    " WHERE (p.id, p.version) IN (SELECT * FROM unnest ($3::uuid[], $4::int[]))"
                    " UNION ALL "
                    "SELECT 'u', u.username, NULL,"
                    "       json_build_object ('full_name', u.full_name, 'roles', u.roles,"
                    "         'units', (SELECT coalesce (array_agg (agency_code ORDER BY agency_code), '{}')"
                    "                     FROM units WHERE id = ANY ($2::uuid[])))::text,"
                    "       NULL, NULL, NULL"
                    "  FROM users u WHERE u.id = $5"
                    " UNION ALL "
                    "SELECT 'a', u.username, NULL, array_to_string (os_visible_units (u.id), ','),"
                    "       NULL, NULL, NULL"
                    "  FROM users u"
                    " WHERE NOT u.disabled AND u.username IN (SELECT json_array_elements_text ($6::json))",
                    6, params, &error);
  if (res == NULL)
    return os_api_db_fail (req, error);

  held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, held_free);
  definitions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  processes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  for (int row = 0; row < PQntuples (res); row++)
    {
      const char *what = PQgetvalue (res, row, 0);

      if (g_str_equal (what, "r"))
        {
          Held *h = g_new0 (Held, 1);

          h->version = atoi (PQgetvalue (res, row, 2));
          h->data = parse_json (PQgetvalue (res, row, 3));
          h->agency = g_strdup (PQgetvalue (res, row, 4));
          h->unit_id = g_strdup (PQgetvalue (res, row, 5));
          h->deleted = g_str_equal (PQgetvalue (res, row, 6), "t");
          g_hash_table_replace (held, g_strdup (PQgetvalue (res, row, 1)), h);
        }
      else if (g_str_equal (what, "p"))
        g_hash_table_replace (definitions,
                              g_strdup_printf ("%s/%s", PQgetvalue (res, row, 1), PQgetvalue (res, row, 2)),
                              g_strdup (PQgetvalue (res, row, 3)));
      else if (g_str_equal (what, "u"))
        {
          username = g_strdup (PQgetvalue (res, row, 1));
          user = parse_json (PQgetvalue (res, row, 3));
        }
      else if (g_str_equal (what, "a"))
        g_hash_table_replace (users, g_strdup (PQgetvalue (res, row, 1)),
                              g_strsplit (PQgetvalue (res, row, 3), ",", -1));
    }
  if (user == NULL || !JSON_NODE_HOLDS_OBJECT (user))
    return os_request_fail (req, 401, "unauthorized", NULL, NULL);
  {
    JsonObject *u = json_node_get_object (user);
    g_auto(GStrv) roles = string_array (u, "roles");
    g_auto(GStrv) units = string_array (u, "units");

    actor = os_actor_new (username, string_member (user, "full_name"),
                          (const char * const *) roles, (const char * const *) units,
                          req->desk_id);
  }

  /* In batch order; an action applied here is what the next one on the record sees. */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);
      const char *kind = json_object_get_string_member (m, "kind");
      JsonObject *payload;
      Held *h = NULL;
      g_autofree char *key = NULL;
      g_autoptr(OsActionRequest) request = NULL;
      g_autoptr(OsRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;
      OsProcess *definition;
      OsProcessState *state;
      const char *agency;
      gboolean start;

      if (!valid[i])
        continue;
      payload = json_object_get_object_member (m, "payload");
      start = g_str_equal (kind, "receive") && json_object_has_member (payload, "process");
      if (!start && !g_str_equal (kind, "action"))
        continue;
      if (!start)
        {
          h = g_hash_table_lookup (held, json_object_get_string_member (m, "record_id"));
          /* Missing, another unit's, deleted or at another version: SQL gives the answer
           * (out_of_order / stale_version) without looking at the payload. */
          if (h == NULL || h->deleted || h->data == NULL ||
              json_object_get_int_member (m, "base_version") != h->version)
            continue;
          key = g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                 json_object_get_string_member (payload, "process_id"),
                                 json_object_get_int_member (payload, "process_version"));
        }
      else
        {
          JsonObject *process = json_object_get_object_member (payload, "process");

          key = g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                 json_object_get_string_member (process, "process_id"),
                                 json_object_get_int_member (process, "process_version"));
        }
      definition = g_hash_table_lookup (processes, key);
      if (definition == NULL)
        {
          const char *text = g_hash_table_lookup (definitions, key);

          definition = text ? os_process_new_from_data (text, NULL) : NULL;
          if (definition == NULL)
            {
              valid[i] = FALSE;   /* an unknown definition */
              continue;
            }
          g_hash_table_insert (processes, g_strdup (key), definition);
        }
      if (start)
        {
          if (!creation_state_is_initial (definition, payload))
            valid[i] = FALSE;
          continue;
        }

      record = os_record_new_from_json (h->data, &local_error);
      request = os_action_request_from_json (json_object_get_member (payload, "request"), &local_error);
      if (record == NULL || request == NULL)
        {
          g_message ("action %s: %s", json_object_get_string_member (m, "id"), local_error->message);
          valid[i] = FALSE;
          continue;
        }
      /* The action must be about the process the record follows. */
      state = os_record_get_process_state (record);
      if (state != NULL &&
          (g_strcmp0 (state->process_id, os_process_get_id (definition)) != 0 ||
           state->process_version != os_process_get_version (definition)))
        {
          valid[i] = FALSE;
          continue;
        }
      /* The desk's clock is trusted only so far: not ahead of the server's by more than
       * a little (the engine checks the other bounds). */
      if (request->at > now + ACTION_CLOCK_SKEW)
        {
          refused[i] = req->lang == OS_LANG_EN
            ? g_strdup ("The time of this action is later than the server's clock by more than 10 minutes. "
                        "Check the date and time of this computer.")
            : g_strdup ("Thời điểm của thao tác muộn hơn giờ của máy chủ quá 10 phút. "
                        "Hãy kiểm tra ngày giờ của máy tính này.");
          continue;
        }
      /* Whoever the record is handed to must exist and be able to see it. */
      refused[i] = check_request_users (req, request, users, h->unit_id);
      if (refused[i] != NULL)
        continue;
      if (!os_process_engine_apply (definition, NULL, record, actor, request, &local_error))
        {
          refused[i] = g_strdup (local_error->message);
          continue;
        }
      agency = string_member (h->data, "agency");
      computed[i] = os_record_to_json (record, agency && *agency ? agency : h->agency,
                                       string_member (h->data, "unit_id"));
      /* The next action on this record (if any) starts from here. */
      g_clear_pointer (&h->data, json_node_unref);
      h->data = json_node_copy (computed[i]);
      h->version++;
    }
  return TRUE;
}
