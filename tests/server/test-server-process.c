/* test-server-process.c: process definitions (publish, list, ETag) and `action` mutations
 * judged by the server's process engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "os-error.h"
#include "os-process-engine.h"
#include "os-record-json.h"
#include "server-test.h"

static OsTestServer *srv;
static SoupSession *session;
static const char *base;
static char *client;
static char *desk_a, *desk_b;
static char *token_adm, *token_a, *token_s, *token_rs, *token_b, *token_h;
static char *process_id;     /* published once, version 1, by test_publish */
static gint next_number, last_number;

#define ST_AGENCY_C "000.00.13.H26"   /* a unit below A */

/* A definition that passes os_process_validate: Tiếp nhận → Thụ lý → Trả kết quả. */
static char *
definition_json (const char *id,
                 const char *name)
{
  return g_strdup_printf (
    "{\"id\":\"%s\",\"version\":0,\"name\":\"%s\",\"start\":\"s1\",\"procedures\":[\"1.001\"],"
    "\"steps\":["
    "{\"id\":\"s1\",\"name\":\"Tiếp nhận\",\"unit\":\"\",\"role\":\"reception\",\"budget\":1,"
    " \"abilities\":[\"hand_over\"],\"x\":0,\"y\":0},"
    "{\"id\":\"s2\",\"name\":\"Thụ lý\",\"unit\":\"\",\"role\":\"specialist\",\"budget\":4,"
    " \"abilities\":[\"process\"],\"x\":200,\"y\":0},"
    "{\"id\":\"s3\",\"name\":\"Trả kết quả\",\"unit\":\"\",\"role\":\"reception\",\"budget\":0,"
    " \"abilities\":[\"collect_fee\",\"return\"],\"x\":400,\"y\":0}],"
    "\"links\":["
    "{\"id\":\"l1\",\"from\":\"s1\",\"to\":\"s2\",\"outcome\":\"accept\"},"
    "{\"id\":\"l2\",\"from\":\"s2\",\"to\":\"s3\",\"outcome\":\"accept\"},"
    "{\"id\":\"l3\",\"from\":\"s2\",\"to\":\"s3\",\"outcome\":\"refuse\"}]}",
    id, name);
}

static char *
login_token (const char *user,
             const char *desk)
{
  g_autoptr(JsonNode) s = st_login (session, base, user, "pw", desk, client);

  return g_strdup (st_member (s, "access_token"));
}

static char *
next_code (void)
{
  if (next_number == 0 || next_number > last_number)
    {
      next_number = st_lease (session, base, token_a, client, ST_AGENCY_A, NULL, 50);
      last_number = next_number + 49;
    }
  return st_code (ST_AGENCY_A, next_number++);
}

/* A mutation with @payload (JSON text) as given. */
static char *
mutation_text (const char *mutation_id,
               const char *record_id,
               const char *kind,
               gint64      base_version,
               const char *payload)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);

  return g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"%s\",\"base_version\":%"
                          G_GINT64_FORMAT ",\"payload_hash\":\"%s\",\"action_time\":1795400000,"
                          "\"payload\":%s}",
                          mutation_id, record_id, kind, base_version, hash, payload);
}

/* The record JSON of a record just received on the process's start step. */
static char *
record_payload (const char *record_id,
                const char *code,
                const char *step_id,
                const char *step_name,
                const char *step_role,
                int         status,
                const char *notes)
{
  return g_strdup_printf (
    "{\"id\":\"%s\",\"code\":\"%s\",\"agency\":\"%s\",\"procedure_id\":\"1.001\","
    "\"procedure_code\":\"1.001\",\"procedure_name\":\"Đăng ký khai sinh\",\"field\":\"Hộ tịch\","
    "\"time_unit\":0,\"time_amount\":10,\"cutoff_minutes\":-1,"
    "\"applicant_name\":\"Nguyễn Văn A\",\"sets\":1,\"status\":%d,\"notes\":\"%s\","
    "\"received_at\":1795400000,\"due_at\":1796400000,"
    "\"documents\":[{\"name\":\"Tờ khai\",\"originals\":1,\"certified\":0,\"copies\":0}],"
    "\"process\":{\"process_id\":\"%s\",\"process_version\":1,\"step_id\":\"%s\","
    "\"step_name\":\"%s\",\"step_unit\":\"\",\"step_role\":\"%s\",\"assignee\":\"\","
    "\"co_processors\":[],\"step_entered_at\":1795400000,\"step_due_at\":1795450000,"
    "\"pause\":\"none\",\"paused_at\":0,\"paused_step\":\"\",\"supplements\":0,"
    "\"extended\":false,\"original_due_at\":0,\"extension_reason\":\"\",\"fee\":\"\","
    "\"result\":\"none\",\"entries\":[]}}",
    record_id, code, ST_AGENCY_A, status, notes, process_id, step_id, step_name, step_role);
}

static char *
action_payload (const char *pid,
                int         version,
                const char *action,
                const char *outcome)
{
  return g_strdup_printf ("{\"process_id\":\"%s\",\"process_version\":%d,\"request\":"
                          "{\"action\":\"%s\"%s%s%s,\"at\":1795401000,\"step_due_at\":1795500000,"
                          "\"due_at\":1796400000}}",
                          pid, version, action, outcome ? ",\"outcome\":\"" : "",
                          outcome ? outcome : "", outcome ? "\"" : "");
}

static JsonArray *
push_body (const char *token,
           const char *body,
           guint       expected)
{
  guint status = 0;
  g_autoptr(JsonNode) answer = st_request (session, base, "POST", "/sync/push", token, body, &status);
  JsonArray *results;

  g_assert_cmpuint (status, ==, 200);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, expected);
  return json_array_ref (results);
}

static JsonArray *
push_mutation (const char *token,
               const char *mutation)
{
  g_autofree char *body = st_push_body (client, mutation, NULL);

  return push_body (token, body, 1);
}

static const char *
status_of (JsonArray *r,
           guint      i)
{
  return json_object_get_string_member (json_array_get_object_element (r, i), "status");
}

