/* test-process-store.c: process definitions, actions, the inbox, the step statistics and
 * the tracking book in the desk's store (os-store-process.h, migration 0006).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "os-datetime.h"
#include "os-demo.h"
#include "os-error.h"
#include "os-record-code.h"
#include "os-record-json.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-test-util.h"

#define AGENCY "000.00.06.H56"
#define PROCESS_ID "0190d3a0-0000-7000-8000-0000000000a1"
#define PROCEDURE "dang-ky-khai-sinh"

/* Tiếp nhận (reception) → Xử lý (specialist of the agency; accept, supplement, refuse) →
 * Trả kết quả (reception). */
static const char test_process[] =
  "{\"id\": \"" PROCESS_ID "\", \"version\": 0, \"name\": \"Quy trình thử\", \"start\": \"s1\", "
  "\"procedures\": [\"" PROCEDURE "\"], \"published_at\": 0, \"published_by\": \"\", \"steps\": ["
  "{\"id\": \"s1\", \"name\": \"Tiếp nhận\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 1, "
  "\"abilities\": [\"hand_over\"], \"x\": 0, \"y\": 0},"
  "{\"id\": \"s2\", \"name\": \"Xử lý\", \"unit\": \"" AGENCY "\", \"role\": \"specialist\", \"budget\": 2, "
  "\"abilities\": [\"process\"], \"x\": 200, \"y\": 0},"
  "{\"id\": \"s3\", \"name\": \"Trả kết quả\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 0, "
  "\"abilities\": [\"return\"], \"x\": 400, \"y\": 0}], \"links\": ["
  "{\"id\": \"l1\", \"from\": \"s1\", \"to\": \"s2\", \"outcome\": \"accept\"},"
  "{\"id\": \"l2\", \"from\": \"s2\", \"to\": \"s3\", \"outcome\": \"accept\"},"
  "{\"id\": \"l3\", \"from\": \"s2\", \"to\": \"s3\", \"outcome\": \"refuse\"},"
  "{\"id\": \"l4\", \"from\": \"s2\", \"to\": \"s1\", \"outcome\": \"supplement\"}]}";

typedef struct
{
  char    *dir;
  OsStore *store;
  guint    records_changed;
} Fixture;

static void
on_records_changed (OsStore *store, Fixture *f)
{
  f->records_changed++;
}

static OsProcess *
new_draft (void)
{
  g_autoptr(GError) error = NULL;
  OsProcess *process = os_process_new_from_data (test_process, &error);

  g_assert_no_error (error);
  return process;
}

static OsProcess *
publish (OsStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) draft = new_draft ();
  OsProcess *published = os_store_publish_process (store, draft, &error);

  g_assert_no_error (error);
  g_assert_nonnull (published);
  return published;
}

