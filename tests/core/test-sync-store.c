/* test-sync-store.c: what the sync engine keeps in the desk's store: leased code blocks,
 * the outbox and its quarantine, the change feed applied.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "os-error.h"
#include "os-record-code.h"
#include "os-record-json.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-test-util.h"

#define AGENCY "000.00.06.H56"

typedef struct
{
  char    *dir;
  OsStore *store;
  guint    sync_changed;
  guint    records_changed;
} Fixture;

static void
on_sync_changed (OsStore *store, Fixture *f)
{
  f->sync_changed++;
}

static void
on_records_changed (OsStore *store, Fixture *f)
{
  f->records_changed++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(OsAgency) agency = NULL;

  f->dir = g_dir_make_tmp ("os-test-sync-store-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "desk.db", NULL);
  f->store = os_store_open (path, &error);
  g_assert_no_error (error);
  agency = os_agency_new (AGENCY, "UBND Phường Thử", "UBND Thành phố Thử", "Hà Nội", "Bộ phận Một cửa");
  g_assert_true (os_store_set_agency (f->store, agency, &error));
  g_assert_no_error (error);
  g_signal_connect (f->store, "sync-changed", G_CALLBACK (on_sync_changed), f);
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
local_instant (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
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

static OsRecord *
new_record (const char *name)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_procedure (record, "dang-ky-khai-sinh", "1.001193", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, "001099012345");
  os_record_set_officer (record, "Lê Thu Hà");
  os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  return record;
}

static OsRecord *
receive (OsStore    *store,
         const char *name,
         gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = new_record (name);

  g_assert_true (os_store_receive (store, record, now, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&record);
}

/* The officer sets the notes of @record at @now. */
static void
edit_notes (OsStore    *store,
            OsRecord   *record,
            const char *notes,
            gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) r = os_store_load_record (store, os_record_get_local_id (record), &error);

  g_assert_no_error (error);
  os_record_set_notes (r, notes);
  g_assert_true (os_store_update_record (store, r, now, &error));
  g_assert_no_error (error);
}

static void
assert_notes (OsStore    *store,
              OsRecord   *record,
              const char *notes)
{
  g_autoptr(OsRecord) r = os_store_load_record (store, os_record_get_local_id (record), NULL);

  g_assert_cmpstr (os_record_get_notes (r), ==, notes);
}

static void
enroll (OsStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (os_store_is_enrolled (store));
  g_assert_true (os_store_set_server (store, "https://127.0.0.1:8443/api/v1",
                                      "0190aaaa-0000-7000-8000-000000000001", &error));
  g_assert_no_error (error);
  g_assert_true (os_store_is_enrolled (store));
}

/* Code blocks -------------------------------------------------------------------- */

static void
test_codes_unenrolled (Fixture *f, gconstpointer data)
{
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);

  /* Without a server, the desk's own counter, as before. */
  g_assert_cmpstr (os_record_get_code (a), ==, AGENCY "-261123-0001");
}

static void
test_codes_leased_in_order (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  GDate date;
  const char *expected[] = { "0005", "0006", "0007", "0020", "0021" };
  g_autofree char *client_id = NULL;
  g_autofree char *again = NULL;

  enroll (f->store);
  client_id = os_store_dup_client_id (f->store);
  again = os_store_dup_client_id (f->store);
  g_assert_cmpuint (strlen (client_id), ==, 36);
  g_assert_cmpstr (client_id, ==, again);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 23, 11, 2026);
  g_assert_cmpint (os_store_count_free_codes (f->store, AGENCY, &date), ==, 0);

  /* Blocks arrive out of order; the lower one is used first. */
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-23", 20, 21, &error));
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-23", 5, 7, &error));
  /* The same answer twice changes nothing. */
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-23", 5, 7, &error));
  /* Another day's block is not for today. */
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-24", 1, 100, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_free_codes (f->store, AGENCY, &date), ==, 5);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *name = g_strdup_printf ("Người nộp %u", i);
      g_autoptr(OsRecord) r = receive (f->store, name, now + i);
      g_autofree char *code = g_strconcat (AGENCY "-261123-", expected[i], NULL);

      g_assert_cmpstr (os_record_get_code (r), ==, code);
    }
  g_assert_cmpint (os_store_count_free_codes (f->store, AGENCY, &date), ==, 0);

  /* Bad blocks are refused. */
  g_assert_false (os_store_add_code_block (f->store, AGENCY, "2026-11-25", 10, 9, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
}

static void
test_codes_exhausted (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(OsRecord) late = new_record ("Trần Thị Bình");
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  gint64 records, outbox, events;

  enroll (f->store);
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-23", 1, 1, &error));
  r = receive (f->store, "Nguyễn Văn An", now);
  g_assert_cmpstr (os_record_get_code (r), ==, AGENCY "-261123-0001");

  records = os_store_count_records (f->store);
  outbox = os_store_count_outbox (f->store);
  events = query_int (f->store, "SELECT COUNT(*) FROM record_events");

  g_assert_false (os_store_receive (f->store, late, now + 60, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NO_CODE_BLOCK);
  /* The officer is told which day and what to do. */
  g_assert_nonnull (strstr (error->message, "23/11/2026"));
  g_assert_nonnull (strstr (error->message, "kết nối"));
  /* Nothing written, nothing invented. */
  g_assert_cmpint (os_store_count_records (f->store), ==, records);
  g_assert_cmpint (os_store_count_outbox (f->store), ==, outbox);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events"), ==, events);
  g_assert_null (os_record_get_code (late));
  g_assert_null (os_record_get_id (late));
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM code_counters"), ==, 0);

  /* New numbers arrive: the same record is saved. */
  g_clear_error (&error);
  g_assert_true (os_store_add_code_block (f->store, AGENCY, "2026-11-23", 101, 200, &error));
  g_assert_true (os_store_receive (f->store, late, now + 120, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_code (late), ==, AGENCY "-261123-0101");
}

/* Outbox and quarantine ---------------------------------------------------------- */

static OsOutboxEntry *
entry_for (GPtrArray  *batch,
           const char *record_id)
{
  for (guint i = 0; i < batch->len; i++)
    {
      OsOutboxEntry *e = g_ptr_array_index (batch, i);
      if (g_str_equal (e->record_id, record_id))
        return e;
    }
  return NULL;
}

static void
test_outbox_entries (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(OsRecord) b = receive (f->store, "Trần Thị Bình", now + 1);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  OsOutboxEntry *e;
  g_autofree char *hash = NULL;

  g_assert_cmpuint (f->sync_changed, ==, 2);
  g_assert_cmpint (os_store_count_pending (f->store), ==, 2);

  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 2);
  e = g_ptr_array_index (batch, 0);
  /* Oldest first, with the hash of the stored text and the whole record. */
  g_assert_cmpstr (e->record_id, ==, os_record_get_id (a));
  g_assert_cmpstr (e->kind, ==, "receive");
  g_assert_cmpint (e->base_version, ==, 0);
  g_assert_cmpint (e->created_at, ==, now);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, e->payload, -1);
  g_assert_cmpstr (e->payload_hash, ==, hash);
  g_assert_true (json_parser_load_from_data (parser, e->payload, -1, NULL));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "code"),
                   ==, os_record_get_code (a));

  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 1, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  g_assert_cmpstr (((OsOutboxEntry *) g_ptr_array_index (batch, 0))->record_id, ==, os_record_get_id (a));
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (b)), ==, OS_RECORD_SYNC_PENDING);
}