static JsonObject *
error_of (JsonArray *r,
          guint      i)
{
  JsonObject *o = json_array_get_object_element (r, i);

  return json_object_has_member (o, "error") ? json_object_get_object_member (o, "error") : NULL;
}

static const char *
code_of (JsonArray *r,
         guint      i)
{
  JsonObject *e = error_of (r, i);

  return e ? json_object_get_string_member (e, "code") : NULL;
}

static char *
query_text (const char *sql)
{
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv));
  PGresult *res;
  char *value = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  if (PQntuples (res) > 0 && !PQgetisnull (res, 0, 0))
    value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return value;
}

static gint64
query_int (const char *sql)
{
  g_autofree char *text = query_text (sql);

  return text ? g_ascii_strtoll (text, NULL, 10) : -1;
}

/* A record received by `a` on step s1 (version 1); returns its id. */
static char *
receive_record (void)
{
  g_autofree char *code = next_code ();
  g_autofree char *m = st_uuid ();
  char *record = st_uuid ();
  g_autofree char *payload = record_payload (record, code, "s1", "Tiếp nhận", "reception", 2, "");
  g_autofree char *mutation = mutation_text (m, record, "receive", 0, payload);
  g_autoptr(JsonArray) r = push_mutation (token_a, mutation);

  g_assert_cmpstr (status_of (r, 0), ==, "applied");
  return record;
}

static char *
record_member (const char *record_id,
               const char *path)
{
  g_autofree char *sql = g_strdup_printf ("SELECT data #>> '%s' FROM records WHERE id = '%s'", path, record_id);

  return query_text (sql);
}

static gint64
record_version (const char *record_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version FROM records WHERE id = '%s'", record_id);

  return query_int (sql);
}

static JsonNode *
get_processes (const char *if_none_match,
               guint      *status)
{
  g_autoptr(GBytes) answer = st_request_raw (session, base, "GET", "/definitions/processes",
                                             "/definitions/processes", token_a, NULL, NULL,
                                             if_none_match, status);

  if (g_bytes_get_size (answer) == 0)
    return NULL;
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));

    return json_from_string (text, NULL);
  }
}

static void
test_publish (void)
{
  g_autofree char *draft = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *other_id = st_uuid ();
  g_autoptr(JsonNode) v1 = NULL, v2 = NULL, refused = NULL, invalid = NULL, list = NULL;
  g_autoptr(JsonNode) list2 = NULL, not_modified = NULL, other = NULL;
  g_autoptr(OsProcess) local = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  JsonArray *processes;
  guint status = 0;

  process_id = st_uuid ();
  draft = definition_json (process_id, "Quy trình mẫu");

  v1 = st_request (session, base, "POST", "/definitions/processes", token_adm, draft, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (st_member (v1, "id"), ==, process_id);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (v1), "version"), ==, 1);
  g_assert_cmpstr (st_member (v1, "published_by"), ==, "adm");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (v1), "published_at"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (v1), "steps")), ==, 3);

  v2 = st_request (session, base, "POST", "/definitions/processes", token_adm, draft, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (v2), "version"), ==, 2);

  /* Not an admin: 403, nothing published. */
  refused = st_request (session, base, "POST", "/definitions/processes", token_a, draft, &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_cmpstr (st_error_code (refused), ==, "forbidden");

  /* A blocking problem: 400 invalid_process with the rules' own sentence. */
  bad = g_strdup_printf ("{\"id\":\"%s\",\"version\":0,\"name\":\"Trống\",\"steps\":[],\"links\":[]}",
                         other_id);
  invalid = st_request (session, base, "POST", "/definitions/processes", token_adm, bad, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (st_error_code (invalid), ==, "invalid_process");
  local = os_process_new_from_data (bad, &error);
  g_assert_no_error (error);
  g_assert_false (os_process_validate (local, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (invalid),
                                                                                 "error"), "message"),
                   ==, error->message);
  {
    g_autofree char *extra = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"X\",\"colour\":\"red\"}", other_id);
    g_autoptr(JsonNode) unknown = st_request (session, base, "POST", "/definitions/processes", token_adm,
                                              extra, &status);

    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (st_error_code (unknown), ==, "unknown_field");
  }
  g_assert_cmpint (query_int ("SELECT count (*) FROM process_versions"), ==, 2);

  /* GET: both versions; the ETag answers 304 until something is published. */
  list = get_processes (NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  processes = json_object_get_array_member (json_node_get_object (list), "processes");
  g_assert_cmpuint (json_array_get_length (processes), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (processes, 1), "version"), ==, 2);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"",
                          json_object_get_int_member (json_node_get_object (list), "version"));
  not_modified = get_processes (etag, &status);
  g_assert_cmpuint (status, ==, 304);
  g_assert_null (not_modified);

  other = st_request (session, base, "POST", "/definitions/processes", token_adm,
                      definition_json (other_id, "Quy trình khác"), &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (other), "version"), ==, 1);
  list2 = get_processes (etag, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (list2), "processes")),
                    ==, 3);
}

/* Publications of one id on several connections at once never share a version. */
typedef struct
{
  guint done;
  guint created;
} Publishing;

static void
published_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Publishing *p = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  g_assert_no_error (error);
  os_test_openapi_record ("POST", "/definitions/processes", soup_message_get_status (msg), body);
  if (soup_message_get_status (msg) == 201)
    p->created++;
  p->done++;
}

static void
test_publish_concurrent (void)
{
  g_autofree char *id = st_uuid ();
  g_autofree char *draft = definition_json (id, "Song song");
  g_autofree char *url = g_strconcat (base, "/definitions/processes", NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", token_adm, NULL);
  g_autoptr(GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = g_strdup_printf ("SELECT count (DISTINCT version) || '/' || max (version)"
                                          "  FROM process_versions WHERE id = '%s'", id);
  g_autofree char *text = NULL;
  Publishing p = { 0, 0 };

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) body = g_bytes_new (draft, strlen (draft));

      g_ptr_array_add (sessions, os_test_server_new_session (srv));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      soup_session_send_and_read_async (sessions->pdata[i], msg, G_PRIORITY_DEFAULT, NULL,
                                        published_cb, &p);
    }
  while (p.done < 6)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (p.created, ==, 6);
  text = query_text (sql);
  g_assert_cmpstr (text, ==, "6/6");
}