static OsStore *
open_store (const char *dir,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(OsAgency) agency = NULL;
  OsStore *store = os_store_open (path, &error);

  g_assert_no_error (error);
  agency = os_agency_new (AGENCY, "UBND Phường Thử", "UBND Thành phố Thử", "Hà Nội", "Bộ phận Một cửa");
  g_assert_true (os_store_set_agency (store, agency, &error));
  g_assert_true (os_store_set_setting (store, "officer-name", "Lê Thu Hà", &error));
  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = os_test_make_dir ("os-test-process-store-XXXXXX");
  f->store = open_store (f->dir, "desk.db");
  g_signal_connect (f->store, "records-changed", G_CALLBACK (on_records_changed), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  os_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gint64
query_int (OsStore    *store,
           const char *sql)
{
  sqlite3 *db = os_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (OsStore    *store,
            const char *sql)
{
  sqlite3 *db = os_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  char *value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static OsRecord *
receive (OsStore    *store,
         const char *name,
         gint64      now)
{
  g_autoptr(GError) error = NULL;
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 10, -1 };

  os_record_set_procedure (record, PROCEDURE, "1.001193", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, name);
  os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  g_assert_true (os_store_receive (store, record, now, &error));
  g_assert_no_error (error);
  return record;
}

static OsRecord *
act (OsStore     *store,
     OsRecord    *record,
     OsAction     action,
     OsOutcome    outcome,
     const char  *assignee,
     GError     **error)
{
  g_autoptr(OsActionRequest) request = os_action_request_new (action);
  const char *id = os_record_get_id (record);

  request->outcome = outcome;
  request->assignee = g_strdup (assignee);
  return os_store_apply_action (store, id, os_store_get_record_version (store, id), request, error);
}

static OsActor *
actor (const char *username,
       const char *role,
       const char *unit)
{
  const char *roles[] = { role, NULL };
  const char *units[] = { unit, NULL };

  return os_actor_new (username, username, roles, units, "desk-1");
}

/* Definitions ------------------------------------------------------------------------ */

static void
test_definitions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) draft = new_draft ();
  g_autoptr(OsProcess) loaded = NULL;
  g_autoptr(OsProcess) v1 = NULL;
  g_autoptr(OsProcess) v2 = NULL;
  g_autoptr(OsProcess) found = NULL;
  g_autoptr(OsProcess) empty = os_process_new ("Quy trình trống");
  g_autoptr(GPtrArray) list = NULL;

  /* A draft is saved in place and listed. */
  g_assert_true (os_store_save_process_draft (f->store, draft, &error));
  os_process_set_name (draft, "Quy trình thử (sửa)");
  g_assert_true (os_store_save_process_draft (f->store, draft, &error));
  g_assert_no_error (error);
  loaded = os_store_load_process (f->store, PROCESS_ID, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_process_get_name (loaded), ==, "Quy trình thử (sửa)");
  g_assert_cmpint (os_process_get_version (loaded), ==, 0);
  list = os_store_list_processes (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_null (os_store_find_process_for_procedure (f->store, PROCEDURE));

  /* Publishing makes version 1 and drops the draft. */
  v1 = os_store_publish_process (f->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_process_get_version (v1), ==, 1);
  g_assert_cmpstr (os_process_get_published_by (v1), ==, "Lê Thu Hà");
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM process_definitions WHERE version = 0"), ==, 0);
  g_clear_object (&loaded);
  loaded = os_store_load_process (f->store, PROCESS_ID, 0, &error);
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = os_store_list_processes (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (os_process_get_version (g_ptr_array_index (list, 0)), ==, 1);

  /* Again: version 2, the one a new record of the procedure takes. */
  v2 = os_store_publish_process (f->store, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_process_get_version (v2), ==, 2);
  found = os_store_find_process_for_procedure (f->store, PROCEDURE);
  g_assert_nonnull (found);
  g_assert_cmpint (os_process_get_version (found), ==, 2);
  g_assert_cmpint (os_store_get_processes_version (f->store), ==, 2);
  g_clear_object (&loaded);
  loaded = os_store_load_process (f->store, PROCESS_ID, -1, &error);
  g_assert_cmpint (os_process_get_version (loaded), ==, 2);

  /* A draft with a blocking problem is not published, and nothing is written. */
  g_assert_null (os_store_publish_process (f->store, empty, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM process_definitions"), ==, 2);

  /* A draft deleted is gone; the published versions stay. */
  g_assert_true (os_store_save_process_draft (f->store, draft, &error));
  g_assert_true (os_store_delete_process_draft (f->store, PROCESS_ID, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM process_definitions"), ==, 2);
}

static void
test_put_version_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) server = new_draft ();
  g_autoptr(OsProcess) loaded = NULL;
  g_autoptr(OsProcess) draft = new_draft ();

  os_process_set_published (server, 3, 1795000000, "Quản trị máy chủ");
  g_assert_true (os_store_put_process_version (f->store, server, &error));
  g_assert_true (os_store_put_process_version (f->store, server, &error));
  g_assert_no_error (error);
  /* A published version never changes: a different copy of it does not replace it. */
  os_process_set_name (server, "Tên khác");
  g_assert_true (os_store_put_process_version (f->store, server, &error));
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM process_definitions"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM process_procedures"), ==, 1);
  loaded = os_store_load_process (f->store, PROCESS_ID, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_process_get_name (loaded), ==, "Quy trình thử");
  g_assert_cmpstr (os_process_get_published_by (loaded), ==, "Quản trị máy chủ");

  /* A draft is no published version. */
  g_assert_false (os_store_put_process_version (f->store, draft, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
}

/* Reception and actions -------------------------------------------------------------- */

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_receive_starts_process (Fixture *f, gconstpointer data)
{
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds ());
  g_autoptr(OsRecord) loaded = NULL;
  g_autoptr(OsRecord) plain = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *payload = NULL;
  JsonObject *o, *p;
  OsProcessState *state;

  loaded = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  state = os_record_get_process_state (loaded);
  g_assert_nonnull (state);
  g_assert_cmpstr (state->process_id, ==, PROCESS_ID);
  g_assert_cmpint (state->process_version, ==, 1);
  g_assert_cmpstr (state->step_id, ==, "s1");
  g_assert_cmpint (state->step_due_at, >, os_record_get_received_at (loaded));
  g_assert_cmpint (os_record_get_status (loaded), ==, OS_STATUS_RECEIVED);

  /* The copies the inbox queries, one stay begun. */
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's1' AND "
                                        "step_role = 'reception' AND process_version = 1 AND step_due_at > 0"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps WHERE step_id = 's1' AND left_at = 0"),
                   ==, 1);

  /* The receive mutation carries the process. */
  payload = query_text (f->store, "SELECT payload FROM outbox");
  o = parse_object (parser, payload);
  g_assert_true (json_object_has_member (o, "process"));
  p = json_object_get_object_member (o, "process");
  g_assert_cmpstr (json_object_get_string_member (p, "step_id"), ==, "s1");
  g_assert_cmpstr (json_object_get_string_member (o, "applicant_name"), ==, "Nguyễn Văn An");

  /* A procedure without a process: no process. */
  {
    g_autoptr(GError) error = NULL;

    plain = os_record_new ();
    os_record_set_procedure (plain, "khac", "", "Thủ tục khác", "");
    os_record_set_applicant_name (plain, "Trần Thị Bình");
    os_record_set_status (plain, OS_STATUS_RECEIVED);
    g_assert_true (os_store_receive (f->store, plain, now_seconds (), &error));
    g_assert_no_error (error);
    g_clear_object (&loaded);
    loaded = os_store_load_record (f->store, os_record_get_local_id (plain), NULL);
    g_assert_null (os_record_get_process_state (loaded));
  }
}

/* A published definition the engine cannot start (a server's, broken) never stops
 * reception: the record is received without a process. */
static void
test_receive_broken_process (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) broken = os_process_new ("Quy trình hỏng");
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) loaded = NULL;
  const char *procedures[] = { PROCEDURE, NULL };

  os_process_set_procedures (broken, procedures);
  os_process_set_published (broken, 1, 1795000000, "Máy chủ");
  g_assert_true (os_store_put_process_version (f->store, broken, &error));
  g_assert_no_error (error);
  record = receive (f->store, "Nguyễn Văn An", now_seconds ());
  loaded = os_store_load_record (f->store, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  g_assert_null (os_record_get_process_state (loaded));
  g_assert_cmpint (os_record_get_status (loaded), ==, OS_STATUS_RECEIVED);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE kind = 'receive'"), ==, 1);
}

static void
test_apply_action (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds () - 600);
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(OsRecord) loaded = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *payload = NULL;
  JsonObject *o, *request;
  gint64 version = os_store_get_record_version (f->store, os_record_get_id (record));
  OsRecordEvent *last;
  guint changed = f->records_changed;

  saved = act (f->store, record, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, "vuhong", &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  g_assert_cmpstr (os_record_get_process_state (saved)->step_id, ==, "s2");
  g_assert_cmpuint (f->records_changed, ==, changed + 1);

  /* Record, columns, stays, history, outbox: all of it. */
  loaded = os_store_load_record (f->store, os_record_get_local_id (record), &error);
  g_assert_cmpstr (os_record_get_process_state (loaded)->step_id, ==, "s2");
  g_assert_cmpstr (os_record_get_process_state (loaded)->assignee, ==, "vuhong");
  g_assert_cmpint (os_record_get_status (loaded), ==, OS_STATUS_PROCESSING);
  g_assert_cmpint (os_store_get_record_version (f->store, os_record_get_id (record)), ==, version + 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's2' AND assignee = 'vuhong' "
                                        "AND step_unit = '" AGENCY "' AND status = 4 AND synced = 0"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps WHERE step_id = 's1' AND left_at > 0"),
                   ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps WHERE step_id = 's2' AND left_at = 0 "
                                        "AND due_at > entered_at"), ==, 1);
  events = os_store_list_events (f->store, os_record_get_local_id (record), &error);
  g_assert_cmpuint (events->len, ==, 2);
  last = g_ptr_array_index (events, 1);
  g_assert_cmpstr (last->action, ==, os_action_to_string (OS_ACTION_HAND_OVER));
  g_assert_cmpstr (last->actor, ==, "Lê Thu Hà");

  /* The outbox row: {process_id, process_version, request} against the version seen. */
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE kind = 'action'"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT base_version FROM outbox WHERE kind = 'action'"), ==, version);
  payload = query_text (f->store, "SELECT payload FROM outbox WHERE kind = 'action'");
  o = parse_object (parser, payload);
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "process_id"), ==, PROCESS_ID);
  g_assert_cmpint (json_object_get_int_member (o, "process_version"), ==, 1);
  request = json_object_get_object_member (o, "request");
  g_assert_cmpstr (json_object_get_string_member (request, "action"), ==, "hand_over");
  g_assert_cmpstr (json_object_get_string_member (request, "assignee"), ==, "vuhong");
  /* The deadline the desk computed travels with it, for the server to take. */
  g_assert_cmpint (json_object_get_int_member (request, "step_due_at"), ==,
                   os_record_get_process_state (loaded)->step_due_at);
  g_assert_cmpint (query_int (f->store, "SELECT length(before) > 0 FROM outbox WHERE kind = 'action'"), ==, 1);
}