static void
test_outbox_ack (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  OsOutboxEntry *e = g_ptr_array_index (batch, 0);
  OsPushResult result = { e->id, e->record_id, OS_PUSH_APPLIED, 1, NULL, NULL };
  OsPushResult again = { e->id, e->record_id, OS_PUSH_DUPLICATE, 1, NULL, NULL };

  g_assert_true (os_store_save_push_results (f->store, &result, 1, now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 0);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (a)), ==, OS_RECORD_SYNC_SYNCED);
  g_assert_cmpint (query_int (f->store, "SELECT synced * 10 + server_version FROM records"), ==, 11);

  /* The same answer again (a retried push) changes nothing. */
  g_assert_true (os_store_save_push_results (f->store, &again, 1, now, &error));
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 1);
}

static void
test_quarantine (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(OsRecord) b = receive (f->store, "Trần Thị Bình", now + 1);
  g_autoptr(OsRecord) edited = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *first_id = NULL;
  OsQuarantined *q;
  OsOutboxEntry *e;

  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  e = entry_for (batch, os_record_get_id (a));
  first_id = g_strdup (e->id);
  {
    OsPushResult results[] = {
      { e->id, e->record_id, OS_PUSH_REFUSED, 0, "code_taken", "Mã hồ sơ đã được dùng." },
      { entry_for (batch, os_record_get_id (b))->id, os_record_get_id (b), OS_PUSH_RETRY, 0,
        "out_of_order", "Thử lại sau." },
    };
    g_assert_true (os_store_save_push_results (f->store, results, 2, now + 100, &error));
    g_assert_no_error (error);
  }

  /* Refused for good: kept, visible, not dropped. The retryable one stays pending. */
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 1);
  g_assert_cmpint (os_store_count_pending (f->store), ==, 1);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (a)), ==, OS_RECORD_SYNC_REFUSED);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (b)), ==, OS_RECORD_SYNC_PENDING);
  list = os_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  q = g_ptr_array_index (list, 0);
  g_assert_cmpstr (q->id, ==, first_id);
  g_assert_cmpstr (q->record_code, ==, os_record_get_code (a));
  g_assert_cmpstr (q->applicant_name, ==, "Nguyễn Văn An");
  g_assert_cmpstr (q->error_code, ==, "code_taken");
  g_assert_cmpstr (q->error_message, ==, "Mã hồ sơ đã được dùng.");
  g_assert_cmpint (q->refused_at, ==, now + 100);

  /* A later change of the refused record waits behind it. */
  edited = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  os_record_set_phone (edited, "0987654321");
  g_assert_true (os_store_update_record (f->store, edited, now + 200, &error));
  g_assert_no_error (error);
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  g_assert_null (entry_for (batch, os_record_get_id (a)));

  /* Resend: the record's state as one new mutation (the server never had the record,
   * so it is created again), in the place of the refused one. */
  g_assert_true (os_store_resend_quarantined (f->store, first_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 2);
  e = g_ptr_array_index (batch, 0);
  g_assert_cmpstr (e->record_id, ==, os_record_get_id (a));
  g_assert_cmpstr (e->kind, ==, "receive");
  g_assert_cmpstr (e->id, !=, first_id);
  g_assert_cmpint (e->base_version, ==, 0);
  g_assert_nonnull (strstr (e->payload, "0987654321"));
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events WHERE action = 'sync-resend'"), ==, 1);

  /* Refused again, then discarded after the officer confirmed: gone, with a line in the
   * history. */
  {
    OsPushResult refused = { e->id, e->record_id, OS_PUSH_REFUSED, 0, "code_taken", "Mã hồ sơ đã được dùng." };
    g_autofree char *id = g_strdup (e->id);

    g_assert_true (os_store_save_push_results (f->store, &refused, 1, now + 300, &error));
    g_assert_true (os_store_discard_quarantined (f->store, id, &error));
    g_assert_no_error (error);
    g_assert_false (os_store_discard_quarantined (f->store, id, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  }
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events WHERE action = 'sync-discard'"), ==, 1);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (a)), ==, OS_RECORD_SYNC_SYNCED);
}

static void
test_update_versions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) batch = NULL;

  for (int i = 0; i < 2; i++)
    edit_notes (f->store, a, i == 0 ? "một" : "hai", now + 10 + i);

  /* receive (0 → 1), update (1 → 2), update (2 → 3): each against the one before. */
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 3);
  g_assert_cmpint (((OsOutboxEntry *) g_ptr_array_index (batch, 1))->base_version, ==, 1);
  g_assert_cmpint (((OsOutboxEntry *) g_ptr_array_index (batch, 2))->base_version, ==, 2);
  g_assert_cmpstr (((OsOutboxEntry *) g_ptr_array_index (batch, 2))->kind, ==, "update");
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 3);

  {
    g_autoptr(OsRecord) r = os_store_load_record (f->store, os_record_get_local_id (a), &error);
    g_assert_cmpstr (os_record_get_notes (r), ==, "hai");
    g_assert_cmpstr (os_record_get_code (r), ==, os_record_get_code (a));
  }
}

/* The change feed ---------------------------------------------------------------- */