static void
test_action_applied (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m = st_uuid ();
  g_autofree char *payload = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *mutation = mutation_text (m, record, "action", 1, payload);
  g_autoptr(JsonArray) r = push_mutation (token_a, mutation);
  g_autofree char *step = NULL, *status = NULL, *actor = NULL, *cursor = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) page = NULL;
  JsonArray *changes;
  gboolean seen = FALSE;
  guint http = 0;

  g_assert_cmpstr (status_of (r, 0), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (r, 0), "version"), ==, 2);
  g_assert_cmpint (record_version (record), ==, 2);
  step = record_member (record, "{process,step_id}");
  g_assert_cmpstr (step, ==, "s2");
  status = record_member (record, "{status}");
  g_assert_cmpstr (status, ==, "4");
  actor = record_member (record, "{process,entries,0,actor}");
  g_assert_cmpstr (actor, ==, "a");

  /* The feed carries the record as the server computed it. */
  path = g_strdup_printf ("/sync/changes?limit=5000");
  page = st_request (session, base, "GET", path, token_a, NULL, &http);
  g_assert_cmpuint (http, ==, 200);
  changes = json_object_get_array_member (json_node_get_object (page), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      JsonObject *data, *process;

      if (!g_str_equal (json_object_get_string_member (c, "id"), record) ||
          json_object_get_int_member (c, "version") != 2)
        continue;
      data = json_object_get_object_member (c, "data");
      process = json_object_get_object_member (data, "process");
      g_assert_cmpstr (json_object_get_string_member (process, "step_id"), ==, "s2");
      g_assert_cmpint (json_object_get_int_member (data, "status"), ==, 4);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (process, "entries")), ==, 1);
      seen = TRUE;
    }
  g_assert_true (seen);
  /* One audit row, naming the action. */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM audit_log WHERE entity_id = '%s'"
                                            " AND action = 'action' AND details ->> 'process_action' = 'hand_over'",
                                            record);

    g_assert_cmpint (query_int (sql), ==, 1);
  }
}

