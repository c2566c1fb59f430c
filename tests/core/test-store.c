/* test-store.c: the desk database (os-store) and the record list that pages from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/wait.h>

#include "os-datetime.h"
#include "os-demo.h"
#include "os-error.h"
#include "os-record-code.h"
#include "os-record-list.h"
#include "os-store-private.h"
#include "os-text.h"
#include "os-test-util.h"

#define AGENCY "000.00.06.H56"
#define OTHER_AGENCY "38.98.H29"
/* What store-writer saves per record. */
#define WRITER_DOCUMENTS 3

static char *store_writer_path;

/* Helpers ------------------------------------------------------------------------ */

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("os-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "desk.db", NULL);
}


static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  os_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
local_instant (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, second);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    g_error ("%s: no row (%s)", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    g_error ("%s: no row (%s)", sql, sqlite3_errmsg (db));
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static OsStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  OsStore *store = os_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
set_agency (OsStore    *store,
            const char *identifier)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) agency = os_agency_new (identifier, "UBND Phường Ba Đình", "UBND Thành phố Hà Nội",
                                              "Hà Nội", "Bộ phận Một cửa");

  g_assert_true (os_store_set_agency (store, agency, &error));
  g_assert_no_error (error);
}

static OsStore *
open_store_with_agency (const char *path)
{
  OsStore *store = open_store (path);

  set_agency (store, AGENCY);
  return store;
}

static OsRecord *
new_record (const char *name,
            OsStatus    status,
            const char *reason)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_procedure (record, "p-khai-sinh", "1.001193.000.00.00.H29", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, "001099012345");
  os_record_set_birth_date (record, "1990-02-01");
  os_record_set_phone (record, "0912345678");
  os_record_set_email (record, "an.nguyen@example.vn");
  os_record_set_address (record, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
  os_record_set_sets (record, 1);
  os_record_set_officer (record, "Lê Thu Hà");
  os_record_set_status (record, status);
  os_record_set_reason (record, reason);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh", 1, 0, 0);
  os_record_add_document (record, "Căn cước công dân của người đi đăng ký", 0, 1, 2);
  return record;
}

static char *
receive_ok (OsStore  *store,
            OsRecord *record,
            gint64    now)
{
  g_autoptr(GError) error = NULL;

  if (!os_store_receive (store, record, now, &error))
    g_error ("receive failed: %s", error ? error->message : "(no error)");
  g_assert_no_error (error);
  g_assert_nonnull (os_record_get_code (record));
  g_assert_cmpint (os_record_get_local_id (record), >, 0);
  return g_strdup (os_record_get_code (record));
}

static char *
receive_new (OsStore    *store,
             const char *name,
             gint64      now)
{
  g_autoptr(OsRecord) record = new_record (name, OS_STATUS_RECEIVED, NULL);

  return receive_ok (store, record, now);
}

/* Everything os_store_receive writes, to show a refused save wrote nothing. */
typedef struct
{
  gint64 records, documents, events, outbox, fts, code_counters, code_sum, book_sum;
} Snapshot;

static Snapshot
snapshot (OsStore *store)
{
  sqlite3 *db = os_store_get_db (store);
  Snapshot s;

  s.records = query_int (db, "SELECT COUNT(*) FROM records");
  s.documents = query_int (db, "SELECT COUNT(*) FROM record_documents");
  s.events = query_int (db, "SELECT COUNT(*) FROM record_events");
  s.outbox = query_int (db, "SELECT COUNT(*) FROM outbox");
  s.fts = query_int (db, "SELECT COUNT(*) FROM records_fts");
  s.code_counters = query_int (db, "SELECT COUNT(*) FROM code_counters");
  s.code_sum = query_int (db, "SELECT COALESCE(SUM(last), 0) FROM code_counters");
  s.book_sum = query_int (db, "SELECT COALESCE(SUM(last), 0) FROM book_counters");
  g_assert_cmpint (s.records, ==, os_store_count_records (store));
  g_assert_cmpint (s.outbox, ==, os_store_count_outbox (store));
  return s;
}

static void
assert_snapshot_equal (const Snapshot *a,
                       const Snapshot *b)
{
  g_assert_cmpint (a->records, ==, b->records);
  g_assert_cmpint (a->documents, ==, b->documents);
  g_assert_cmpint (a->events, ==, b->events);
  g_assert_cmpint (a->outbox, ==, b->outbox);
  g_assert_cmpint (a->fts, ==, b->fts);
  g_assert_cmpint (a->code_counters, ==, b->code_counters);
  g_assert_cmpint (a->code_sum, ==, b->code_sum);
  g_assert_cmpint (a->book_sum, ==, b->book_sum);
}

/* A receive that must fail with @code and leave the database and the record untouched. */
static void
assert_receive_refused (OsStore  *store,
                        OsRecord *record,
                        gint64    now,
                        int       code)
{
  g_autoptr(GError) error = NULL;
  Snapshot before = snapshot (store), after;

  g_assert_false (os_store_receive (store, record, now, &error));
  g_assert_error (error, OS_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("refused as expected: %s", error->message);

  after = snapshot (store);
  assert_snapshot_equal (&before, &after);
  g_assert_null (os_record_get_code (record));
  g_assert_null (os_record_get_id (record));
  g_assert_cmpint (os_record_get_received_at (record), ==, 0);
  g_assert_cmpint (os_record_get_due_at (record), ==, 0);
  g_assert_cmpint (os_record_get_local_id (record), ==, 0);
}

static GBytes *
read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Opening ------------------------------------------------------------------------ */

static void
test_open_migrations (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OsStore) store = NULL;
  static const char * const tables[] = {
    "settings", "procedures", "records", "record_documents", "record_events", "records_fts",
    "code_counters", "book_counters", "outbox", "calendar_entries",
  };
  sqlite3 *db;
  g_autofree char *journal = NULL;

  g_assert_cmpint (os_store_get_latest_version (), >=, 1);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  store = open_store (f->path);
  db = os_store_get_db (store);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (os_store_get_path (store), ==, f->path);
  g_assert_cmpint (os_store_get_schema_version (store), ==, os_store_get_latest_version ());
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, os_store_get_latest_version ());

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM sqlite_master WHERE name = '%s'", tables[i]);
      g_autofree char *count_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", tables[i]);

      g_assert_cmpint (query_int (db, sql), ==, 1);
      g_assert_cmpint (query_int (db, count_sql), ==, 0);
    }

  journal = query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2);   /* FULL */
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  {
    g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (integrity, ==, "ok");
  }

  g_assert_cmpint (os_store_count_records (store), ==, 0);
  g_assert_cmpint (os_store_count_outbox (store), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (store)), ==, 0);
}

static void
test_open_reopen (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_before = NULL;
  g_autofree char *code = NULL;
  g_autofree char *setting = NULL;
  g_autoptr(OsAgency) agency = NULL;
  g_autoptr(OsRecord) found = NULL;
  gint64 objects_before;

  g_assert_true (os_store_set_setting (store, "officer-name", "Trần Minh Đức", &error));
  g_assert_no_error (error);
  {
    g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);

    os_record_set_officer (record, NULL);
    code = receive_ok (store, record, local_instant (2023, 10, 27, 9, 0, 0));
  }
  schema_before = query_text (os_store_get_db (store),
                              "SELECT group_concat(type || ' ' || name || ' ' || COALESCE(sql, ''), ';') "
                              "FROM (SELECT * FROM sqlite_master ORDER BY name)");
  objects_before = query_int (os_store_get_db (store), "SELECT COUNT(*) FROM sqlite_master");
  g_clear_object (&store);

  /* Reopening is a no-op: same schema, same version, data kept. */
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *schema_after = NULL;

      store = open_store (f->path);
      g_assert_cmpint (os_store_get_schema_version (store), ==, os_store_get_latest_version ());
      g_assert_cmpint (query_int (os_store_get_db (store), "PRAGMA user_version"), ==, os_store_get_latest_version ());
      g_assert_cmpint (query_int (os_store_get_db (store), "SELECT COUNT(*) FROM sqlite_master"), ==, objects_before);
      schema_after = query_text (os_store_get_db (store),
                                 "SELECT group_concat(type || ' ' || name || ' ' || COALESCE(sql, ''), ';') "
                                 "FROM (SELECT * FROM sqlite_master ORDER BY name)");
      g_assert_cmpstr (schema_after, ==, schema_before);
      g_assert_cmpint (os_store_count_records (store), ==, 1);
      g_assert_cmpint (os_store_count_outbox (store), ==, 1);
      g_clear_object (&store);
    }

  store = open_store (f->path);
  setting = os_store_dup_setting (store, "officer-name");
  g_assert_cmpstr (setting, ==, "Trần Minh Đức");
  agency = os_store_dup_agency (store);
  g_assert_cmpstr (agency->identifier, ==, AGENCY);
  g_assert_cmpstr (agency->name, ==, "UBND Phường Ba Đình");
  found = os_store_find_record_by_code (store, code, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (os_record_get_applicant_name (found), ==, "Nguyễn Văn Ấn");
  /* No officer on the record: the configured one was used. */
  g_assert_cmpstr (os_record_get_officer (found), ==, "Trần Minh Đức");
}