static void
test_conflict_writes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds () - 600);
  g_autoptr(OsActionRequest) request = os_action_request_new (OS_ACTION_HAND_OVER);
  g_autoptr(OsRecord) saved = NULL;
  gint64 seen = os_store_get_record_version (f->store, os_record_get_id (record));
  g_autoptr(OsRecord) edited = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  gint64 events, outbox, version;

  /* The record moved after the officer opened it. */
  os_record_set_notes (edited, "sửa trong lúc đó");
  g_assert_true (os_store_update_record (f->store, edited, now_seconds (), &error));
  events = query_int (f->store, "SELECT COUNT(*) FROM record_events");
  outbox = query_int (f->store, "SELECT COUNT(*) FROM outbox");
  version = os_store_get_record_version (f->store, os_record_get_id (record));

  request->note = g_strdup ("ghi chú đã gõ");
  saved = os_store_apply_action (f->store, os_record_get_id (record), seen, request, &error);
  g_assert_null (saved);
  g_assert_error (error, OS_ERROR, OS_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, os_record_get_code (record)));
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events"), ==, events);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox"), ==, outbox);
  g_assert_cmpint (os_store_get_record_version (f->store, os_record_get_id (record)), ==, version);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's1'"), ==, 1);
  /* The request is the caller's, as typed. */
  g_assert_cmpstr (request->note, ==, "ghi chú đã gõ");
  g_assert_cmpint (request->step_due_at, ==, 0);
}

