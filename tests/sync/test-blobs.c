/* test-blobs.c: attachment files between desks and a real onestop-server on a throwaway
 * PostgreSQL (issue 4, "Store and sync"): uploaded before the record that lists them,
 * resumable by byte range, refused when missing, fetched on demand. Run under
 * with-postgres.sh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <string.h>

#include "os-error.h"
#include "sync-desk.h"
#include "sync-proxy.h"

#define AGENCY_A SYNC_AGENCY_A
#define AGENCY_B SYNC_AGENCY_B
#define MiB      (1024 * 1024)

static OsTestServer *current_server;   /* for call_bytes() */

static gboolean
world_init (SyncWorld *w)
{
  if (!sync_world_init (w))
    return FALSE;
  current_server = w->server;
  return TRUE;
}

/* Pseudo-random bytes, the same for the same seed. */
static GBytes *
make_content (gsize   size,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint32 *words = g_malloc (size + 4);

  for (gsize i = 0; i < size / 4 + 1; i++)
    words[i] = g_rand_int (rand);
  return g_bytes_new_take (words, size);
}

/* Puts @content into the desk's blob store and attaches it to the record @local_id. */
static char *
attach_content (SyncDesk   *desk,
                gint64      local_id,
                GBytes     *content,
                const char *file_name)
{
  OsBlobStore *blobs = os_sync_engine_get_blob_store (desk->engine);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *id = NULL;

  g_assert_nonnull (blobs);
  g_assert_true (os_blob_store_put_bytes (blobs, content, &sha256, NULL, &error));
  g_assert_no_error (error);
  id = os_store_add_attachment (desk->store, local_id, "Tờ khai", file_name, "application/pdf", sha256,
                                (gint64) g_bytes_get_size (content), 1, g_get_real_time () / G_USEC_PER_SEC,
                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  return g_steal_pointer (&sha256);
}

static gint64
receive_one (SyncDesk   *desk,
             const char *name)
{
  g_autoptr(GArray) ids = sync_desk_receive (desk, 1, sync_today_at (9), 1, name);

  return g_array_index (ids, gint64, 0);
}

/* The SHA-256 of the blob's bytes as the server stores them is @sha256. */
static void
assert_server_blob (OsTestServer *server,
                    const char   *sha256)
{
  g_autofree char *sql = g_strdup_printf ("SELECT encode (sha256 (coalesce (string_agg (data, ''::bytea ORDER BY pos), "
                                          "''::bytea)), 'hex') FROM blob_chunks WHERE sha256 = '%s'", sha256);
  g_autofree char *server_sha = sync_server_query_text (server, sql);

  g_assert_cmpstr (server_sha, ==, sha256);
}

static gint64
server_blob_int (OsTestServer *server,
                 const char   *sha256,
                 const char   *column)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce ((SELECT %s::bigint FROM blobs WHERE sha256 = '%s'), -1)",
                                          column, sha256);

  return sync_server_query_int (server, sql);
}

/* A binary call straight to the server with the desk's access token (a SoupSession of
 * its own, not the engine's client): the answer's body whatever its status. The answer
 * is logged for the OpenAPI conformance check (JSON bodies only) under the operation's
 * path, /blobs/{sha256}… */
