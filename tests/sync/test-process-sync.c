/* test-process-sync.c: actions on records synced between desks and the server, which
 * judges every action again with the same process engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <string.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-record-json.h"
#include "os-store-process.h"
#include "sync-desk.h"

/* Ten minutes ago, but today (local): the desk holds numbers for today onwards only, so a
 * run just after midnight must not receive yesterday. */
static gint64
received_a_while_ago (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GDate today = os_datetime_local_date (now);

  return MAX (now - 600, os_date_start_instant (&today));
}

#define AGENCY_A SYNC_AGENCY_A
#define PROCEDURE "dang-ky-khai-sinh"

/* Tiếp nhận (reception: hand over) → Thụ lý (specialist) → Trả kết quả (reception). With
 * @tampered, the reception step may also collect the fee (what a desk with a doctored
 * copy of the definition would allow). */
static char *
definition_json (const char *id,
                 gboolean    tampered)
{
  return g_strdup_printf (
    "{\"id\":\"%s\",\"version\":0,\"name\":\"Quy trình thử\",\"start\":\"s1\","
    "\"procedures\":[\"" PROCEDURE "\"],"
    "\"steps\":["
    "{\"id\":\"s1\",\"name\":\"Tiếp nhận\",\"unit\":\"\",\"role\":\"reception\",\"budget\":1,"
    " \"abilities\":[\"hand_over\"%s],\"x\":0,\"y\":0},"
    "{\"id\":\"s2\",\"name\":\"Thụ lý\",\"unit\":\"\",\"role\":\"specialist\",\"budget\":4,"
    " \"abilities\":[\"process\"],\"x\":200,\"y\":0},"
    "{\"id\":\"s3\",\"name\":\"Trả kết quả\",\"unit\":\"\",\"role\":\"reception\",\"budget\":0,"
    " \"abilities\":[\"collect_fee\",\"return\"],\"x\":400,\"y\":0}],"
    "\"links\":["
    "{\"id\":\"l1\",\"from\":\"s1\",\"to\":\"s2\",\"outcome\":\"accept\"},"
    "{\"id\":\"l2\",\"from\":\"s2\",\"to\":\"s3\",\"outcome\":\"accept\"},"
    "{\"id\":\"l3\",\"from\":\"s2\",\"to\":\"s3\",\"outcome\":\"refuse\"}]}",
    id, tampered ? ",\"collect_fee\"" : "");
}

/* Publishes the definition on the server as an admin (POST /definitions/processes) and
 * returns it as published. */
static OsProcess *
publish (SyncWorld  *w,
         const char *id)
{
  g_autoptr(SoupSession) session = os_test_server_new_session (w->server);
  g_autofree char *client = g_uuid_string_random ();
  g_autofree char *login = g_strdup_printf ("{\"username\":\"quantri\",\"password\":\"mat-khau-qt\","
                                            "\"desk_id\":\"%s\",\"client_id\":\"%s\"}", w->desk3, client);
  g_autofree char *draft = definition_json (id, FALSE);
  g_autofree char *url = NULL, *auth = NULL, *text = NULL;
  g_autoptr(SoupMessage) msg = NULL, post = NULL;
  g_autoptr(GBytes) answer = NULL, published = NULL;
  g_autoptr(GBytes) login_body = g_bytes_new (login, strlen (login));
  g_autoptr(GBytes) draft_body = g_bytes_new (draft, strlen (draft));
  g_autoptr(JsonNode) session_node = NULL;
  g_autoptr(GError) error = NULL;
  OsProcess *process;

  url = g_strconcat (sync_world_url (w), "/auth/login", NULL);
  msg = soup_message_new ("POST", url);
  soup_message_set_request_body_from_bytes (msg, "application/json", login_body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  session_node = json_from_string (text, &error);
  g_assert_no_error (error);
  auth = g_strconcat ("Bearer ", json_object_get_string_member (json_node_get_object (session_node),
                                                                "access_token"), NULL);

  g_free (url);
  url = g_strconcat (sync_world_url (w), "/definitions/processes", NULL);
  post = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (post), "Authorization", auth);
  soup_message_set_request_body_from_bytes (post, "application/json", draft_body);
  published = soup_session_send_and_read (session, post, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (post), ==, 201);
  g_free (text);
  text = g_strndup (g_bytes_get_data (published, NULL), g_bytes_get_size (published));
  process = os_process_new_from_data (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_process_get_version (process), ==, 1);
  return process;
}