#define OTHER_ID  "01900000-0000-7000-8000-0000000000b1"
#define OTHER_ID2 "01900000-0000-7000-8000-0000000000b2"
#define UNIT_ID   "01900000-0000-7000-8000-00000000000u"

static char *
change (const char *id,
        const char *code,
        const char *name,
        gint64      version)
{
  return g_strdup_printf ("{\"entity\":\"record\",\"id\":\"%s\",\"op\":\"upsert\",\"unit_id\":\"u1\","
                          "\"version\":%" G_GINT64_FORMAT ",\"data\":{\"id\":\"%s\",\"code\":\"%s\","
                          "\"procedure_name\":\"Đăng ký khai sinh\",\"applicant_name\":\"%s\","
                          "\"status\":1,\"received_at\":1795000000,\"documents\":[{\"name\":\"Tờ khai\","
                          "\"originals\":1}],\"unknown_member\":true}}",
                          id, version, id, code, name);
}

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static void
test_pull_apply (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = change (OTHER_ID, AGENCY "-261123-0501", "Phạm Văn Cường", 1);
  g_autofree char *c2 = change (OTHER_ID2, AGENCY "-261123-0502", "Đỗ Thị Dung", 1);
  g_autofree char *page = g_strdup_printf ("[%s,%s]", c1, c2);
  g_autoptr(JsonArray) changes = parse_array (page);
  g_autoptr(OsRecord) r = NULL;
  g_autofree char *cursor = NULL;
  guint n = 0;

  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (f->records_changed, ==, 1);
  g_assert_cmpint (os_store_count_records (f->store), ==, 2);
  /* Records of other desks are not this desk's to send. */
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 0);
  cursor = os_store_dup_sync_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-1");

  r = os_store_find_record_by_code (f->store, AGENCY "-261123-0501", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_applicant_name (r), ==, "Phạm Văn Cường");
  g_assert_cmpuint (os_record_get_documents (r)->len, ==, 1);
  /* Searchable like a record received here. */
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records_fts WHERE records_fts MATCH 'cuong'"), ==, 1);

  /* The same page again (a lost answer): no change, no duplicate. */
  n = 99;
  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpint (os_store_count_records (f->store), ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records_fts"), ==, 2);

  /* A newer version replaces; a deletion removes (with its search row). */
  {
    g_autofree char *c3 = change (OTHER_ID, AGENCY "-261123-0501", "Phạm Văn Cường Mới", 2);
    g_autofree char *text = g_strdup_printf ("[%s,{\"entity\":\"record\",\"id\":\"%s\",\"op\":\"delete\","
                                             "\"unit_id\":\"u1\",\"version\":2}]", c3, OTHER_ID2);
    g_autoptr(JsonArray) more = parse_array (text);

    g_assert_true (os_store_apply_changes (f->store, more, "c-2", &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
  }
  g_assert_cmpint (os_store_count_records (f->store), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records_fts"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records_fts WHERE records_fts MATCH 'moi'"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 2);
}

/* Attachments of other desks arrive as rows naming files to fetch on demand. */
static void
test_pull_attachments (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = change (OTHER_ID, AGENCY "-261123-0501", "Phạm Văn Cường", 1);
  g_autofree char *att = g_strdup_printf (
    "{\"entity\":\"attachment\",\"id\":\"01900000-0000-7000-8000-0000000000a1\",\"op\":\"upsert\","
    "\"unit_id\":\"u1\",\"version\":2,\"data\":{\"id\":\"01900000-0000-7000-8000-0000000000a1\","
    "\"record_id\":\"%s\",\"document_name\":\"Tờ khai\",\"file_name\":\"to-khai.pdf\","
    "\"mime_type\":\"application/pdf\",\"sha256\":\"%064d\",\"size\":1234,\"pages\":2,"
    "\"created_at\":1795000100}}", OTHER_ID, 7);
  g_autofree char *orphan = g_strdup_printf (
    "{\"entity\":\"attachment\",\"id\":\"01900000-0000-7000-8000-0000000000a2\",\"op\":\"upsert\","
    "\"unit_id\":\"u1\",\"version\":1,\"data\":{\"id\":\"01900000-0000-7000-8000-0000000000a2\","
    "\"record_id\":\"01900000-0000-7000-8000-0000000000ff\",\"file_name\":\"x.pdf\","
    "\"mime_type\":\"application/pdf\",\"sha256\":\"%064d\",\"size\":1,\"created_at\":1}}", 8);
  g_autofree char *bad = g_strdup_printf (
    "{\"entity\":\"attachment\",\"id\":\"01900000-0000-7000-8000-0000000000a3\",\"op\":\"upsert\","
    "\"unit_id\":\"u1\",\"version\":1,\"data\":{\"id\":\"01900000-0000-7000-8000-0000000000a3\","
    "\"record_id\":\"%s\",\"file_name\":\"x.pdf\",\"sha256\":\"../../etc/passwd\",\"size\":1}}", OTHER_ID);
  g_autofree char *page = g_strdup_printf ("[%s,%s,%s,%s]", c1, att, orphan, bad);
  g_autoptr(JsonArray) changes = parse_array (page);
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(GPtrArray) list = NULL;
  OsAttachment *a;
  guint n = 0;

  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", &n, &error));
  g_assert_no_error (error);
  r = os_store_find_record_by_code (f->store, AGENCY "-261123-0501", &error);
  g_assert_no_error (error);
  list = os_store_list_attachments (f->store, os_record_get_local_id (r), &error);
  g_assert_no_error (error);
  /* The one of a record this desk does not have and the one with a bad SHA-256: skipped. */
  g_assert_cmpuint (list->len, ==, 1);
  a = g_ptr_array_index (list, 0);
  g_assert_cmpstr (a->id, ==, "01900000-0000-7000-8000-0000000000a1");
  g_assert_cmpstr (a->file_name, ==, "to-khai.pdf");
  g_assert_cmpstr (a->document_name, ==, "Tờ khai");
  g_assert_cmpint (a->size, ==, 1234);
  g_assert_cmpint (a->pages, ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM attachments"), ==, 1);
  /* Not this desk's to send. */
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 0);

  /* The same page again changes nothing; a deletion drops the row. */
  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", &n, &error));
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM attachments"), ==, 1);
  {
    g_autoptr(JsonArray) more = parse_array ("[{\"entity\":\"attachment\",\"id\":"
                                             "\"01900000-0000-7000-8000-0000000000a1\",\"op\":\"delete\","
                                             "\"unit_id\":\"u1\",\"version\":3}]");

    g_assert_true (os_store_apply_changes (f->store, more, "c-2", &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM attachments"), ==, 0);
}

static void
test_pull_malformed_page (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = change (OTHER_ID, AGENCY "-261123-0501", "Phạm Văn Cường", 1);
  const char *bad[] = {
    "{\"entity\":\"record\",\"id\":\"x\",\"op\":\"upsert\",\"unit_id\":\"u\",\"version\":1}",     /* no data */
    "{\"entity\":\"record\",\"id\":\"x\",\"op\":\"rename\",\"unit_id\":\"u\",\"version\":1,\"data\":{}}",
    "{\"entity\":\"record\",\"id\":\"x\",\"op\":\"delete\",\"unit_id\":\"u\",\"version\":\"1\"}",  /* wrong type */
    "{\"entity\":\"record\",\"id\":7,\"op\":\"delete\",\"unit_id\":\"u\",\"version\":1}",
    "42",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("[%s,%s]", c1, bad[i]);
      g_autoptr(JsonArray) changes = parse_array (text);
      g_autofree char *cursor = NULL;

      /* All or nothing: the good change is not applied and the cursor does not move. */
      g_assert_false (os_store_apply_changes (f->store, changes, "c-bad", NULL, &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
      g_clear_error (&error);
      g_assert_cmpint (os_store_count_records (f->store), ==, 0);
      cursor = os_store_dup_sync_cursor (f->store);
      g_assert_cmpstr (cursor, ==, "");
    }
  g_assert_cmpuint (f->records_changed, ==, 0);
}

static void
test_pull_cursor_atomic (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *c1 = change (OTHER_ID, AGENCY "-261123-0501", "Phạm Văn Cường", 1);
  g_autofree char *text = g_strdup_printf ("[%s]", c1);
  g_autoptr(JsonArray) changes = parse_array (text);
  g_autofree char *cursor = NULL;

  /* Another connection holds the write lock: the page cannot be written, and neither the
   * record nor the cursor is (they go in one transaction). */
  {
    sqlite3 *other = NULL;

    g_assert_cmpint (sqlite3_open (os_store_get_path (f->store), &other), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout (os_store_get_db (f->store), 50);
    g_assert_false (os_store_apply_changes (f->store, changes, "c-1", NULL, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_DATABASE);
    g_clear_error (&error);
    sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close (other);
  }
  cursor = os_store_dup_sync_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "");
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);

  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", NULL, &error));
  g_assert_no_error (error);
  g_free (cursor);
  cursor = os_store_dup_sync_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-1");
  g_assert_cmpint (os_store_count_records (f->store), ==, 1);
}

/* Another desk's edit of @record (its applicant now @name, at @version) comes in through
 * the feed. */
static void
apply_server_edit (OsStore    *store,
                   OsRecord   *record,
                   const char *name,
                   gint64      version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = change (os_record_get_id (record), os_record_get_code (record), name, version);
  g_autofree char *page = g_strdup_printf ("[%s]", server);
  g_autoptr(JsonArray) changes = parse_array (page);

  g_assert_true (os_store_apply_changes (store, changes, "c-1", NULL, &error));
  g_assert_no_error (error);
}

/* Sends the first pending mutation and saves the server's answer @status (with @version
 * and the refusal @code). */
static void
push_one (OsStore      *store,
          OsPushStatus  status,
          gint64        version,
          const char   *code,
          gint64        now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = os_store_next_push_batch (store, 10, NULL, &error);
  OsOutboxEntry *e;

  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, >=, 1);
  e = g_ptr_array_index (batch, 0);
  {
    OsPushResult r = { e->id, e->record_id, status, version, code, "Lý do của máy chủ." };
    g_assert_true (os_store_save_push_results (store, &r, 1, now, &error));
    g_assert_no_error (error);
  }
}

static void
test_pull_keeps_local_changes (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) batch = NULL;
  OsOutboxEntry *e;
  g_autoptr(OsRecord) edited = NULL;
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(GPtrArray) list = NULL;

  push_one (f->store, OS_PUSH_APPLIED, 1, NULL, now);

  /* The officer edits; meanwhile another desk's edit (version 2) comes in. */
  edited = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  os_record_set_applicant_name (edited, "Nguyễn Văn An (sửa tại đây)");
  g_assert_true (os_store_update_record (f->store, edited, now + 10, &error));
  apply_server_edit (f->store, a, "Nguyễn Văn An (sửa nơi khác)", 2);

  /* Not merged silently: the desk keeps its own until the server decides. */
  r = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  g_assert_cmpstr (os_record_get_applicant_name (r), ==, "Nguyễn Văn An (sửa tại đây)");
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (a)), ==, OS_RECORD_SYNC_PENDING);

  /* The server refuses the desk's edit as stale; the officer discards it: the server's
   * copy becomes the desk's. */
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  e = g_ptr_array_index (batch, 0);
  {
    OsPushResult stale = { e->id, e->record_id, OS_PUSH_REFUSED, 0, "stale_version", "Hồ sơ đã được sửa ở nơi khác." };
    g_assert_true (os_store_save_push_results (f->store, &stale, 1, now + 20, &error));
  }
  list = os_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((OsQuarantined *) g_ptr_array_index (list, 0))->error_code, ==, "stale_version");
  g_assert_true (os_store_discard_quarantined (f->store, ((OsQuarantined *) g_ptr_array_index (list, 0))->id,
                                               &error));
  g_assert_no_error (error);
  g_clear_object (&r);
  r = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  g_assert_cmpstr (os_record_get_applicant_name (r), ==, "Nguyễn Văn An (sửa nơi khác)");
  g_assert_cmpint (query_int (f->store, "SELECT version * 10 + synced FROM records"), ==, 21);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (a)), ==, OS_RECORD_SYNC_SYNCED);
}