static GBytes *
call_bytes (SyncDesk           *desk,
            const char         *method,
            const char         *path,
            const char * const *headers,
            GBytes             *body,
            guint              *status,
            char              **content_range,
            GError            **error)
{
  g_autoptr(SoupSession) session = os_test_server_new_session (current_server);
  g_autofree char *uri = g_strconcat (os_test_server_get_base_url (current_server), path, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", desk->session->access_token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *request_headers = soup_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers;
  g_autofree char *template = NULL;
  GBytes *answer;
  const char *type;

  soup_message_headers_replace (request_headers, "Authorization", bearer);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  *status = soup_message_get_status (msg);
  response_headers = soup_message_get_response_headers (msg);
  if (content_range)
    *content_range = g_strdup (soup_message_headers_get_one (response_headers, "Content-Range"));
  type = soup_message_headers_get_content_type (response_headers, NULL);
  template = g_str_has_suffix (path, "/status") ? g_strdup ("/blobs/{sha256}/status") : g_strdup ("/blobs/{sha256}");
  os_test_openapi_record (method, template, *status,
                          g_strcmp0 (type, "application/json") == 0 ? answer : NULL);
  return answer;
}

static const char *
error_code (GBytes *answer)
{
  static char code[64];
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_nonnull (answer);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                             NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_strlcpy (code, json_object_get_string_member (json_object_get_object_member (object, "error"), "code"),
             sizeof code);
  return code;
}

static JsonObject *
parse_object (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bytes);
  json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* PUTs bytes [@start, @start + @length) of @content as a chunk of the blob @sha256. */
static GBytes *
put_chunk (SyncDesk   *desk,
           const char *sha256,
           GBytes     *content,
           gsize       start,
           gsize       length,
           guint      *status,
           GError    **error)
{
  g_autofree char *path = g_strconcat ("/blobs/", sha256, NULL);
  g_autofree char *range = g_strdup_printf ("bytes %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT,
                                            start, start + length - 1, g_bytes_get_size (content));
  g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (content, start, length);
  const char *headers[] = { "Content-Range", range, NULL };

  return call_bytes (desk, "PUT", path, headers, chunk, status, NULL, error);
}

static gboolean
fetch_blob (SyncDesk     *desk,
            const char   *sha256,
            gint64        size,
            GCancellable *cancellable,
            GError      **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  os_sync_engine_fetch_blob_async (desk->engine, sha256, size, cancellable, os_test_store_result, &result);
  ok = os_sync_engine_fetch_blob_finish (desk->engine, os_test_wait_result (&result), error);
  g_object_unref (result);
  return ok;
}

static void
assert_blob_is (SyncDesk   *desk,
                const char *sha256,
                GBytes     *content)
{
  g_autofree char *path = os_blob_store_get_path (os_sync_engine_get_blob_store (desk->engine), sha256);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (data, length, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
}

/* (1) A record with a file goes from desk A to the supervisor's desk, which fetches the
 * file when it needs it; someone of another unit cannot. ------------------------------ */

typedef struct
{
  GCancellable *cancellable;
  gint64        cancel_at;
  guint         calls;
} Canceller;

static void
on_progress_cancel (OsSyncEngine *engine,
                    const char   *sha256,
                    gboolean      upload,
                    gint64        done,
                    gint64        size,
                    Canceller    *c)
{
  c->calls++;
  if (c->cancel_at > 0 && done >= c->cancel_at)
    g_cancellable_cancel (c->cancellable);
}

static void
test_attach_and_fetch (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(SyncDesk) sup = NULL;
  g_autoptr(SyncDesk) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (9 * MiB + 12345, 1);
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *sha256 = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *get_path = NULL;
  Canceller canceller = { cancellable, 4 * MiB, 0 };
  OsAttachment *att;
  gint64 local_id;
  gulong handler;
  GStatBuf st;

  if (!world_init (&w))
    return;
  a = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);
  local_id = receive_one (a, "Người có tệp");
  sha256 = attach_content (a, local_id, content, "to-khai.pdf");
  sync_desk_sync_all (a, 3);

  /* The file went up before the attachment, whole and checked. */
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);
  g_assert_cmpint (server_blob_int (w.server, sha256, "size"), ==, (gint64) g_bytes_get_size (content));
  assert_server_blob (w.server, sha256);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments WHERE NOT deleted"), ==, 1);

  /* The supervisor's desk gets the record and its attachment row, not the file yet. */
  sup = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk3, "giamsat", "mat-khau-gs");
  g_assert_true (sync_desk_sync (sup, &error));
  g_assert_no_error (error);
  {
    g_autoptr(OsRecord) mine = os_store_load_record (a->store, local_id, &error);
    g_autoptr(OsRecord) theirs = NULL;

    g_assert_no_error (error);
    theirs = os_store_find_record_by_code (sup->store, os_record_get_code (mine), &error);
    g_assert_no_error (error);
    g_assert_nonnull (theirs);
    attachments = os_store_list_attachments (sup->store, os_record_get_local_id (theirs), &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (attachments->len, ==, 1);
  att = g_ptr_array_index (attachments, 0);
  g_assert_cmpstr (att->sha256, ==, sha256);
  g_assert_cmpstr (att->file_name, ==, "to-khai.pdf");
  g_assert_cmpint (att->size, ==, (gint64) g_bytes_get_size (content));
  g_assert_false (os_blob_store_has (os_sync_engine_get_blob_store (sup->engine), sha256));

  /* Fetch on demand, cut after the first piece: what came stays in the partial file. */
  handler = g_signal_connect (sup->engine, "blob-progress", G_CALLBACK (on_progress_cancel), &canceller);
  g_assert_false (fetch_blob (sup, sha256, att->size, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  partial = os_blob_store_get_partial_path (os_sync_engine_get_blob_store (sup->engine), sha256);
  g_assert_cmpint (g_stat (partial, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 4 * MiB);
  g_assert_false (os_blob_store_has (os_sync_engine_get_blob_store (sup->engine), sha256));

  /* Again: it goes on from there and ends with the very same bytes. */
  canceller.cancel_at = 0;
  canceller.calls = 0;
  g_assert_true (fetch_blob (sup, sha256, att->size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canceller.calls, ==, 2);   /* 4 MiB + the last 5 MiB and a bit */
  g_signal_handler_disconnect (sup->engine, handler);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  assert_blob_is (sup, sha256, content);
  /* Once there, a fetch asks nothing. */
  g_assert_true (fetch_blob (sup, sha256, att->size, NULL, &error));

  /* A byte range through the API. */
  get_path = g_strconcat ("/blobs/", sha256, NULL);
  {
    const char *headers[] = { "Range", "bytes=100-199", NULL };
    g_autofree char *content_range = NULL;
    guint status = 0;
    g_autoptr(GBytes) part = call_bytes (sup, "GET", get_path, headers, NULL, &status, &content_range, &error);
    g_autofree char *expected = g_strdup_printf ("bytes 100-199/%" G_GSIZE_FORMAT, g_bytes_get_size (content));

    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 206);
    g_assert_cmpstr (content_range, ==, expected);
    g_assert_cmpmem (g_bytes_get_data (part, NULL), g_bytes_get_size (part),
                     (const guint8 *) g_bytes_get_data (content, NULL) + 100, 100);
  }

  {
    const char *suffix[] = { "Range", "bytes=-10", NULL };
    const char *outside[] = { "Range", "bytes=999999999-", NULL };
    g_autofree char *content_range = NULL;
    g_autofree char *expected = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, g_bytes_get_size (content));
    g_autofree char *status_path = g_strconcat (get_path, "/status", NULL);
    guint status = 0;
    g_autoptr(GBytes) tail = call_bytes (sup, "GET", get_path, suffix, NULL, &status, NULL, &error);
    g_autoptr(GBytes) none = call_bytes (sup, "GET", get_path, outside, NULL, &status, &content_range, &error);
    g_autoptr(GBytes) whole = NULL;
    g_autoptr(GBytes) state = NULL;
    g_autoptr(JsonObject) object = NULL;

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (tail, NULL), g_bytes_get_size (tail),
                     (const guint8 *) g_bytes_get_data (content, NULL) + g_bytes_get_size (content) - 10, 10);
    g_assert_cmpuint (status, ==, 416);
    g_assert_cmpstr (content_range, ==, expected);
    g_assert_cmpstr (error_code (none), ==, "blob_range");
    /* Without a range: at most its first 4 MiB, as a 206 that says so (a request never
     * holds a whole large file in the server's memory). */
    g_clear_pointer (&content_range, g_free);
    whole = call_bytes (sup, "GET", get_path, NULL, NULL, &status, &content_range, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 206);
    g_assert_cmpuint (g_bytes_get_size (content), >, 4 * MiB);
    g_free (expected);
    expected = g_strdup_printf ("bytes 0-%d/%" G_GSIZE_FORMAT, 4 * MiB - 1, g_bytes_get_size (content));
    g_assert_cmpstr (content_range, ==, expected);
    g_assert_cmpmem (g_bytes_get_data (whole, NULL), g_bytes_get_size (whole),
                     g_bytes_get_data (content, NULL), 4 * MiB);
    /* Its status, for anyone who asks. */
    state = call_bytes (sup, "GET", status_path, NULL, NULL, &status, NULL, &error);
    g_assert_cmpuint (status, ==, 200);
    object = parse_object (state);
    g_assert_true (json_object_get_boolean_member (object, "complete"));
    g_assert_cmpint (json_object_get_int_member (object, "received"), ==, (gint64) g_bytes_get_size (content));
  }

  /* A user of unit B sees nothing: the same 404 as for a file that does not exist. */
  b = sync_desk_new (w.server, sync_world_url (&w), AGENCY_B, w.desk_b, "bao", "mat-khau-bao");
  {
    guint status = 0;
    g_autoptr(GBytes) none = call_bytes (b, "GET", get_path, NULL, NULL, &status, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 404);
    g_assert_cmpstr (error_code (none), ==, "not_found");
    g_assert_false (fetch_blob (b, sha256, att->size, NULL, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  {
    guint status = 0;
    g_autofree char *other = g_strdup_printf ("/blobs/%064d", 5);
    g_autoptr(GBytes) none = call_bytes (b, "GET", other, NULL, NULL, &status, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 404);
    g_assert_cmpstr (error_code (none), ==, "not_found");
  }

  sync_world_clear (&w);
}

/* (2) The server refuses an attach whose file it does not have. ----------------------- */

static JsonArray *
push_json (SyncDesk   *desk,
           const char *body_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  GAsyncResult *result = NULL;
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, body_text, -1, &error));
  os_api_client_call_async (desk->client, "POST", "/sync/push", json_parser_get_root (parser), NULL, os_test_store_result,
                            &result);
  answer = os_api_client_call_finish (desk->client, os_test_wait_result (&result), NULL, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  object = json_node_get_object (answer);
  return json_array_ref (json_object_get_array_member (object, "results"));
}

static void
test_missing_refused (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (300000, 2);
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *blob_path = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *payload_hash = NULL;
  g_autofree char *body = NULL;
  g_autofree char *att_id = g_uuid_string_random ();
  g_autofree char *mutation_id = g_uuid_string_random ();
  JsonObject *r, *e;
  gint64 local_id;

  if (!world_init (&w))
    return;
  a = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  local_id = receive_one (a, "Người thiếu tệp");
  sync_desk_sync_all (a, 3);
  record = os_store_load_record (a->store, local_id, &error);
  g_assert_no_error (error);

  /* Straight through the API: an attach naming a file never uploaded. */
  client_id = os_store_dup_client_id (a->store);
  payload = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"document_name\":\"Tờ khai\","
                             "\"file_name\":\"a.pdf\",\"mime_type\":\"application/pdf\","
                             "\"sha256\":\"%064d\",\"size\":10,\"pages\":1,\"created_at\":1}",
                             att_id, os_record_get_id (record), 3);
  payload_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  body = g_strdup_printf ("{\"client_id\":\"%s\",\"mutations\":[{\"id\":\"%s\",\"record_id\":\"%s\","
                          "\"kind\":\"attach\",\"base_version\":1,\"payload_hash\":\"%s\",\"action_time\":5,"
                          "\"payload\":%s}]}",
                          client_id, mutation_id, os_record_get_id (record), payload_hash, payload);
  results = push_json (a, body);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  r = json_array_get_object_element (results, 0);
  g_assert_cmpstr (json_object_get_string_member (r, "id"), ==, mutation_id);
  g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "rejected");
  e = json_object_get_object_member (r, "error");
  g_assert_cmpstr (json_object_get_string_member (e, "code"), ==, "blob_missing");
  g_assert_true (json_object_get_boolean_member (e, "retryable"));
  g_assert_cmpstr (json_object_get_string_member (e, "message"), !=, "Lỗi.");
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 0);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT version FROM records"), ==, 1);

  /* Through the engine: a desk whose file went missing keeps the change waiting (retry),
   * never quarantined, and sends it once the file is back. */
  sha256 = attach_content (a, local_id, content, "b.pdf");
  blob_path = os_blob_store_get_path (os_sync_engine_get_blob_store (a->engine), sha256);
  kept = g_strconcat (blob_path, ".kept", NULL);
  g_assert_cmpint (g_rename (blob_path, kept), ==, 0);
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_MESSAGE, "*is not in the blob store*");
  g_assert_true (sync_desk_sync (a, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  /* …and visibly: the engine's message names the missing file. */
  g_assert_cmpint (os_sync_engine_get_state (a->engine), ==, OS_SYNC_STATE_WAITING);
  g_assert_nonnull (strstr (os_sync_engine_get_message (a->engine), "b.pdf"));
  g_assert_cmpint (os_store_count_pending (a->store), ==, 1);
  g_assert_cmpint (os_store_count_quarantined (a->store), ==, 0);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 0);
  g_assert_cmpint (server_blob_int (w.server, sha256, "received"), ==, -1);

  g_assert_cmpint (g_rename (kept, blob_path), ==, 0);
  sync_desk_sync_all (a, 3);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 1);
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);
  pending = os_store_list_quarantined (a->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 0);

  sync_world_clear (&w);
}