/* The refusal's message is the engine's own sentence, as a desk computes it. */
static char *
expected_refusal (const char *record_id,
                  const char *username,
                  const char *role,
                  const char *action,
                  const char *outcome)
{
  g_autofree char *data = NULL, *definition = NULL, *payload = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsProcess) process = NULL;
  g_autoptr(OsActor) actor = NULL;
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(JsonNode) node = NULL, payload_node = NULL;
  g_autoptr(GError) error = NULL;
  const char *roles[] = { role, NULL };
  const char *units[] = { ST_AGENCY_A, NULL };

  sql = g_strdup_printf ("SELECT data FROM records WHERE id = '%s'", record_id);
  data = query_text (sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT data FROM process_versions WHERE id = '%s' AND version = 1", process_id);
  definition = query_text (sql);
  node = json_from_string (data, NULL);
  record = os_record_new_from_json (node, &error);
  g_assert_no_error (error);
  process = os_process_new_from_data (definition, &error);
  g_assert_no_error (error);
  payload = action_payload (process_id, 1, action, outcome);
  payload_node = json_from_string (payload, NULL);
  request = os_action_request_from_json (json_object_get_member (json_node_get_object (payload_node), "request"),
                                         &error);
  g_assert_no_error (error);
  actor = os_actor_new (username, username, roles, units, desk_a);
  g_assert_false (os_process_engine_apply (process, NULL, record, actor, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  return g_strdup (error->message);
}

static void
test_action_refused (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *sign = action_payload (process_id, 1, "sign", "accept");
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *not_here = mutation_text (m1, record, "action", 1, sign);
  g_autofree char *wrong_role = mutation_text (m2, record, "action", 1, hand_over);
  g_autofree char *expected1 = expected_refusal (record, "a", "reception", "sign", "accept");
  g_autofree char *expected2 = expected_refusal (record, "s", "specialist", "hand_over", NULL);
  g_autoptr(JsonArray) r1 = NULL, r2 = NULL;
  g_autofree char *step = NULL;

  /* Signing is not something Tiếp nhận can do. */
  r1 = push_mutation (token_a, not_here);
  g_assert_cmpstr (status_of (r1, 0), ==, "rejected");
  g_assert_cmpstr (code_of (r1, 0), ==, "action_refused");
  g_assert_false (json_object_get_boolean_member (error_of (r1, 0), "retryable"));
  g_assert_cmpstr (json_object_get_string_member (error_of (r1, 0), "message"), ==, expected1);

  /* A specialist may not hand over from reception's step. */
  r2 = push_mutation (token_s, wrong_role);
  g_assert_cmpstr (code_of (r2, 0), ==, "action_refused");
  g_assert_cmpstr (json_object_get_string_member (error_of (r2, 0), "message"), ==, expected2);

  /* Nothing changed, and the ids are free to be judged again. */
  g_assert_cmpint (record_version (record), ==, 1);
  step = record_member (record, "{process,step_id}");
  g_assert_cmpstr (step, ==, "s1");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM mutations WHERE id IN ('%s', '%s')", m1, m2);

    g_assert_cmpint (query_int (sql), ==, 0);
  }
}

static void
test_action_stale_and_invalid (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid (), *m3 = st_uuid (), *m4 = st_uuid ();
  g_autofree char *m5 = st_uuid ();
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *unknown = action_payload (process_id, 99, "hand_over", NULL);
  g_autofree char *first = mutation_text (m1, record, "action", 1, hand_over);
  g_autofree char *stale = mutation_text (m2, record, "action", 1, hand_over);
  g_autofree char *bad_definition = mutation_text (m3, record, "action", 2, unknown);
  g_autofree char *bad_request = NULL, *bad_payload = NULL;
  g_autoptr(JsonArray) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL, again = NULL;

  r1 = push_mutation (token_a, first);
  g_assert_cmpstr (status_of (r1, 0), ==, "applied");
  /* Another desk acted on version 1 too: stale, final. */
  r2 = push_mutation (token_rs, stale);
  g_assert_cmpstr (code_of (r2, 0), ==, "stale_version");
  g_assert_false (json_object_get_boolean_member (error_of (r2, 0), "retryable"));
  /* The first one again: duplicate, whatever the record's version now. */
  again = push_mutation (token_a, first);
  g_assert_cmpstr (status_of (again, 0), ==, "duplicate");

  /* An unknown definition, an unknown action, a payload of the wrong shape: invalid. */
  r3 = push_mutation (token_s, bad_definition);
  g_assert_cmpstr (code_of (r3, 0), ==, "invalid");
  {
    g_autofree char *payload = g_strdup_printf ("{\"process_id\":\"%s\",\"process_version\":1,"
                                                "\"request\":{\"action\":\"fly\",\"at\":1}}", process_id);

    bad_request = mutation_text (m4, record, "action", 2, payload);
  }
  r4 = push_mutation (token_s, bad_request);
  g_assert_cmpstr (code_of (r4, 0), ==, "invalid");
  bad_payload = mutation_text (m5, record, "action", 2, "{\"process_id\":\"x\"}");
  r5 = push_mutation (token_s, bad_payload);
  g_assert_cmpstr (code_of (r5, 0), ==, "invalid");
  g_assert_cmpint (record_version (record), ==, 2);

  /* A record whose process state no desk could read does not enter the feed. */
  {
    g_autofree char *code = next_code ();
    g_autofree char *m = st_uuid (), *other = st_uuid ();
    g_autofree char *payload = g_strdup_printf ("{\"id\":\"%s\",\"code\":\"%s\",\"applicant_name\":\"A\","
                                                "\"procedure_name\":\"P\",\"status\":2,"
                                                "\"process\":{\"process_id\":\"%s\",\"process_version\":\"one\"}}",
                                                other, code, process_id);
    g_autofree char *mutation = mutation_text (m, other, "receive", 0, payload);
    g_autoptr(JsonArray) r = push_mutation (token_a, mutation);

    g_assert_cmpstr (code_of (r, 0), ==, "invalid");
  }
}

/* Edit mode never moves the process: the server keeps its state and instants. */
static void
test_update_keeps_process (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *act = mutation_text (m1, record, "action", 1, hand_over);
  g_autofree char *code = record_member (record, "{code}");
  g_autofree char *edited = record_payload (record, code, "s3", "Trả kết quả", "reception", 10, "Sửa tên");
  g_autofree char *update = mutation_text (m2, record, "update", 2, edited);
  g_autoptr(JsonArray) r1 = push_mutation (token_a, act);
  g_autoptr(JsonArray) r2 = push_mutation (token_a, update);
  g_autofree char *step = NULL, *status = NULL, *notes = NULL, *entries = NULL, *returned = NULL;

  g_assert_cmpstr (status_of (r1, 0), ==, "applied");
  g_assert_cmpstr (status_of (r2, 0), ==, "applied");
  g_assert_cmpint (record_version (record), ==, 3);
  step = record_member (record, "{process,step_id}");
  status = record_member (record, "{status}");
  notes = record_member (record, "{notes}");
  returned = record_member (record, "{returned_at}");
  g_assert_cmpstr (step, ==, "s2");
  g_assert_cmpstr (status, ==, "4");
  g_assert_cmpstr (notes, ==, "Sửa tên");
  g_assert_true (returned == NULL || g_str_equal (returned, "0"));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT jsonb_array_length (data -> 'process' -> 'entries')"
                                            "  FROM records WHERE id = '%s'", record);

    g_assert_cmpint (query_int (sql), ==, 1);
  }
}

/* Two actions on one record in one batch: the second is judged on the first's result. */
static void
test_chained_actions (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *process = action_payload (process_id, 1, "process", "accept");
  g_autofree char *a1 = mutation_text (m1, record, "action", 1, hand_over);
  g_autofree char *a2 = mutation_text (m2, record, "action", 2, process);
  g_autofree char *body = st_push_body (client, a1, a2, NULL);
  g_autoptr(JsonArray) r = push_body (token_rs, body, 2);
  g_autofree char *step = NULL;

  g_assert_cmpstr (status_of (r, 0), ==, "applied");
  g_assert_cmpstr (status_of (r, 1), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (r, 1), "version"), ==, 3);
  step = record_member (record, "{process,step_id}");
  g_assert_cmpstr (step, ==, "s3");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT jsonb_array_length (data -> 'process' -> 'entries')"
                                            "  FROM records WHERE id = '%s'", record);

    g_assert_cmpint (query_int (sql), ==, 2);
  }
}

/* Another unit's record answers like a missing one. */
static void
test_other_unit (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *missing = st_uuid ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);
  g_autofree char *theirs = mutation_text (m1, record, "action", 1, hand_over);
  g_autofree char *nowhere = mutation_text (m2, missing, "action", 1, hand_over);
  g_autofree char *body = st_push_body (client, theirs, nowhere, NULL);
  g_autoptr(JsonArray) r = push_body (token_b, body, 2);
  JsonObject *e0, *e1;

  g_assert_cmpstr (code_of (r, 0), ==, "out_of_order");
  g_assert_cmpstr (code_of (r, 1), ==, "out_of_order");
  e0 = error_of (r, 0);
  e1 = error_of (r, 1);
  g_assert_cmpstr (json_object_get_string_member (e0, "message"), ==,
                   json_object_get_string_member (e1, "message"));
  g_assert_true (json_object_get_boolean_member (e0, "retryable"));
  g_assert_cmpint (record_version (record), ==, 1);
}

/* @patch (JSON object text, or NULL) applied to @target: each member replaces @target's,
 * a null one removes it. */
