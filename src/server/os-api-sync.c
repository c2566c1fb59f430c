/* os-api-sync.c: POST /sync/push and GET /sync/changes.
 *
 * Push: the shape of the whole request is checked first (a fault is a 400 for all of it);
 * then each mutation's payload is checked (a fault is that mutation's `invalid`), and
 * each valid one is applied by os_apply_mutation() (data/sql/server/0002-functions.sql)
 * as a statement of its own, that is its own transaction. An `action` mutation is first run
 * through the process engine on the server's copy of the record (os-api-processes.c): the
 * record it computes is what SQL stores, a refusal is that mutation's `action_refused`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-api.h"
#include "os-db-pool.h"
#include "os-api-blobs.h"
#include "os-types.h"

#include <stdlib.h>
#include <string.h>

#define AGENCY_MAX_LENGTH 64

static const OsFieldSpec push_specs[] = {
  { "client_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "mutations", OS_FIELD_ARRAY, TRUE, 1, 100 },
  { NULL }
};

static const OsFieldSpec mutation_specs[] = {
  { "id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "record_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "kind", OS_FIELD_STRING, TRUE, 1, 32 },
  { "base_version", OS_FIELD_INT, TRUE, 0, G_MAXINT32 },
  { "payload_hash", OS_FIELD_HEX64, TRUE, 0, 0 },
  { "action_time", OS_FIELD_INT, TRUE, G_MININT64, G_MAXINT64 },
  { "payload", OS_FIELD_OBJECT, TRUE, 0, 0 },
  { NULL }
};

/* An instant (UTC seconds) up to the end of year 9999. */
#define INSTANT_MAX G_GINT64_CONSTANT (253402300799)

/* record_payload() of src/core/os-store.c; other members are kept as they are. What a
 * desk needs to take a record from the feed (record_from_data() of os-store.c) is
 * required here, and integers are bounded as os_record_new_from_json() (which every desk
 * and the server's engine read records with) bounds them, or tighter, so nothing a desk
 * cannot apply enters the feed. payload_is_valid() reads the payload with
 * os_record_new_from_json() too. */