/* (2b) Knowing a file's SHA-256 is not enough to read it or attach it: a user of another
 * unit must send the whole file (the server hashes it and keeps no second copy). ------ */

/* A push of one attach naming @sha256 for the record @local_id (received once and synced,
 * so at version 1). */
static char *
attach_body (SyncDesk   *desk,
             gint64      local_id,
             const char *sha256,
             gint64      size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = os_store_load_record (desk->store, local_id, &error);
  g_autofree char *client_id = os_store_dup_client_id (desk->store);
  g_autofree char *att_id = g_uuid_string_random ();
  g_autofree char *mutation_id = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  g_autofree char *payload_hash = NULL;

  g_assert_no_error (error);
  payload = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"document_name\":\"Tờ khai\","
                             "\"file_name\":\"a.pdf\",\"mime_type\":\"application/pdf\","
                             "\"sha256\":\"%s\",\"size\":%" G_GINT64_FORMAT ",\"pages\":1,\"created_at\":1}",
                             att_id, os_record_get_id (record), sha256, size);
  payload_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  return g_strdup_printf ("{\"client_id\":\"%s\",\"mutations\":[{\"id\":\"%s\",\"record_id\":\"%s\","
                          "\"kind\":\"attach\",\"base_version\":1,\"payload_hash\":\"%s\","
                          "\"action_time\":5,\"payload\":%s}]}",
                          client_id, mutation_id, os_record_get_id (record), payload_hash, payload);
}