static void
apply_patch (JsonObject *target,
             const char *patch)
{
  g_autoptr(JsonNode) node = NULL;
  GList *members;
  JsonObject *o;

  if (patch == NULL)
    return;
  node = json_from_string (patch, NULL);
  g_assert_nonnull (node);
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *v = json_object_get_member (o, l->data);

      if (JSON_NODE_HOLDS_NULL (v))
        json_object_remove_member (target, l->data);
      else
        json_object_set_member (target, l->data, json_node_copy (v));
    }
  g_list_free (members);
}

/* @payload (a record) with @process_patch applied to its `process`, then @record_patch. */
static char *
patched (const char *payload,
         const char *record_patch,
         const char *process_patch)
{
  g_autoptr(JsonNode) node = json_from_string (payload, NULL);
  JsonObject *record;

  g_assert_nonnull (node);
  record = json_node_get_object (node);
  if (process_patch != NULL)
    apply_patch (json_object_get_object_member (record, "process"), process_patch);
  apply_patch (record, record_patch);
  return json_to_string (node, FALSE);
}

/* A push body of creations; @records gets their ids. */
static char *
creations_body (GPtrArray          *records,
                const char * const *kinds,
                const char * const *record_patches,
                const char * const *process_patches,
                guint               n)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *code = next_code ();
      g_autofree char *m = st_uuid ();
      char *record = st_uuid ();
      g_autofree char *plain = record_payload (record, code, "s1", "Tiếp nhận", "reception", 2, "");
      g_autofree char *payload = patched (plain, record_patches[i], process_patches[i]);
      g_autofree char *mutation = mutation_text (m, record, kinds[i], 0, payload);

      g_ptr_array_add (records, record);
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, mutation);
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static gboolean
record_exists (const char *record_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM records WHERE id = '%s'", record_id);

  return query_int (sql) == 1;
}

/* A creation may carry a process only in the state a record just received has (review 5,
 * finding 2): any other state, or a process on a refusal, is `invalid`. */
static void
test_receive_initial_state (void)
{
  g_autofree char *ghost = st_uuid ();
  g_autofree char *ghost_process = g_strdup_printf ("{\"process_id\":\"%s\"}", ghost);
  const char *entry = "{\"entries\":[{\"seq\":1,\"action\":\"return\",\"outcome\":\"accept\","
                      "\"at\":1795400500,\"actor\":\"someone\",\"actor_name\":\"X\",\"desk\":\"\","
                      "\"from_step\":\"s3\",\"to_step\":\"\",\"assignee\":\"\",\"reason\":\"\",\"note\":\"\","
                      "\"step_due_at\":0,\"rolled_back\":false,\"before\":\"\"}]}";
  /* Rejected, each for one reason; the last two are applied (version 2 is published). */
  const char *kinds[] = {
    "receive", "receive", "receive", "receive", "receive", "receive", "receive", "receive",
    "receive", "receive", "receive", "receive", "receive", "receive", "receive", "receive",
    "receive", "receive", "receive", "refuse", "request-supplement", "receive",
    "receive", "receive",
  };
  const char *record_patches[] = {
    NULL,                                                                   /* later step */
    "{\"status\":10,\"finished_at\":1795401000,\"returned_at\":1795402000}", /* returned */
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    "{\"procedure_id\":\"9.999\"}",                                         /* not its procedure */
    "{\"procedure_id\":null}",
    NULL, NULL, NULL, NULL,
    "{\"status\":4}",
    "{\"returned_at\":1795402000}",
    "{\"status\":3}",
    "{\"status\":5}",
    NULL,
    NULL,                                                                   /* applied */
    NULL,                                                                   /* applied */
  };
  const char *process_patches[] = {
    "{\"step_id\":\"s2\",\"step_name\":\"Thụ lý\",\"step_role\":\"specialist\"}",
    "{\"step_id\":\"\",\"step_name\":\"\",\"step_role\":\"\",\"result\":\"approved\"}",
    entry,
    "{\"pause\":\"supplement\",\"paused_at\":1795400000,\"paused_step\":\"s1\"}",
    "{\"supplements\":2}",
    "{\"extended\":true,\"original_due_at\":1796000000}",
    "{\"assignee\":\"s\"}",
    "{\"co_processors\":[\"rs\"]}",
    "{\"fee\":\"50000\"}",
    "{\"process_version\":99}",
    ghost_process,
    NULL,
    NULL,
    "{\"step_name\":\"Khác\"}",
    "{\"step_role\":\"leader\"}",
    "{\"step_entered_at\":1795300000}",
    "{\"step_due_at\":1826936000}",                                         /* a year on */
    NULL,
    NULL,
    NULL,
    NULL,
    "{\"process_id\":\"not-a-uuid\"}",
    NULL,
    "{\"process_version\":2}",
  };
  const guint n = G_N_ELEMENTS (kinds);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = NULL;
  g_autoptr(JsonArray) r = NULL;

  G_STATIC_ASSERT (G_N_ELEMENTS (record_patches) == G_N_ELEMENTS (kinds));
  G_STATIC_ASSERT (G_N_ELEMENTS (process_patches) == G_N_ELEMENTS (kinds));

  /* Every one is a record a desk can read: what refuses them is the state's check. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *plain = record_payload ("00000000-0000-7000-8000-000000000000", "X-260101-0001",
                                               "s1", "Tiếp nhận", "reception", 2, "");
      g_autofree char *text = patched (plain, record_patches[i], process_patches[i]);
      g_autoptr(JsonNode) node = json_from_string (text, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OsRecord) record = os_record_new_from_json (node, &error);

      g_assert_no_error (error);
      g_assert_nonnull (record);
    }

  body = creations_body (records, kinds, record_patches, process_patches, n);
  r = push_body (token_a, body, n);
  for (guint i = 0; i < n - 2; i++)
    {
      g_test_message ("case %u", i);
      g_assert_cmpstr (status_of (r, i), ==, "rejected");
      g_assert_cmpstr (code_of (r, i), ==, "invalid");
      g_assert_false (json_object_get_boolean_member (error_of (r, i), "retryable"));
      g_assert_false (record_exists (records->pdata[i]));
    }
  for (guint i = n - 2; i < n; i++)
    {
      g_autofree char *step = record_member (records->pdata[i], "{process,step_id}");

      g_assert_cmpstr (status_of (r, i), ==, "applied");
      g_assert_cmpstr (step, ==, "s1");
    }
}

/* An update never attaches a process to a record held without one (finding 3). */
static void
test_update_never_attaches_process (void)
{
  g_autofree char *code = next_code ();
  g_autofree char *record = st_uuid ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *with = record_payload (record, code, "s1", "Tiếp nhận", "reception", 2, "");
  g_autofree char *without = patched (with, "{\"process\":null}", NULL);
  g_autofree char *receive = mutation_text (m1, record, "receive", 0, without);
  g_autofree char *returned = record_payload (record, code, "s3", "Trả kết quả", "reception", 10, "Sửa");
  g_autofree char *edited = patched (returned, "{\"finished_at\":1795401000,\"returned_at\":1795402000}", NULL);
  g_autofree char *update = mutation_text (m2, record, "update", 1, edited);
  g_autoptr(JsonArray) r1 = push_mutation (token_a, receive);
  g_autoptr(JsonArray) r2 = push_mutation (token_a, update);
  g_autofree char *process = NULL, *notes = NULL, *status = NULL;

  g_assert_cmpstr (status_of (r1, 0), ==, "applied");
  g_assert_cmpstr (status_of (r2, 0), ==, "applied");
  g_assert_cmpint (record_version (record), ==, 2);
  process = record_member (record, "{process}");
  notes = record_member (record, "{notes}");
  status = record_member (record, "{status}");
  g_assert_null (process);
  g_assert_cmpstr (notes, ==, "Sửa");
  /* A record that follows no process is edited as before issue 5. */
  g_assert_cmpstr (status, ==, "10");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM changes WHERE id = '%s'"
                                            " AND data ? 'process'", record);

    g_assert_cmpint (query_int (sql), ==, 0);
  }
}