static void
test_open_too_new (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (f->path, "-journal", NULL);
  sqlite3 *db = NULL;

  /* A database from a future version, in the default rollback-journal mode. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE future_things (id INTEGER PRIMARY KEY, what TEXT);"
                "INSERT INTO future_things (what) VALUES ('from version 999');"
                "PRAGMA user_version = 999;");
  sqlite3_close (db);
  before = read_file_bytes (f->path);

  for (guint round = 0; round < 2; round++)
    {
      store = os_store_open (f->path, &error);
      g_assert_null (store);
      g_assert_error (error, OS_ERROR, OS_ERROR_DATABASE_TOO_NEW);
      g_assert_nonnull (strstr (error->message, "999"));
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }

  /* Not modified: same bytes, no WAL or journal left behind, still version 999. */
  after = read_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 999);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'records'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM future_things"), ==, 1);
  sqlite3_close (db);

  /* The same for a newer database already in WAL mode, as the application leaves it. */
  {
    g_autofree char *path = g_build_filename (f->dir, "wal.db", NULL);

    store = open_store (path);
    exec_sql (os_store_get_db (store), "PRAGMA user_version = 1000");
    g_clear_object (&store);
    store = os_store_open (path, &error);
    g_assert_null (store);
    g_assert_error (error, OS_ERROR, OS_ERROR_DATABASE_TOO_NEW);
    g_clear_error (&error);
    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, 1000);
    g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records"), ==, 0);
    sqlite3_close (db);
  }
}

static void
assert_open_corrupt (const char *path,
                     GBytes     *contents)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(GBytes) after = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (contents, NULL),
                                      g_bytes_get_size (contents), NULL));
  store = os_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, OS_ERROR, OS_ERROR_DATABASE_CORRUPT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  /* The file is left as it was, for someone to rescue. */
  after = read_file_bytes (path);
  g_assert_true (g_bytes_equal (contents, after));
}

static GBytes *
random_bytes (GRand *rand,
              gsize  size,
              const char *prefix)
{
  guint8 *data = g_malloc (size);
  gsize start = prefix ? strlen (prefix) + 1 : 0;

  if (prefix)
    memcpy (data, prefix, start);
  for (gsize i = start; i < size; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  /* Random bytes that happen to start like SQLite are a different test. */
  if (!prefix && size >= 16)
    data[0] = 'X';
  return g_bytes_new_take (data, size);
}

static void
test_open_corrupt (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  static const gsize sizes[] = { 512, 1024, 4096, 65536, 200000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) garbage = random_bytes (rand, sizes[i], NULL);
      g_autoptr(GBytes) disguised = random_bytes (rand, sizes[i], "SQLite format 3");

      assert_open_corrupt (f->path, garbage);
      assert_open_corrupt (f->path, disguised);
    }

  /* A text file. */
  {
    g_autoptr(GBytes) text = NULL;
    g_autoptr(GString) s = g_string_new (NULL);

    while (s->len < 8192)
      g_string_append (s, "Đây không phải là cơ sở dữ liệu. ");
    text = g_bytes_new (s->str, s->len);
    assert_open_corrupt (f->path, text);
  }

  /* An empty file is a new database. */
  {
    g_autoptr(OsStore) store = NULL;

    g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
    store = open_store (f->path);
    g_assert_cmpint (os_store_get_schema_version (store), ==, os_store_get_latest_version ());
  }
}

/* Receiving ---------------------------------------------------------------------- */

static void
assert_code (const char *code,
             const char *expected)
{
  g_assert_cmpstr (code, ==, expected);
  g_assert_true (os_record_code_parse (code, NULL, NULL, NULL, NULL));
}

static void
test_receive_codes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  gint64 morning = local_instant (2023, 10, 27, 8, 0, 0);
  gint64 late_evening = local_instant (2023, 10, 27, 23, 30, 0);
  gint64 early_next = local_instant (2023, 10, 28, 6, 30, 0);
  gint64 midnight_next = local_instant (2023, 10, 28, 0, 0, 0);
  gint64 last_second = local_instant (2023, 10, 27, 23, 59, 59);

  for (guint i = 1; i <= 3; i++)
    {
      g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
      g_autofree char *code = receive_ok (store, record, morning + i);
      g_autofree char *expected = g_strdup_printf (AGENCY "-231027-%04u", i);

      assert_code (code, expected);
      g_assert_cmpint (os_record_get_received_at (record), ==, morning + i);
      g_assert_cmpint (os_record_get_local_id (record), ==, i);
      g_assert_cmpuint (strlen (os_record_get_id (record)), ==, 36);
      g_assert_cmpint (os_record_get_book_volume (record), ==, 2023);
      g_assert_cmpint (os_record_get_book_number (record), ==, i);
    }

  /* 23:30 local is 16:30 UTC, same day either way. */
  {
    g_autofree char *code = receive_new (store, "Trần Thị B", late_evening);
    assert_code (code, AGENCY "-231027-0004");
  }

  /* 06:30 local on the 28th is still the 27th in UTC: the code carries the local date. */
  {
    g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (early_next);
    g_autofree char *code = NULL;

    g_assert_cmpint (g_date_time_get_day_of_month (utc), ==, 27);
    g_assert_cmpint (g_date_time_get_hour (utc), ==, 23);
    code = receive_new (store, "Lê Văn C", early_next);
    assert_code (code, AGENCY "-231028-0001");
  }

  /* Local midnight starts the new day; the last second of the 27th still belongs to it. */
  {
    g_autofree char *a = receive_new (store, "Phạm Thị D", midnight_next);
    g_autofree char *b = receive_new (store, "Hoàng Văn E", last_second);
    g_autofree char *c = receive_new (store, "Vũ Thị G", midnight_next - 1);
    assert_code (a, AGENCY "-231028-0002");
    assert_code (b, AGENCY "-231027-0005");
    assert_code (c, AGENCY "-231027-0006");
  }

  /* Book numbers go on through the year across days, then start again. */
  {
    g_autoptr(OsRecord) record = new_record ("Đỗ Văn H", OS_STATUS_RECEIVED, NULL);
    g_autoptr(OsRecord) next_year = new_record ("Đỗ Văn I", OS_STATUS_RECEIVED, NULL);
    g_autofree char *a = receive_ok (store, record, local_instant (2023, 12, 31, 10, 0, 0));
    g_autofree char *b = receive_ok (store, next_year, local_instant (2024, 1, 2, 8, 0, 0));

    assert_code (a, AGENCY "-231231-0001");
    g_assert_cmpint (os_record_get_book_volume (record), ==, 2023);
    g_assert_cmpint (os_record_get_book_number (record), ==, 9);
    assert_code (b, AGENCY "-240102-0001");
    g_assert_cmpint (os_record_get_book_volume (next_year), ==, 2024);
    g_assert_cmpint (os_record_get_book_number (next_year), ==, 1);
  }

  g_assert_cmpint (os_store_count_records (store), ==, 10);
  g_assert_cmpint (query_int (os_store_get_db (store),
                              "SELECT last FROM code_counters WHERE agency = '" AGENCY "' AND day = '2023-10-27'"), ==, 6);
  g_assert_cmpint (query_int (os_store_get_db (store),
                              "SELECT last FROM code_counters WHERE agency = '" AGENCY "' AND day = '2023-10-28'"), ==, 2);
}

static void
test_receive_per_agency (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  gint64 t = local_instant (2023, 10, 28, 9, 0, 0);
  g_autofree char *a1 = receive_new (store, "Nguyễn Văn An", t);
  g_autofree char *a2 = receive_new (store, "Nguyễn Văn Bình", t + 60);
  g_autofree char *b1 = NULL, *b2 = NULL, *a3 = NULL;
  g_autoptr(OsRecord) other = new_record ("Trần Văn Cường", OS_STATUS_RECEIVED, NULL);

  assert_code (a1, AGENCY "-231028-0001");
  assert_code (a2, AGENCY "-231028-0002");

  set_agency (store, OTHER_AGENCY);
  b1 = receive_ok (store, other, t + 120);
  b2 = receive_new (store, "Lê Thị Dung", t + 180);
  assert_code (b1, OTHER_AGENCY "-231028-0001");
  assert_code (b2, OTHER_AGENCY "-231028-0002");
  g_assert_cmpint (os_record_get_book_number (other), ==, 1);

  set_agency (store, AGENCY);
  a3 = receive_new (store, "Phạm Văn Em", t + 240);
  assert_code (a3, AGENCY "-231028-0003");

  g_assert_cmpint (query_int (os_store_get_db (store),
                              "SELECT COUNT(*) FROM records WHERE agency = '" OTHER_AGENCY "'"), ==, 2);
  g_assert_cmpint (query_int (os_store_get_db (store), "SELECT COUNT(*) FROM code_counters"), ==, 2);
}