static void
test_refused_writes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds () - 600);
  g_autoptr(OsActor) specialist = actor ("vuhong", OS_ROLE_SPECIALIST, AGENCY);
  g_autoptr(OsRecord) saved = NULL;
  gint64 events = query_int (f->store, "SELECT COUNT(*) FROM record_events");
  gint64 outbox = query_int (f->store, "SELECT COUNT(*) FROM outbox");
  gint64 version = os_store_get_record_version (f->store, os_record_get_id (record));

  /* Not the specialist's step. */
  os_store_set_actor (f->store, specialist);
  g_assert_cmpstr (os_store_get_actor (f->store)->username, ==, "vuhong");
  saved = act (f->store, record, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, NULL, &error);
  g_assert_null (saved);
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events"), ==, events);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox"), ==, outbox);
  g_assert_cmpint (os_store_get_record_version (f->store, os_record_get_id (record)), ==, version);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps"), ==, 1);

  /* Back to the standalone officer (every role). */
  os_store_set_actor (f->store, NULL);
  g_assert_cmpstr (os_store_get_actor (f->store)->username, ==, "Lê Thu Hà");
  g_assert_true (os_actor_has_role (os_store_get_actor (f->store), OS_ROLE_LEADER));
  g_assert_cmpstr (os_store_get_actor (f->store)->units[0], ==, AGENCY);
}

/* An edit saved from a copy loaded before an action does not move the record back. */
static void
test_edit_keeps_process (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds () - 600);
  g_autoptr(OsRecord) stale = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  g_autoptr(OsRecord) moved = act (f->store, record, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, NULL, &error);
  g_autoptr(OsRecord) loaded = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_status (stale), ==, OS_STATUS_RECEIVED);
  os_record_set_notes (stale, "ghi chú");
  g_assert_true (os_store_update_record (f->store, stale, now_seconds (), &error));
  g_assert_no_error (error);
  loaded = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  g_assert_cmpstr (os_record_get_notes (loaded), ==, "ghi chú");
  g_assert_cmpint (os_record_get_status (loaded), ==, OS_STATUS_PROCESSING);
  g_assert_cmpstr (os_record_get_process_state (loaded)->step_id, ==, "s2");
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's2' AND status = 4"), ==, 1);
}

/* The inbox ------------------------------------------------------------------------- */

static void
assert_inbox (OsStore            *store,
              const OsActor      *who,
              const char * const *names)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) inbox = os_store_list_inbox (store, who, 50, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (inbox->len, ==, g_strv_length ((char **) names));
  for (guint i = 0; i < inbox->len; i++)
    {
      OsRecord *r = g_ptr_array_index (inbox, i);

      g_assert_cmpstr (os_record_get_applicant_name (r), ==, names[i]);
      g_assert_nonnull (os_record_get_process_state (r));
    }
  g_assert_cmpint (os_store_count_inbox (store, who), ==, inbox->len);
}