/* An action dated more than 10 minutes after the server's clock is refused (finding 4). */
static void
test_action_from_the_future (void)
{
  g_autofree char *record = receive_record ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *ahead = g_strdup_printf ("{\"process_id\":\"%s\",\"process_version\":1,\"request\":"
                                            "{\"action\":\"hand_over\",\"at\":%" G_GINT64_FORMAT ","
                                            "\"step_due_at\":%" G_GINT64_FORMAT ",\"due_at\":1796400000}}",
                                            process_id, now + 3600, now + 3600 + 86400);
  g_autofree char *skewed = g_strdup_printf ("{\"process_id\":\"%s\",\"process_version\":1,\"request\":"
                                             "{\"action\":\"hand_over\",\"at\":%" G_GINT64_FORMAT ","
                                             "\"step_due_at\":%" G_GINT64_FORMAT ",\"due_at\":1796400000}}",
                                             process_id, now + 60, now + 60 + 86400);
  g_autofree char *a1 = mutation_text (m1, record, "action", 1, ahead);
  g_autofree char *a2 = mutation_text (m2, record, "action", 1, skewed);
  g_autoptr(JsonArray) r1 = push_mutation (token_a, a1);
  g_autoptr(JsonArray) r2 = NULL;
  g_autofree char *step = NULL;

  g_assert_cmpstr (code_of (r1, 0), ==, "action_refused");
  g_assert_false (json_object_get_boolean_member (error_of (r1, 0), "retryable"));
  g_assert_nonnull (strstr (json_object_get_string_member (error_of (r1, 0), "message"), "10 phút"));
  g_assert_cmpint (record_version (record), ==, 1);

  /* A minute ahead is a clock's usual drift. */
  r2 = push_mutation (token_a, a2);
  g_assert_cmpstr (status_of (r2, 0), ==, "applied");
  step = record_member (record, "{process,step_id}");
  g_assert_cmpstr (step, ==, "s2");
}

/* The server's bounds are the desks' (finding 7): a record no desk could read is
 * `invalid`. */
static void
test_record_bounds (void)
{
  const char *kinds[] = { "receive", "receive", "receive", "receive", "receive", "receive",
                          "receive", "receive", "receive" };
  const char *record_patches[] = {
    "{\"process\":null,\"time_unit\":7}",
    "{\"process\":null,\"delivery\":2}",
    "{\"process\":null,\"channel\":0}",
    "{\"process\":null,\"channel\":4}",
    "{\"process\":null,\"cutoff_minutes\":1441}",
    "{\"process\":null,\"due_at\":253402300800}",
    "{\"process\":null,\"documents\":[{\"name\":\"Tờ khai\",\"originals\":-1}]}",
    /* The limits themselves are fine. */
    "{\"process\":null,\"time_unit\":2,\"delivery\":1,\"channel\":3,\"cutoff_minutes\":1440}",
    "{\"process\":null,\"due_at\":253402300799}",
  };
  const char *process_patches[G_N_ELEMENTS (kinds)] = { NULL };
  const guint n = G_N_ELEMENTS (kinds), bad = 7;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *body = creations_body (records, kinds, record_patches, process_patches, n);
  g_autoptr(JsonArray) r = push_body (token_a, body, n);

  for (guint i = 0; i < bad; i++)
    {
      g_test_message ("case %u", i);
      g_assert_cmpstr (code_of (r, i), ==, "invalid");
      g_assert_false (record_exists (records->pdata[i]));
    }
  for (guint i = bad; i < n; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT data::text FROM records WHERE id = '%s'",
                                              (char *) records->pdata[i]);
      g_autofree char *data = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(OsRecord) record = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (status_of (r, i), ==, "applied");
      /* What was stored, a desk reads. */
      data = query_text (sql);
      node = json_from_string (data, NULL);
      record = os_record_new_from_json (node, &error);
      g_assert_no_error (error);
    }
}