static void
test_receive_due_and_reasons (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  gint64 t = local_instant (2023, 10, 26, 9, 15, 0);   /* a Thursday */
  g_autoptr(OsRecord) received = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
  g_autoptr(OsRecord) refused = new_record ("Trần Thị Bích", OS_STATUS_REFUSED,
                                            "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.");
  g_autoptr(OsRecord) supplement = new_record ("Lê Văn Cường", OS_STATUS_SUPPLEMENT,
                                               "Bổ sung bản sao giấy tờ tùy thân có chứng thực.");
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  c1 = receive_ok (store, received, t);
  g_assert_cmpint (os_record_get_due_at (received), >, t);
  g_assert_cmpint (os_record_get_due_at (received), ==,
                   os_calendar_compute_due (os_store_get_calendar (store), t,
                                            os_record_get_time_limit (received)));
  g_assert_cmpint (os_record_get_status (received), ==, OS_STATUS_RECEIVED);

  c2 = receive_ok (store, refused, t + 60);
  g_assert_cmpint (os_record_get_due_at (refused), ==, 0);
  c3 = receive_ok (store, supplement, t + 120);
  g_assert_cmpint (os_record_get_due_at (supplement), ==, 0);
  /* Refused and supplement records take numbers from the same sequence. */
  assert_code (c1, AGENCY "-231026-0001");
  assert_code (c2, AGENCY "-231026-0002");
  assert_code (c3, AGENCY "-231026-0003");

  /* What was stored, and the history line for each. */
  {
    g_autoptr(OsRecord) r = os_store_find_record_by_code (store, c2, &error);
    g_assert_no_error (error);
    g_assert_cmpint (os_record_get_status (r), ==, OS_STATUS_REFUSED);
    g_assert_cmpint (os_record_get_due_at (r), ==, 0);
    g_assert_cmpstr (os_record_get_reason (r), ==, "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.");
    events = os_store_list_events (store, os_record_get_local_id (r), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpstr (((OsRecordEvent *) events->pdata[0])->action, ==, "refuse");
    g_assert_cmpint (((OsRecordEvent *) events->pdata[0])->status, ==, OS_STATUS_REFUSED);
    g_assert_cmpstr (((OsRecordEvent *) events->pdata[0])->note, ==, os_record_get_reason (r));
    g_clear_pointer (&events, g_ptr_array_unref);
  }
  {
    g_autoptr(OsRecord) r = os_store_find_record_by_code (store, c3, &error);
    g_assert_no_error (error);
    g_assert_cmpint (os_record_get_status (r), ==, OS_STATUS_SUPPLEMENT);
    g_assert_cmpint (os_record_get_due_at (r), ==, 0);
    events = os_store_list_events (store, os_record_get_local_id (r), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 1);
    g_assert_cmpstr (((OsRecordEvent *) events->pdata[0])->action, ==, "request-supplement");
    g_assert_cmpint (((OsRecordEvent *) events->pdata[0])->status, ==, OS_STATUS_SUPPLEMENT);
    g_clear_pointer (&events, g_ptr_array_unref);
  }
  {
    g_autoptr(OsRecord) r = os_store_find_record_by_code (store, c1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (os_record_get_due_at (r), ==, os_record_get_due_at (received));
    events = os_store_list_events (store, os_record_get_local_id (r), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (((OsRecordEvent *) events->pdata[0])->action, ==, "receive");
  }
  g_assert_cmpint (query_int (os_store_get_db (store), "SELECT COUNT(*) FROM outbox WHERE kind = 'refuse'"), ==, 1);
  g_assert_cmpint (query_int (os_store_get_db (store),
                              "SELECT COUNT(*) FROM outbox WHERE kind = 'request-supplement'"), ==, 1);

  /* Refusal and supplement need a reason: blank or missing writes nothing. */
  {
    static const char * const blanks[] = { NULL, "", "   ", " \t\r\n " };

    for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
      {
        g_autoptr(OsRecord) a = new_record ("Phạm Văn Dũng", OS_STATUS_REFUSED, blanks[i]);
        g_autoptr(OsRecord) b = new_record ("Phạm Văn Dũng", OS_STATUS_SUPPLEMENT, blanks[i]);

        assert_receive_refused (store, a, t + 180, OS_ERROR_INVALID_INPUT);
        assert_receive_refused (store, b, t + 180, OS_ERROR_INVALID_INPUT);
      }
  }

  /* No number was used up by the refused saves. */
  c4 = receive_new (store, "Phạm Văn Dũng", t + 240);
  assert_code (c4, AGENCY "-231026-0004");
}

static void
test_receive_validation (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  gint64 t = local_instant (2023, 10, 27, 10, 0, 0);
  g_autofree char *first = receive_new (store, "Nguyễn Văn Ấn", t);
  g_autofree char *after = NULL;
  static const char * const bad_names[] = { NULL, "", "   ", "\t\n" };
  static const char * const bad_emails[] = {
    "abc", "a b@example.vn", "an@", "@example.vn", "an@example", "an@@example.vn", "an@example..vn",
    "an@.example.vn", "an@example.vn.", "an@exa mple.vn", "an@example.vn ", "Nguyễn Văn Ấn",
  };
  static const char * const good_emails[] = {
    "an.nguyen@example.vn", "nguyen_van+an@cand.gov.vn", "AN@EXAMPLE.COM", "a@b.co",
  };
  static const char * const bad_births[] = {
    "1990-02-30", "1990-13-01", "1990-00-10", "1990-2-1", "01/02/1990", "1990/02/01", "01-02-1990",
    "19900201", "abcd-ef-gh", "2999-01-01", "1990-02-01x", "1990-02-01 ", "hôm qua",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(OsRecord) record = new_record (bad_names[i], OS_STATUS_RECEIVED, NULL);
      assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_emails); i++)
    {
      g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
      os_record_set_email (record, bad_emails[i]);
      g_test_message ("email “%s”", bad_emails[i]);
      assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_births); i++)
    {
      g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
      os_record_set_birth_date (record, bad_births[i]);
      g_test_message ("birth date “%s”", bad_births[i]);
      assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
    }

  /* No procedure. */
  {
    g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
    os_record_set_procedure (record, NULL, NULL, NULL, NULL);
    assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
    os_record_set_procedure (record, "", "", "   ", "");
    assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
  }

  /* A refused record can be corrected and saved: it then gets the next number. */
  {
    g_autoptr(OsRecord) record = new_record ("", OS_STATUS_RECEIVED, NULL);
    assert_receive_refused (store, record, t, OS_ERROR_INVALID_INPUT);
    os_record_set_applicant_name (record, "Trần Thị Bích");
    after = receive_ok (store, record, t + 60);
    assert_code (after, AGENCY "-231027-0002");
  }

  /* Valid optional fields are accepted, empty ones too. */
  for (guint i = 0; i < G_N_ELEMENTS (good_emails); i++)
    {
      g_autoptr(OsRecord) record = new_record ("Lê Văn Cường", OS_STATUS_RECEIVED, NULL);
      g_autofree char *code = NULL;

      os_record_set_email (record, good_emails[i]);
      code = receive_ok (store, record, t + 120 + i);
    }
  {
    g_autoptr(OsRecord) record = new_record ("Lê Văn Cường", OS_STATUS_RECEIVED, NULL);
    g_autofree char *code = NULL;

    os_record_set_email (record, NULL);
    os_record_set_birth_date (record, NULL);
    os_record_set_id_number (record, NULL);
    os_record_set_phone (record, "");
    code = receive_ok (store, record, t + 200);
  }
  {
    g_autoptr(OsRecord) record = new_record ("Lê Văn Cường", OS_STATUS_RECEIVED, NULL);
    g_autofree char *code = NULL;

    os_record_set_birth_date (record, "2000-02-29");
    code = receive_ok (store, record, t + 201);
  }
  g_assert_cmpint (os_store_count_records (store), ==, 2 + G_N_ELEMENTS (good_emails) + 2);
}

static void
test_receive_no_agency (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store (f->path);
  g_autoptr(OsRecord) record = new_record ("Nguyễn Văn Ấn", OS_STATUS_RECEIVED, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) bad = os_agency_new ("h56", "UBND", "", "", "");
  g_autoptr(OsAgency) nameless = os_agency_new (AGENCY, "  ", "", "", "");
  g_autofree char *code = NULL;

  assert_receive_refused (store, record, local_instant (2023, 10, 27, 10, 0, 0), OS_ERROR_INVALID_INPUT);

  /* An invalid identifier cannot be configured, nor a blank name. */
  g_assert_false (os_store_set_agency (store, bad, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (os_store_set_agency (store, nameless, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  assert_receive_refused (store, record, local_instant (2023, 10, 27, 10, 0, 0), OS_ERROR_INVALID_INPUT);

  /* A bad identifier written straight into the settings is refused at save time. */
  g_assert_true (os_store_set_setting (store, "agency-identifier", "000.00.06.h56", NULL));
  assert_receive_refused (store, record, local_instant (2023, 10, 27, 10, 0, 0), OS_ERROR_INVALID_INPUT);

  set_agency (store, AGENCY);
  code = receive_ok (store, record, local_instant (2023, 10, 27, 10, 0, 0));
  assert_code (code, AGENCY "-231027-0001");
}

static void
test_receive_number_10000 (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  g_autoptr(GError) error = NULL;
  gint64 t = local_instant (2023, 10, 27, 10, 0, 0);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;
  g_autoptr(OsRecord) found = NULL;
  g_autofree char *agency = NULL;
  GDate date;
  guint number = 0;

  exec_sql (os_store_get_db (store),
            "INSERT INTO code_counters (agency, day, last) VALUES ('" AGENCY "', '2023-10-27', 9998)");
  a = receive_new (store, "Nguyễn Văn Ấn", t);
  b = receive_new (store, "Trần Thị Bích", t + 1);
  c = receive_new (store, "Lê Văn Cường", t + 2);
  assert_code (a, AGENCY "-231027-9999");
  assert_code (b, AGENCY "-231027-10000");
  assert_code (c, AGENCY "-231027-10001");

  g_assert_true (os_record_code_parse (b, &agency, &date, &number, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 10000);
  found = os_store_find_record_by_code (store, b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_applicant_name (found), ==, "Trần Thị Bích");
  g_assert_cmpstr (os_record_get_code (found), ==, b);
}

/* A full disk, simulated by capping the database's size: the save fails with a message
 * that says so, and nothing of the record is written. */
static void
test_receive_disk_full (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  sqlite3 *db = os_store_get_db (store);
  g_autoptr(GError) error = NULL;
  g_autofree char *pages = NULL;
  g_autofree char *cap = NULL;
  Snapshot before, after;
  gint64 now = 1798347600;  /* a working morning */
  gboolean saved = TRUE;

  g_free (receive_new (store, "Nguyễn Văn An", now));
  pages = query_text (db, "PRAGMA page_count");
  cap = g_strdup_printf ("PRAGMA max_page_count = %s", pages);
  exec_sql (db, cap);

  /* Fill what free pages are left until the disk is "full". */
  for (int i = 0; i < 200 && saved; i++)
    {
      g_autoptr(OsRecord) record = new_record ("Trần Thị Bình", OS_STATUS_RECEIVED, NULL);

      g_clear_error (&error);
      before = snapshot (store);
      saved = os_store_receive (store, record, now + i, &error);
      if (!saved)
        {
          g_assert_error (error, OS_ERROR, OS_ERROR_DATABASE);
          g_assert_nonnull (strstr (error->message, "Ổ đĩa đã đầy"));
          g_assert_null (os_record_get_code (record));
          after = snapshot (store);
          assert_snapshot_equal (&before, &after);
        }
    }
  g_assert_false (saved);
  {
    g_autofree char *check = query_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (check, ==, "ok");
  }
}

static void
test_receive_exhausted (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  sqlite3 *db = os_store_get_db (store);
  gint64 t = local_instant (2023, 10, 27, 10, 0, 0);
  g_autofree char *last = NULL, *other_day = NULL;
  gint64 book_before;

  exec_sql (db, "INSERT INTO code_counters (agency, day, last) VALUES ('" AGENCY "', '2023-10-27', 99998)");
  last = receive_new (store, "Nguyễn Văn Ấn", t);
  assert_code (last, AGENCY "-231027-99999");
  book_before = query_int (db, "SELECT last FROM book_counters WHERE agency = '" AGENCY "' AND volume = 2023");

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(OsRecord) record = new_record ("Trần Thị Bích", OS_STATUS_RECEIVED, NULL);
      g_autoptr(OsRecord) refused = new_record ("Trần Thị Bích", OS_STATUS_REFUSED, "Không thuộc thẩm quyền.");

      assert_receive_refused (store, record, t + 1 + i, OS_ERROR_CODE_EXHAUSTED);
      assert_receive_refused (store, refused, t + 1 + i, OS_ERROR_CODE_EXHAUSTED);
    }
  g_assert_cmpint (query_int (db, "SELECT last FROM code_counters WHERE agency = '" AGENCY "' AND day = '2023-10-27'"),
                   ==, 99999);
  g_assert_cmpint (query_int (db, "SELECT last FROM book_counters WHERE agency = '" AGENCY "' AND volume = 2023"),
                   ==, book_before);

  /* Set straight to 99999 with SQL: refused too. */
  exec_sql (db, "UPDATE code_counters SET last = 99999");
  {
    g_autoptr(OsRecord) record = new_record ("Lê Văn Cường", OS_STATUS_RECEIVED, NULL);
    assert_receive_refused (store, record, t + 10, OS_ERROR_CODE_EXHAUSTED);
  }

  /* The next day and another agency are not affected. */
  other_day = receive_new (store, "Lê Văn Cường", local_instant (2023, 10, 28, 8, 0, 0));
  assert_code (other_day, AGENCY "-231028-0001");
  set_agency (store, OTHER_AGENCY);
  {
    g_autofree char *code = receive_new (store, "Lê Văn Cường", t + 20);
    assert_code (code, OTHER_AGENCY "-231027-0001");
  }
}

static void
assert_records_equal (OsRecord *a,
                      OsRecord *b)
{
  const OsTimeLimit *la = os_record_get_time_limit (a);
  const OsTimeLimit *lb = os_record_get_time_limit (b);
  GPtrArray *da = os_record_get_documents (a);
  GPtrArray *db = os_record_get_documents (b);

  g_assert_cmpint (os_record_get_local_id (a), ==, os_record_get_local_id (b));
  g_assert_cmpstr (os_record_get_id (a), ==, os_record_get_id (b));
  g_assert_cmpstr (os_record_get_code (a), ==, os_record_get_code (b));
  g_assert_cmpstr (os_record_get_procedure_id (a), ==, os_record_get_procedure_id (b));
  g_assert_cmpstr (os_record_get_procedure_code (a), ==, os_record_get_procedure_code (b));
  g_assert_cmpstr (os_record_get_procedure_name (a), ==, os_record_get_procedure_name (b));
  g_assert_cmpstr (os_record_get_field (a), ==, os_record_get_field (b));
  g_assert_cmpint (la->unit, ==, lb->unit);
  g_assert_cmpint (la->amount, ==, lb->amount);
  g_assert_cmpint (la->cutoff_minutes, ==, lb->cutoff_minutes);
  g_assert_cmpstr (os_record_get_applicant_name (a), ==, os_record_get_applicant_name (b));
  g_assert_cmpstr (os_record_get_id_number (a), ==, os_record_get_id_number (b));
  g_assert_cmpstr (os_record_get_birth_date (a), ==, os_record_get_birth_date (b));
  g_assert_cmpstr (os_record_get_phone (a), ==, os_record_get_phone (b));
  g_assert_cmpstr (os_record_get_email (a), ==, os_record_get_email (b));
  g_assert_cmpstr (os_record_get_address (a), ==, os_record_get_address (b));
  g_assert_cmpint (os_record_get_sets (a), ==, os_record_get_sets (b));
  g_assert_cmpint (os_record_get_delivery (a), ==, os_record_get_delivery (b));
  g_assert_cmpint (os_record_get_channel (a), ==, os_record_get_channel (b));
  g_assert_cmpstr (os_record_get_notes (a), ==, os_record_get_notes (b));
  g_assert_cmpstr (os_record_get_officer (a), ==, os_record_get_officer (b));
  g_assert_cmpstr (os_record_get_reason (a) ? os_record_get_reason (a) : "", ==,
                   os_record_get_reason (b) ? os_record_get_reason (b) : "");
  g_assert_cmpint (os_record_get_book_volume (a), ==, os_record_get_book_volume (b));
  g_assert_cmpint (os_record_get_book_number (a), ==, os_record_get_book_number (b));
  g_assert_cmpint (os_record_get_status (a), ==, os_record_get_status (b));
  g_assert_cmpint (os_record_get_received_at (a), ==, os_record_get_received_at (b));
  g_assert_cmpint (os_record_get_due_at (a), ==, os_record_get_due_at (b));
  g_assert_cmpint (os_record_get_finished_at (a), ==, os_record_get_finished_at (b));
  g_assert_cmpint (os_record_get_returned_at (a), ==, os_record_get_returned_at (b));

  g_assert_cmpuint (da->len, ==, db->len);
  for (guint i = 0; i < da->len; i++)
    {
      OsRecordDocument *x = da->pdata[i], *y = db->pdata[i];

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpint (x->originals, ==, y->originals);
      g_assert_cmpint (x->certified, ==, y->certified);
      g_assert_cmpint (x->copies, ==, y->copies);
    }
}

static void
test_receive_round_trip (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  g_autoptr(OsRecord) record = os_record_new ();
  g_autoptr(OsRecord) loaded = NULL;
  g_autoptr(OsRecord) reopened_record = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *code = NULL;
  g_autofree char *fts = NULL;
  g_autofree char *expected_fts = NULL;
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, 15 * 60 };
  gint64 t = local_instant (2023, 10, 27, 14, 5, 30);
  sqlite3 *db = os_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  OsRecordEvent *event;

  os_record_set_procedure (record, "p-khai-sinh", "1.001193.000.00.00.H29", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, "Nguyễn Văn Ấn");
  os_record_set_id_number (record, "001099012345");
  os_record_set_birth_date (record, "1990-02-01");
  os_record_set_phone (record, "0912345678");
  os_record_set_email (record, "an.nguyen@example.vn");
  os_record_set_address (record, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
  os_record_set_sets (record, 2);
  os_record_set_delivery (record, OS_DELIVERY_POST);
  os_record_set_channel (record, OS_CHANNEL_POST);
  os_record_set_notes (record, "Có giấy ủy quyền; \"trích lục\" bản sao 'kèm theo'");
  os_record_set_officer (record, "Lê Thu Hà");
  os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh", 1, 0, 1);
  os_record_add_document (record, "Giấy ủy quyền", 0, 2, 3);
  os_record_add_document (record, "Giấy chứng sinh", 0, 0, 1);  /* same name twice */

  code = receive_ok (store, record, t);
  assert_code (code, AGENCY "-231027-0001");
  g_assert_cmpint (os_record_get_due_at (record), >, t);

  loaded = os_store_load_record (store, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_records_equal (record, loaded);
  g_assert_cmpuint (os_record_get_documents (loaded)->len, ==, 4);

  /* The history line. */
  events = os_store_list_events (store, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  event = events->pdata[0];
  g_assert_cmpint (event->at, ==, t);
  g_assert_cmpstr (event->actor, ==, "Lê Thu Hà");
  g_assert_cmpstr (event->action, ==, "receive");
  g_assert_cmpint (event->status, ==, OS_STATUS_RECEIVED);

  /* The outbox entry carries the record. */
  g_assert_cmpint (os_store_count_outbox (store), ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT record_id, kind, payload, base_version, created_at, state FROM outbox",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, os_record_get_id (record));
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "receive");
  g_assert_cmpint (sqlite3_column_int64 (stmt, 4), ==, t);
  g_assert_cmpint (sqlite3_column_int (stmt, 5), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 2), -1, &error));
  g_assert_no_error (error);
  sqlite3_finalize (stmt);
  {
    JsonObject *o = json_node_get_object (json_parser_get_root (parser));
    JsonArray *docs = json_object_get_array_member (o, "documents");
    JsonObject *third = json_array_get_object_element (docs, 2);

    g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, os_record_get_id (record));
    g_assert_cmpstr (json_object_get_string_member (o, "code"), ==, code);
    g_assert_cmpstr (json_object_get_string_member (o, "applicant_name"), ==, "Nguyễn Văn Ấn");
    g_assert_cmpstr (json_object_get_string_member (o, "id_number"), ==, "001099012345");
    g_assert_cmpstr (json_object_get_string_member (o, "notes"), ==, os_record_get_notes (record));
    g_assert_cmpint (json_object_get_int_member (o, "status"), ==, OS_STATUS_RECEIVED);
    g_assert_cmpint (json_object_get_int_member (o, "received_at"), ==, t);
    g_assert_cmpint (json_object_get_int_member (o, "due_at"), ==, os_record_get_due_at (record));
    g_assert_cmpint (json_object_get_int_member (o, "channel"), ==, OS_CHANNEL_POST);
    g_assert_cmpuint (json_array_get_length (docs), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (third, "name"), ==, "Giấy ủy quyền");
    g_assert_cmpint (json_object_get_int_member (third, "certified"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (third, "copies"), ==, 3);
  }

  /* The search row: folded code, name and ID number. */
  fts = query_text (db, "SELECT f.text FROM records_fts f JOIN records r ON r.local_id = f.rowid");
  expected_fts = os_text_fold (AGENCY "-231027-0001 Nguyễn Văn Ấn 001099012345");
  g_assert_cmpstr (fts, ==, expected_fts);
  g_assert_cmpstr (fts, ==, "000.00.06.h56-231027-0001 nguyen van an 001099012345");

  /* And it all survives closing and reopening. */
  g_clear_object (&store);
  store = open_store (f->path);
  reopened_record = os_store_find_record_by_code (store, code, &error);
  g_assert_no_error (error);
  assert_records_equal (record, reopened_record);

  /* A missing record is NOT_FOUND. */
  g_assert_null (os_store_load_record (store, 9999, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
}

static void
test_find_by_code (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  gint64 t = local_instant (2023, 10, 27, 8, 0, 0);
  g_autofree char *a = receive_new (store, "Nguyễn Văn Ấn", t);
  g_autofree char *b = receive_new (store, "Trần Thị Bích", t + 1);
  static const char * const variants[] = {
    AGENCY "-231027-0002",
    "000.00.06.h56-231027-0002",
    "  " AGENCY "-231027-0002  ",
    "\t000.00.06.h56-231027-0002\r\n",
  };
  static const char * const missing[] = {
    AGENCY "-231027-0003", AGENCY "-231028-0001", OTHER_AGENCY "-231027-0001", "", "   ", "0002",
    "' OR 1=1 --", "'; DROP TABLE records; --", AGENCY "-231027-0002x", "Trần Thị Bích",
  };

  assert_code (a, AGENCY "-231027-0001");
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OsRecord) found = os_store_find_record_by_code (store, variants[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpstr (os_record_get_code (found), ==, b);
      g_assert_cmpstr (os_record_get_applicant_name (found), ==, "Trần Thị Bích");
      g_assert_cmpuint (os_record_get_documents (found)->len, ==, 3);
    }

  for (guint i = 0; i < G_N_ELEMENTS (missing); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OsRecord) found = os_store_find_record_by_code (store, missing[i], &error);

      g_assert_null (found);
      g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
    }
  g_assert_cmpint (os_store_count_records (store), ==, 2);
}

/* Other processes ---------------------------------------------------------------- */

static GSubprocess *
spawn_writer (const char  *path,
              int          count,
              gint64       at,
              const char  *agency,
              const char  *wait_for,
              int          pause_us)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  GSubprocess *process;

  if (store_writer_path == NULL || !g_file_test (store_writer_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("store-writer not found (%s): pass --store-writer=PATH",
             store_writer_path ? store_writer_path : "no path given");
  g_ptr_array_add (argv, g_strdup (store_writer_path));
  g_ptr_array_add (argv, g_strdup_printf ("--count=%d", count));
  if (at != 0)
    g_ptr_array_add (argv, g_strdup_printf ("--at=%" G_GINT64_FORMAT, at));
  if (agency != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--agency=%s", agency));
  if (wait_for != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--wait-for=%s", wait_for));
  if (pause_us > 0)
    g_ptr_array_add (argv, g_strdup_printf ("--pause-us=%d", pause_us));
  g_ptr_array_add (argv, g_strdup (path));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (process);
  return process;
}

static char *
read_all (GInputStream *stream)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint8 buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_byte_array_append (bytes, buffer, n);
  g_byte_array_append (bytes, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}

/* Splits the writer's output into codes; a line cut by the kill is dropped. */
static GStrv
output_codes (const char *output)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  guint n = g_strv_length (lines);

  for (guint i = 0; i + 1 < n; i++)   /* the last piece has no newline after it */
    if (*lines[i])
      g_strv_builder_add (builder, lines[i]);
  return g_strv_builder_end (builder);
}

static guint
code_number (const char *code)
{
  guint number = 0;

  g_assert_true (os_record_code_parse (code, NULL, NULL, &number, NULL));
  return number;
}

/* Every number from 1 to n, each once, for the given day. */
static void
assert_contiguous_codes (sqlite3    *db,
                         const char *day_code_prefix,
                         gint64      n)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree guint8 *seen = g_malloc0 (n + 1);
  g_autofree char *pattern = g_strdup_printf ("%s-%%", day_code_prefix);
  gint64 rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT code FROM records WHERE code LIKE ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint number = code_number ((const char *) sqlite3_column_text (stmt, 0));

      g_assert_cmpuint (number, >=, 1);
      g_assert_cmpuint (number, <=, n);
      g_assert_false (seen[number]);
      seen[number] = 1;
      rows++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (rows, ==, n);
}

static void
test_concurrency_two_writers (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store_with_agency (f->path);
  g_autofree char *go = g_build_filename (f->dir, "go", NULL);
  gint64 t = local_instant (2023, 10, 27, 9, 0, 0);
  GSubprocess *writers[2];
  GStrv codes[2] = { NULL, NULL };
  g_autoptr(GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db;
  guint switches = 0;

  g_clear_object (&store);

  for (guint w = 0; w < 2; w++)
    writers[w] = spawn_writer (f->path, 300, t, NULL, go, 300);
  g_usleep (50 * 1000);
  g_assert_true (g_file_set_contents (go, "", 0, NULL));

  for (guint w = 0; w < 2; w++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL, *err = NULL;

      g_assert_true (g_subprocess_communicate_utf8 (writers[w], NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      if (!g_subprocess_get_successful (writers[w]))
        g_error ("writer %u failed: %s", w, err);
      codes[w] = output_codes (out);
      g_assert_cmpuint (g_strv_length (codes[w]), ==, 300);
      g_object_unref (writers[w]);
    }

  /* 600 distinct codes, for that day, numbered 1..600. */
  for (guint w = 0; w < 2; w++)
    for (guint i = 0; codes[w][i]; i++)
      {
        g_assert_true (g_str_has_prefix (codes[w][i], AGENCY "-231027-"));
        g_assert_false (g_hash_table_contains (all, codes[w][i]));
        g_hash_table_add (all, g_strdup (codes[w][i]));
        /* Each writer sees its own numbers go up. */
        if (i > 0)
          g_assert_cmpuint (code_number (codes[w][i]), >, code_number (codes[w][i - 1]));
        if (i > 0 && code_number (codes[w][i]) != code_number (codes[w][i - 1]) + 1)
          switches++;
      }
  g_assert_cmpuint (g_hash_table_size (all), ==, 600);
  /* They really wrote at the same time: each was overtaken by the other. */
  g_test_message ("the writers overtook each other %u times", switches);
  g_assert_cmpuint (switches, >=, 2);

  store = open_store (f->path);
  db = os_store_get_db (store);
  {
    g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");
    g_assert_cmpstr (integrity, ==, "ok");
  }
  g_assert_cmpint (os_store_count_records (store), ==, 600);
  g_assert_cmpint (os_store_count_outbox (store), ==, 600);
  g_assert_cmpint (query_int (db, "SELECT COUNT(DISTINCT code) FROM records"), ==, 600);
  g_assert_cmpint (query_int (db, "SELECT last FROM code_counters WHERE day = '2023-10-27'"), ==, 600);
  g_assert_cmpint (query_int (db, "SELECT last FROM book_counters WHERE volume = 2023"), ==, 600);
  g_assert_cmpint (query_int (db, "SELECT COUNT(DISTINCT book_number) FROM records"), ==, 600);
  assert_contiguous_codes (db, AGENCY "-231027", 600);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM record_documents"), ==, 600 * WRITER_DOCUMENTS);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records_fts"), ==, 600);

  /* Every printed code is in the database. */
  for (guint w = 0; w < 2; w++)
    for (guint i = 0; codes[w][i]; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(OsRecord) found = os_store_find_record_by_code (store, codes[w][i], &error);
        g_assert_no_error (error);
      }
  g_strfreev (codes[0]);
  g_strfreev (codes[1]);
}

static void
test_concurrency_fresh_database (Fixture       *f,
                                 gconstpointer  data)
{
  /* Two desks started at once on a database that does not exist yet: both create it. */
  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *path = g_strdup_printf ("%s/fresh-%u.db", f->dir, round);
      GSubprocess *writers[2];
      g_autoptr(OsStore) store = NULL;

      for (guint w = 0; w < 2; w++)
        writers[w] = spawn_writer (path, 20, local_instant (2023, 10, 27, 9, 0, 0), AGENCY, NULL, 0);
      for (guint w = 0; w < 2; w++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *out = NULL, *err = NULL;
          g_auto(GStrv) codes = NULL;

          g_assert_true (g_subprocess_communicate_utf8 (writers[w], NULL, NULL, &out, &err, &error));
          g_assert_no_error (error);
          if (!g_subprocess_get_successful (writers[w]))
            g_error ("round %u, writer %u failed: %s", round, w, err);
          codes = output_codes (out);
          g_assert_cmpuint (g_strv_length (codes), ==, 20);
          g_object_unref (writers[w]);
        }

      store = open_store (path);
      g_assert_cmpint (os_store_count_records (store), ==, 40);
      assert_contiguous_codes (os_store_get_db (store), AGENCY "-231027", 40);
    }
}

static void
check_database_after_kill (const char *path,
                           gint64     *n_records)
{
  g_autoptr(OsStore) store = open_store (path);
  sqlite3 *db = os_store_get_db (store);
  g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");
  gint64 n = os_store_count_records (store);

  g_assert_cmpstr (integrity, ==, "ok");
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO records_fts (records_fts) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  /* Each record has all its documents, one event, one outbox entry, one search row. */
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records r WHERE "
                                  "(SELECT COUNT(*) FROM record_documents d WHERE d.record_id = r.local_id) <> 3"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM record_documents"), ==, n * WRITER_DOCUMENTS);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records r WHERE "
                                  "(SELECT COUNT(*) FROM record_events e WHERE e.record_id = r.local_id) <> 1"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM record_events"), ==, n);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records r LEFT JOIN "
                                  "(SELECT record_id, COUNT(*) AS n FROM outbox GROUP BY record_id) o "
                                  "ON o.record_id = r.id WHERE COALESCE(o.n, 0) <> 1"), ==, 0);
  g_assert_cmpint (os_store_count_outbox (store), ==, n);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records_fts"), ==, n);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM records r WHERE NOT EXISTS "
                                  "(SELECT 1 FROM records_fts f WHERE f.rowid = r.local_id)"), ==, 0);

  /* Counters equal the highest number given, with no gap below it. */
  if (n > 0)
    {
      g_assert_cmpint (query_int (db, "SELECT last FROM code_counters WHERE agency = '" AGENCY "' AND day = '2023-10-27'"),
                       ==, n);
      g_assert_cmpint (query_int (db, "SELECT MAX(CAST(substr(code, 22) AS INTEGER)) FROM records"), ==, n);
      g_assert_cmpint (query_int (db, "SELECT last FROM book_counters WHERE agency = '" AGENCY "' AND volume = 2023"),
                       ==, n);
      assert_contiguous_codes (db, AGENCY "-231027", n);
    }
  else
    g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM code_counters"), ==, 0);

  *n_records = n;
}

static void
test_kill_safety (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new ();
  gint64 t = local_instant (2023, 10, 27, 9, 0, 0);
  gint64 n = 0;
  guint rounds = 40, killed_writing = 0;

  {
    g_autoptr(OsStore) store = open_store_with_agency (f->path);
  }

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GSubprocess) writer = spawn_writer (f->path, 0, t, NULL, NULL, 0);
      g_autofree char *out = NULL, *err = NULL;
      g_auto(GStrv) codes = NULL;
      guint delay_ms = g_rand_int_range (rand, 5, 201);
      gint64 before = n, printed;

      g_usleep (delay_ms * 1000);
      g_subprocess_force_exit (writer);   /* SIGKILL */
      g_assert_true (g_subprocess_wait (writer, NULL, NULL));
      out = read_all (g_subprocess_get_stdout_pipe (writer));
      err = read_all (g_subprocess_get_stderr_pipe (writer));
      if (!g_subprocess_get_if_signaled (writer))
        g_error ("round %u: the writer ended on its own: %s", round, err);
      g_assert_cmpint (g_subprocess_get_term_sig (writer), ==, SIGKILL);

      codes = output_codes (out);
      printed = g_strv_length (codes);
      check_database_after_kill (f->path, &n);

      /* What the writer reported as saved is there; at most one more commit landed
       * between the last print and the kill. */
      g_assert_cmpint (n, >=, before + printed);
      g_assert_cmpint (n, <=, before + printed + 1);
      {
        g_autoptr(OsStore) store = open_store (f->path);

        for (guint i = 0; codes[i]; i++)
          {
            g_autoptr(GError) error = NULL;
            g_autoptr(OsRecord) found = os_store_find_record_by_code (store, codes[i], &error);

            g_assert_no_error (error);
            g_assert_cmpuint (os_record_get_documents (found)->len, ==, WRITER_DOCUMENTS);
          }
      }
      if (n > before)
        killed_writing++;
      g_test_message ("round %u: killed after %u ms, %" G_GINT64_FORMAT " printed, %" G_GINT64_FORMAT " records",
                      round, delay_ms, printed, n);
    }

  g_test_message ("%u of %u rounds were killed while writing; %" G_GINT64_FORMAT " records in all",
                  killed_writing, rounds, n);
  g_assert_cmpuint (killed_writing, >=, rounds / 2);
}

/* Record list -------------------------------------------------------------------- */

typedef struct
{
  char     *dir;
  char     *path;
  OsStore  *store;
  gint64    now;
  guint     n_records;
} ListData;

static ListData *list_data;

static void
add_procedure (OsStore           *store,
               const char        *id,
               const char        *name,
               const char        *field,
               OsTimeUnit         unit,
               int                amount,
               const char * const *documents)
{
  g_autoptr(GError) error = NULL;
  OsTimeLimit limit = { unit, amount, -1 };
  g_autoptr(OsProcedure) procedure = os_procedure_new (id, "", name, field, &limit);

  os_procedure_set_documents (procedure, documents);
  g_assert_true (os_store_add_procedure (store, procedure, "", &error));
  g_assert_no_error (error);
}

static ListData *
get_list_data (void)
{
  static const char * const docs_a[] = { "Tờ khai", "Giấy chứng sinh", NULL };
  static const char * const docs_b[] = { "Đơn đề nghị", NULL };
  static const char * const docs_c[] = { "Bản chính giấy tờ", "Bản sao", "Giấy tờ tùy thân", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(OsDemoGenerator) generator = NULL;
  guint total = 0;

  if (list_data != NULL)
    return list_data;

  list_data = g_new0 (ListData, 1);
  list_data->dir = g_dir_make_tmp ("os-test-list-XXXXXX", &error);
  g_assert_no_error (error);
  list_data->path = g_build_filename (list_data->dir, "desk.db", NULL);
  list_data->store = open_store_with_agency (list_data->path);
  list_data->now = g_get_real_time () / G_USEC_PER_SEC;

  add_procedure (list_data->store, "khai-sinh", "Đăng ký khai sinh", "Hộ tịch", OS_TIME_UNIT_SESSIONS, 2, docs_a);
  add_procedure (list_data->store, "chung-thuc", "Chứng thực bản sao từ bản chính", "Chứng thực",
                 OS_TIME_UNIT_SESSIONS, 0, docs_c);
  add_procedure (list_data->store, "ket-hon", "Đăng ký kết hôn", "Hộ tịch", OS_TIME_UNIT_SESSIONS, 10, docs_a);
  add_procedure (list_data->store, "dat-dai", "Cấp giấy chứng nhận quyền sử dụng đất", "Đất đai",
                 OS_TIME_UNIT_CALENDAR_DAYS, 30, docs_b);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (list_data->store)), ==, 4);

  generator = os_demo_generator_new (list_data->store, 1234, list_data->now - 120 * 86400, list_data->now, 2000);
  for (;;)
    {
      g_autoptr(GPtrArray) batch = os_demo_generator_next (generator, 500);

      if (batch->len == 0)
        break;
      g_assert_true (os_store_insert_prepared (list_data->store, batch, TRUE, &error));
      g_assert_no_error (error);
      total += batch->len;
    }
  list_data->n_records = total;
  g_test_message ("generated %u records", total);
  g_assert_cmpuint (total, >=, 1900);
  g_assert_cmpint (os_store_count_records (list_data->store), ==, total);
  return list_data;
}