static void
test_resend_stale (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) batch = NULL;
  OsOutboxEntry *e;
  g_autofree char *quarantined_id = NULL;

  push_one (f->store, OS_PUSH_APPLIED, 1, NULL, now);
  edit_notes (f->store, a, "ghi chú của bàn này", now + 10);
  apply_server_edit (f->store, a, "Nguyễn Văn An", 2);

  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  e = g_ptr_array_index (batch, 0);
  g_assert_cmpint (e->base_version, ==, 1);
  quarantined_id = g_strdup (e->id);
  {
    OsPushResult stale = { e->id, e->record_id, OS_PUSH_REFUSED, 0, "stale_version", "Đã sửa ở nơi khác." };
    g_assert_true (os_store_save_push_results (f->store, &stale, 1, now + 20, &error));
  }

  /* Fix and resend: made against the version the server has now (2). */
  g_assert_true (os_store_resend_quarantined (f->store, quarantined_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  e = g_ptr_array_index (batch, 0);
  g_assert_cmpstr (e->kind, ==, "update");
  g_assert_cmpint (e->base_version, ==, 2);
  g_assert_nonnull (strstr (e->payload, "ghi chú của bàn này"));
  {
    OsPushResult ok = { e->id, e->record_id, OS_PUSH_APPLIED, 3, NULL, NULL };
    g_assert_true (os_store_save_push_results (f->store, &ok, 1, now + 30, &error));
  }
  /* The held copy (version 2) is older than the desk's applied edit: dropped. */
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM held_changes"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 3);
  assert_notes (f->store, a, "ghi chú của bàn này");
}

/* The version chain ------------------------------------------------------------------ */

/* After a discard, a record with nothing left to send is back at the server's version,
 * so its next edit is made against it (not against a version the server never had). */
static void
test_discard_version_chain (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) batch = NULL;

  push_one (f->store, OS_PUSH_APPLIED, 1, NULL, now);
  for (int i = 0; i < 2; i++)
    edit_notes (f->store, a, i == 0 ? "sửa một" : "sửa hai", now + 10 + i);
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 3);
  push_one (f->store, OS_PUSH_REFUSED, 0, "invalid", now + 20);

  /* Discarding the head: the edit behind it is made against the server's version now. */
  list = os_store_list_quarantined (f->store, &error);
  g_assert_true (os_store_discard_quarantined (f->store, ((OsQuarantined *) g_ptr_array_index (list, 0))->id,
                                               &error));
  g_assert_no_error (error);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  g_assert_cmpint (((OsOutboxEntry *) g_ptr_array_index (batch, 0))->base_version, ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 2);

  /* Refused and discarded too: nothing left, the record is at the server's version. */
  push_one (f->store, OS_PUSH_REFUSED, 0, "invalid", now + 30);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = os_store_list_quarantined (f->store, &error);
  g_assert_true (os_store_discard_quarantined (f->store, ((OsQuarantined *) g_ptr_array_index (list, 0))->id,
                                               &error));
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 1);

  /* The next edit: against version 1, which the server has. */
  edit_notes (f->store, a, "sửa ba", now + 40);
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  g_assert_cmpint (((OsOutboxEntry *) g_ptr_array_index (batch, 0))->base_version, ==, 1);
}