/* Phân công: Tiếp nhận → Phân công (head; assign) → Thụ lý → Trả kết quả. */
static char *
assign_definition_json (const char *id)
{
  return g_strdup_printf (
    "{\"id\":\"%s\",\"version\":0,\"name\":\"Có phân công\",\"start\":\"s1\",\"procedures\":[\"1.001\"],"
    "\"steps\":["
    "{\"id\":\"s1\",\"name\":\"Tiếp nhận\",\"unit\":\"\",\"role\":\"reception\",\"budget\":1,"
    " \"abilities\":[\"hand_over\"],\"x\":0,\"y\":0},"
    "{\"id\":\"s2\",\"name\":\"Phân công\",\"unit\":\"\",\"role\":\"department_head\",\"budget\":1,"
    " \"abilities\":[\"assign\",\"hand_over\"],\"x\":200,\"y\":0},"
    "{\"id\":\"s3\",\"name\":\"Thụ lý\",\"unit\":\"\",\"role\":\"specialist\",\"budget\":4,"
    " \"abilities\":[\"process\"],\"x\":400,\"y\":0},"
    "{\"id\":\"s4\",\"name\":\"Trả kết quả\",\"unit\":\"\",\"role\":\"reception\",\"budget\":0,"
    " \"abilities\":[\"collect_fee\",\"return\"],\"x\":600,\"y\":0}],"
    "\"links\":["
    "{\"id\":\"l1\",\"from\":\"s1\",\"to\":\"s2\",\"outcome\":\"accept\"},"
    "{\"id\":\"l2\",\"from\":\"s2\",\"to\":\"s3\",\"outcome\":\"accept\"},"
    "{\"id\":\"l3\",\"from\":\"s3\",\"to\":\"s4\",\"outcome\":\"accept\"},"
    "{\"id\":\"l4\",\"from\":\"s3\",\"to\":\"s4\",\"outcome\":\"refuse\"}]}",
    id);
}

static char *
assign_mutation (const char *pid,
                 const char *record,
                 const char *assignee,
                 const char *co_processors)
{
  g_autofree char *m = st_uuid ();
  g_autofree char *payload = g_strdup_printf ("{\"process_id\":\"%s\",\"process_version\":1,\"request\":"
                                              "{\"action\":\"assign\",\"assignee\":\"%s\","
                                              "\"co_processors\":%s,\"at\":1795402000,"
                                              "\"step_due_at\":1795600000,\"due_at\":1796400000}}",
                                              pid, assignee, co_processors);

  return mutation_text (m, record, "action", 2, payload);
}

/* An assignee (and co-processors) must be an enabled user who can see the record
 * (finding 8). */
static void
test_assign_checks_users (void)
{
  g_autofree char *pid = st_uuid ();
  g_autofree char *draft = assign_definition_json (pid);
  g_autoptr(JsonNode) published = NULL;
  g_autofree char *code = next_code ();
  g_autofree char *record = st_uuid ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *plain = record_payload (record, code, "s1", "Tiếp nhận", "reception", 2, "");
  g_autofree char *process = g_strdup_printf ("{\"process_id\":\"%s\"}", pid);
  g_autofree char *payload = patched (plain, NULL, process);
  g_autofree char *receive = mutation_text (m1, record, "receive", 0, payload);
  g_autofree char *hand_over_payload = action_payload (pid, 1, "hand_over", NULL);
  g_autofree char *hand_over = mutation_text (m2, record, "action", 1, hand_over_payload);
  g_autofree char *disabled = NULL;
  const char *names[] = { "nobody", "b", "off", "cs", "ghost" };
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(JsonArray) r0 = NULL, r1 = NULL, r = NULL;
  g_autofree char *assignee = NULL, *co = NULL, *step = NULL;
  guint status = 0;

  published = st_request (session, base, "POST", "/definitions/processes", token_adm, draft, &status);
  g_assert_cmpuint (status, ==, 201);
  disabled = query_text ("UPDATE users SET disabled = true WHERE username = 'off' RETURNING username");
  g_assert_cmpstr (disabled, ==, "off");

  r0 = push_mutation (token_a, receive);
  g_assert_cmpstr (status_of (r0, 0), ==, "applied");
  r1 = push_mutation (token_a, hand_over);
  g_assert_cmpstr (status_of (r1, 0), ==, "applied");

  /* Unknown; of another unit; disabled; of a unit below (which cannot see up); a
   * co-processor unknown; then a good one. All in one push, all on version 2. */
  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *m = assign_mutation (pid, record, names[i], "[]");

      g_string_append_printf (body, "%s,", m);
    }
  {
    g_autofree char *ghost = assign_mutation (pid, record, "s", "[\"rs\",\"ghost\"]");
    g_autofree char *good = assign_mutation (pid, record, "s", "[\"rs\"]");

    g_string_append_printf (body, "%s,%s]}", ghost, good);
  }
  r = push_body (token_h, body->str, 6);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *expected = g_strdup_printf ("Không có người dùng “%s” trong đơn vị xử lý hồ sơ này.",
                                                   names[i]);

      g_test_message ("case %u", i);
      g_assert_cmpstr (code_of (r, i), ==, "action_refused");
      g_assert_false (json_object_get_boolean_member (error_of (r, i), "retryable"));
      g_assert_cmpstr (json_object_get_string_member (error_of (r, i), "message"), ==, expected);
    }
  g_assert_cmpstr (status_of (r, 5), ==, "applied");
  g_assert_cmpint (record_version (record), ==, 3);
  assignee = record_member (record, "{process,assignee}");
  co = record_member (record, "{process,co_processors,0}");
  step = record_member (record, "{process,step_id}");
  g_assert_cmpstr (assignee, ==, "s");
  g_assert_cmpstr (co, ==, "rs");
  g_assert_cmpstr (step, ==, "s3");
}

/* Push speed with actions (a benchmark: only with `-m perf`, see tests/server/meson.build):
 * batches of 100 `update` mutations against batches of 100 `action` mutations (the
 * server runs the engine on each), each on its own record at version 1. */