static void
free_list_data (void)
{
  if (list_data == NULL)
    return;
  g_clear_object (&list_data->store);
  os_test_remove_tree (list_data->dir);
  g_free (list_data->dir);
  g_free (list_data->path);
  g_clear_pointer (&list_data, g_free);
}

static GArray *
query_ids (sqlite3    *db,
           const char *sql)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static gint64
item_local_id (GListModel *model,
               guint       position)
{
  g_autoptr(OsRecord) record = g_list_model_get_item (model, position);

  g_assert_nonnull (record);
  return os_record_get_local_id (record);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *calls)
{
  (*calls)++;
}

static void
test_list_paging (void)
{
  ListData *d = get_list_data ();
  sqlite3 *db = os_store_get_db (d->store);
  g_autoptr(OsRecordList) list = os_record_list_new (d->store);
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(GArray) order = query_ids (db, "SELECT local_id FROM records ORDER BY received_at DESC, local_id DESC");
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 previous_received = G_MAXINT64;
  guint n, calls = 0;

  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, ==, query_int (db, "SELECT COUNT(*) FROM records"));
  g_assert_cmpuint (n, ==, d->n_records);
  g_assert_cmpuint (order->len, ==, n);
  g_assert_true (g_list_model_get_item_type (model) == OS_TYPE_RECORD);
  g_assert_false (os_record_list_is_truncated (list));

  /* Random positions first, so pages are loaded out of order. */
  for (guint i = 0; i < 400; i++)
    {
      guint position = g_rand_int_range (rand, 0, n);
      g_assert_cmpint (item_local_id (model, position), ==, g_array_index (order, gint64, position));
    }
  g_assert_cmpint (item_local_id (model, 0), ==, g_array_index (order, gint64, 0));
  g_assert_cmpint (item_local_id (model, n - 1), ==, g_array_index (order, gint64, n - 1));
  g_assert_null (g_list_model_get_item (model, n));
  g_assert_null (g_list_model_get_item (model, G_MAXUINT));

  /* Then all of them, in order: newest first, each record once. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
      gint64 id = os_record_get_local_id (record);

      g_assert_cmpint (os_record_get_received_at (record), <=, previous_received);
      previous_received = os_record_get_received_at (record);
      g_assert_cmpint (id, ==, g_array_index (order, gint64, i));
      g_assert_false (g_hash_table_contains (seen, &g_array_index (order, gint64, i)));
      g_hash_table_add (seen, &g_array_index (order, gint64, i));
      g_assert_nonnull (os_record_get_code (record));
      g_assert_nonnull (os_record_get_applicant_name (record));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);

  /* A new record comes first after a reload, with a signal. */
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &calls);
  {
    g_autofree char *code = receive_new (d->store, "Nguyễn Văn Mới", d->now + 5);
    g_autoptr(OsRecord) first = NULL;

    os_record_list_reload (list);
    /* Two signals: everything out, then everything in (see os_record_list_reload). */
    g_assert_cmpuint (calls, ==, 2);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 1);
    first = g_list_model_get_item (model, 0);
    g_assert_cmpstr (os_record_get_code (first), ==, code);
    g_assert_cmpstr (os_record_get_applicant_name (first), ==, "Nguyễn Văn Mới");
    g_assert_cmpint (item_local_id (model, n), ==, g_array_index (order, gint64, n - 1));
  }
}