static void
test_hash_is_not_enough (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(SyncDesk) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (2 * MiB + 500, 9);
  g_autoptr(GBytes) forged = make_content (2 * MiB + 500, 10);
  g_autoptr(JsonArray) results = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *get_path = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *count_sql = NULL;
  gint64 local_b;
  guint status = 0;

  if (!world_init (&w))
    return;
  a = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  sha256 = attach_content (a, receive_one (a, "Người của đơn vị A"), content, "a.pdf");
  sync_desk_sync_all (a, 3);
  count_sql = g_strdup_printf ("SELECT COUNT(*) FROM blob_chunks WHERE sha256 = '%s'", sha256);
  g_assert_cmpint (sync_server_query_int (w.server, count_sql), ==, 3);
  get_path = g_strconcat ("/blobs/", sha256, NULL);
  status_path = g_strconcat (get_path, "/status", NULL);

  b = sync_desk_new (w.server, sync_world_url (&w), AGENCY_B, w.desk_b, "bao", "mat-khau-bao");
  g_assert_true (sync_desk_sync (b, &error));
  local_b = receive_one (b, "Người của đơn vị B");
  sync_desk_sync_all (b, 3);

  /* B knows the hash: the status tells it nothing of A's copy, and it cannot read it. */
  {
    g_autoptr(GBytes) answer = call_bytes (b, "GET", status_path, NULL, NULL, &status, NULL, &error);
    g_autoptr(JsonObject) object = parse_object (answer);

    g_assert_cmpint (json_object_get_int_member (object, "received"), ==, 0);
    g_assert_false (json_object_get_boolean_member (object, "complete"));
  }
  {
    g_autoptr(GBytes) answer = call_bytes (b, "GET", get_path, NULL, NULL, &status, NULL, &error);

    g_assert_cmpuint (status, ==, 404);
  }
  /* Nor attach it to one of its records. */
  body = attach_body (b, local_b, sha256, (gint64) g_bytes_get_size (content));
  results = push_json (b, body);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                     json_array_get_object_element (results, 0), "error"), "code"), ==, "blob_missing");

  /* Other bytes of the same size do not pass for the file. */
  for (gsize start = 0; start < g_bytes_get_size (forged); start += MiB)
    {
      gsize length = MIN ((gsize) MiB, g_bytes_get_size (forged) - start);
      g_autoptr(GBytes) answer = put_chunk (b, sha256, forged, start, length, &status, &error);

      g_assert_no_error (error);
      if (start + length < g_bytes_get_size (forged))
        g_assert_cmpuint (status, ==, 200);
      else
        {
          g_assert_cmpuint (status, ==, 422);
          g_assert_cmpstr (error_code (answer), ==, "blob_hash_mismatch");
        }
    }
  {
    g_autoptr(GBytes) answer = call_bytes (b, "GET", get_path, NULL, NULL, &status, NULL, &error);

    g_assert_cmpuint (status, ==, 404);
  }
  /* A's file is untouched. */
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);

  /* B's desk attaches the same file for real: it sends it all, the server keeps one copy,
   * and then B may read it. */
  g_assert_cmpstr (attach_content (b, local_b, content, "b.pdf"), ==, sha256);
  sync_desk_sync_all (b, 3);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 2);
  g_assert_cmpint (sync_server_query_int (w.server, count_sql), ==, 3);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM blob_holders"), ==, 2);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM blob_proofs"), ==, 0);
  {
    g_autoptr(GBytes) answer = call_bytes (b, "GET", get_path, NULL, NULL, &status, NULL, &error);

    g_assert_cmpuint (status, ==, 200);
    g_assert_true (g_bytes_equal (answer, content));
  }

  sync_world_clear (&w);
}