static char *
bench_batch (const char * const *records,
             guint               n,
             const char         *kind)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *hand_over = action_payload (process_id, 1, "hand_over", NULL);

  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *m = st_uuid ();
      g_autofree char *code = NULL, *payload = NULL, *mutation = NULL;

      if (g_str_equal (kind, "update"))
        {
          code = record_member (records[i], "{code}");
          payload = record_payload (records[i], code, "s1", "Tiếp nhận", "reception", 2, "Sửa");
        }
      mutation = mutation_text (m, records[i], kind, 1, payload ? payload : hand_over);
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, mutation);
    }
  g_string_append (body, "]}");
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static GPtrArray *
bench_receive (guint n)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(JsonArray) r = NULL;

  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *code = next_code ();
      g_autofree char *m = st_uuid ();
      char *record = st_uuid ();
      g_autofree char *payload = record_payload (record, code, "s1", "Tiếp nhận", "reception", 2, "");
      g_autofree char *mutation = mutation_text (m, record, "receive", 0, payload);

      g_ptr_array_add (records, record);
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, mutation);
    }
  g_string_append (body, "]}");
  r = push_body (token_a, body->str, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (status_of (r, i), ==, "applied");
  return records;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
test_push_speed (void)
{
  const guint batch = 100, rounds = 9;
  g_autoptr(GArray) update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) action_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double u, a;

  if (!g_test_perf ())
    {
      g_test_skip ("a benchmark: run with -m perf");
      return;
    }
  if (process_id == NULL)   /* run alone (-p) */
    {
      g_autofree char *draft = NULL;
      g_autoptr(JsonNode) published = NULL;
      guint status = 0;

      process_id = st_uuid ();
      draft = definition_json (process_id, "Quy trình đo");
      published = st_request (session, base, "POST", "/definitions/processes", token_adm, draft, &status);
      g_assert_cmpuint (status, ==, 201);
    }
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) records = bench_receive (batch);
      g_autoptr(GPtrArray) more = bench_receive (batch);
      g_autofree char *updates = bench_batch ((const char * const *) records->pdata, batch, "update");
      g_autofree char *actions = bench_batch ((const char * const *) more->pdata, batch, "action");
      g_autoptr(JsonArray) ru = NULL, ra = NULL;
      gint64 t0, t1, t2;

      t0 = g_get_monotonic_time ();
      ru = push_body (token_a, updates, batch);
      t1 = g_get_monotonic_time ();
      ra = push_body (token_a, actions, batch);
      t2 = g_get_monotonic_time ();
      for (guint i = 0; i < batch; i++)
        {
          g_assert_cmpstr (status_of (ru, i), ==, "applied");
          g_assert_cmpstr (status_of (ra, i), ==, "applied");
        }
      g_array_append_val (update_ms, (double) { (t1 - t0) / 1000.0 });
      g_array_append_val (action_ms, (double) { (t2 - t1) / 1000.0 });
    }
  g_array_sort (update_ms, compare_doubles);
  g_array_sort (action_ms, compare_doubles);
  u = g_array_index (update_ms, double, rounds / 2);
  a = g_array_index (action_ms, double, rounds / 2);
  g_test_minimized_result (a, "push of %u actions: median %.1f ms (%.2f ms each)", batch, a, a / batch);
  g_test_message ("push of %u updates: median %.1f ms (%.2f ms each); actions/updates %.2f",
                  batch, u, u / batch, a / u);
}

int
main (int    argc,
      char **argv)
{
  int result;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  srv = os_test_server_new ();
  if (srv != NULL)
    {
      g_free (os_test_server_add_unit (srv, ST_AGENCY_A, "UBND A", NULL));
      g_free (os_test_server_add_unit (srv, ST_AGENCY_B, "UBND B", NULL));
      g_free (os_test_server_add_user (srv, "adm", "pw", "admin", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "a", "pw", "reception", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "s", "pw", "specialist", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "rs", "pw", "reception,specialist", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "b", "pw", "reception,specialist", ST_AGENCY_B));
      g_free (os_test_server_add_unit (srv, ST_AGENCY_C, "Phòng C", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "h", "pw", "department_head", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "off", "pw", "specialist", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "cs", "pw", "specialist", ST_AGENCY_C));
      desk_a = os_test_server_add_desk (srv, ST_AGENCY_A, "Quầy A");
      desk_b = os_test_server_add_desk (srv, ST_AGENCY_B, "Quầy B");
      client = st_uuid ();
      os_test_server_start (srv);
      session = os_test_server_new_session (srv);
      base = os_test_server_get_base_url (srv);
      token_adm = login_token ("adm", desk_a);
      token_a = login_token ("a", desk_a);
      token_s = login_token ("s", desk_a);
      token_rs = login_token ("rs", desk_a);
      token_b = login_token ("b", desk_b);
      token_h = login_token ("h", desk_a);

      g_test_add_func ("/server/process/publish", test_publish);
      g_test_add_func ("/server/process/publish-concurrent", test_publish_concurrent);
      g_test_add_func ("/server/process/action-applied", test_action_applied);
      g_test_add_func ("/server/process/action-refused", test_action_refused);
      g_test_add_func ("/server/process/stale-and-invalid", test_action_stale_and_invalid);
      g_test_add_func ("/server/process/update-keeps-process", test_update_keeps_process);
      g_test_add_func ("/server/process/chained-actions", test_chained_actions);
      g_test_add_func ("/server/process/other-unit", test_other_unit);
      g_test_add_func ("/server/process/receive-initial-state", test_receive_initial_state);
      g_test_add_func ("/server/process/update-never-attaches", test_update_never_attaches_process);
      g_test_add_func ("/server/process/action-from-the-future", test_action_from_the_future);
      g_test_add_func ("/server/process/record-bounds", test_record_bounds);
      g_test_add_func ("/server/process/assign-checks-users", test_assign_checks_users);
      g_test_add_func ("/server/process/push-speed", test_push_speed);
    }
  result = g_test_run ();
  g_clear_object (&session);
  os_test_server_free (srv);
  return result;
}