static void
test_inbox (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  gint64 now = now_seconds ();
  g_autoptr(OsRecord) fresh = receive (f->store, "Mới nhận", now - 600);
  g_autoptr(OsRecord) old = receive (f->store, "Nhận đã lâu", now - 20 * 86400);
  g_autoptr(OsRecord) assigned = receive (f->store, "Đã phân công", now - 3600);
  g_autoptr(OsRecord) open = receive (f->store, "Chưa phân công", now - 7200);
  g_autoptr(OsRecord) r1 = NULL;
  g_autoptr(OsRecord) r2 = NULL;
  g_autoptr(OsActor) reception = actor ("letiep", OS_ROLE_RECEPTION, AGENCY);
  g_autoptr(OsActor) hong = actor ("vuhong", OS_ROLE_SPECIALIST, AGENCY);
  g_autoptr(OsActor) khai = actor ("dokhai", OS_ROLE_SPECIALIST, AGENCY);
  g_autoptr(OsActor) elsewhere = actor ("xa", OS_ROLE_SPECIALIST, "000.00.07.H56");
  g_autoptr(OsActor) leader = actor ("lanhdao", OS_ROLE_LEADER, AGENCY);

  r1 = act (f->store, assigned, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, "vuhong", &error);
  g_assert_no_error (error);
  r2 = act (f->store, open, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, NULL, &error);
  g_assert_no_error (error);

  /* Reception: the two still at the first step, the overdue one first. */
  assert_inbox (f->store, reception, (const char *[]) { "Nhận đã lâu", "Mới nhận", NULL });
  /* The assignee sees theirs and the unassigned one of their role and unit (same step
   * deadline: the one received first comes first). */
  assert_inbox (f->store, hong, (const char *[]) { "Chưa phân công", "Đã phân công", NULL });
  assert_inbox (f->store, khai, (const char *[]) { "Chưa phân công", NULL });
  /* Another unit's specialist, another role: nothing. */
  assert_inbox (f->store, elsewhere, (const char *[]) { NULL });
  assert_inbox (f->store, leader, (const char *[]) { NULL });

  /* A co-processor of an assigned record sees it too (records.co_processors, 0007). */
  {
    OsProcessState *state = os_record_get_process_state (r1);
    const char *co[] = { "dokhai", NULL };

    g_assert_nonnull (state);
    g_strfreev (state->co_processors);
    state->co_processors = g_strdupv ((char **) co);
    g_assert_true (os_store_write_process (f->store, os_record_get_local_id (r1), r1, &error));
    g_assert_no_error (error);
    assert_inbox (f->store, khai, (const char *[]) { "Chưa phân công", "Đã phân công", NULL });
    assert_inbox (f->store, elsewhere, (const char *[]) { NULL });
  }

  /* The limit. */
  {
    g_autoptr(GPtrArray) one = os_store_list_inbox (f->store, reception, 1, &error);

    g_assert_cmpuint (one->len, ==, 1);
  }
}

static void
test_inbox_paused_last (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  gint64 now = now_seconds ();
  g_autoptr(OsRecord) a = receive (f->store, "Chờ bổ sung", now - 30 * 86400);
  g_autoptr(OsRecord) b = receive (f->store, "Đang chờ", now - 600);
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(OsActionRequest) request = os_action_request_new (OS_ACTION_PROCESS);
  g_autoptr(OsActor) reception = actor ("letiep", OS_ROLE_RECEPTION, AGENCY);

  r = act (f->store, a, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&r);
  /* The specialist asks for a supplement: back at reception, paused. */
  request->outcome = OS_OUTCOME_SUPPLEMENT;
  request->reason = g_strdup ("Bổ sung bản sao giấy khai sinh.");
  r = os_store_apply_action (f->store, os_record_get_id (a),
                             os_store_get_record_version (f->store, os_record_get_id (a)), request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_status (r), ==, OS_STATUS_SUPPLEMENT);

  /* Overdue as it is, the paused one comes after the one waiting. */
  assert_inbox (f->store, reception, (const char *[]) { "Đang chờ", "Chờ bổ sung", NULL });
}

/* Statistics ------------------------------------------------------------------------ */

/* A record received at @received, moved from s1 to s2 at @received + @stay, standing at s2
 * with the deadline @due. */
