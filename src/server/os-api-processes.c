/* os-api-processes.c: GET and POST /definitions/processes, and the process engine's part
 * of a push (`action` mutations, os_api_actions_prepare()).
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

gboolean
os_api_actions_prepare (OsRequest   *req,
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
  g_autoptr(GHashTable) held = NULL;
  g_autoptr(GHashTable) definitions = NULL;   /* "id/version" → JsonNode text, then OsProcess */
  g_autoptr(GHashTable) processes = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsActor) actor = NULL;
  g_autofree char *username = NULL;
  g_autoptr(JsonNode) user = NULL;
  const char *params[5];
  guint actions = 0;

  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);
      JsonObject *payload;
      g_autofree char *version = NULL;

      if (!valid[i] || !g_str_equal (json_object_get_string_member (m, "kind"), "action"))
        continue;
      payload = json_object_get_object_member (m, "payload");
      version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                 json_object_get_int_member (payload, "process_version"));
      append_array_item (record_ids, json_object_get_string_member (m, "record_id"));
      append_array_item (process_ids, json_object_get_string_member (payload, "process_id"));
      append_array_item (process_versions, version);
      actions++;
    }
  if (actions == 0)
    return TRUE;
  g_string_append_c (record_ids, '}');
  g_string_append_c (process_ids, '}');
  g_string_append_c (process_versions, '}');

  /* One round trip: the records (of the user's units only: another unit's record is not
   * there, like a missing one), the definitions named, and who acts. */
  params[0] = record_ids->str;
  params[1] = req->units;
  params[2] = process_ids->str;
  params[3] = process_versions->str;
  params[4] = req->user_id;
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
                    "  FROM users u WHERE u.id = $5",
                    5, params, &error);
  if (res == NULL)
    return os_api_db_fail (req, error);

  held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, held_free);
  definitions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  processes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
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
      JsonObject *payload;
      Held *h;
      g_autofree char *key = NULL;
      g_autoptr(OsActionRequest) request = NULL;
      g_autoptr(OsRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;
      OsProcess *definition;
      OsProcessState *state;
      const char *agency;

      if (!valid[i] || !g_str_equal (json_object_get_string_member (m, "kind"), "action"))
        continue;
      payload = json_object_get_object_member (m, "payload");
      h = g_hash_table_lookup (held, json_object_get_string_member (m, "record_id"));
      /* Missing, another unit's, deleted or at another version: SQL gives the answer
       * (out_of_order / stale_version) without looking at the payload. */
      if (h == NULL || h->deleted || h->data == NULL ||
          json_object_get_int_member (m, "base_version") != h->version)
        continue;

      key = g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                             json_object_get_string_member (payload, "process_id"),
                             json_object_get_int_member (payload, "process_version"));
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