/* out_of_order for ever is not retried for ever: at the head of its record's line, after
 * OS_STORE_MAX_OUT_OF_ORDER answers it goes to the quarantine with a reason. */
static void
test_out_of_order_quarantined (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) list = NULL;
  OsQuarantined *q;

  push_one (f->store, OS_PUSH_APPLIED, 1, NULL, now);
  edit_notes (f->store, a, "sửa", now + 10);
  for (int i = 0; i < OS_STORE_MAX_OUT_OF_ORDER - 1; i++)
    push_one (f->store, OS_PUSH_RETRY, 0, "out_of_order", now + 20 + i);
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  g_assert_cmpint (os_store_count_pending (f->store), ==, 1);
  push_one (f->store, OS_PUSH_RETRY, 0, "out_of_order", now + 30);
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 1);
  g_assert_cmpint (os_store_count_pending (f->store), ==, 0);
  list = os_store_list_quarantined (f->store, &error);
  q = g_ptr_array_index (list, 0);
  g_assert_cmpstr (q->error_code, ==, "out_of_order");
  g_assert_nonnull (strstr (q->error_message, "không theo đúng thứ tự"));
  g_assert_cmpint (q->server_version, ==, 1);
  g_assert_false (q->held);
}

/* After stale_version the officer sees that the server has another edit, and which. */
static void
test_stale_shows_server_copy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) a = receive (f->store, "Nguyễn Văn An", now);
  g_autoptr(GPtrArray) list = NULL;
  OsQuarantined *q;

  push_one (f->store, OS_PUSH_APPLIED, 1, NULL, now);
  edit_notes (f->store, a, "ghi chú của bàn này", now + 10);
  apply_server_edit (f->store, a, "Nguyễn Văn An (bàn khác sửa)", 2);
  push_one (f->store, OS_PUSH_REFUSED, 0, "stale_version", now + 20);

  list = os_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  q = g_ptr_array_index (list, 0);
  g_assert_true (q->held);
  g_assert_cmpint (q->server_version, ==, 2);
  g_assert_nonnull (strstr (q->held_data, "bàn khác sửa"));
  /* Nothing is overwritten until the officer resends: the desk's copy is its own. */
  assert_notes (f->store, a, "ghi chú của bàn này");
}