static OsRecord *
record_at_s2 (guint  number,
              gint64 received,
              gint64 stay,
              gint64 due)
{
  OsRecord *record = os_record_new ();
  OsProcessState *state = os_process_state_new ();
  OsProcessEntry *e = g_new0 (OsProcessEntry, 1);
  g_autofree char *code = NULL;
  g_autofree char *id = g_strdup_printf ("stats-%u", number);
  GDate date = os_datetime_local_date (received);

  code = os_record_code_format (AGENCY, &date, number);
  os_record_set_id (record, id);
  os_record_set_code (record, code);
  os_record_set_procedure (record, PROCEDURE, "", "Đăng ký khai sinh", "");
  os_record_set_applicant_name (record, id);
  os_record_set_status (record, OS_STATUS_PROCESSING);
  os_record_set_received_at (record, received);
  os_record_set_book_entry (record, 2026, (int) number);

  g_free (state->process_id);
  state->process_id = g_strdup (PROCESS_ID);
  state->process_version = 1;
  g_free (state->step_id);
  state->step_id = g_strdup ("s2");
  g_free (state->step_role);
  state->step_role = g_strdup (OS_ROLE_SPECIALIST);
  state->step_entered_at = received + stay;
  state->step_due_at = due;
  e->seq = 1;
  e->action = OS_ACTION_HAND_OVER;
  e->at = received + stay;
  e->actor = g_strdup ("letiep");
  e->actor_name = g_strdup ("Lê Tiếp");
  e->desk = g_strdup ("");
  e->from_step = g_strdup ("s1");
  e->to_step = g_strdup ("s2");
  e->assignee = g_strdup ("");
  e->reason = g_strdup ("");
  e->note = g_strdup ("");
  e->before = g_strdup ("");
  g_ptr_array_add (state->entries, e);
  os_record_take_process_state (record, state);
  return record;
}

static void
test_stats (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) stats = NULL;
  gint64 t0 = 1795000000, now = t0 + 10000;
  OsStepStats *s1, *s2;

  /* Stays at s1 of 100, 200, 300, 400 s; two of the four past their s2 deadline. */
  g_ptr_array_add (records, record_at_s2 (1, t0, 300, now - 1));
  g_ptr_array_add (records, record_at_s2 (2, t0, 100, now + 3600));
  g_ptr_array_add (records, record_at_s2 (3, t0, 400, now - 500));
  g_ptr_array_add (records, record_at_s2 (4, t0, 200, 0));
  g_assert_true (os_store_insert_prepared (f->store, records, FALSE, &error));
  g_assert_no_error (error);

  stats = os_store_process_stats (f->store, PROCESS_ID, 1, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stats->len, ==, 2);
  s1 = &g_array_index (stats, OsStepStats, 0);
  s2 = &g_array_index (stats, OsStepStats, 1);
  g_assert_cmpstr (s1->step_id, ==, "s1");
  g_assert_cmpint (s1->now, ==, 0);
  g_assert_cmpint (s1->samples, ==, 4);
  g_assert_cmpint (s1->median, ==, 250);
  g_assert_cmpint (s1->p90, ==, 400);
  g_assert_cmpstr (s2->step_id, ==, "s2");
  g_assert_cmpint (s2->now, ==, 4);
  g_assert_cmpint (s2->late, ==, 2);
  g_assert_cmpint (s2->samples, ==, 0);
  g_assert_cmpint (s2->median, ==, 0);

  /* Another version has nothing. */
  g_clear_pointer (&stats, g_array_unref);
  stats = os_store_process_stats (f->store, PROCESS_ID, 2, now, &error);
  g_assert_cmpuint (stats->len, ==, 0);
}

/* @action by the store's actor at @at, on the version the desk has. */
static void
act_at (OsStore   *store,
        OsRecord  *record,
        OsAction   action,
        gint64     at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsActionRequest) request = os_action_request_new (action);
  g_autoptr(OsRecord) saved = NULL;
  const char *id = os_record_get_id (record);

  request->outcome = OS_OUTCOME_ACCEPT;
  request->at = at;
  if (action == OS_ACTION_ROLLBACK)
    request->reason = g_strdup ("Chuyển nhầm bước.");
  saved = os_store_apply_action (store, id, os_store_get_record_version (store, id), request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
}

/* The figures of @step_id in the statistics of the test process at @now: records there
 * now, finished stays and their median. */
static void
assert_step_stats (OsStore    *store,
                   gint64      now,
                   const char *step_id,
                   int         at_step,
                   int         samples,
                   gint64      median)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) stats = os_store_process_stats (store, PROCESS_ID, 1, now, &error);
  const OsStepStats *s = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < stats->len && s == NULL; i++)
    if (g_strcmp0 (g_array_index (stats, OsStepStats, i).step_id, step_id) == 0)
      s = &g_array_index (stats, OsStepStats, i);
  g_assert_nonnull (s);
  g_assert_cmpint (s->now, ==, at_step);
  g_assert_cmpint (s->samples, ==, samples);
  g_assert_cmpint (s->median, ==, median);
}

/* Handed over to s2, rolled back, handed over again: the time at s2 before the rollback is
 * a stay at s2 from the hand-over (not from reception), and s1, taken back, goes on from
 * when it was first entered (one stay, not two). */