/* (3) A 50 MB file, the network cut half way, then resumed. --------------------------- */

static void
test_resume_50mb (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(SyncDesk) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (50 * 1000 * 1000, 3);
  g_autoptr(GBytes) content2 = make_content (50 * 1000 * 1000, 4);
  g_autofree char *sha256 = NULL;
  g_autofree char *sha256_2 = NULL;
  gint64 size = (gint64) g_bytes_get_size (content);
  gint64 first, second, received, started;
  double seconds;
  SyncProxy *proxy;

  if (!world_init (&w))
    return;
  proxy = sync_proxy_new (os_test_server_get_port (w.server), os_test_server_get_tls_database (w.server));
  a = sync_desk_new (w.server, sync_proxy_get_base_url (proxy), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);
  sha256 = attach_content (a, receive_one (a, "Người có tệp lớn"), content, "ho-so-lon.pdf");
  sync_proxy_take_upload_bytes (proxy);

  /* The network goes after about 25 MB. */
  sync_proxy_cut_uploads_after (proxy, 25 * 1000 * 1000, FALSE);
  g_assert_false (sync_desk_sync (a, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
  g_clear_error (&error);
  sync_proxy_cut_uploads_after (proxy, 0, FALSE);
  first = sync_proxy_take_upload_bytes (proxy);
  received = server_blob_int (w.server, sha256, "received");
  g_test_message ("first run: %" G_GINT64_FORMAT " bytes sent, the server kept %" G_GINT64_FORMAT,
                  first, received);
  g_assert_cmpint (received, >=, 20 * 1000 * 1000);
  g_assert_cmpint (received, <=, 30 * 1000 * 1000);
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 0);
  /* The record and its attach wait together: a batch goes out after its files. */
  g_assert_cmpint (os_store_count_pending (a->store), ==, 2);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 0);

  /* The desk restarts (a new engine on the same store: nothing of the upload was kept on
   * the desk) and the network is back: only the rest goes up. */
  os_sync_engine_stop (a->engine);
  g_clear_object (&a->engine);
  a->engine = os_sync_engine_new (a->store, a->client);
  sync_desk_sync_all (a, 3);
  second = sync_proxy_take_upload_bytes (proxy);
  g_test_message ("second run: %" G_GINT64_FORMAT " bytes sent (%.1f %% of the file)", second,
                  100.0 * second / size);
  g_assert_cmpint (second, <, size * 6 / 10);
  g_assert_cmpint (second, >=, size - received);
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);
  assert_server_blob (w.server, sha256);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 1);

  /* A figure, not an assertion: a whole 50 MB upload straight to the server on loopback. */
  other = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk2, "binh", "mat-khau-binh");
  g_assert_true (sync_desk_sync (other, &error));
  sha256_2 = attach_content (other, receive_one (other, "Người thứ hai"), content2, "ho-so-2.pdf");
  started = g_get_monotonic_time ();
  sync_desk_sync_all (other, 3);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("FIGURE upload of a 50 MB attachment over HTTPS on loopback: %.2f s, %.1f MB/s",
                  seconds, 50.0 / seconds);
  g_assert_cmpint (server_blob_int (w.server, sha256_2, "complete::int"), ==, 1);

  /* And the other way: desk 2 fetches desk 1's file on demand (4 MiB ranges). */
  started = g_get_monotonic_time ();
  g_assert_true (fetch_blob (other, sha256, size, NULL, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_test_message ("FIGURE fetch of a 50 MB attachment over HTTPS on loopback: %.2f s, %.1f MB/s",
                  seconds, 50.0 / seconds);
  assert_blob_is (other, sha256, content);

  g_clear_pointer (&a, sync_desk_free);
  sync_proxy_free (proxy);
  sync_world_clear (&w);
}

/* (3b) A kept-alive connection found dead: libsoup sends the PUT again on a new one, with
 * its whole body (os-api-client.c, on_restarted), and the upload just goes on. ------- */

static void
test_connection_dropped (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (5 * MiB + 3, 8);
  g_autofree char *sha256 = NULL;
  SyncProxy *proxy;

  if (!world_init (&w))
    return;
  proxy = sync_proxy_new (os_test_server_get_port (w.server), os_test_server_get_tls_database (w.server));
  a = sync_desk_new (w.server, sync_proxy_get_base_url (proxy), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);
  sha256 = attach_content (a, receive_one (a, "Người gửi qua mạng chập chờn"), content, "c.pdf");
  sync_proxy_cut_uploads_after (proxy, 2 * MiB, TRUE);
  /* libsoup repeats the PUT by itself when the connection was a kept-alive one; a new
   * connection that dies is the round's network error, and the next round goes on. Never
   * a refusal (a repeat with an empty body would be a 400). */
  if (!sync_desk_sync (a, &error))
    {
      g_test_message ("first round: %s", error->message);
      g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
      g_clear_error (&error);
      g_assert_true (sync_desk_sync (a, &error));
    }
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_pending (a->store), ==, 0);
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);
  assert_server_blob (w.server, sha256);

  g_clear_pointer (&a, sync_desk_free);
  sync_proxy_free (proxy);
  sync_world_clear (&w);
}