/* Changes the desk cannot apply are parked, not dropped; the cursor moves on. */
static void
test_pull_parked (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = local_instant (2026, 11, 23, 9, 0);
  g_autoptr(OsRecord) mine = receive (f->store, "Nguyễn Văn An", now);
  g_autofree char *unreadable = g_strdup_printf (
    "{\"entity\":\"record\",\"id\":\"%s\",\"op\":\"upsert\",\"unit_id\":\"u1\",\"version\":1,"
    "\"data\":{\"id\":\"%s\",\"code\":\"" AGENCY "-261123-0601\",\"procedure_name\":\"Đăng ký khai sinh\","
    "\"applicant_name\":\"\",\"status\":1}}", OTHER_ID, OTHER_ID);
  g_autofree char *collides = change (OTHER_ID2, os_record_get_code (mine), "Người của bàn khác", 1);
  g_autofree char *page = g_strdup_printf ("[%s,%s]", unreadable, collides);
  g_autoptr(JsonArray) changes = parse_array (page);
  g_autofree char *cursor = NULL;
  guint n = 99;

  g_assert_true (os_store_apply_changes (f->store, changes, "c-1", &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  cursor = os_store_dup_sync_cursor (f->store);
  g_assert_cmpstr (cursor, ==, "c-1");
  g_assert_cmpint (os_store_count_parked (f->store), ==, 2);
  g_assert_cmpint (os_store_count_records (f->store), ==, 1);

  /* A readable version of the first comes: it goes in and replaces the parked one. */
  {
    g_autofree char *fixed = change (OTHER_ID, AGENCY "-261123-0601", "Phạm Văn Cường", 2);
    g_autofree char *text = g_strdup_printf ("[%s]", fixed);
    g_autoptr(JsonArray) more = parse_array (text);

    g_assert_true (os_store_apply_changes (f->store, more, "c-2", &n, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (os_store_count_parked (f->store), ==, 1);
  g_assert_cmpint (os_store_count_records (f->store), ==, 2);

  /* The record that held the code goes (the server removed it): the parked one is tried
   * again after the page and goes in. */
  {
    g_autofree char *text = g_strdup_printf ("[{\"entity\":\"record\",\"id\":\"%s\",\"op\":\"delete\","
                                             "\"unit_id\":\"u1\",\"version\":2}]", os_record_get_id (mine));
    g_autoptr(JsonArray) more = parse_array (text);

    g_assert_true (os_store_apply_changes (f->store, more, "c-3", &n, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (os_store_count_parked (f->store), ==, 0);
  g_assert_cmpint (os_store_lookup_record (f->store, OTHER_ID2), !=, 0);
  {
    g_autoptr(OsRecord) r = os_store_find_record_by_code (f->store, os_record_get_code (mine), &error);
    g_assert_cmpstr (os_record_get_applicant_name (r), ==, "Người của bàn khác");
  }
}

/* Quarantined actions ---------------------------------------------------------------- */

/* Tiếp nhận → Xử lý → Trả kết quả, for the procedure of new_record(). */
static void
publish_process (OsStore *store)
{
  static const char data[] =
    "{\"id\": \"0190d3a0-0000-7000-8000-0000000000a1\", \"version\": 0, \"name\": \"Quy trình thử\", "
    "\"start\": \"s1\", \"procedures\": [\"dang-ky-khai-sinh\"], \"published_at\": 0, \"published_by\": \"\", "
    "\"steps\": ["
    "{\"id\": \"s1\", \"name\": \"Tiếp nhận\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 1, "
    "\"abilities\": [\"hand_over\"], \"x\": 0, \"y\": 0},"
    "{\"id\": \"s2\", \"name\": \"Xử lý\", \"unit\": \"\", \"role\": \"specialist\", \"budget\": 2, "
    "\"abilities\": [\"process\"], \"x\": 200, \"y\": 0},"
    "{\"id\": \"s3\", \"name\": \"Trả kết quả\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 0, "
    "\"abilities\": [\"return\"], \"x\": 400, \"y\": 0}], \"links\": ["
    "{\"id\": \"l1\", \"from\": \"s1\", \"to\": \"s2\", \"outcome\": \"accept\"},"
    "{\"id\": \"l2\", \"from\": \"s2\", \"to\": \"s3\", \"outcome\": \"accept\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) draft = os_process_new_from_data (data, &error);
  g_autoptr(OsProcess) published = NULL;

  g_assert_no_error (error);
  published = os_store_publish_process (store, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (published);
}

static OsRecord *
act (OsStore    *store,
     OsRecord   *record,
     OsAction    action,
     const char *assignee)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsActionRequest) request = os_action_request_new (action);
  const char *id = os_record_get_id (record);
  OsRecord *saved;

  request->assignee = g_strdup (assignee);
  saved = os_store_apply_action (store, id, os_store_get_record_version (store, id), request, &error);
  g_assert_no_error (error);
  return saved;
}

/* A record received ten minutes before @now on the published process, on the server at
 * version 1. */
static OsRecord *
receive_on_process (OsStore *store,
                    gint64   now)
{
  OsRecord *record;

  publish_process (store);
  record = receive (store, "Nguyễn Văn An", now - 600);
  push_one (store, OS_PUSH_APPLIED, 1, NULL, now);
  return record;
}

/* The server's copy @record (its JSON) at @version comes in through the feed; how many
 * records it changed. */
static guint
pull_copy (OsStore  *store,
           OsRecord *record,
           gint64    version)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = os_record_to_json (record, AGENCY, NULL);
  g_autofree char *text = json_to_string (data, FALSE);
  g_autofree char *page = g_strdup_printf ("[{\"entity\":\"record\",\"id\":\"%s\",\"op\":\"upsert\","
                                           "\"unit_id\":\"u1\",\"version\":%" G_GINT64_FORMAT ",\"data\":%s}]",
                                           os_record_get_id (record), version, text);
  g_autoptr(JsonArray) changes = parse_array (page);
  guint n = 0;

  g_assert_true (os_store_apply_changes (store, changes, "c-1", &n, &error));
  g_assert_no_error (error);
  return n;
}

static char *
quarantined_id (OsStore *store)
{
  g_autoptr(GPtrArray) list = os_store_list_quarantined (store, NULL);

  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((OsQuarantined *) g_ptr_array_index (list, 0))->kind, ==, "action");
  return g_strdup (((OsQuarantined *) g_ptr_array_index (list, 0))->id);
}

static char *
step_of (OsStore *store)
{
  sqlite3_stmt *stmt = NULL;
  char *step;

  g_assert_cmpint (sqlite3_prepare_v2 (os_store_get_db (store), "SELECT step_id FROM records", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  step = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return step;
}

/* The server refused the action (its engine said no, at the same version): "Gửi lại"
 * runs the same request again on the server's copy (the record before the action), as a
 * new action, never as an update. */
static void
test_action_resend_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *id = NULL;
  g_autofree char *step = NULL;
  OsOutboxEntry *e;

  a = receive_on_process (f->store, now);
  moved = act (f->store, a, OS_ACTION_HAND_OVER, "vuhong");
  push_one (f->store, OS_PUSH_REFUSED, 0, "action_refused", now);
  id = quarantined_id (f->store);

  g_assert_true (os_store_resend_quarantined (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  e = g_ptr_array_index (batch, 0);
  g_assert_cmpstr (e->kind, ==, "action");
  g_assert_cmpstr (e->id, !=, id);
  g_assert_cmpint (e->base_version, ==, 1);
  g_assert_nonnull (strstr (e->payload, "\"hand_over\""));
  g_assert_nonnull (strstr (e->payload, "\"vuhong\""));
  g_assert_null (strstr (e->payload, "applicant_name"));
  step = step_of (f->store);
  g_assert_cmpstr (step, ==, "s2");
  g_assert_cmpint (query_int (f->store, "SELECT version FROM records"), ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events WHERE action = 'sync-resend'"), ==, 1);
}

/* Another desk edited the record meanwhile (the server's copy, held): the action is run
 * again on that copy, which keeps the other desk's edit. */
static void
test_action_resend_held (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) server = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *id = NULL;
  OsOutboxEntry *e;

  a = receive_on_process (f->store, now);
  server = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  os_record_set_notes (server, "sửa ở bàn khác");

  moved = act (f->store, a, OS_ACTION_HAND_OVER, NULL);
  pull_copy (f->store, server, 2);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM held_changes"), ==, 1);
  push_one (f->store, OS_PUSH_REFUSED, 0, "stale_version", now);
  id = quarantined_id (f->store);

  g_assert_true (os_store_resend_quarantined (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM held_changes"), ==, 0);
  batch = os_store_next_push_batch (f->store, 10, NULL, &error);
  g_assert_cmpuint (batch->len, ==, 1);
  e = g_ptr_array_index (batch, 0);
  g_assert_cmpstr (e->kind, ==, "action");
  g_assert_cmpint (e->base_version, ==, 2);
  r = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  g_assert_cmpstr (os_record_get_notes (r), ==, "sửa ở bàn khác");
  g_assert_cmpstr (os_record_get_process_state (r)->step_id, ==, "s2");
  g_assert_cmpint (query_int (f->store, "SELECT version * 10 + server_version FROM records"), ==, 32);
}

/* The server's copy moved on (another desk handed it over): the same action is no longer
 * allowed there; the resend says why and changes nothing. */
static void
test_action_resend_not_allowed (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) server = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autoptr(OsActionRequest) other = os_action_request_new (OS_ACTION_HAND_OVER);
  g_autofree char *id = NULL;
  g_autoptr(OsProcess) process = NULL;

  a = receive_on_process (f->store, now);
  server = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  process = os_store_load_process (f->store, os_record_get_process_state (server)->process_id, 1, &error);
  other->at = now - 60;
  other->assignee = g_strdup ("dokhai");
  g_assert_true (os_process_engine_apply (process, os_store_get_calendar (f->store), server,
                                          os_store_get_actor (f->store), other, &error));
  g_assert_no_error (error);

  moved = act (f->store, a, OS_ACTION_HAND_OVER, "vuhong");
  pull_copy (f->store, server, 2);
  push_one (f->store, OS_PUSH_REFUSED, 0, "stale_version", now);
  id = quarantined_id (f->store);

  g_assert_false (os_store_resend_quarantined (f->store, id, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  /* Nothing changed: still quarantined, the server's copy still held. */
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM held_changes"), ==, 1);

  /* "Bỏ": the record takes the server's copy (handed over to dokhai). */
  g_assert_true (os_store_discard_quarantined (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's2' AND assignee = 'dokhai' "
                                        "AND version = 2 AND server_version = 2"), ==, 1);
}

/* Refused as stale before the desk pulled the server's newer copy (nothing held): the
 * action is not run again on the old copy (the server would say stale again); the officer
 * is asked to sync first, and nothing changes. */
static void
test_action_resend_stale_unpulled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autofree char *id = NULL;
  g_autofree char *step = NULL;
  g_autofree char *sql = NULL;
  gint64 events;

  a = receive_on_process (f->store, now);
  moved = act (f->store, a, OS_ACTION_HAND_OVER, "vuhong");
  push_one (f->store, OS_PUSH_REFUSED, 0, "stale_version", now);
  id = quarantined_id (f->store);
  events = query_int (f->store, "SELECT COUNT(*) FROM record_events");
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM held_changes"), ==, 0);

  g_assert_false (os_store_resend_quarantined (f->store, id, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Máy chưa nhận được bản mới nhất của hồ sơ từ máy chủ. Hãy đồng bộ (F5) rồi gửi lại.");
  g_clear_error (&error);

  /* Nothing changed: the same row still quarantined, the record where the action left it. */
  sql = g_strdup_printf ("SELECT COUNT(*) FROM outbox WHERE id = '%s' AND state = 1", id);
  g_assert_cmpint (query_int (f->store, sql), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT version * 10 + server_version FROM records"), ==, 21);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events"), ==, events);
  step = step_of (f->store);
  g_assert_cmpstr (step, ==, "s2");
}

/* The server applied the action and computed the record itself (its actor's name from its
 * users, its desk id): when that copy comes back at the version the desk has, with
 * nothing of the record waiting, the desk takes it where it differs. The same copy again
 * changes nothing. */
static void
test_action_applied_takes_server_copy (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autoptr(OsRecord) server = NULL;
  g_autoptr(OsRecord) r = NULL;
  OsProcessEntry *entry;

  a = receive_on_process (f->store, now);
  moved = act (f->store, a, OS_ACTION_HAND_OVER, "vuhong");
  push_one (f->store, OS_PUSH_APPLIED, 2, NULL, now);
  g_assert_cmpint (query_int (f->store, "SELECT version * 100 + server_version * 10 + synced FROM records"), ==, 221);

  /* Our own computation coming back as it is: seen already. */
  server = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pull_copy (f->store, server, 2), ==, 0);

  /* The server's differs. */
  entry = g_ptr_array_index (os_record_get_process_state (server)->entries, 0);
  g_free (entry->actor_name);
  entry->actor_name = g_strdup ("Lê Thu Hà (máy chủ)");
  g_free (entry->desk);
  entry->desk = g_strdup ("01900000-0000-7000-8000-0000000000d1");
  g_assert_cmpuint (pull_copy (f->store, server, 2), ==, 1);
  r = os_store_load_record (f->store, os_record_get_local_id (a), &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (os_record_get_process_state (r)->entries, 0);
  g_assert_cmpstr (entry->actor_name, ==, "Lê Thu Hà (máy chủ)");
  g_assert_cmpstr (entry->desk, ==, "01900000-0000-7000-8000-0000000000d1");
  g_assert_cmpint (query_int (f->store, "SELECT version * 100 + server_version * 10 + synced FROM records"), ==, 221);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM records WHERE step_id = 's2' AND assignee = 'vuhong'"),
                   ==, 1);
  g_assert_cmpuint (pull_copy (f->store, server, 2), ==, 0);

  /* With something of the record waiting, the desk's copy stays (the server's is held). */
  edit_notes (f->store, a, "sửa trên máy", now);
  os_record_set_notes (server, "khác");
  entry = g_ptr_array_index (os_record_get_process_state (server)->entries, 0);
  g_free (entry->actor_name);
  entry->actor_name = g_strdup ("Tên khác");
  g_assert_cmpuint (pull_copy (f->store, server, 2), ==, 0);
  assert_notes (f->store, a, "sửa trên máy");
}

/* "Bỏ" with no newer server copy: the record goes back to where it stood before the
 * action, and the later action made on its result goes too. */
static void
test_action_discard (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(OsRecord) a = NULL;
  g_autoptr(OsRecord) m1 = NULL;
  g_autoptr(OsRecord) r = NULL;
  g_autoptr(OsActionRequest) process = os_action_request_new (OS_ACTION_PROCESS);
  g_autofree char *id = NULL;
  g_autofree char *step = NULL;

  a = receive_on_process (f->store, now);
  m1 = act (f->store, a, OS_ACTION_HAND_OVER, NULL);
  process->outcome = OS_OUTCOME_ACCEPT;
  r = os_store_apply_action (f->store, os_record_get_id (a), os_store_get_record_version (f->store, os_record_get_id (a)),
                             process, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox WHERE kind = 'action'"), ==, 2);
  push_one (f->store, OS_PUSH_REFUSED, 0, "action_refused", now);
  id = quarantined_id (f->store);

  g_assert_true (os_store_discard_quarantined (f->store, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM outbox"), ==, 0);
  step = step_of (f->store);
  g_assert_cmpstr (step, ==, "s1");
  g_assert_cmpint (query_int (f->store, "SELECT status * 10 + version FROM records"), ==, 21);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_steps"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT COUNT(*) FROM record_events WHERE action = 'sync-discard'"), ==, 1);
}

static void
test_catalogue (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *etag = NULL;
  OsProcedure *p;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"version\":3,\"procedures\":[{\"id\":\"a\",\"code\":\"1.1\",\"name\":\"Thủ tục A\",\"field\":\"Hộ tịch\","
    "\"time\":{\"unit\":\"calendar-days\",\"amount\":5},\"cutoff\":\"15:00\",\"documents\":[\"Tờ khai\",3]},"
    "{\"id\":\"b\"},{\"id\":\"c\",\"name\":\"Thủ tục C\"}]}", -1, NULL));
  g_assert_true (os_store_apply_catalogue (f->store, json_parser_get_root (parser), "\"v3\"", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (f->store)), ==, 2);
  p = g_list_model_get_item (os_store_get_procedures (f->store), 0);
  g_assert_cmpstr (os_procedure_get_name (p), ==, "Thủ tục A");
  g_assert_cmpint (os_procedure_get_time_limit (p)->cutoff_minutes, ==, 15 * 60);
  g_assert_cmpstr (os_procedure_get_documents (p)[0], ==, "Tờ khai");
  g_assert_null (os_procedure_get_documents (p)[1]);
  g_object_unref (p);
  etag = os_store_dup_setting (f->store, "catalogue-etag");
  g_assert_cmpstr (etag, ==, "\"v3\"");

  /* A server that never had a catalogue imported (version 0, empty) leaves the desk's. */
  g_assert_true (json_parser_load_from_data (parser, "{\"version\":0,\"procedures\":[]}", -1, NULL));
  g_assert_true (os_store_apply_catalogue (f->store, json_parser_get_root (parser), "\"v0\"", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (f->store)), ==, 2);
  g_free (etag);
  etag = os_store_dup_setting (f->store, "catalogue-etag");
  g_assert_cmpstr (etag, ==, "\"v3\"");

  g_assert_true (json_parser_load_from_data (parser, "{\"procedures\":{}}", -1, NULL));
  g_assert_false (os_store_apply_catalogue (f->store, json_parser_get_root (parser), "x", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (f->store)), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync-store/action/resend-refused", test_action_resend_refused);
  ADD ("/sync-store/action/resend-on-held-copy", test_action_resend_held);
  ADD ("/sync-store/action/resend-not-allowed", test_action_resend_not_allowed);
  ADD ("/sync-store/action/discard", test_action_discard);
  ADD ("/sync-store/action/resend-stale-unpulled", test_action_resend_stale_unpulled);
  ADD ("/sync-store/action/applied-takes-server-copy", test_action_applied_takes_server_copy);
  ADD ("/sync-store/discard-version-chain", test_discard_version_chain);
  ADD ("/sync-store/out-of-order-quarantined", test_out_of_order_quarantined);
  ADD ("/sync-store/stale-shows-server-copy", test_stale_shows_server_copy);
  ADD ("/sync-store/pull-parked", test_pull_parked);
  ADD ("/sync-store/codes/unenrolled", test_codes_unenrolled);
  ADD ("/sync-store/codes/leased-in-order", test_codes_leased_in_order);
  ADD ("/sync-store/codes/exhausted", test_codes_exhausted);
  ADD ("/sync-store/outbox/entries", test_outbox_entries);
  ADD ("/sync-store/outbox/ack", test_outbox_ack);
  ADD ("/sync-store/outbox/quarantine", test_quarantine);
  ADD ("/sync-store/outbox/update-versions", test_update_versions);
  ADD ("/sync-store/outbox/resend-stale", test_resend_stale);
  ADD ("/sync-store/pull/apply", test_pull_apply);
  ADD ("/sync-store/pull/attachments", test_pull_attachments);
  ADD ("/sync-store/pull/malformed-page", test_pull_malformed_page);
  ADD ("/sync-store/pull/cursor-atomic", test_pull_cursor_atomic);
  ADD ("/sync-store/pull/keeps-local-changes", test_pull_keeps_local_changes);
  ADD ("/sync-store/catalogue", test_catalogue);
#undef ADD

  return g_test_run ();
}
