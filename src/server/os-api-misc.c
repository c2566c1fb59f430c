/* os-api-misc.c: GET /health, POST /codes/lease, GET /definitions/procedures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-api.h"
#include "os-db-pool.h"

#include <string.h>

void
os_api_health (OsRequest *req,
               PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = os_db_exec (conn, "SELECT 1", 0, NULL, &error);

  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  os_request_reply (req, 200, g_strdup ("{\"status\":\"ok\",\"version\":\"" PACKAGE_VERSION "\"}"));
}

/* At most this many leased numbers of an agency and day a client has not used yet: a
 * desk leases a few blocks ahead, never the whole day. */
#define OS_LEASE_MAX_UNUSED 2000

static const OsFieldSpec lease_specs[] = {
  { "client_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "agency_code", OS_FIELD_STRING, TRUE, 1, 64 },
  { "day", OS_FIELD_DATE, TRUE, 0, 0 },
  { "count", OS_FIELD_INT, TRUE, 1, 1000 },
  { NULL }
};

void
os_api_lease (OsRequest *req,
              PGconn    *conn)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *count = NULL;
  JsonObject *body = os_request_parse_body (req, &root);
  const char *status;
  const char *params[7];
  const char *max_unused = G_STRINGIFY (OS_LEASE_MAX_UNUSED);

  if (body == NULL || !os_request_check_object (req, body, lease_specs, NULL))
    return;
  /* Blocks are leased to the client the session was opened for. */
  if (!g_str_equal (json_object_get_string_member (body, "client_id"), req->client_id))
    {
      os_request_fail (req, 403, "forbidden", "client_id", "client_mismatch");
      return;
    }
  count = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (body, "count"));
  params[0] = req->user_id;
  params[1] = req->units;
  params[2] = req->client_id;
  params[3] = json_object_get_string_member (body, "agency_code");
  params[4] = json_object_get_string_member (body, "day");
  params[5] = count;
  params[6] = max_unused;
  res = os_db_exec (conn, "SELECT status, first, last FROM os_lease_codes ($1, $2, $3, $4, $5, $6, $7)",
                    7, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  status = PQgetvalue (res, 0, 0);
  if (strcmp (status, "forbidden") == 0)
    {
      os_request_fail (req, 403, "forbidden", NULL, NULL);
      return;
    }
  if (strcmp (status, "bad_day") == 0)
    {
      os_request_fail (req, 400, "invalid_field", "day", "lease_day");
      return;
    }
  if (strcmp (status, "limit") == 0)
    {
      os_request_fail (req, 409, "lease_limit", NULL, NULL);
      return;
    }
  if (strcmp (status, "exhausted") == 0)
    {
      os_request_fail (req, 409, "codes_exhausted", NULL, NULL);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "agency_code");
  json_builder_add_string_value (b, params[3]);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, params[4]);
  json_builder_set_member_name (b, "first");
  json_builder_add_int_value (b, g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10));
  json_builder_set_member_name (b, "last");
  json_builder_add_int_value (b, g_ascii_strtoll (PQgetvalue (res, 0, 2), NULL, 10));
  json_builder_end_object (b);
  answer = json_builder_get_root (b);
  os_request_reply_node (req, 200, answer);
}

void
os_api_procedures (OsRequest *req,
                   PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *etag = NULL;
  const char *params[1];
  const char *version;

  /* The ETag is the catalogue version; the catalogue is only read when the desk's copy is
   * not current. */
  params[0] = req->if_none_match;
  res = os_db_exec (conn,
                    "WITH c AS (SELECT coalesce (max (version), 0) AS version FROM procedure_catalogue)"
                    "SELECT c.version,"
                    "       CASE WHEN '\"' || c.version || '\"' = $1 THEN NULL"
                    "            ELSE (SELECT json_build_object ('version', c.version, 'procedures',"
                    "                          coalesce ((SELECT procedures FROM procedure_catalogue), '[]'))"
                    "                 )::text END"
                    "  FROM c",
                    1, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  version = PQgetvalue (res, 0, 0);
  req->etag = g_strdup_printf ("\"%s\"", version);
  if (PQgetisnull (res, 0, 1))
    os_request_reply (req, 304, NULL);
  else
    os_request_reply (req, 200, g_strdup (PQgetvalue (res, 0, 1)));
}