/* What the full-text search should find, worked out without SQLite: every word of the
 * query is the start of a word of the record's folded code, name or ID number. */
static gboolean
record_matches (const char *haystack_folded,
                GStrv       query_words)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) clean = g_string_new (NULL);

  for (const char *p = haystack_folded; *p; p++)
    g_string_append_c (clean, g_ascii_isalnum (*p) ? *p : ' ');
  words = g_strsplit (clean->str, " ", -1);

  for (guint q = 0; query_words[q]; q++)
    {
      gboolean found = FALSE;

      for (guint w = 0; words[w] && !found; w++)
        found = *words[w] && g_str_has_prefix (words[w], query_words[q]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static GStrv
query_words (const char *text)
{
  g_autofree char *folded = os_text_fold (text);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) word = g_string_new (NULL);

  for (const char *p = folded;; p++)
    {
      if (*p && g_ascii_isalnum (*p))
        {
          g_string_append_c (word, *p);
          continue;
        }
      if (word->len)
        g_strv_builder_add (builder, word->str);
      g_string_truncate (word, 0);
      if (!*p)
        break;
    }
  return g_strv_builder_end (builder);
}

/* local_ids of the expected matches, newest (highest local_id) first. */
static GArray *
expected_search (sqlite3    *db,
                 const char *text,
                 OsStatus    status)
{
  g_auto(GStrv) words = query_words (text);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT local_id, code, applicant_name, id_number, status FROM records "
                                           "ORDER BY local_id DESC", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *joined = g_strjoin (" ", (const char *) sqlite3_column_text (stmt, 1),
                                           (const char *) sqlite3_column_text (stmt, 2),
                                           (const char *) sqlite3_column_text (stmt, 3), NULL);
      g_autofree char *folded = os_text_fold (joined);
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (status != 0 && sqlite3_column_int (stmt, 4) != (int) status)
        continue;
      if (record_matches (folded, words))
        g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static guint
assert_search (OsRecordList *list,
               sqlite3      *db,
               const char   *text,
               OsStatus      status,
               gint64        must_find)
{
  g_autoptr(GArray) expected = expected_search (db, text, status);
  GListModel *model = G_LIST_MODEL (list);
  guint n, expected_n = MIN (expected->len, OS_RECORD_LIST_SEARCH_LIMIT);
  gboolean found = must_find == 0;

  os_record_list_set_query (list, text, status, OS_DUE_STATE_NONE, 0, 0);
  n = g_list_model_get_n_items (model);
  g_test_message ("search “%s” (status %d): %u found, %u expected", text, status, n, expected->len);
  g_assert_cmpuint (n, ==, expected_n);
  g_assert_true (os_record_list_is_truncated (list) == (expected->len > OS_RECORD_LIST_SEARCH_LIMIT));
  for (guint i = 0; i < n; i++)
    {
      gint64 id = item_local_id (model, i);

      g_assert_cmpint (id, ==, g_array_index (expected, gint64, i));
      if (id == must_find)
        found = TRUE;
    }
  g_assert_true (found);
  return n;
}

static void
test_list_search (void)
{
  ListData *d = get_list_data ();
  sqlite3 *db = os_store_get_db (d->store);
  g_autoptr(OsRecordList) list = os_record_list_new (d->store);
  g_autofree char *name = NULL;
  g_autofree char *id_number = NULL;
  g_autofree char *code = NULL;
  g_autofree char *sql = NULL;
  gint64 id;

  /* A name written with diacritics, found by its plain form, its upper case, its NFD form. */
  id = query_int (db, "SELECT local_id FROM records WHERE applicant_name LIKE 'Nguyễn%ấn' "
                      "OR applicant_name LIKE '%Đ%' ORDER BY local_id DESC LIMIT 1");
  sql = g_strdup_printf ("SELECT applicant_name FROM records WHERE local_id = %" G_GINT64_FORMAT, id);
  name = query_text (db, sql);
  g_free (sql);
  {
    g_autofree char *folded = os_text_fold (name);
    g_autofree char *upper = g_utf8_strup (name, -1);
    g_autofree char *nfd = g_utf8_normalize (name, -1, G_NORMALIZE_NFD);
    guint a, b, c, e;

    g_assert_cmpstr (folded, !=, name);
    for (const char *p = folded; *p; p++)
      g_assert_true ((guchar) *p < 0x80);
    a = assert_search (list, db, folded, 0, id);
    b = assert_search (list, db, name, 0, id);
    c = assert_search (list, db, upper, 0, id);
    e = assert_search (list, db, nfd, 0, id);
    g_assert_cmpuint (a, >=, 1);
    g_assert_cmpuint (a, ==, b);
    g_assert_cmpuint (a, ==, c);
    g_assert_cmpuint (a, ==, e);
  }

  /* Family names and parts of names. */
  assert_search (list, db, "nguyen", 0, 0);
  assert_search (list, db, "Đặng", 0, 0);
  assert_search (list, db, "dang thi", 0, 0);
  assert_search (list, db, "thi ngoc", 0, 0);
  assert_search (list, db, "ngu", 0, 0);
  assert_search (list, db, "an", 0, 0);
  assert_search (list, db, "  Trần   Thị  ", 0, 0);
  assert_search (list, db, "xyzzy", 0, 0);
  assert_search (list, db, "nguyen", OS_STATUS_PROCESSING, 0);
  assert_search (list, db, "thi", OS_STATUS_RETURNED, 0);

  /* ID number prefixes. */
  sql = g_strdup_printf ("SELECT id_number FROM records WHERE local_id = %" G_GINT64_FORMAT, id);
  id_number = query_text (db, sql);
  g_free (sql);
  g_assert_cmpuint (strlen (id_number), ==, 12);
  for (guint len = 3; len <= 12; len += 3)
    {
      g_autofree char *prefix = g_strndup (id_number, len);
      assert_search (list, db, prefix, 0, id);
    }

  /* Codes: the whole code (any case, with blanks), its number, its date. */
  sql = g_strdup_printf ("SELECT code FROM records WHERE local_id = %" G_GINT64_FORMAT, id);
  code = query_text (db, sql);
  {
    g_autofree char *lower = g_ascii_strdown (code, -1);
    g_autofree char *spaced = g_strdup_printf ("  %s ", code);
    const char *number = strrchr (code, '-') + 1;
    g_autofree char *date = g_strndup (strrchr (code, '-') - 6, 6);

    g_assert_cmpuint (assert_search (list, db, code, 0, id), ==, 1);
    g_assert_cmpuint (assert_search (list, db, lower, 0, id), ==, 1);
    g_assert_cmpuint (assert_search (list, db, spaced, 0, id), ==, 1);
    g_assert_cmpuint (assert_search (list, db, number, 0, id), >=, 1);
    g_assert_cmpuint (assert_search (list, db, date, 0, id), >=, 1);
    assert_search (list, db, "0001", 0, 0);
  }

  /* Everything matches the agency: the list stops at the limit and says so. */
  g_assert_cmpuint (assert_search (list, db, "h56", 0, 0), ==, OS_RECORD_LIST_SEARCH_LIMIT);
  g_assert_true (os_record_list_is_truncated (list));

  /* Text that holds nothing to search lists everything; query syntax is taken literally. */
  os_record_list_set_query (list, "  -- ", 0, OS_DUE_STATE_NONE, 0, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, os_store_count_records (d->store));
  g_assert_false (os_record_list_is_truncated (list));
  assert_search (list, db, "\"nguyen", 0, 0);
  assert_search (list, db, "nguyen OR tran", 0, 0);
  assert_search (list, db, "NOT an", 0, 0);
  assert_search (list, db, "an*", 0, 0);
  assert_search (list, db, "(an) AND ^thi", 0, 0);
  assert_search (list, db, "text:nguyen", 0, 0);
  g_assert_null (os_record_list_build_match ("   "));
  g_assert_null (os_record_list_build_match (NULL));
  {
    g_autofree char *match = os_record_list_build_match ("Nguyễn  Văn-Ấn");
    g_assert_cmpstr (match, ==, "\"nguyen\"* \"van\"* \"an\"*");
  }
}

static void
test_list_filters (void)
{
  ListData *d = get_list_data ();
  sqlite3 *db = os_store_get_db (d->store);
  g_autoptr(OsRecordList) list = os_record_list_new (d->store);
  GListModel *model = G_LIST_MODEL (list);
  guint total_by_state[OS_DUE_STATE_LATE + 1] = { 0 };
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt = NULL;
  gint64 now, near;
  guint with_status = 0;

  /* Status: same count as SQL, and every item has it. */
  for (OsStatus status = OS_STATUS_FIRST; status <= OS_STATUS_LAST; status++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM records WHERE status = %d", status);
      guint n;

      os_record_list_set_query (list, NULL, status, OS_DUE_STATE_NONE, 0, 0);
      n = g_list_model_get_n_items (model);
      g_test_message ("status %d: %u records", status, n);
      g_assert_cmpuint (n, ==, query_int (db, sql));
      for (guint i = 0; i < n; i += 7)
        {
          g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
          g_assert_cmpint (os_record_get_status (record), ==, status);
        }
      with_status += n;
    }
  g_assert_cmpuint (with_status, ==, os_store_count_records (d->store));
  os_record_list_set_query (list, NULL, 0, OS_DUE_STATE_NONE, 0, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, os_store_count_records (d->store));

  /* Due states: the same as each record's own computation at the list's instants. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT " OS_STORE_RECORD_COLUMNS " FROM records r", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (all, os_store_record_from_stmt (stmt));
  sqlite3_finalize (stmt);
  g_assert_cmpuint (all->len, ==, os_store_count_records (d->store));

  for (OsDueState state = OS_DUE_STATE_IN_TIME; state <= OS_DUE_STATE_LATE; state++)
    {
      guint n, expected = 0;

      os_record_list_set_query (list, NULL, 0, state, 0, 0);
      now = os_record_list_get_now (list);
      near = os_record_list_get_near_due_at (list);
      g_assert_cmpint (near, >=, now);
      for (guint i = 0; i < all->len; i++)
        if (os_record_compute_due_state (all->pdata[i], now, near) == state)
          expected++;
      total_by_state[state] = expected;

      n = g_list_model_get_n_items (model);
      g_test_message ("due state %s: %u records, %u expected", os_due_state_to_string (state), n, expected);
      g_assert_cmpuint (n, ==, expected);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
          g_assert_cmpint (os_record_compute_due_state (record, now, near), ==, state);
        }
    }
  /* The generated data exercises the states that matter. */
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_IN_TIME], >, 0);
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_OVERDUE], >, 0);
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_PAUSED], >, 0);
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_LATE], >, 0);
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_EARLY], >, 0);
  g_assert_cmpuint (total_by_state[OS_DUE_STATE_ON_TIME], >, 0);

  /* Date range, alone and with a status and a search. */
  {
    gint64 from = d->now - 40 * 86400, to = d->now - 10 * 86400;
    g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM records WHERE received_at >= %" G_GINT64_FORMAT
                                            " AND received_at < %" G_GINT64_FORMAT, from, to);
    g_autofree char *sql_status = g_strdup_printf ("SELECT COUNT(*) FROM records WHERE received_at >= %" G_GINT64_FORMAT
                                                   " AND received_at < %" G_GINT64_FORMAT " AND status = %d",
                                                   from, to, OS_STATUS_RETURNED);
    guint n;

    os_record_list_set_query (list, NULL, 0, OS_DUE_STATE_NONE, from, to);
    n = g_list_model_get_n_items (model);
    g_assert_cmpuint (n, ==, query_int (db, sql));
    g_assert_cmpuint (n, >, 0);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
        g_assert_cmpint (os_record_get_received_at (record), >=, from);
        g_assert_cmpint (os_record_get_received_at (record), <, to);
      }

    os_record_list_set_query (list, NULL, OS_STATUS_RETURNED, OS_DUE_STATE_NONE, from, to);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, query_int (db, sql_status));

    os_record_list_set_query (list, "nguyen", 0, OS_DUE_STATE_NONE, from, to);
    n = g_list_model_get_n_items (model);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
        g_autofree char *folded = os_text_fold (os_record_get_applicant_name (record));
        g_assert_cmpint (os_record_get_received_at (record), >=, from);
        g_assert_cmpint (os_record_get_received_at (record), <, to);
        g_assert_true (g_str_has_prefix (folded, "nguyen") || strstr (folded, " nguyen"));
      }
    g_assert_cmpuint (n, >, 0);
  }

  /* Status and due state together. */
  {
    guint expected = 0;

    for (guint i = 0; i < all->len; i++)
      if (os_record_get_status (all->pdata[i]) == OS_STATUS_PROCESSING &&
          os_record_compute_due_state (all->pdata[i], now, near) == OS_DUE_STATE_OVERDUE)
        expected++;
    os_record_list_set_query (list, NULL, OS_STATUS_PROCESSING, OS_DUE_STATE_OVERDUE, 0, 0);
    g_assert_cmpint (os_record_list_get_now (list) - now, <, 5);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  }
}

