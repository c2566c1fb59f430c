/* test-blob-store.c: the content-addressed attachment store (os-blob-store) and the
 * attachment rows of the desk database (os-store).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "os-blob-store.h"
#include "os-core-resources.h"
#include "os-error.h"
#include "os-store-private.h"
#include "os-test-core.h"
#include "os-test-util.h"

#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define AGENCY "000.00.06.H56"

/* Helpers ------------------------------------------------------------------------ */

typedef struct
{
  char *dir;
  char *root;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("os-test-blob-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->dir, "blobs", NULL);
}


static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  os_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->root);
}

/* Every file under @path, recursively (blobs and temporary files alike). */
static guint
count_files (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? 1 : 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      n += count_files (child);
    }
  g_dir_close (dir);
  return n;
}

static guint
count_temp_files (const char *root)
{
  GDir *dir = g_dir_open (root, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, ".tmp-"))
      n++;
  g_dir_close (dir);
  return n;
}

static char *
put_string (OsBlobStore *store,
            const char  *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  char *sha256 = NULL;

  g_assert_true (os_blob_store_put_bytes (store, bytes, &sha256, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (sha256);
  return sha256;
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* Blob store ----------------------------------------------------------------------- */

static void
test_sha256_validation (void)
{
  const char *bad[] = {
    "",
    "abc",
    "../../etc/passwd",
    /* 64 characters, but with a path in it */
    "../../../../../../../../../../../../../../../../../../etc/passwd",
    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
    "Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",    /* 63 */
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add",  /* 65 */
    "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a/",
    " ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
  };

  g_assert_true (os_blob_store_sha256_is_valid (SHA256_ABC));
  g_assert_true (os_blob_store_sha256_is_valid (SHA256_EMPTY));
  g_assert_false (os_blob_store_sha256_is_valid (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (os_blob_store_sha256_is_valid (bad[i]));
}

static void
test_bad_sha_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *sha256 = put_string (store, "abc");
  const char *bad[] = {
    "../../etc/passwd",
    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (os_blob_store_get_path (store, bad[i]));
      g_assert_false (os_blob_store_has (store, bad[i]));
      g_assert_false (os_blob_store_remove (store, bad[i], &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
      g_clear_error (&error);
      g_assert_false (os_blob_store_verify (store, bad[i], NULL, &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
    }
  /* The upper-case spelling of a stored blob is not that blob, and removing it did not
   * touch it. */
  g_assert_true (os_blob_store_has (store, SHA256_ABC));
}

static void
test_put_same_twice (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) list = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf before, after;

  g_assert_false (os_blob_store_has (store, SHA256_ABC));
  g_assert_null (os_blob_store_get_path (store, SHA256_ABC));

  first = put_string (store, "abc");
  g_assert_cmpstr (first, ==, SHA256_ABC);
  path = os_blob_store_get_path (store, first);
  expected = g_build_filename (f->root, "ba", SHA256_ABC + 2, NULL);
  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "abc");
  g_assert_cmpint (g_stat (path, &before), ==, 0);

  /* The same content again, this time from a file: one blob, left as it was. */
  {
    g_autofree char *source_path = g_build_filename (f->dir, "abc.txt", NULL);
    g_autoptr(GFile) source = g_file_new_for_path (source_path);
    goffset size = -1;

    write_file (source_path, "abc", 3);
    g_assert_true (os_blob_store_put_file (store, source, &second, &size, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (second, ==, SHA256_ABC);
    g_assert_cmpint (size, ==, 3);
  }
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);

  g_assert_cmpuint (count_files (f->root), ==, 1);
  g_assert_cmpuint (count_temp_files (f->root), ==, 0);
  list = os_blob_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (list), ==, 1);
  g_assert_cmpstr (list[0], ==, SHA256_ABC);
  g_assert_true (os_blob_store_verify (store, SHA256_ABC, NULL, &error));
  g_assert_no_error (error);
}

static void
test_put_different (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *a = put_string (store, "abc");
  g_autofree char *b = put_string (store, "abd");
  g_autofree char *empty = put_string (store, "");
  g_auto(GStrv) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (a, ==, SHA256_ABC);
  g_assert_cmpstr (b, !=, a);
  g_assert_true (os_blob_store_sha256_is_valid (b));
  g_assert_cmpstr (empty, ==, SHA256_EMPTY);
  g_assert_true (os_blob_store_has (store, a));
  g_assert_true (os_blob_store_has (store, b));
  g_assert_cmpuint (count_files (f->root), ==, 3);

  list = os_blob_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (list), ==, 3);
  for (guint i = 1; i < 3; i++)
    g_assert_cmpint (strcmp (list[i - 1], list[i]), <, 0);
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *a = put_string (store, "abc");
  g_autofree char *b = put_string (store, "something else");
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (f->root, "ba", NULL);

  g_assert_true (os_blob_store_remove (store, a, &error));
  g_assert_no_error (error);
  g_assert_false (os_blob_store_has (store, a));
  g_assert_null (os_blob_store_get_path (store, a));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));   /* the empty folder went too */
  g_assert_true (os_blob_store_has (store, b));

  /* Removing what is not there is not an error. */
  g_assert_true (os_blob_store_remove (store, a, &error));
  g_assert_no_error (error);

  g_assert_false (os_blob_store_verify (store, a, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_files (f->root), ==, 1);
}

static void
test_verify_detects_corruption (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *sha256 = put_string (store, "Giấy chứng sinh, bản chính");
  g_autofree char *path = os_blob_store_get_path (store, sha256);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (os_blob_store_verify (store, sha256, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  contents[length / 2] ^= 0x01;
  write_file (path, contents, length);

  g_assert_false (os_blob_store_verify (store, sha256, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_BLOB_CORRUPT);
  g_assert_nonnull (strstr (error->message, sha256));
}

static void
set_mtime (const char *path,
           gint64      seconds_ago)
{
  struct utimbuf times;

  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - seconds_ago);
  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
test_stale_temp_cleaned (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *old_temp = g_build_filename (f->root, ".tmp-AbC123", NULL);
  g_autofree char *fresh_temp = g_build_filename (f->root, ".tmp-XyZ789", NULL);
  g_autofree char *other = g_build_filename (f->root, "notes.txt", NULL);
  g_autoptr(OsBlobStore) store = NULL;

  g_assert_cmpint (g_mkdir_with_parents (f->root, 0700), ==, 0);
  write_file (old_temp, "half a scan", -1);
  write_file (fresh_temp, "being written right now", -1);
  write_file (other, "not ours", -1);
  set_mtime (old_temp, 120);
  set_mtime (other, 120);

  store = os_blob_store_new (f->root);
  g_assert_false (g_file_test (old_temp, G_FILE_TEST_EXISTS));
  /* Another process may still be writing a fresh one. */
  g_assert_true (g_file_test (fresh_temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
test_cancelled_put_leaves_nothing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *source_path = g_build_filename (f->dir, "scan.pdf", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (source_path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/os-test/scan.pdf");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  char *sha256 = NULL;

  write_file (source_path, "%PDF-1.7 some content", -1);
  g_cancellable_cancel (cancellable);
  g_assert_false (os_blob_store_put_file (store, source, &sha256, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sha256);
  g_clear_error (&error);

  g_assert_false (os_blob_store_put_file (store, missing, &sha256, NULL, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_IO);
  g_assert_null (sha256);

  g_assert_cmpuint (count_files (f->root), ==, 0);
}

typedef struct
{
  OsBlobStore *store;
  GBytes      *bytes;
} PutJob;

static gpointer
put_in_thread (gpointer data)
{
  PutJob *job = data;
  g_autoptr(GError) error = NULL;
  char *sha256 = NULL;

  for (int i = 0; i < 20; i++)
    {
      g_clear_pointer (&sha256, g_free);
      if (!os_blob_store_put_bytes (job->store, job->bytes, &sha256, NULL, &error))
        g_error ("put failed: %s", error->message);
    }
  return sha256;
}

/* Writers racing on the same content end with one whole blob and no temporary file. */
static void
test_concurrent_puts (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *text = g_strnfill (300 * 1024, 'x');
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autoptr(GError) error = NULL;
  PutJob job = { store, bytes };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("put", put_in_thread, &job);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_autofree char *sha256 = g_thread_join (threads[i]);

      g_assert_cmpstr (sha256, ==, expected);
    }
  g_assert_cmpuint (count_files (f->root), ==, 1);
  g_assert_cmpuint (count_temp_files (f->root), ==, 0);
  g_assert_true (os_blob_store_verify (store, expected, NULL, &error));
  g_assert_no_error (error);
}

static void
on_put_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static long
max_rss_kb (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
test_large_file_streams (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autofree char *source_path = g_build_filename (f->dir, "big.tif", NULL);
  g_autoptr(GFile) source = g_file_new_for_path (source_path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stored = NULL;
  g_autofree guint32 *chunk = g_new (guint32, 256 * 1024);   /* 1 MiB */
  const char *argv[] = { "sha256sum", NULL, NULL };
  goffset size = 0;
  GRand *rand = g_rand_new_with_seed (42);
  long rss_before;
  int status;
  FILE *fp;

  fp = g_fopen (source_path, "wb");
  g_assert_nonnull (fp);
  for (guint i = 0; i < 50; i++)
    {
      for (guint j = 0; j < 256 * 1024; j++)
        chunk[j] = g_rand_int (rand);
      g_assert_cmpuint (fwrite (chunk, 1, 1024 * 1024, fp), ==, 1024 * 1024);
    }
  g_assert_cmpint (fclose (fp), ==, 0);
  g_rand_free (rand);

  rss_before = max_rss_kb ();
  os_blob_store_put_file_async (store, source, NULL, on_put_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (os_blob_store_put_file_finish (store, result, &sha256, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpint (size, ==, (goffset) 50 * 1024 * 1024);
  /* Streamed: the peak grew by far less than the file's 50 MB. */
  g_assert_cmpint (max_rss_kb () - rss_before, <, 16 * 1024);

  argv[1] = source_path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpuint (strlen (out), >, 64);
  out[64] = '\0';
  g_assert_cmpstr (sha256, ==, out);

  stored = os_blob_store_get_path (store, sha256);
  g_assert_nonnull (stored);
  {
    GStatBuf st;

    g_assert_cmpint (g_stat (stored, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, (goffset) 50 * 1024 * 1024);
  }
  g_assert_true (os_blob_store_verify (store, sha256, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_temp_files (f->root), ==, 0);
}

/* Attachments in the database ------------------------------------------------------ */

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: no row (%s)", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (stmt, 0);
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
open_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "desk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) agency = NULL;
  OsStore *store = os_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  agency = os_agency_new (AGENCY, "UBND Phường Ba Đình", "UBND Thành phố Hà Nội", "Hà Nội",
                          "Bộ phận Một cửa");
  g_assert_true (os_store_set_agency (store, agency, &error));
  g_assert_no_error (error);
  return store;
}

static gint64
receive_record (OsStore    *store,
                const char *name)
{
  g_autoptr(OsRecord) record = os_test_new_record (name, "Lê Thu Hà");
  g_autoptr(GError) error = NULL;

  g_assert_true (os_store_receive (store, record, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  return os_record_get_local_id (record);
}

static char *
attach (OsStore    *store,
        gint64      local_id,
        const char *sha256)
{
  g_autoptr(GError) error = NULL;
  char *id = os_store_add_attachment (store, local_id, "Tờ khai đăng ký khai sinh", "tờ khai.pdf",
                                      "application/pdf", sha256, 3, 1, 1700000000, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return id;
}

static void
test_attachments_shared_blob (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store (f->dir);
  g_autoptr(OsBlobStore) blobs = os_blob_store_new (f->root);
  g_autofree char *sha256 = put_string (blobs, "abc");
  g_autofree char *other_sha256 = put_string (blobs, "another scan");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  char *unreferenced = NULL;
  sqlite3 *db = os_store_get_db (store);
  gint64 one = receive_record (store, "Nguyễn Văn An");
  gint64 two = receive_record (store, "Trần Thị Bình");
  gint64 outbox_before = os_store_count_outbox (store);

  first = attach (store, one, sha256);
  second = attach (store, two, sha256);
  third = attach (store, one, other_sha256);
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpint (os_store_count_outbox (store), ==, outbox_before + 3);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM outbox WHERE kind = 'attach' AND "
                                  "json_extract (payload, '$.sha256') = '" SHA256_ABC "'"), ==, 2);
  g_assert_cmpint (os_store_count_blob_references (store, sha256, &error), ==, 2);
  g_assert_no_error (error);

  list = os_store_list_attachments (store, one, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  {
    OsAttachment *a = g_ptr_array_index (list, 0);
    g_autoptr(OsAttachment) copy = os_attachment_copy (a);

    g_assert_cmpstr (a->id, ==, first);
    g_assert_cmpint (a->record_id, ==, one);
    g_assert_cmpstr (a->document_name, ==, "Tờ khai đăng ký khai sinh");
    g_assert_cmpstr (a->file_name, ==, "tờ khai.pdf");
    g_assert_cmpstr (a->mime_type, ==, "application/pdf");
    g_assert_cmpstr (a->sha256, ==, SHA256_ABC);
    g_assert_cmpint (a->size, ==, 3);
    g_assert_cmpint (a->pages, ==, 1);
    g_assert_cmpint (a->created_at, ==, 1700000000);
    g_assert_cmpstr (copy->file_name, ==, a->file_name);
    g_assert_true (copy->file_name != a->file_name);
  }

  /* The first removal leaves the file to the other record. */
  g_assert_true (os_store_remove_attachment (store, first, &unreferenced, &error));
  g_assert_no_error (error);
  g_assert_null (unreferenced);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM outbox WHERE kind = 'detach'"), ==, 1);

  /* The last one hands it to the caller, who removes it. */
  g_assert_true (os_store_remove_attachment (store, second, &unreferenced, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (unreferenced, ==, SHA256_ABC);
  g_assert_true (os_blob_store_remove (blobs, unreferenced, &error));
  g_assert_no_error (error);
  g_free (unreferenced);
  g_assert_false (os_blob_store_has (blobs, SHA256_ABC));
  g_assert_true (os_blob_store_has (blobs, other_sha256));

  /* Gone is gone. */
  g_assert_false (os_store_remove_attachment (store, second, &unreferenced, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_assert_null (unreferenced);
  g_clear_error (&error);

  g_clear_pointer (&list, g_ptr_array_unref);
  list = os_store_list_attachments (store, two, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_attachment_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store (f->dir);
  g_autoptr(GError) error = NULL;
  gint64 one = receive_record (store, "Nguyễn Văn An");
  gint64 outbox_before = os_store_count_outbox (store);
  char *id;

  id = os_store_add_attachment (store, one + 1000, "", "a.pdf", "application/pdf", SHA256_ABC,
                                3, 1, 1700000000, &error);
  g_assert_null (id);
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  id = os_store_add_attachment (store, one, "", "a.pdf", "application/pdf", "../../etc/passwd",
                                3, 1, 1700000000, &error);
  g_assert_null (id);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  id = os_store_add_attachment (store, one, "", "", "application/pdf", SHA256_ABC,
                                3, 1, 1700000000, &error);
  g_assert_null (id);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_cmpint (query_int (os_store_get_db (store), "SELECT COUNT(*) FROM attachments"), ==, 0);
  g_assert_cmpint (os_store_count_outbox (store), ==, outbox_before);
}

static void
test_attachments_cascade (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OsStore) store = open_store (f->dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *sql = NULL;
  gint64 one = receive_record (store, "Nguyễn Văn An");
  gint64 two = receive_record (store, "Trần Thị Bình");
  sqlite3 *db = os_store_get_db (store);

  a = attach (store, one, SHA256_ABC);
  b = attach (store, two, SHA256_EMPTY);

  sql = g_strdup_printf ("DELETE FROM records WHERE local_id = %" G_GINT64_FORMAT, one);
  exec_sql (db, sql);

  list = os_store_list_attachments (store, one, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_cmpint (os_store_count_blob_references (store, SHA256_ABC, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_blob_references (store, SHA256_EMPTY, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_blob_references (store, "nope", &error), ==, -1);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
}

static void
exec_resource (sqlite3    *db,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, &error);
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  exec_sql (db, sql);
}

static void
test_migration_from_v2 (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "desk.db", NULL);
  g_autoptr(OsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  sqlite3 *db = NULL;
  gint64 local_id;

  /* A database as version 2 of the application left it, with one record. */
  g_assert_nonnull (os_core_get_resource ());
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_resource (db, "/vn/onestop/core/sql/desk/0001-initial.sql");
  exec_resource (db, "/vn/onestop/core/sql/desk/0002-record-list-indexes.sql");
  exec_sql (db,
            "PRAGMA user_version = 2;"
            "INSERT INTO records (local_id, id, code, agency, procedure_name, applicant_name, "
            "status, received_at, updated_at) VALUES (7, '0190a0b0-0000-7000-8000-000000000007', "
            "'000.00.06.H56-241015-0001', '000.00.06.H56', 'Đăng ký khai sinh', 'Lê Văn Cường', "
            "1, 1728950400, 1728950400);");
  sqlite3_close (db);

  store = os_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  db = os_store_get_db (store);
  g_assert_cmpint (os_store_get_latest_version (), >=, 3);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, os_store_get_latest_version ());
  g_assert_cmpint (os_store_get_schema_version (store), ==, os_store_get_latest_version ());
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM sqlite_schema WHERE name IN "
                                  "('attachments', 'attachments_sha256', 'attachments_record')"), ==, 3);

  local_id = query_int (db, "SELECT local_id FROM records WHERE applicant_name = 'Lê Văn Cường'");
  g_assert_cmpint (local_id, ==, 7);
  id = attach (store, local_id, SHA256_ABC);
  g_assert_cmpint (query_int (db, "SELECT COUNT(*) FROM outbox WHERE kind = 'attach' AND "
                                  "record_id = '0190a0b0-0000-7000-8000-000000000007'"), ==, 1);
}

/* A download's partial file becomes a blob only if it hashes to its name. */
static void
test_adopt_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(OsBlobStore) store = os_blob_store_new (f->root);
  g_autoptr(GError) error = NULL;
  g_autofree char *partial = os_blob_store_get_partial_path (store, SHA256_ABC);
  g_autofree char *path = NULL;
  g_autofree char *content = NULL;
  g_auto(GStrv) list = NULL;

  g_assert_null (os_blob_store_get_partial_path (store, "not-a-sha"));
  g_assert_nonnull (partial);
  g_assert_true (g_str_has_prefix (partial, f->root));
  g_assert_cmpint (g_mkdir_with_parents (f->root, 0700), ==, 0);

  /* Wrong content: refused, and the partial file is gone. */
  g_assert_true (g_file_set_contents (partial, "abd", 3, &error));
  g_assert_false (os_blob_store_adopt_file (store, partial, SHA256_ABC, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_BLOB_CORRUPT);
  g_clear_error (&error);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_false (os_blob_store_has (store, SHA256_ABC));

  /* A partial file is not listed as a blob. */
  g_assert_true (g_file_set_contents (partial, "ab", 2, &error));
  list = os_blob_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (list), ==, 0);

  /* The rest arrives: adopted under its name, checked. */
  g_assert_true (g_file_set_contents (partial, "abc", 3, &error));
  g_assert_true (os_blob_store_adopt_file (store, partial, SHA256_ABC, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_true (os_blob_store_has (store, SHA256_ABC));
  path = os_blob_store_get_path (store, SHA256_ABC);
  g_assert_true (g_file_get_contents (path, &content, NULL, &error));
  g_assert_cmpstr (content, ==, "abc");
  g_assert_true (os_blob_store_verify (store, SHA256_ABC, NULL, &error));
  g_assert_no_error (error);

  /* A bad name is refused before anything is read. */
  g_assert_false (os_blob_store_adopt_file (store, partial, "ABC", NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blob-store/sha256-validation", test_sha256_validation);
#define ADD(path, func) \
  g_test_add ("/blob-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("bad-sha-refused", test_bad_sha_refused);
  ADD ("put-same-twice", test_put_same_twice);
  ADD ("put-different", test_put_different);
  ADD ("remove", test_remove);
  ADD ("verify-detects-corruption", test_verify_detects_corruption);
  ADD ("stale-temp-cleaned", test_stale_temp_cleaned);
  ADD ("cancelled-put-leaves-nothing", test_cancelled_put_leaves_nothing);
  ADD ("concurrent-puts", test_concurrent_puts);
  ADD ("large-file-streams", test_large_file_streams);
  ADD ("adopt-file", test_adopt_file);
  ADD ("attachments/shared-blob", test_attachments_shared_blob);
  ADD ("attachments/refused", test_attachment_refused);
  ADD ("attachments/cascade", test_attachments_cascade);
  ADD ("attachments/migration-from-v2", test_migration_from_v2);
#undef ADD

  return g_test_run ();
}