static void
test_stats_after_rollback (Fixture *f, gconstpointer data)
{
  g_autoptr(OsProcess) process = publish (f->store);
  gint64 now = now_seconds (), t0 = now - 100000;
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", t0);

  act_at (f->store, record, OS_ACTION_HAND_OVER, t0 + 100);
  act_at (f->store, record, OS_ACTION_ROLLBACK, t0 + 400);
  assert_step_stats (f->store, now, "s1", 1, 0, 0);
  assert_step_stats (f->store, now, "s2", 0, 1, 300);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps"), ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT entered_at FROM record_steps WHERE step_id = 's1' AND left_at = 0"),
                   ==, t0);

  act_at (f->store, record, OS_ACTION_HAND_OVER, t0 + 1000);
  assert_step_stats (f->store, now, "s1", 0, 1, 1000);
  assert_step_stats (f->store, now, "s2", 1, 1, 300);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT entered_at FROM record_steps WHERE step_id = 's2' AND left_at = 0"),
                   ==, t0 + 1000);
}

static void
test_book (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) book = NULL;
  gint64 t0 = 1795000000;

  /* Inserted out of book order; one outside the range. */
  g_ptr_array_add (records, record_at_s2 (3, t0 + 30, 10, 0));
  g_ptr_array_add (records, record_at_s2 (1, t0 + 10, 10, 0));
  g_ptr_array_add (records, record_at_s2 (2, t0 + 20, 10, 0));
  g_ptr_array_add (records, record_at_s2 (4, t0 + 5000, 10, 0));
  g_assert_true (os_store_insert_prepared (f->store, records, FALSE, &error));

  book = os_store_list_book (f->store, t0, t0 + 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (book->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      OsRecord *r = g_ptr_array_index (book, i);

      g_assert_cmpint (os_record_get_book_number (r), ==, (int) i + 1);
      g_assert_nonnull (os_record_get_process_state (r));
    }
}

/* Sync: a pulled record's process --------------------------------------------------- */