/* The demo generator makes exactly the records asked for, all received before "now", at
 * any hour: before the office opens (today left out), during office hours (today's records
 * in the time already passed), at lunch and at night. */
static void
test_demo_generator_any_hour (Fixture       *f,
                              gconstpointer  data)
{
  static const int hours[][2] = { { 0, 5 }, { 6, 0 }, { 9, 10 }, { 12, 0 }, { 16, 59 }, { 23, 30 } };

  for (guint h = 0; h < G_N_ELEMENTS (hours); h++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("demo-%u.db", h);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autoptr(OsStore) store = os_store_open (path, &error);
      g_autoptr(GDateTime) local = g_date_time_new (os_datetime_zone (), 2026, 11, 24, hours[h][0], hours[h][1], 0);
      gint64 now = g_date_time_to_unix (local);
      g_autoptr(OsDemoGenerator) generator = NULL;
      guint made = 0;

      g_assert_no_error (error);
      g_assert_true (os_demo_load_catalogue (store, &error));
      generator = os_demo_generator_new (store, 7, now - 20 * 86400, now, 300);
      for (;;)
        {
          g_autoptr(GPtrArray) records = os_demo_generator_next (generator, 64);

          if (records->len == 0)
            break;
          for (guint i = 0; i < records->len; i++)
            g_assert_cmpint (os_record_get_received_at (g_ptr_array_index (records, i)), <, now);
          made += records->len;
        }
      g_assert_cmpuint (made, ==, 300);
    }
}