/* The desk's officer as the server knows them (the test users' full name is their user
 * name): the same actor on both sides, so both judge alike. */
static void
set_actor (SyncDesk   *desk,
           const char *username,
           const char *desk_id)
{
  const char *roles[] = { OS_ROLE_RECEPTION, NULL };
  const char *units[] = { AGENCY_A, NULL };
  g_autoptr(OsActor) actor = os_actor_new (username, username, roles, units, desk_id);

  os_store_set_actor (desk->store, actor);
}

static SyncDesk *
new_desk (SyncWorld  *w,
          const char *desk_id,
          const char *username,
          const char *password,
          OsProcess  *definition)
{
  SyncDesk *desk = sync_desk_new (w->server, sync_world_url (w), AGENCY_A, desk_id, username, password);
  g_autoptr(GError) error = NULL;

  set_actor (desk, username, desk_id);
  /* The first copy of a published version stays: a definition pulled later does not
   * replace this one (which matters for the tampered copy). */
  g_assert_true (os_store_put_process_version (desk->store, definition, &error));
  g_assert_no_error (error);
  /* Code blocks for today. */
  g_assert_true (sync_desk_sync (desk, &error));
  g_assert_no_error (error);
  return desk;
}

static void
sync_both (SyncDesk *a,
           SyncDesk *b)
{
  GAsyncResult *ra = NULL, *rb = NULL;
  g_autoptr(GError) ea = NULL, eb = NULL;

  /* Both pushes are under way before either answer is read. */
  os_sync_engine_sync_async (a->engine, NULL, os_test_store_result, &ra);
  os_sync_engine_sync_async (b->engine, NULL, os_test_store_result, &rb);
  while (ra == NULL || rb == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (os_sync_engine_sync_finish (a->engine, ra, &ea));
  g_assert_no_error (ea);
  g_assert_true (os_sync_engine_sync_finish (b->engine, rb, &eb));
  g_assert_no_error (eb);
  g_object_unref (ra);
  g_object_unref (rb);
}

static OsRecord *
load (SyncDesk   *desk,
      const char *code)
{
  g_autoptr(GError) error = NULL;
  OsRecord *record = os_store_find_record_by_code (desk->store, code, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static OsActionRequest *
request_new (OsAction    action,
             const char *reason)
{
  OsActionRequest *request = os_action_request_new (action);

  request->at = g_get_real_time () / G_USEC_PER_SEC;
  request->reason = g_strdup (reason);
  return request;
}

static void
act (SyncDesk        *desk,
     const char      *code,
     gint64           version,
     OsActionRequest *request)
{
  g_autoptr(OsRecord) record = load (desk, code);
  g_autoptr(OsRecord) acted = NULL;
  g_autoptr(GError) error = NULL;

  acted = os_store_apply_action (desk->store, os_record_get_id (record), version, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (acted);
}

/* A record received on desk 1, synced to the server and desk 2; returns its code. */
static char *
receive_and_share (SyncDesk *d1,
                   SyncDesk *d2)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  ids = sync_desk_receive (d1, 1, received_a_while_ago (), 1, "Người nộp");
  record = os_store_load_record (d1->store, g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (os_record_get_process_state (record));
  sync_desk_sync_all (d1, 3);
  if (d2 != NULL)
    g_assert_true (sync_desk_sync (d2, &error));
  g_assert_no_error (error);
  return g_strdup (os_record_get_code (record));
}

/* Two desks act on version 1 of one record while offline, then sync at the same moment:
 * the server applies exactly one action (version 2), the other desk's action is
 * quarantined as stale_version with the server's copy held, and once that desk discards
 * it both desks show the same state. */
static void
test_concurrent_actions (gconstpointer data)
{
  gboolean desk2_first = GPOINTER_TO_INT (data);
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d1 = NULL, d2 = NULL;
  g_autoptr(OsProcess) definition = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) r1 = NULL, r2 = NULL;
  g_autoptr(OsActionRequest) hand_over = NULL, withdraw = NULL;
  g_autofree char *code = NULL, *pid = g_uuid_string_random ();
  g_autofree char *sql = NULL, *server_step = NULL;
  SyncDesk *loser, *winner;
  OsProcessState *s1, *s2;
  OsQuarantined *q;

  if (!sync_world_init (&w))
    return;
  g_free (os_test_server_add_user (w.server, "quantri", "mat-khau-qt", "admin", AGENCY_A));
  definition = publish (&w, pid);
  d1 = new_desk (&w, w.desk1, "an", "mat-khau-an", definition);
  d2 = new_desk (&w, w.desk2, "binh", "mat-khau-binh", definition);
  code = receive_and_share (d1, d2);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT version FROM records"), ==, 1);
  r2 = load (d2, code);
  g_assert_nonnull (os_record_get_process_state (r2));
  g_assert_cmpstr (os_record_get_process_state (r2)->step_id, ==, "s1");
  g_clear_object (&r2);

  /* Desk 1 hands the record over, desk 2 records a withdrawal, both on version 1. */
  hand_over = request_new (OS_ACTION_HAND_OVER, NULL);
  withdraw = request_new (OS_ACTION_WITHDRAW, "Công dân xin rút hồ sơ");
  act (d1, code, 1, hand_over);
  act (d2, code, 1, withdraw);
  if (desk2_first)
    {
      /* The same, with the order fixed: desk 2's withdrawal arrives first. */
      g_assert_true (sync_desk_sync (d2, &error));
      g_assert_true (sync_desk_sync (d1, &error));
      g_assert_no_error (error);
    }
  else
    sync_both (d1, d2);
  /* A second round each, so the winner's change reaches the loser's store. */
  g_assert_true (sync_desk_sync (d1, &error));
  g_assert_true (sync_desk_sync (d2, &error));
  g_assert_no_error (error);

  /* Exactly one action applied on the server. */
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT version FROM records"), ==, 2);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT count (*) FROM audit_log WHERE action = 'action'"),
                   ==, 1);
  g_assert_cmpint (sync_server_query_int (w.server,
                                          "SELECT jsonb_array_length (data -> 'process' -> 'entries') FROM records"),
                   ==, 1);
  g_assert_cmpint (os_store_count_quarantined (d1->store) + os_store_count_quarantined (d2->store), ==, 1);
  loser = os_store_count_quarantined (d1->store) == 1 ? d1 : d2;
  winner = loser == d1 ? d2 : d1;
  g_test_message ("desk %d's action was applied, desk %d's quarantined", winner == d1 ? 1 : 2,
                  loser == d1 ? 1 : 2);
  if (desk2_first)
    g_assert_true (winner == d2);
  g_assert_cmpint (os_store_count_quarantined (winner->store), ==, 0);
  g_assert_cmpint (os_store_count_pending (winner->store), ==, 0);
  server_step = sync_server_query_text (w.server, "SELECT data -> 'process' ->> 'step_id' FROM records");
  /* A withdrawal finishes the process: no step any more. */
  g_assert_cmpstr (server_step, ==, winner == d1 ? "s2" : "");
  {
    g_autofree char *status = sync_server_query_text (w.server, "SELECT data ->> 'status' FROM records");

    g_assert_cmpstr (status, ==, winner == d1 ? "4" : "7");
  }

  /* The other is kept and shown: stale_version, with the server's copy held. */
  refused = os_store_list_quarantined (loser->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  q = g_ptr_array_index (refused, 0);
  g_assert_cmpstr (q->kind, ==, "action");
  g_assert_cmpstr (q->error_code, ==, "stale_version");
  g_assert_cmpstr (q->record_code, ==, code);
  g_assert_cmpuint (strlen (q->error_message), >, 0);
  g_assert_cmpint (q->server_version, ==, 2);
  g_assert_true (q->held);
  g_assert_nonnull (q->held_data);
  {
    g_autoptr(JsonNode) held = json_from_string (q->held_data, &error);
    JsonObject *process;

    g_assert_no_error (error);
    process = json_object_get_object_member (json_node_get_object (held), "process");
    g_assert_cmpstr (json_object_get_string_member (process, "step_id"), ==, server_step);
  }

  /* "Bỏ": the loser takes the server's copy; both desks now agree. */
  g_assert_true (os_store_discard_quarantined (loser->store, q->id, &error));
  g_assert_no_error (error);
  g_assert_true (sync_desk_sync (loser, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_quarantined (loser->store), ==, 0);
  r1 = load (d1, code);
  r2 = load (d2, code);
  s1 = os_record_get_process_state (r1);
  s2 = os_record_get_process_state (r2);
  g_assert_nonnull (s1);
  g_assert_nonnull (s2);
  g_assert_cmpstr (s1->step_id, ==, server_step);
  g_assert_cmpstr (s2->step_id, ==, server_step);
  g_assert_cmpuint (s1->entries->len, ==, 1);
  g_assert_cmpuint (s2->entries->len, ==, 1);
  g_assert_cmpint (os_record_get_status (r1), ==, os_record_get_status (r2));
  g_assert_cmpint (sync_desk_query_int (d1, "SELECT version FROM records"), ==, 2);
  g_assert_cmpint (sync_desk_query_int (d2, "SELECT version FROM records"), ==, 2);
  {
    g_autoptr(JsonNode) j1 = os_record_to_json (r1, AGENCY_A, NULL);
    g_autoptr(JsonNode) j2 = os_record_to_json (r2, AGENCY_A, NULL);
    JsonNode *p1 = json_object_get_member (json_node_get_object (j1), "process");
    JsonNode *p2 = json_object_get_member (json_node_get_object (j2), "process");

    g_assert_true (json_node_equal (p1, p2));
  }

  sync_world_clear (&w);
}

/* A desk whose copy of the definition was doctored lets an action through that the
 * server's definition does not allow: the server's engine refuses it, the desk keeps it
 * quarantined as action_refused with the rule's sentence, and the server's record stays. */
static void
test_refused_by_server (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d1 = NULL;
  g_autoptr(OsProcess) definition = NULL, tampered = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsActionRequest) fee = NULL;
  g_autofree char *code = NULL, *pid = g_uuid_string_random ();
  g_autofree char *tampered_json = NULL;
  OsQuarantined *q;

  if (!sync_world_init (&w))
    return;
  g_free (os_test_server_add_user (w.server, "quantri", "mat-khau-qt", "admin", AGENCY_A));
  definition = publish (&w, pid);
  tampered_json = definition_json (pid, TRUE);
  tampered = os_process_new_from_data (tampered_json, &error);
  g_assert_no_error (error);
  os_process_set_published (tampered, 1, os_process_get_published_at (definition),
                            os_process_get_published_by (definition));
  d1 = new_desk (&w, w.desk1, "an", "mat-khau-an", tampered);
  code = receive_and_share (d1, NULL);

  fee = request_new (OS_ACTION_COLLECT_FEE, NULL);
  fee->note = g_strdup ("50.000 đồng");
  act (d1, code, 1, fee);
  g_assert_true (sync_desk_sync (d1, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sync_server_query_int (w.server, "SELECT version FROM records"), ==, 1);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT count (*) FROM audit_log WHERE action = 'action'"),
                   ==, 0);
  refused = os_store_list_quarantined (d1->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (refused->len, ==, 1);
  q = g_ptr_array_index (refused, 0);
  g_assert_cmpstr (q->kind, ==, "action");
  g_assert_cmpstr (q->error_code, ==, "action_refused");
  g_assert_cmpuint (strlen (q->error_message), >, 0);
  {
    /* The sentence is the rules' own, as the server's definition gives it. */
    g_autofree char *data = sync_server_query_text (w.server, "SELECT data FROM records");
    g_autoptr(JsonNode) node = json_from_string (data, NULL);
    g_autoptr(OsRecord) server_copy = os_record_new_from_json (node, &error);
    g_autoptr(GError) why = NULL;
    const char *roles[] = { OS_ROLE_RECEPTION, NULL };
    const char *units[] = { AGENCY_A, NULL };
    g_autoptr(OsActor) actor = os_actor_new ("an", "an", roles, units, w.desk1);
    g_autoptr(OsActionRequest) again = request_new (OS_ACTION_COLLECT_FEE, NULL);

    g_assert_no_error (error);
    again->note = g_strdup ("50.000 đồng");
    g_assert_false (os_process_engine_apply (definition, NULL, server_copy, actor, again, &why));
    g_assert_error (why, OS_ERROR, OS_ERROR_ACTION_REFUSED);
    g_assert_cmpstr (q->error_message, ==, why->message);
  }

  sync_world_clear (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("no_proxy", "*", TRUE);

  g_test_add_data_func ("/sync/process/concurrent-actions", GINT_TO_POINTER (FALSE), test_concurrent_actions);
  g_test_add_data_func ("/sync/process/withdrawal-first", GINT_TO_POINTER (TRUE), test_concurrent_actions);
  g_test_add_func ("/sync/process/refused-by-server", test_refused_by_server);

  return g_test_run ();
}