static const OsFieldSpec record_specs[] = {
  { "id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "code", OS_FIELD_STRING, TRUE, 1, 100 },
  { "procedure_id", OS_FIELD_STRING, FALSE, 0, 0 },
  { "procedure_code", OS_FIELD_STRING, FALSE, 0, 0 },
  { "procedure_name", OS_FIELD_STRING, TRUE, 1, 0 },
  { "field", OS_FIELD_STRING, FALSE, 0, 0 },
  { "agency", OS_FIELD_STRING, FALSE, 0, 0 },
  { "applicant_name", OS_FIELD_STRING, TRUE, 1, 0 },
  { "id_number", OS_FIELD_STRING, FALSE, 0, 0 },
  { "birth_date", OS_FIELD_STRING, FALSE, 0, 0 },
  { "phone", OS_FIELD_STRING, FALSE, 0, 0 },
  { "email", OS_FIELD_STRING, FALSE, 0, 0 },
  { "address", OS_FIELD_STRING, FALSE, 0, 0 },
  { "sets", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "delivery", OS_FIELD_INT, FALSE, OS_DELIVERY_DESK, OS_DELIVERY_POST },
  { "channel", OS_FIELD_INT, FALSE, OS_CHANNEL_IN_PERSON, OS_CHANNEL_POST },
  { "time_unit", OS_FIELD_INT, FALSE, OS_TIME_UNIT_SESSIONS, OS_TIME_UNIT_SAME_DAY },
  { "time_amount", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "cutoff_minutes", OS_FIELD_INT, FALSE, -1, 24 * 60 },
  { "book_volume", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "book_number", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "notes", OS_FIELD_STRING, FALSE, 0, 0 },
  { "officer", OS_FIELD_STRING, FALSE, 0, 0 },
  { "reason", OS_FIELD_STRING, FALSE, 0, 0 },
  { "status", OS_FIELD_INT, TRUE, OS_STATUS_FIRST, OS_STATUS_LAST },
  { "received_at", OS_FIELD_INT, FALSE, 0, INSTANT_MAX },
  { "due_at", OS_FIELD_INT, FALSE, 0, INSTANT_MAX },
  { "finished_at", OS_FIELD_INT, FALSE, 0, INSTANT_MAX },
  { "returned_at", OS_FIELD_INT, FALSE, 0, INSTANT_MAX },
  { "documents", OS_FIELD_ARRAY, FALSE, 0, 0 },
  { NULL }
};

static const OsFieldSpec document_specs[] = {
  { "name", OS_FIELD_STRING, TRUE, 0, 0 },
  { "originals", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "certified", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { "copies", OS_FIELD_INT, FALSE, 0, G_MAXINT32 },
  { NULL }
};

/* attachment_payload() of src/core/os-store.c. */
static const OsFieldSpec attachment_specs[] = {
  { "id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "record_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "document_name", OS_FIELD_STRING, FALSE, 0, 0 },
  { "file_name", OS_FIELD_STRING, FALSE, 0, 0 },
  { "mime_type", OS_FIELD_STRING, FALSE, 0, 0 },
  { "sha256", OS_FIELD_STRING, FALSE, 0, 0 },
  { "size", OS_FIELD_INT, FALSE, G_MININT64, G_MAXINT64 },
  { "pages", OS_FIELD_INT, FALSE, G_MININT64, G_MAXINT64 },
  { "created_at", OS_FIELD_INT, FALSE, G_MININT64, G_MAXINT64 },
  { NULL }
};

static const char * const kinds[] = {
  "receive", "refuse", "request-supplement", "update", "attach", "detach", "delete", "action", NULL
};

/* AGENCY-YYMMDD-NNNN (four or five digits, a real date), DOMAIN.md. */
static gboolean
code_is_valid (const char *code)
{
  const char *dash2 = strrchr (code, '-');
  const char *dash1;
  gsize digits;
  guint yy, mm, dd;

  if (dash2 == NULL || dash2 == code)
    return FALSE;
  digits = strlen (dash2 + 1);
  if (digits < 4 || digits > 5)
    return FALSE;
  for (const char *p = dash2 + 1; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (atoi (dash2 + 1) < 1)
    return FALSE;
  dash1 = dash2 - 7;
  if (dash1 <= code || *dash1 != '-')
    return FALSE;
  for (const char *p = dash1 + 1; p < dash2; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  yy = (dash1[1] - '0') * 10 + (dash1[2] - '0');
  mm = (dash1[3] - '0') * 10 + (dash1[4] - '0');
  dd = (dash1[5] - '0') * 10 + (dash1[6] - '0');
  if (!g_date_valid_dmy (dd, mm, 2000 + yy))
    return FALSE;
  return dash1 - code <= AGENCY_MAX_LENGTH;
}

static gboolean
payload_is_valid (const char *kind,
                  const char *record_id,
                  JsonObject *payload)
{
  const char *field = NULL;

  if (g_str_equal (kind, "delete"))
    return TRUE;
  if (g_str_equal (kind, "action"))
    return os_api_action_payload_is_valid (payload);
  if (g_str_equal (kind, "attach") || g_str_equal (kind, "detach"))
    return os_check_object (payload, attachment_specs, TRUE, &field) == NULL &&
           g_str_equal (json_object_get_string_member (payload, "record_id"), record_id);

  if (os_check_object (payload, record_specs, TRUE, &field) != NULL)
    return FALSE;
  /* A process state every desk can read (os_process_state_from_json), or none. */
  if (json_object_has_member (payload, "process") &&
      !os_api_process_state_is_valid (json_object_get_member (payload, "process")))
    return FALSE;
  /* And the record as a whole as every desk reads it (record_from_data() of os-store.c),
   * whatever bounds the rules set now or later. */
  if (!os_api_record_is_readable (payload))
    return FALSE;
  if (!g_str_equal (json_object_get_string_member (payload, "id"), record_id) ||
      !code_is_valid (json_object_get_string_member (payload, "code")))
    return FALSE;
  if (json_object_has_member (payload, "documents"))
    {
      JsonArray *documents = json_object_get_array_member (payload, "documents");

      for (guint i = 0; i < json_array_get_length (documents); i++)
        {
          JsonNode *d = json_array_get_element (documents, i);

          if (!JSON_NODE_HOLDS_OBJECT (d) ||
              os_check_object (json_node_get_object (d), document_specs, TRUE, &field) != NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (out, quoted);
}

/* @message NULL: the code's own. */
static void
append_rejected_message (GString    *out,
                         OsLang      lang,
                         const char *id,
                         const char *record_id,
                         const char *code,
                         const char *message,
                         gboolean    retryable)
{
  g_string_append_printf (out, "{\"id\":\"%s\",\"record_id\":\"%s\",\"status\":\"rejected\","
                          "\"error\":{\"code\":\"%s\",\"message\":", id, record_id, code);
  if (message == NULL)
    message = os_api_blobs_message (lang, code) ? os_api_blobs_message (lang, code)
                                                : os_request_message (lang, code);
  append_json_string (out, message);
  g_string_append_printf (out, ",\"retryable\":%s}}", retryable ? "true" : "false");
}

static void
append_rejected (GString    *out,
                 OsLang      lang,
                 const char *id,
                 const char *record_id,
                 const char *code,
                 gboolean    retryable)
{
  append_rejected_message (out, lang, id, record_id, code, NULL, retryable);
}

/* os_apply_mutation()'s result, with the message of a rejection added. */
static void
append_result (GString    *out,
               OsLang      lang,
               const char *id,
               const char *record_id,
               const char *result)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object, *error;

  if (strstr (result, "\"rejected\"") == NULL)
    {
      g_string_append (out, result);
      return;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, result, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      append_rejected (out, lang, id, record_id, "unavailable", TRUE);
      return;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  error = json_object_get_object_member (object, "error");
  append_rejected (out, lang, id, record_id, json_object_get_string_member (error, "code"),
                   json_object_get_boolean_member (error, "retryable"));
}

/* The whole batch in one statement, so one transaction and one round trip. FALSE when a
 * statement failed (the batch rolled back); a lost connection answers 503 here. */
static gboolean
apply_batch (OsRequest  *req,
             PGconn     *conn,
             const char *client_id,
             JsonArray  *batch,
             GPtrArray  *results)
{
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), batch);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[5] = { req->user_id, req->desk_id, client_id, req->units, text };

  res = os_db_exec (conn, "SELECT * FROM os_push_batch ($1, $2, $3, $4, $5)", 5, params, &error);
  if (res == NULL)
    {
      if (g_error_matches (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE))
        {
          os_api_db_fail (req, error);
          return FALSE;
        }
      g_message ("push batch failed, applying its mutations one by one: %s", error->message);
      return FALSE;
    }
  g_assert ((guint) PQntuples (res) == json_array_get_length (batch));
  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (results, g_strdup (PQgetvalue (res, i, 0)));
  return TRUE;
}

/* The fallback: each mutation in a transaction of its own; one that fails is rejected
 * as `unavailable` (retryable) and the others go on. FALSE (503 answered) when the
 * database went away. */
static gboolean
apply_one_by_one (OsRequest  *req,
                  PGconn     *conn,
                  const char *client_id,
                  JsonArray  *batch,
                  GPtrArray  *results)
{
  if (req->status != 0)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (batch); i++)
    {
      JsonObject *m = json_array_get_object_element (batch, i);
      g_autofree char *base = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               json_object_get_int_member (m, "base_version"));
      g_autofree char *action_time = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                      json_object_get_int_member (m, "action_time"));
      g_autofree char *payload_text = json_to_string (json_object_get_member (m, "payload"), FALSE);
      g_autoptr(PGresult) res = NULL;
      g_autoptr(GError) error = NULL;
      const char *params[11];

      params[0] = req->user_id;
      params[1] = req->desk_id;
      params[2] = client_id;
      params[3] = req->units;
      params[4] = json_object_get_string_member (m, "id");
      params[5] = json_object_get_string_member (m, "record_id");
      params[6] = json_object_get_string_member (m, "kind");
      params[7] = base;
      params[8] = json_object_get_string_member (m, "payload_hash");
      params[9] = action_time;
      params[10] = payload_text;
      res = os_db_exec (conn,
                        "SELECT os_apply_mutation ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        11, params, &error);
      if (res != NULL)
        g_ptr_array_add (results, g_strdup (PQgetvalue (res, 0, 0)));
      else if (g_error_matches (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE))
        {
          /* The answer says nothing of the mutations applied so far: the desk sends the
           * batch again and the applied ones come back as duplicates. */
          os_api_db_fail (req, error);
          return FALSE;
        }
      else
        {
          g_warning ("mutation %s failed: %s", params[4], error->message);
          g_ptr_array_add (results,
                           g_strdup_printf ("{\"status\":\"rejected\",\"error\":{\"code\":\"unavailable\","
                                            "\"retryable\":true}}"));
        }
    }
  return TRUE;
}

static void
node_unref0 (gpointer node)
{
  if (node != NULL)
    json_node_unref (node);
}

void
os_api_push (OsRequest *req,
             PGconn    *conn)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(JsonArray) batch = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree gboolean *valid = NULL;
  g_autofree gboolean *missing = NULL;
  g_autoptr(GPtrArray) computed = NULL;   /* JsonNode *, or NULL */
  g_autoptr(GPtrArray) refused = NULL;    /* char *, or NULL */
  JsonObject *body = os_request_parse_body (req, &root);
  JsonArray *mutations;
  const char *client_id;
  guint n;

  if (body == NULL || !os_request_check_object (req, body, push_specs, NULL))
    return;
  mutations = json_object_get_array_member (body, "mutations");
  n = json_array_get_length (mutations);

  /* The shape of every mutation first: a malformed one refuses the whole batch. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (mutations, i);
      g_autofree char *prefix = g_strdup_printf ("mutations[%u]", i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          os_request_fail (req, 400, "invalid_field", prefix, NULL);
          return;
        }
      if (!os_request_check_object (req, json_node_get_object (node), mutation_specs, prefix))
        return;
      if (!g_strv_contains (kinds, json_object_get_string_member (json_node_get_object (node), "kind")))
        {
          g_autofree char *field = g_strconcat (prefix, ".kind", NULL);

          os_request_fail (req, 400, "invalid_field", field, NULL);
          return;
        }
    }

  /* Codes are leased to the client the session was opened for: a push speaks for it. */
  client_id = req->client_id;
  if (!g_str_equal (json_object_get_string_member (body, "client_id"), client_id))
    {
      os_request_fail (req, 403, "forbidden", "client_id", "client_mismatch");
      return;
    }

  /* Payloads next: an invalid one is that mutation's `invalid`, the others go on. */
  valid = g_new0 (gboolean, n);
  missing = g_new0 (gboolean, n);
  computed = g_ptr_array_new_full (n, node_unref0);
  g_ptr_array_set_size (computed, n);
  refused = g_ptr_array_new_full (n, g_free);
  g_ptr_array_set_size (refused, n);
  batch = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);

      valid[i] = payload_is_valid (json_object_get_string_member (m, "kind"),
                                   json_object_get_string_member (m, "record_id"),
                                   json_object_get_object_member (m, "payload"));
      /* An attach names its file, which must be all on the server first (os-api-blobs.h):
       * until it is, the mutation is `blob_missing`, retryable. */
      if (valid[i] && g_str_equal (json_object_get_string_member (m, "kind"), "attach"))
        {
          const char *sha256 = json_object_get_string_member_with_default (
            json_object_get_object_member (m, "payload"), "sha256", "");

          if (!os_api_blobs_sha256_is_valid (sha256))
            valid[i] = FALSE;
          else
            missing[i] = !os_api_blobs_have (conn, sha256, req->user_id, req->units);
        }
    }

  /* Actions: the server runs the process engine on its copy of the record; what it
   * computed is what SQL stores (kind `action`), a refusal is that mutation's answer.
   * A creation carrying a process must carry the state the engine starts with. */
  if (!os_api_process_prepare (req, conn, mutations, valid, (JsonNode **) computed->pdata,
                               (char **) refused->pdata))
    return;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);

      if (!valid[i] || missing[i] || refused->pdata[i] != NULL)
        continue;
      if (computed->pdata[i] != NULL)
        {
          JsonObject *copy = json_object_new ();
          GList *members = json_object_get_members (m);

          for (GList *l = members; l != NULL; l = l->next)
            if (!g_str_equal (l->data, "payload"))
              json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (m, l->data)));
          g_list_free (members);
          json_object_set_member (copy, "payload", g_steal_pointer (&computed->pdata[i]));
          json_array_add_object_element (batch, copy);
        }
      else
        json_array_add_element (batch, json_node_copy (json_array_get_element (mutations, i)));
    }

  results = g_ptr_array_new_with_free_func (g_free);
  if (json_array_get_length (batch) > 0 &&
      !apply_batch (req, conn, client_id, batch, results) &&
      !apply_one_by_one (req, conn, client_id, batch, results))
    return;

  out = g_string_sized_new (200 * n + 20);
  g_string_append (out, "{\"results\":[");
  for (guint i = 0, applied = 0; i < n; i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);
      const char *id = json_object_get_string_member (m, "id");
      const char *record_id = json_object_get_string_member (m, "record_id");

      if (i > 0)
        g_string_append_c (out, ',');
      if (!valid[i])
        append_rejected (out, req->lang, id, record_id, "invalid", FALSE);
      else if (missing[i])
        append_rejected (out, req->lang, id, record_id, "blob_missing", TRUE);
      else if (refused->pdata[i] != NULL)
        append_rejected_message (out, req->lang, id, record_id, "action_refused", refused->pdata[i], FALSE);
      else
        append_result (out, req->lang, id, record_id, results->pdata[applied++]);
    }
  g_string_append (out, "]}");
  os_request_reply (req, 200, g_string_free (g_steal_pointer (&out), FALSE));
}