static void
test_pulled_process (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = publish (f->store);
  g_autoptr(OsRecord) record = receive (f->store, "Nguyễn Văn An", now_seconds () - 600);
  g_autoptr(OsRecord) moved = act (f->store, record, OS_ACTION_HAND_OVER, OS_OUTCOME_ACCEPT, "vuhong", &error);
  g_autoptr(OsStore) other = open_store (f->dir, "other.db");
  g_autoptr(JsonNode) data_node = os_record_to_json (moved, AGENCY, NULL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) page = NULL;
  g_autoptr(OsRecord) pulled = NULL;
  guint n = 0;

  g_assert_no_error (error);
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "entity");
  json_builder_add_string_value (b, "record");
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, os_record_get_id (moved));
  json_builder_set_member_name (b, "op");
  json_builder_add_string_value (b, "upsert");
  json_builder_set_member_name (b, "unit_id");
  json_builder_add_string_value (b, "u1");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 2);
  json_builder_set_member_name (b, "data");
  json_builder_add_value (b, json_node_copy (data_node));
  json_builder_end_object (b);
  json_builder_end_array (b);
  page = json_builder_get_root (b);

  g_assert_true (os_store_apply_changes (other, json_node_get_array (page), "c-1", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (query_int (other, "SELECT COUNT(*) FROM records WHERE step_id = 's2' AND assignee = 'vuhong' "
                                     "AND process_id = '" PROCESS_ID "'"), ==, 1);
  g_assert_cmpint (query_int (other, "SELECT COUNT(*) FROM record_steps"), ==, 2);
  pulled = os_store_find_record_by_code (other, os_record_get_code (moved), &error);
  g_assert_no_error (error);
  g_assert_nonnull (os_record_get_process_state (pulled));
  g_assert_cmpuint (os_record_get_process_state (pulled)->entries->len, ==, 1);
}

/* Migrations ------------------------------------------------------------------------ */

static void
test_migrate_from_v5 (Fixture *f, gconstpointer data)
{
  const char *source = g_getenv ("SOURCE_DIR");
  static const char * const files[] = {
    "0001-initial.sql", "0002-record-list-indexes.sql", "0003-attachments.sql", "0004-sync.sql",
    "0005-sync-repair.sql",
  };
  g_autofree char *path = g_build_filename (f->dir, "v5.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(OsRecord) record = NULL;
  sqlite3 *db = NULL;

  if (source == NULL)
    {
      g_test_skip ("SOURCE_DIR is not set");
      return;
    }

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *file = g_build_filename (source, "data", "sql", "desk", files[i], NULL);
      g_autofree char *sql = NULL;

      g_assert_true (g_file_get_contents (file, &sql, NULL, &error));
      g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    }
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA user_version = 5; "
                                 "INSERT INTO records (id, code, agency, procedure_name, applicant_name, status, "
                                 "received_at, updated_at) VALUES ('0190d3a0-0000-7000-8000-0000000000b1', "
                                 "'" AGENCY "-261123-0001', '" AGENCY "', 'Đăng ký khai sinh', 'Nguyễn Văn Cũ', "
                                 "4, 1795000000, 1795000000);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = os_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_store_get_schema_version (store), ==, os_store_get_latest_version ());
  g_assert_cmpint (os_store_count_records (store), ==, 1);
  record = os_store_find_record_by_code (store, AGENCY "-261123-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_applicant_name (record), ==, "Nguyễn Văn Cũ");
  g_assert_null (os_record_get_process_state (record));
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM records WHERE step_id = '' AND process = ''"), ==, 1);
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM process_definitions"), ==, 0);
}

/* Demo data ------------------------------------------------------------------------- */

static void
test_demo (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autofree char *path = g_build_filename (f->dir, "demo.db", NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(OsProcess) process = NULL;
  g_autoptr(GArray) stats = NULL;
  gint64 now = now_seconds ();
  guint with_process = 0, samples = 0, late = 0;

  store = os_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (os_demo_populate (store, 400, 45, now, &error));
  g_assert_no_error (error);

  list = os_store_list_processes (store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  process = g_object_ref (g_ptr_array_index (list, 0));
  g_assert_cmpint (os_process_get_version (process), ==, 1);
  g_assert_cmpuint (g_strv_length ((char **) os_process_get_procedures (process)), ==,
                    g_list_model_get_n_items (os_store_get_procedures (store)));

  /* Every record on the process stands where its status says. */
  for (gint64 id = 1; id <= os_store_count_records (store); id++)
    {
      g_autoptr(OsRecord) r = os_store_load_record (store, id, &error);
      OsProcessState *state;

      g_assert_no_error (error);
      state = os_record_get_process_state (r);
      if (state == NULL)
        continue;
      with_process++;
      g_assert_cmpint (os_process_state_status (state, process), ==, os_record_get_status (r));
    }
  g_assert_cmpuint (with_process, >, 100);
  /* Its stays agree with it: one open stay at the current step. */
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM records r WHERE r.step_id <> '' AND NOT EXISTS "
                                     "(SELECT 1 FROM record_steps s WHERE s.record_id = r.local_id AND "
                                     "s.left_at = 0 AND s.step_id = r.step_id)"), ==, 0);
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM record_steps WHERE left_at > 0 AND left_at < entered_at"),
                   ==, 0);
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM records WHERE process_id <> '' AND status IN (5, 6)"), >, 0);
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM records WHERE step_id = 's6' AND status = 9"), >, 0);
  g_assert_cmpint (query_int (store, "SELECT COUNT(*) FROM records WHERE assignee <> ''"), >, 0);

  /* Something for the inbox and the overlay. */
  g_assert_cmpint (os_store_count_inbox (store, os_store_get_actor (store)), >, 0);
  stats = os_store_process_stats (store, os_process_get_id (process), 1, now, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stats->len; i++)
    {
      OsStepStats *s = &g_array_index (stats, OsStepStats, i);

      samples += s->samples;
      late += s->late;
      g_assert_cmpint (s->p90, >=, s->median);
    }
  g_assert_cmpuint (samples, >, 0);
  g_assert_cmpuint (late, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/process-store/definitions", test_definitions);
  ADD ("/process-store/put-version-idempotent", test_put_version_idempotent);
  ADD ("/process-store/receive-starts-process", test_receive_starts_process);
  ADD ("/process-store/receive-broken-process", test_receive_broken_process);
  ADD ("/process-store/apply-action", test_apply_action);
  ADD ("/process-store/conflict-writes-nothing", test_conflict_writes_nothing);
  ADD ("/process-store/refused-writes-nothing", test_refused_writes_nothing);
  ADD ("/process-store/edit-keeps-process", test_edit_keeps_process);
  ADD ("/process-store/inbox", test_inbox);
  ADD ("/process-store/inbox-paused-last", test_inbox_paused_last);
  ADD ("/process-store/stats", test_stats);
  ADD ("/process-store/stats-after-rollback", test_stats_after_rollback);
  ADD ("/process-store/book", test_book);
  ADD ("/process-store/pulled-process", test_pulled_process);
  ADD ("/process-store/migrate-from-v5", test_migrate_from_v5);
  ADD ("/process-store/demo", test_demo);
#undef ADD

  return g_test_run ();
}