int
main (int argc, char **argv)
{
  int status;

  /* The test's meson rule passes where store-writer was built. */
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--store-writer="))
      {
        store_writer_path = g_strdup (argv[i] + strlen ("--store-writer="));
        for (int j = i; j < argc; j++)
          argv[j] = argv[j + 1];
        argc--;
        break;
      }
  if (store_writer_path == NULL && g_getenv ("STORE_WRITER"))
    store_writer_path = g_strdup (g_getenv ("STORE_WRITER"));
  if (store_writer_path == NULL && g_getenv ("BUILD_DIR"))
    store_writer_path = g_build_filename (g_getenv ("BUILD_DIR"), "tests", "core", "store-writer", NULL);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/open/migrations", test_open_migrations);
  ADD ("/store/open/reopen", test_open_reopen);
  ADD ("/store/open/too-new", test_open_too_new);
  ADD ("/store/open/corrupt", test_open_corrupt);
  ADD ("/store/receive/codes", test_receive_codes);
  ADD ("/store/receive/per-agency", test_receive_per_agency);
  ADD ("/store/receive/due-and-reasons", test_receive_due_and_reasons);
  ADD ("/store/receive/validation", test_receive_validation);
  ADD ("/store/receive/no-agency", test_receive_no_agency);
  ADD ("/store/receive/number-10000", test_receive_number_10000);
  ADD ("/store/receive/exhausted", test_receive_exhausted);
  ADD ("/store/receive/disk-full", test_receive_disk_full);
  ADD ("/store/receive/round-trip", test_receive_round_trip);
  ADD ("/store/find-by-code", test_find_by_code);
  ADD ("/store/concurrency/two-writers", test_concurrency_two_writers);
  ADD ("/store/concurrency/fresh-database", test_concurrency_fresh_database);
  ADD ("/store/kill-safety", test_kill_safety);
  ADD ("/store/demo-generator/any-hour", test_demo_generator_any_hour);
#undef ADD
  g_test_add_func ("/store/record-list/paging", test_list_paging);
  g_test_add_func ("/store/record-list/search", test_list_search);
  g_test_add_func ("/store/record-list/filters", test_list_filters);

  status = g_test_run ();
  free_list_data ();
  g_free (store_writer_path);
  return status;
}