/* A decimal number of at most @max, nothing else (no sign, no spaces, no overflow). */
static gboolean
parse_decimal (const char *text,
               guint64     max)
{
  guint64 value;

  if (*text == '\0' || strlen (text) > 20)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL);
}

static gboolean
is_fingerprint (const char *text)
{
  if (strlen (text) != 8)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

void
os_api_changes (OsRequest *req,
                PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_auto(GStrv) parts = NULL;
  const char *cursor = req->query ? g_hash_table_lookup (req->query, "cursor") : NULL;
  const char *limit = req->query ? g_hash_table_lookup (req->query, "limit") : NULL;
  const char *params[5];
  guint n_parts;

  /* The cursor is "TXID.POS.FP" (see os_changes_page()); desks treat it as opaque. A
   * cursor without its fingerprint starts the feed over. */
  if (cursor == NULL || *cursor == '\0')
    cursor = "0.0";
  if (strlen (cursor) > 64)
    {
      os_request_fail (req, 400, "invalid_field", "cursor", NULL);
      return;
    }
  parts = g_strsplit (cursor, ".", 4);
  n_parts = g_strv_length (parts);
  if ((n_parts != 2 && n_parts != 3) ||
      !parse_decimal (parts[0], G_MAXUINT64) || !parse_decimal (parts[1], G_MAXINT64) ||
      (n_parts == 3 && !is_fingerprint (parts[2])))
    {
      os_request_fail (req, 400, "invalid_field", "cursor", NULL);
      return;
    }
  if (limit == NULL)
    limit = "1000";
  if (!parse_decimal (limit, 5000) || atoi (limit) < 1)
    {
      os_request_fail (req, 400, "invalid_field", "limit", NULL);
      return;
    }
  params[0] = req->units;
  params[1] = parts[0];
  params[2] = parts[1];
  params[3] = n_parts == 3 ? parts[2] : NULL;
  params[4] = limit;
  res = os_db_exec (conn, "SELECT os_changes_page ($1, $2, $3, $4, $5)", 5, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  os_request_reply (req, 200, g_strdup (PQgetvalue (res, 0, 0)));
}