/* (4) A chunk at the wrong offset gets 409 with the server's offset; the engine goes on
 * from where the server is. ----------------------------------------------------------- */

static void
on_progress_interfere (OsSyncEngine *engine,
                       const char   *sha256,
                       gboolean      upload,
                       gint64        done,
                       gint64        size,
                       gpointer      user_data)
{
  GBytes **other_chunk = user_data;
  SyncWorld *w = g_object_get_data (G_OBJECT (engine), "world");
  g_autofree char *pos = NULL;
  g_autofree char *received = NULL;
  const char *values[3];
  int lengths[3] = { 0, 0, 0 };
  int formats[3] = { 0, 0, 1 };
  PGconn *conn;
  PGresult *res;

  if (*other_chunk == NULL || done != MiB)
    return;
  /* Another desk sends the second chunk meanwhile. */
  conn = PQconnectdb (os_test_server_get_conninfo (w->server));
  pos = g_strdup_printf ("%d", MiB);
  received = g_strdup_printf ("%d", 2 * MiB);
  values[0] = sha256;
  values[1] = pos;
  values[2] = g_bytes_get_data (*other_chunk, NULL);
  lengths[2] = (int) g_bytes_get_size (*other_chunk);
  res = PQexecParams (conn, "INSERT INTO blob_chunks (sha256, pos, data) VALUES ($1, $2, $3)", 3, NULL,
                      values, lengths, formats, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  values[1] = received;
  res = PQexecParams (conn, "UPDATE blobs SET received = $2 WHERE sha256 = $1", 2, NULL, values, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (conn);
  g_clear_pointer (other_chunk, g_bytes_unref);
}

static void
test_wrong_offset (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (3 * MiB + 77, 5);
  g_autoptr(GBytes) content2 = make_content (4 * MiB + 5, 6);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *sha256 = NULL;
  g_autofree char *sha256_2 = NULL;
  GBytes *other_chunk = NULL;
  guint status = 0;

  if (!world_init (&w))
    return;
  a = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  g_checksum_update (sum, g_bytes_get_data (content, NULL), g_bytes_get_size (content));
  sha256 = g_strdup (g_checksum_get_string (sum));

  /* Straight through the API: the first MiB, then a chunk that skips the second. */
  answer = put_chunk (a, sha256, content, 0, MiB, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  object = parse_object (answer);
  g_assert_cmpint (json_object_get_int_member (object, "received"), ==, MiB);
  g_assert_false (json_object_get_boolean_member (object, "complete"));
  g_clear_pointer (&answer, g_bytes_unref);
  g_clear_pointer (&object, json_object_unref);

  answer = put_chunk (a, sha256, content, 2 * MiB, MiB, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 409);
  object = parse_object (answer);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "error"), "code"), ==,
                   "blob_offset");
  g_assert_cmpint (json_object_get_int_member (object, "received"), ==, MiB);
  g_assert_cmpint (server_blob_int (w.server, sha256, "received"), ==, MiB);
  g_clear_pointer (&answer, g_bytes_unref);
  g_clear_pointer (&object, json_object_unref);

  /* A chunk that is more than 1 MiB, or does not match its Content-Range, is refused. */
  answer = put_chunk (a, sha256, content, MiB, MiB + 1, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpstr (error_code (answer), ==, "too_large");
  g_clear_pointer (&answer, g_bytes_unref);
  {
    g_autofree char *path = g_strconcat ("/blobs/", sha256, NULL);
    g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (content, MiB, 10);
    const char *headers[] = { "Content-Range", "bytes 1048576-1048600/3145805", NULL };

    answer = call_bytes (a, "PUT", path, headers, chunk, &status, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (error_code (answer), ==, "invalid_field");
    g_clear_pointer (&answer, g_bytes_unref);
  }
  /* A file over the limit is refused before anything is kept. */
  {
    g_autofree char *path = g_strdup_printf ("/blobs/%064d", 9);
    g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (content, 0, 10);
    const char *headers[] = { "Content-Range", "bytes 0-9/200000000", NULL };

    answer = call_bytes (a, "PUT", path, headers, chunk, &status, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (status, ==, 413);
    g_assert_cmpstr (error_code (answer), ==, "blob_too_large");
    g_clear_pointer (&answer, g_bytes_unref);
  }

  /* The engine asks where the server is (1 MiB) and sends only the rest. */
  attach_content (a, receive_one (a, "Người gửi tiếp"), content, "tiep.pdf");
  sync_desk_sync_all (a, 3);
  g_assert_cmpint (server_blob_int (w.server, sha256, "complete::int"), ==, 1);
  assert_server_blob (w.server, sha256);

  /* The server's copy moves on while the engine uploads: its next chunk gets 409 and it
   * goes on from the server's offset. */
  other_chunk = g_bytes_new_from_bytes (content2, MiB, MiB);
  g_object_set_data (G_OBJECT (a->engine), "world", &w);
  g_signal_connect (a->engine, "blob-progress", G_CALLBACK (on_progress_interfere), &other_chunk);
  sha256_2 = attach_content (a, receive_one (a, "Người thứ ba"), content2, "ba.pdf");
  sync_desk_sync_all (a, 3);
  g_assert_null (other_chunk);   /* the interference happened */
  g_assert_cmpint (server_blob_int (w.server, sha256_2, "complete::int"), ==, 1);
  assert_server_blob (w.server, sha256_2);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 2);

  sync_world_clear (&w);
}

/* (5) A file whose bytes do not hash to its name is thrown away. ---------------------- */

static void
test_corrupt_hash (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = make_content (MiB + 10, 7);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *wrong = g_strdup_printf ("%064d", 42);
  g_autofree char *sha256 = NULL;
  g_autofree char *blob_path = NULL;
  guint status = 0;

  if (!world_init (&w))
    return;
  a = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));

  /* Through the API: the last chunk makes the server check, and refuse. */
  answer = put_chunk (a, wrong, content, 0, MiB, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&answer, g_bytes_unref);
  answer = put_chunk (a, wrong, content, MiB, 10, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 422);
  g_assert_cmpstr (error_code (answer), ==, "blob_hash_mismatch");
  g_clear_pointer (&answer, g_bytes_unref);
  g_assert_cmpint (server_blob_int (w.server, wrong, "received"), ==, -1);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM blob_chunks"), ==, 0);
  {
    g_autofree char *path = g_strconcat ("/blobs/", wrong, "/status", NULL);

    answer = call_bytes (a, "GET", path, NULL, NULL, &status, NULL, &error);
    g_assert_no_error (error);
    object = parse_object (answer);
    g_assert_cmpint (json_object_get_int_member (object, "received"), ==, 0);
    g_assert_false (json_object_get_boolean_member (object, "complete"));
  }

  /* Through the engine: a desk whose own copy went bad on disk says so and keeps the
   * change; the server keeps nothing. */
  sha256 = attach_content (a, receive_one (a, "Người có tệp hỏng"), content, "hong.pdf");
  blob_path = os_blob_store_get_path (os_sync_engine_get_blob_store (a->engine), sha256);
  {
    g_autofree char *data = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (blob_path, &data, &length, &error));
    data[length - 1] ^= 0x55;
    g_assert_cmpint (g_chmod (blob_path, 0600), ==, 0);
    g_assert_true (g_file_set_contents (blob_path, data, length, &error));
  }
  /* The attach goes to the quarantine with the desk's own reason (it will never go as it
   * is); the record itself and other records keep syncing. */
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_pending (a->store), ==, 0);
  g_assert_cmpint (os_store_count_quarantined (a->store), ==, 1);
  {
    g_autoptr(GPtrArray) list = os_store_list_quarantined (a->store, &error);
    OsQuarantined *q;

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    q = g_ptr_array_index (list, 0);
    g_assert_cmpstr (q->kind, ==, "attach");
    g_assert_cmpstr (q->error_code, ==, "blob_corrupt");
    g_assert_nonnull (strstr (q->error_message, "bị hỏng"));
  }
  g_assert_cmpint (server_blob_int (w.server, sha256, "received"), ==, -1);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM attachments"), ==, 0);
  receive_one (a, "Người đến sau");
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_pending (a->store), ==, 0);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 2);

  sync_world_clear (&w);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blobs/attach-and-fetch", test_attach_and_fetch);
  g_test_add_func ("/blobs/missing-refused", test_missing_refused);
  g_test_add_func ("/blobs/hash-is-not-enough", test_hash_is_not_enough);
  g_test_add_func ("/blobs/resume-50mb", test_resume_50mb);
  g_test_add_func ("/blobs/connection-dropped", test_connection_dropped);
  g_test_add_func ("/blobs/wrong-offset", test_wrong_offset);
  g_test_add_func ("/blobs/corrupt-hash", test_corrupt_hash);

  return g_test_run ();
}
