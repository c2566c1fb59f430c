/* test-server-sync.c: push, the change feed, authorization by unit, definitions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "server-test.h"

#define AGENCY_C "000.00.13.H26"
#define AGENCY_D "000.00.14.H26"   /* below A */

static OsTestServer *srv;
static SoupSession *session;
static const char *base;
static char *client;
static char *token_a, *token_b, *token_c, *token_sup;
static char *desk_a, *desk_b, *desk_c;

/* Numbers leased to `client` (every session here was opened for it), per agency. */
typedef struct {
  gint next;
  gint last;
} Block;
static GHashTable *blocks;

static char *login_token (const char *user,
                          const char *desk);
#define login_token_for login_token

/* The next leased code of @agency (today), leasing a block with @token when none is left. */
static char *
next_code (const char *token,
           const char *agency)
{
  Block *b = g_hash_table_lookup (blocks, agency);

  if (b == NULL)
    {
      b = g_new0 (Block, 1);
      g_hash_table_insert (blocks, g_strdup (agency), b);
    }
  if (b->next == 0 || b->next > b->last)
    {
      b->next = st_lease (session, base, token, client, agency, NULL, 50);
      b->last = b->next + 49;
    }
  return st_code (agency, b->next++);
}

static JsonArray *
push (const char *token,
      const char *body,
      guint       expected_results)
{
  guint status = 0;
  JsonNode *answer = st_request (session, base, "POST", "/sync/push", token, body, &status);
  JsonArray *results;

  g_assert_cmpuint (status, ==, 200);
  results = json_object_get_array_member (json_node_get_object (answer), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, expected_results);
  json_array_ref (results);
  json_node_unref (answer);
  return results;
}

static JsonObject *
result_at (JsonArray *results,
           guint      i)
{
  return json_array_get_object_element (results, i);
}

static const char *
status_of (JsonArray *results,
           guint      i)
{
  return json_object_get_string_member (result_at (results, i), "status");
}

static const char *
error_of (JsonArray *results,
          guint      i)
{
  JsonObject *r = result_at (results, i);

  if (!json_object_has_member (r, "error"))
    return NULL;
  return json_object_get_string_member (json_object_get_object_member (r, "error"), "code");
}

static gboolean
retryable_of (JsonArray *results,
              guint      i)
{
  return json_object_get_boolean_member (json_object_get_object_member (result_at (results, i), "error"),
                                         "retryable");
}

/* One push of one mutation; returns its result's status and error. */
static JsonArray *
push_one (const char *token,
          const char *mutation_id,
          const char *record_id,
          const char *kind,
          gint64      base_version,
          const char *code,
          const char *extra)
{
  g_autofree char *m = st_mutation (mutation_id, record_id, kind, base_version, code, extra);
  g_autofree char *body = st_push_body (client, m, NULL);

  return push (token, body, 1);
}

/* Pages through the whole feed from @cursor (NULL: the beginning) with @limit; returns the
 * changes and sets @cursor_out. */
static GPtrArray *
read_feed (const char  *token,
           const char  *cursor,
           guint        limit,
           char       **cursor_out,
           guint       *pages)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *current = g_strdup (cursor ? cursor : "");
  gboolean more = TRUE;

  *pages = 0;
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/sync/changes?cursor=%s&limit=%u", current, limit);
      guint status = 0;
      g_autoptr(JsonNode) page = st_request (session, base, "GET", path, token, NULL, &status);
      JsonObject *o;
      JsonArray *list;

      g_assert_cmpuint (status, ==, 200);
      o = json_node_get_object (page);
      list = json_object_get_array_member (o, "changes");
      g_assert_cmpuint (json_array_get_length (list), <=, limit);
      for (guint i = 0; i < json_array_get_length (list); i++)
        g_ptr_array_add (changes, json_object_ref (json_array_get_object_element (list, i)));
      more = json_object_get_boolean_member (o, "has_more");
      if (more)
        g_assert_cmpuint (json_array_get_length (list), ==, limit);
      g_free (current);
      current = g_strdup (json_object_get_string_member (o, "next_cursor"));
      (*pages)++;
    }
  *cursor_out = g_steal_pointer (&current);
  return changes;
}

static void
test_authorization (void)
{
  g_autofree char *ra = st_uuid (), *rb = st_uuid (), *rx = st_uuid ();
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid (), *m3 = st_uuid (), *m4 = st_uuid ();
  g_autofree char *cursor = NULL;
  g_autofree char *code_a = next_code (token_a, ST_AGENCY_A);
  g_autofree char *code_b = next_code (token_b, ST_AGENCY_B);
  g_autofree char *day = st_day (0);
  g_autoptr(JsonArray) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(JsonNode) lease = NULL;
  guint pages, status = 0;
  gboolean saw_a = FALSE;

  r1 = push_one (token_a, m1, ra, "receive", 0, code_a, NULL);
  g_assert_cmpstr (status_of (r1, 0), ==, "applied");
  /* A user of unit A may not create a record with a code of unit B… */
  r2 = push_one (token_a, m2, rx, "receive", 0, code_b, NULL);
  g_assert_cmpstr (status_of (r2, 0), ==, "rejected");
  g_assert_cmpstr (error_of (r2, 0), ==, "forbidden");
  g_assert_false (retryable_of (r2, 0));
  r3 = push_one (token_b, m3, rb, "receive", 0, code_b, NULL);
  g_assert_cmpstr (status_of (r3, 0), ==, "applied");
  /* …nor a user of B change A's record: to B it is as if there were no such record. */
  r4 = push_one (token_b, m4, ra, "update", 1, code_a, "\"notes\":\"B\"");
  g_assert_cmpstr (error_of (r4, 0), ==, "out_of_order");

  /* A's feed never shows B's records, and B's never shows A's. */
  feed = read_feed (token_a, NULL, 1000, &cursor, &pages);
  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *c = feed->pdata[i];

      g_assert_cmpstr (json_object_get_string_member (c, "id"), !=, rb);
      g_assert_cmpstr (json_object_get_string_member (c, "id"), !=, rx);
      saw_a |= g_str_equal (json_object_get_string_member (c, "id"), ra);
    }
  g_assert_true (saw_a);
  g_clear_pointer (&feed, g_ptr_array_unref);
  g_clear_pointer (&cursor, g_free);
  feed = read_feed (token_b, NULL, 1000, &cursor, &pages);
  for (guint i = 0; i < feed->len; i++)
    g_assert_cmpstr (json_object_get_string_member (feed->pdata[i], "id"), !=, ra);

  /* Code blocks of another unit's agency: 403, nothing revealed. */
  {
    g_autofree char *body = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"%s\","
                                             "\"day\":\"%s\",\"count\":10}", client, ST_AGENCY_B, day);

    lease = st_request (session, base, "POST", "/codes/lease", token_a, body, &status);
    g_assert_cmpuint (status, ==, 403);
    g_assert_cmpstr (st_error_code (lease), ==, "forbidden");
  }
}

static void
test_idempotency (void)
{
  g_autofree char *r1 = st_uuid (), *r2 = st_uuid (), *r3 = st_uuid ();
  g_autofree char *i1 = st_uuid (), *i2 = st_uuid (), *i3 = st_uuid ();
  g_autofree char *c1 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *c2 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *c3 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *m1 = st_mutation (i1, r1, "receive", 0, c1, NULL);
  g_autofree char *m2 = st_mutation (i2, r2, "refuse", 0, c2, NULL);
  g_autofree char *m3 = st_mutation (i3, r3, "request-supplement", 0, c3, NULL);
  g_autofree char *body = st_push_body (client, m1, m2, m3, NULL);
  g_autofree char *other = st_mutation (i1, r1, "receive", 0, c1, "\"notes\":\"other\"");
  g_autofree char *other_body = st_push_body (client, other, NULL);
  g_autofree char *cursor = NULL;
  g_autoptr(JsonArray) first = push (token_a, body, 3);
  g_autoptr(JsonArray) second = push (token_a, body, 3);
  g_autoptr(JsonArray) mismatch = push (token_a, other_body, 1);
  g_autoptr(GPtrArray) feed = NULL;
  guint pages, seen = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (status_of (first, i), ==, "applied");
      g_assert_cmpstr (status_of (second, i), ==, "duplicate");
      g_assert_cmpint (json_object_get_int_member (result_at (second, i), "version"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (result_at (second, i), "server_time"), ==,
                       json_object_get_int_member (result_at (first, i), "server_time"));
      g_assert_cmpstr (json_object_get_string_member (result_at (second, i), "id"), ==,
                       json_object_get_string_member (result_at (first, i), "id"));
    }
  g_assert_cmpstr (status_of (mismatch, 0), ==, "rejected");
  g_assert_cmpstr (error_of (mismatch, 0), ==, "idempotency_mismatch");
  g_assert_false (retryable_of (mismatch, 0));

  /* One effect: one change per record. */
  feed = read_feed (token_a, NULL, 1000, &cursor, &pages);
  for (guint i = 0; i < feed->len; i++)
    {
      const char *id = json_object_get_string_member (feed->pdata[i], "id");

      if (g_str_equal (id, r1) || g_str_equal (id, r2) || g_str_equal (id, r3))
        seen++;
    }
  g_assert_cmpuint (seen, ==, 3);
}

static void
test_versions (void)
{
  g_autofree char *r = st_uuid (), *missing = st_uuid ();
  g_autofree char *i1 = st_uuid (), *i2 = st_uuid (), *i3 = st_uuid (), *i4 = st_uuid (), *i5 = st_uuid ();
  g_autofree char *code = next_code (token_a, ST_AGENCY_A);
  g_autoptr(JsonArray) a = push_one (token_a, i1, r, "receive", 0, code, NULL);
  g_autoptr(JsonArray) b = push_one (token_a, i2, r, "update", 1, code, "\"notes\":\"v2\"");
  g_autoptr(JsonArray) stale = push_one (token_a, i3, r, "update", 1, code, "\"notes\":\"conflict\"");
  g_autoptr(JsonArray) ahead = push_one (token_a, i4, r, "update", 5, code, "\"notes\":\"later\"");
  g_autoptr(JsonArray) nothing = push_one (token_a, i5, missing, "update", 1, ST_AGENCY_A "-261103-0002", NULL);
  g_autoptr(JsonArray) retried = NULL;

  g_assert_cmpstr (status_of (a, 0), ==, "applied");
  g_assert_cmpstr (status_of (b, 0), ==, "applied");
  g_assert_cmpint (json_object_get_int_member (result_at (b, 0), "version"), ==, 2);
  g_assert_cmpstr (error_of (stale, 0), ==, "stale_version");
  g_assert_false (retryable_of (stale, 0));
  g_assert_cmpstr (error_of (ahead, 0), ==, "out_of_order");
  g_assert_true (retryable_of (ahead, 0));
  g_assert_cmpstr (error_of (nothing, 0), ==, "out_of_order");
  g_assert_true (retryable_of (nothing, 0));

  /* A rejected mutation leaves no trace: its id can be retried (and judged afresh). */
  retried = push_one (token_a, i5, missing, "update", 1, ST_AGENCY_A "-261103-0002", NULL);
  g_assert_cmpstr (error_of (retried, 0), ==, "out_of_order");
}

static void
test_code_taken (void)
{
  g_autofree char *r1 = st_uuid (), *r2 = st_uuid ();
  g_autofree char *i1 = st_uuid (), *i2 = st_uuid (), *i3 = st_uuid ();
  g_autofree char *code = next_code (token_a, ST_AGENCY_A);
  g_autofree char *code2 = next_code (token_a, ST_AGENCY_A);
  g_autoptr(JsonArray) a = push_one (token_a, i1, r1, "receive", 0, code, NULL);
  g_autoptr(JsonArray) b = push_one (token_a, i2, r2, "receive", 0, code, NULL);
  g_autoptr(JsonArray) c = push_one (token_a, i3, r1, "receive", 0, code2, NULL);

  g_assert_cmpstr (status_of (a, 0), ==, "applied");
  g_assert_cmpstr (error_of (b, 0), ==, "code_taken");
  g_assert_false (retryable_of (b, 0));
  /* The same record created again under another mutation id is not a duplicate. */
  g_assert_cmpstr (error_of (c, 0), ==, "stale_version");
}

static void
test_invalid_payload (void)
{
  g_autofree char *r1 = st_uuid (), *r2 = st_uuid (), *r3 = st_uuid (), *r4 = st_uuid ();
  g_autofree char *i1 = st_uuid (), *i2 = st_uuid (), *i3 = st_uuid (), *i4 = st_uuid ();
  g_autofree char *c1 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *c3 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *c4 = next_code (token_a, ST_AGENCY_A);
  g_autofree char *bad_type = st_mutation (i1, r1, "receive", 0, c1, "\"sets\":\"two\"");
  g_autofree char *bad_code = st_mutation (i2, r2, "receive", 0, "not-a-code", NULL);
  g_autofree char *good = st_mutation (i3, r3, "receive", 0, c3, NULL);
  g_autofree char *bad_base = st_mutation (i4, r4, "receive", 2, c4, NULL);
  g_autofree char *body = st_push_body (client, bad_type, bad_code, good, bad_base, NULL);
  g_autoptr(JsonArray) results = push (token_a, body, 4);

  g_assert_cmpstr (error_of (results, 0), ==, "invalid");
  g_assert_cmpstr (error_of (results, 1), ==, "invalid");
  g_assert_cmpstr (status_of (results, 2), ==, "applied");
  g_assert_cmpstr (error_of (results, 3), ==, "invalid");
  g_assert_false (retryable_of (results, 3));
}

static void
test_feed_paging (void)
{
  /* Unit C's own user: a feed with only what this test writes. */
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) feed = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;
  g_autofree char *att = st_uuid ();
  guint pages = 0, deletions = 0, attachments = 0;

  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *id = st_uuid ();
      g_autofree char *code = next_code (token_c, AGENCY_C);
      g_autoptr(JsonArray) r = push_one (token_c, id, id, "receive", 0, code, NULL);

      g_assert_cmpstr (status_of (r, 0), ==, "applied");
      g_ptr_array_add (records, g_steal_pointer (&id));
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *m = st_uuid ();
      g_autoptr(JsonArray) r = push_one (token_c, m, records->pdata[i], "delete", 1, NULL, NULL);

      g_assert_cmpstr (status_of (r, 0), ==, "applied");
      g_assert_cmpint (json_object_get_int_member (result_at (r, 0), "version"), ==, 2);
    }
  {
    /* The file goes up first (PUT /blobs/{sha256}, one chunk); an attach names it. */
    static const char file[] = "%PDF-1.4 onestop test attachment";
    g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, file, -1);
    g_autofree char *url = g_strdup_printf ("%s/blobs/%s", base, sha);
    g_autofree char *range = g_strdup_printf ("bytes 0-%zu/%zu", strlen (file) - 1, strlen (file));
    g_autofree char *auth = g_strconcat ("Bearer ", token_c, NULL);
    g_autoptr(SoupMessage) put = soup_message_new ("PUT", url);
    g_autoptr(GBytes) put_answer = NULL;
    g_autofree char *payload = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (put), "Authorization", auth);
    soup_message_headers_replace (soup_message_get_request_headers (put), "Content-Range", range);
    soup_message_set_request_body_from_bytes (put, "application/octet-stream",
                                              g_bytes_new_static (file, strlen (file)));
    put_answer = soup_session_send_and_read (session, put, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (put) / 100, ==, 2);
    payload = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"document_name\":\"Tờ khai\","
                               "\"file_name\":\"a.pdf\",\"mime_type\":\"application/pdf\","
                               "\"sha256\":\"%s\",\"size\":%zu,\"pages\":1,\"created_at\":1}",
                               att, (char *) records->pdata[2], sha, strlen (file));
    g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
    g_autofree char *m1 = st_uuid (), *m2 = st_uuid ();
    g_autofree char *attach = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"attach\",\"base_version\":1,"
                                               "\"payload_hash\":\"%s\",\"action_time\":5,\"payload\":%s}",
                                               m1, (char *) records->pdata[2], hash, payload);
    g_autofree char *detach = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"detach\",\"base_version\":2,"
                                               "\"payload_hash\":\"%s\",\"action_time\":6,\"payload\":%s}",
                                               m2, (char *) records->pdata[2], hash, payload);
    g_autofree char *body = st_push_body (client, attach, detach, NULL);
    g_autoptr(JsonArray) r = push (token_c, body, 2);

    g_assert_cmpstr (status_of (r, 0), ==, "applied");
    g_assert_cmpstr (status_of (r, 1), ==, "applied");
    g_assert_cmpint (json_object_get_int_member (result_at (r, 1), "version"), ==, 3);
  }

  feed = read_feed (token_c, NULL, 10, &cursor, &pages);
  /* 25 creations, 2 deletions, attach (attachment + record) and detach (the same). */
  g_assert_cmpuint (feed->len, ==, 25 + 2 + 2 + 2);
  g_assert_cmpuint (pages, ==, 4);
  for (guint i = 0; i < feed->len; i++)
    {
      JsonObject *c = feed->pdata[i];

      if (g_str_equal (json_object_get_string_member (c, "op"), "delete") &&
          g_str_equal (json_object_get_string_member (c, "entity"), "record"))
        {
          deletions++;
          g_assert_false (json_object_has_member (c, "data"));
        }
      if (g_str_equal (json_object_get_string_member (c, "entity"), "attachment"))
        attachments++;
    }
  g_assert_cmpuint (deletions, ==, 2);
  g_assert_cmpuint (attachments, ==, 2);
  /* Oldest first: the first record's creation comes before its deletion. */
  g_assert_cmpstr (json_object_get_string_member (feed->pdata[0], "id"), ==, records->pdata[0]);

  /* At the end: nothing more, the same cursor. */
  rest = read_feed (token_c, cursor, 10, &cursor2, &pages);
  g_assert_cmpuint (rest->len, ==, 0);
  g_assert_cmpstr (cursor2, ==, cursor);

  /* Bad cursors and limits. */
  {
    guint status = 0;
    g_autoptr(JsonNode) a = st_request (session, base, "GET", "/sync/changes?cursor=abc", token_c, NULL, &status);
    g_autoptr(JsonNode) b = NULL;

    g_assert_cmpuint (status, ==, 400);
    g_assert_cmpstr (st_error_code (a), ==, "invalid_field");
    b = st_request (session, base, "GET", "/sync/changes?limit=0", token_c, NULL, &status);
    g_assert_cmpuint (status, ==, 400);
  }
}

static void
test_procedures (void)
{
  guint status = 0;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL;
  g_autofree char *file = g_build_filename (g_getenv ("SOURCE_DIR"), "data", "demo", "procedures.json", NULL);
  g_autofree char *v1 = os_test_server_admin (srv, NULL, "import-procedures", file, NULL);
  g_autofree char *v2 = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *etag1 = g_strdup_printf ("\"%s\"", v1);

  a = st_request_raw (session, base, "GET", "/definitions/procedures", "/definitions/procedures", token_a,
                      NULL, NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (a, NULL), g_bytes_get_size (a));

    node = json_from_string (text, NULL);
  }
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "version"), ==, atoi (v1));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "procedures")), >, 0);

  b = st_request_raw (session, base, "GET", "/definitions/procedures", "/definitions/procedures", token_a,
                      NULL, NULL, etag1, &status);
  g_assert_cmpuint (status, ==, 304);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 0);

  v2 = os_test_server_admin (srv, NULL, "import-procedures", file, NULL);
  g_assert_cmpint (atoi (v2), ==, atoi (v1) + 1);
  c = st_request_raw (session, base, "GET", "/definitions/procedures", "/definitions/procedures", token_a,
                      NULL, NULL, etag1, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* A supervisor of A sees A and the units below it; a reception officer of A only A. */
static void
test_supervisor (void)
{
  g_autofree char *rd = st_uuid (), *ra = st_uuid (), *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *c1 = NULL, *c2 = NULL;
  g_autofree char *code_d = next_code (token_sup, AGENCY_D);
  g_autofree char *code_a = next_code (token_a, ST_AGENCY_A);
  g_autoptr(JsonArray) r1 = push_one (token_sup, m1, rd, "receive", 0, code_d, NULL);
  g_autoptr(JsonArray) r2 = push_one (token_a, m2, ra, "receive", 0, code_a, NULL);
  g_autoptr(GPtrArray) sup_feed = NULL;
  g_autoptr(GPtrArray) a_feed = NULL;
  gboolean sup_d = FALSE, sup_a = FALSE;
  guint pages;

  g_assert_cmpstr (status_of (r1, 0), ==, "applied");
  g_assert_cmpstr (status_of (r2, 0), ==, "applied");
  sup_feed = read_feed (token_sup, NULL, 1000, &c1, &pages);
  for (guint i = 0; i < sup_feed->len; i++)
    {
      const char *id = json_object_get_string_member (sup_feed->pdata[i], "id");

      sup_d |= g_str_equal (id, rd);
      sup_a |= g_str_equal (id, ra);
    }
  g_assert_true (sup_d);
  g_assert_true (sup_a);
  a_feed = read_feed (token_a, NULL, 1000, &c2, &pages);
  for (guint i = 0; i < a_feed->len; i++)
    g_assert_cmpstr (json_object_get_string_member (a_feed->pdata[i], "id"), !=, rd);
}

/* Every applied mutation is in the audit log once: who, which desk, the desk's action
 * time and the server's receive time. */
static void
test_audit (void)
{
  g_autofree char *r = st_uuid (), *m = st_uuid ();
  g_autofree char *code = next_code (token_a, ST_AGENCY_A);
  g_autofree char *mutation = st_mutation (m, r, "receive", 0, code, NULL);
  g_autofree char *body = st_push_body (client, mutation, NULL);
  g_autoptr(JsonArray) first = push (token_a, body, 1);
  g_autoptr(JsonArray) again = push (token_a, body, 1);
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv));
  const char *params[1] = { r };
  PGresult *res;

  g_assert_cmpstr (status_of (again, 0), ==, "duplicate");
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexecParams (conn,
                      "SELECT a.action, u.username, d.name, a.action_time, a.server_time IS NOT NULL"
                      "  FROM audit_log a JOIN users u ON u.id = a.user_id JOIN desks d ON d.id = a.desk_id"
                      " WHERE a.entity_id = $1",
                      1, NULL, params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, 1);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, "receive");
  g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, "a");
  g_assert_cmpstr (PQgetvalue (res, 0, 2), ==, "Quầy A");
  g_assert_cmpstr (PQgetvalue (res, 0, 3), ==, "1795400000");
  g_assert_cmpstr (PQgetvalue (res, 0, 4), ==, "t");
  PQclear (res);
  PQfinish (conn);
}

static char *
login_token (const char *user,
             const char *desk)
{
  g_autoptr(JsonNode) s = st_login (session, base, user, "pw", desk, client);

  return g_strdup (st_member (s, "access_token"));
}

/* A record can only be created with a number leased to the sending client, for the
 * agency and day of its code. */
static void
test_code_not_leased (void)
{
  g_autofree char *other_client = st_uuid ();
  g_autoptr(JsonNode) other = st_login (session, base, "a", "pw", desk_a, other_client);
  const char *other_token = st_member (other, "access_token");
  gint theirs = st_lease (session, base, other_token, other_client, ST_AGENCY_A, NULL, 3);
  g_autofree char *their_code = st_code (ST_AGENCY_A, theirs);
  g_autofree char *never_leased = st_code (ST_AGENCY_A, 99999);
  g_autofree char *mine = next_code (token_a, ST_AGENCY_A);
  /* The number of a block leased for today, on tomorrow's date: not leased for that day. */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();   /* TZ is Asia/Ho_Chi_Minh */
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *yymmdd = g_date_time_format (tomorrow, "%y%m%d");
  g_autofree char *wrong_day = g_strdup_printf ("%s-%s-%s", ST_AGENCY_A, yymmdd, strrchr (mine, '-') + 1);
  const char *codes[] = { their_code, never_leased, wrong_day };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autofree char *r = st_uuid (), *m = st_uuid ();
      g_autoptr(JsonArray) res = push_one (token_a, m, r, "receive", 0, codes[i], NULL);

      g_assert_cmpstr (status_of (res, 0), ==, "rejected");
      g_assert_cmpstr (error_of (res, 0), ==, "code_not_leased");
      g_assert_false (retryable_of (res, 0));
    }
  /* The client that holds the number may use it. */
  {
    g_autofree char *r = st_uuid (), *m = st_uuid ();
    g_autofree char *mut = st_mutation (m, r, "receive", 0, their_code, NULL);
    g_autofree char *body = st_push_body (other_client, mut, NULL);
    guint status = 0;
    g_autoptr(JsonNode) answer = st_request (session, base, "POST", "/sync/push", other_token, body, &status);
    JsonArray *results;

    g_assert_cmpuint (status, ==, 200);
    results = json_object_get_array_member (json_node_get_object (answer), "results");
    g_assert_cmpstr (status_of (results, 0), ==, "applied");
  }
}

/* Push and lease speak for the client the session was opened for, whatever the body says. */
static void
test_client_binding (void)
{
  g_autofree char *stranger = st_uuid ();
  g_autofree char *code = next_code (token_a, ST_AGENCY_A);
  g_autofree char *r = st_uuid (), *m = st_uuid ();
  g_autofree char *mut = st_mutation (m, r, "receive", 0, code, NULL);
  g_autofree char *body = st_push_body (stranger, mut, NULL);
  g_autofree char *today = st_day (0);
  g_autofree char *lease = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"%s\",\"day\":\"%s\","
                                            "\"count\":5}", stranger, ST_AGENCY_A, today);
  guint status = 0;
  g_autoptr(JsonNode) pushed = st_request (session, base, "POST", "/sync/push", token_a, body, &status);
  g_autoptr(JsonNode) leased = NULL;

  g_assert_cmpuint (status, ==, 403);
  g_assert_cmpstr (st_error_code (pushed), ==, "forbidden");
  leased = st_request (session, base, "POST", "/codes/lease", token_a, lease, &status);
  g_assert_cmpuint (status, ==, 403);
  g_assert_cmpstr (st_error_code (leased), ==, "forbidden");
}

static guint
lease_status (const char *token,
              const char *client_id,
              const char *day,
              gint        count,
              gint       *got,
              char      **error_code)
{
  g_autofree char *body = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"%s\",\"day\":\"%s\","
                                           "\"count\":%d}", client_id, AGENCY_C, day, count);
  guint status = 0;
  g_autoptr(JsonNode) answer = st_request (session, base, "POST", "/codes/lease", token, body, &status);

  if (status == 200)
    {
      JsonObject *o = json_node_get_object (answer);

      *got = json_object_get_int_member (o, "last") - json_object_get_int_member (o, "first") + 1;
    }
  else
    *error_code = g_strdup (st_error_code (answer));
  return status;
}

/* Days from the server's yesterday to a week ahead only, and at most 2,000 unused
 * numbers per client, agency and day. */
static void
test_lease_limits (void)
{
  g_autofree char *my_client = st_uuid ();
  g_autoptr(JsonNode) s = st_login (session, base, "c", "pw", desk_c, my_client);
  const char *token = st_member (s, "access_token");
  const gint offsets[] = { -2, 8, 400, -1, 7 };
  g_autofree char *week = st_day (7);
  gint got = 0;

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autofree char *day = st_day (offsets[i]);
      g_autofree char *code = NULL;
      guint status = lease_status (token, my_client, day, 1, &got, &code);

      if (offsets[i] >= -1 && offsets[i] <= 7)
        g_assert_cmpuint (status, ==, 200);
      else
        {
          g_assert_cmpuint (status, ==, 400);
          g_assert_cmpstr (code, ==, "invalid_field");
        }
    }
  /* One number of day +7 is held already: 1,999 more, then no more. */
  {
    g_autofree char *code = NULL;

    g_assert_cmpuint (lease_status (token, my_client, week, 1000, &got, &code), ==, 200);
    g_assert_cmpint (got, ==, 1000);
    g_assert_cmpuint (lease_status (token, my_client, week, 1000, &got, &code), ==, 200);
    g_assert_cmpint (got, ==, 999);
    g_assert_cmpuint (lease_status (token, my_client, week, 10, &got, &code), ==, 409);
    g_assert_cmpstr (code, ==, "lease_limit");
  }
  /* Another client has its own allowance. */
  {
    g_autofree char *code = NULL;
    g_autofree char *c2 = st_uuid ();
    g_autoptr(JsonNode) s2 = st_login (session, base, "c", "pw", desk_c, c2);

    g_assert_cmpuint (lease_status (st_member (s2, "access_token"), c2, week, 10, &got, &code), ==, 200);
    g_assert_cmpint (got, ==, 10);
  }
}

/* Nothing tells a user whether a record of another unit exists: changing one gets the
 * answer of a missing record, creating over its id the answer of creating over one's own. */
static void
test_other_units_hidden (void)
{
  g_autofree char *rb = st_uuid (), *ra = st_uuid (), *missing = st_uuid ();
  g_autofree char *code_b = next_code (token_b, ST_AGENCY_B);
  g_autofree char *code_a = next_code (token_a, ST_AGENCY_A);
  g_autofree char *m1 = st_uuid (), *m2 = st_uuid (), *m3 = st_uuid (), *m4 = st_uuid ();
  g_autofree char *m5 = st_uuid (), *m6 = st_uuid ();
  g_autofree char *c1 = next_code (token_a, ST_AGENCY_A), *c2 = next_code (token_a, ST_AGENCY_A);
  g_autoptr(JsonArray) made_b = push_one (token_b, m1, rb, "receive", 0, code_b, NULL);
  g_autoptr(JsonArray) made_a = push_one (token_a, m2, ra, "receive", 0, code_a, NULL);
  g_autoptr(JsonArray) upd_theirs = push_one (token_a, m3, rb, "update", 1, code_b, "\"notes\":\"x\"");
  g_autoptr(JsonArray) upd_missing = push_one (token_a, m4, missing, "update", 1, code_b, "\"notes\":\"x\"");
  g_autoptr(JsonArray) new_theirs = push_one (token_a, m5, rb, "receive", 0, c1, NULL);
  g_autoptr(JsonArray) new_mine = push_one (token_a, m6, ra, "receive", 0, c2, NULL);
  JsonObject *e1, *e2, *e3, *e4;

  g_assert_cmpstr (status_of (made_b, 0), ==, "applied");
  g_assert_cmpstr (status_of (made_a, 0), ==, "applied");
  e1 = json_object_get_object_member (result_at (upd_theirs, 0), "error");
  e2 = json_object_get_object_member (result_at (upd_missing, 0), "error");
  g_assert_cmpstr (json_object_get_string_member (e1, "code"), ==, json_object_get_string_member (e2, "code"));
  g_assert_cmpstr (json_object_get_string_member (e1, "message"), ==, json_object_get_string_member (e2, "message"));
  g_assert_true (json_object_get_boolean_member (e1, "retryable") == json_object_get_boolean_member (e2, "retryable"));
  g_assert_cmpstr (json_object_get_string_member (e1, "code"), ==, "out_of_order");
  e3 = json_object_get_object_member (result_at (new_theirs, 0), "error");
  e4 = json_object_get_object_member (result_at (new_mine, 0), "error");
  g_assert_cmpstr (json_object_get_string_member (e3, "code"), ==, json_object_get_string_member (e4, "code"));
  g_assert_cmpstr (json_object_get_string_member (e3, "message"), ==, json_object_get_string_member (e4, "message"));
  g_assert_false (json_object_has_member (result_at (new_theirs, 0), "version"));
}

/* What a desk could not take from the feed is refused: `invalid`, the others go on. */
static void
test_payload_rules (void)
{
  const char *extras[] = {
    "\"applicant_name\":\"\"",
    "\"procedure_name\":\"\"",
    "\"status\":0",
    "\"status\":11",
    "\"sets\":4294967296",
    "\"book_number\":-1",
    "\"received_at\":-5",
    "\"documents\":[{\"name\":\"Tờ khai\",\"originals\":-1}]",
    "\"documents\":[{\"name\":\"Tờ khai\",\"copies\":9999999999}]",
  };
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(JsonArray) results = NULL;
  guint n = G_N_ELEMENTS (extras);

  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
  for (guint i = 0; i <= n + 2; i++)
    {
      g_autofree char *r = st_uuid (), *m = st_uuid ();
      g_autofree char *code = next_code (token_a, ST_AGENCY_A);
      g_autofree char *mut = NULL;

      if (i < n)
        {
          /* st_mutation's members come first: a repeated member replaces it. */
          mut = st_mutation (m, r, "receive", 0, code, extras[i]);
        }
      else if (i == n)
        {
          /* No procedure name at all. */
          g_autofree char *payload = g_strdup_printf ("{\"id\":\"%s\",\"code\":\"%s\",\"applicant_name\":\"A\",\"status\":1}",
                                                      r, code);
          g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);

          mut = g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"receive\",\"base_version\":0,"
                                 "\"payload_hash\":\"%s\",\"action_time\":1,\"payload\":%s}", m, r, hash, payload);
        }
      else if (i == n + 1)
        {
          /* A date that does not exist. */
          g_autofree char *bad = g_strdup_printf ("%s-261332-0001", ST_AGENCY_A);

          mut = st_mutation (m, r, "receive", 0, bad, NULL);
        }
      else
        mut = st_mutation (m, r, "receive", 0, code, NULL);
      g_string_append_printf (body, "%s%s", i ? "," : "", mut);
    }
  g_string_append (body, "]}");
  results = push (token_a, body->str, n + 3);
  for (guint i = 0; i < n + 2; i++)
    {
      if (g_strcmp0 (error_of (results, i), "invalid") != 0)
        g_error ("mutation %u (%s) was not refused as invalid", i, i < n ? extras[i] : "other");
      g_assert_false (retryable_of (results, i));
    }
  g_assert_cmpstr (status_of (results, n + 2), ==, "applied");
}

/* Malformed cursors are the client's fault (400), never the server's (500). */
static void
test_bad_cursors (void)
{
  const char *cursors[] = {
    "99999999999999999999.1",          /* above 2^64 - 1 */
    "18446744073709551616.0",          /* 2^64 */
    "1.9223372036854775808",           /* above 2^63 - 1 */
    "1.99999999999999999999",
    "123456789012345678901234567890.1",
    "-1.0", "1.-1", "+1.0", "1.2.3.4", "1.2.zzzzzzzz", "1.2.ABCDEF01", "1..2", ".", "1.", "%20",
    "0x10.1", "1.2.3", "1e5.0",
  };
  guint status = 0;
  g_autoptr(JsonNode) ok = st_request (session, base, "GET",
                                       "/sync/changes?cursor=18446744073709551615.9223372036854775807",
                                       token_c, NULL, &status);

  /* The largest numbers are well-formed (a cursor without fingerprint starts over). */
  g_assert_cmpuint (status, ==, 200);
  for (guint i = 0; i < G_N_ELEMENTS (cursors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/changes?cursor=%s", cursors[i]);
      g_autoptr(JsonNode) answer = st_request (session, base, "GET", path, token_c, NULL, &status);

      if (status != 400)
        g_error ("cursor %s: %u", cursors[i], status);
      g_assert_cmpstr (st_error_code (answer), ==, "invalid_field");
    }
  {
    g_autoptr(JsonNode) a = st_request (session, base, "GET", "/sync/changes?limit=99999999999999999999999",
                                        token_c, NULL, &status);

    g_assert_cmpuint (status, ==, 400);
  }
}

/* A user given another unit after reading the feed to its end gets that unit's existing
 * records on the next pull. */
static void
test_units_grow (void)
{
  g_autofree char *unit_e = os_test_server_add_unit (srv, "000.00.15.H26", "UBND E", NULL);
  g_autofree char *unit_f = os_test_server_add_unit (srv, "000.00.16.H26", "UBND F", NULL);
  g_autofree char *user_e = os_test_server_add_user (srv, "e", "pw", "reception", "000.00.15.H26");
  g_autofree char *user_f = os_test_server_add_user (srv, "f", "pw", "reception", "000.00.16.H26");
  g_autofree char *desk_e = os_test_server_add_desk (srv, "000.00.15.H26", "Quầy E");
  g_autofree char *desk_f = os_test_server_add_desk (srv, "000.00.16.H26", "Quầy F");
  g_autofree char *te = login_token_for ("e", desk_e);
  g_autofree char *tf = login_token_for ("f", desk_f);
  g_autofree char *re = st_uuid (), *rf = st_uuid (), *m1 = st_uuid (), *m2 = st_uuid ();
  g_autofree char *code_e = next_code (te, "000.00.15.H26");
  g_autofree char *code_f = next_code (tf, "000.00.16.H26");
  g_autoptr(JsonArray) pe = push_one (te, m1, re, "receive", 0, code_e, NULL);
  g_autoptr(JsonArray) pf = push_one (tf, m2, rf, "receive", 0, code_f, NULL);
  g_autofree char *cursor = NULL, *cursor2 = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) after = NULL;
  gboolean saw_f = FALSE;
  guint pages;
  PGconn *conn;
  PGresult *res;
  const char *params[2] = { user_e, unit_f };

  g_assert_cmpstr (status_of (pe, 0), ==, "applied");
  g_assert_cmpstr (status_of (pf, 0), ==, "applied");
  first = read_feed (te, NULL, 100, &cursor, &pages);
  g_assert_cmpuint (first->len, ==, 1);

  conn = PQconnectdb (os_test_server_get_conninfo (srv));
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexecParams (conn, "INSERT INTO user_units (user_id, unit_id) VALUES ($1, $2)", 2, NULL, params,
                      NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (conn);

  after = read_feed (te, cursor, 100, &cursor2, &pages);
  for (guint i = 0; i < after->len; i++)
    saw_f |= g_str_equal (json_object_get_string_member (after->pdata[i], "id"), rf);
  g_assert_true (saw_f);
  g_assert_cmpstr (cursor2, !=, cursor);
  (void) unit_e;
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
      g_free (os_test_server_add_unit (srv, AGENCY_C, "UBND C", NULL));
      g_free (os_test_server_add_unit (srv, AGENCY_D, "Tổ D", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "sup", "pw", "supervisor", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "a", "pw", "reception", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "b", "pw", "reception", ST_AGENCY_B));
      g_free (os_test_server_add_user (srv, "c", "pw", "reception", AGENCY_C));
      desk_a = os_test_server_add_desk (srv, ST_AGENCY_A, "Quầy A");
      desk_b = os_test_server_add_desk (srv, ST_AGENCY_B, "Quầy B");
      desk_c = os_test_server_add_desk (srv, AGENCY_C, "Quầy C");
      client = st_uuid ();
      blocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      os_test_server_start (srv);
      session = os_test_server_new_session (srv);
      base = os_test_server_get_base_url (srv);
      token_a = login_token ("a", desk_a);
      token_b = login_token ("b", desk_b);
      token_c = login_token ("c", desk_c);
      token_sup = login_token ("sup", desk_a);

      g_test_add_func ("/server/sync/authorization", test_authorization);
      g_test_add_func ("/server/sync/idempotency", test_idempotency);
      g_test_add_func ("/server/sync/versions", test_versions);
      g_test_add_func ("/server/sync/code-taken", test_code_taken);
      g_test_add_func ("/server/sync/invalid-payload", test_invalid_payload);
      g_test_add_func ("/server/sync/feed-paging", test_feed_paging);
      g_test_add_func ("/server/sync/supervisor", test_supervisor);
      g_test_add_func ("/server/sync/audit", test_audit);
      g_test_add_func ("/server/definitions/procedures", test_procedures);
      g_test_add_func ("/server/codes/not-leased", test_code_not_leased);
      g_test_add_func ("/server/codes/client-binding", test_client_binding);
      g_test_add_func ("/server/codes/lease-limits", test_lease_limits);
      g_test_add_func ("/server/sync/other-units-hidden", test_other_units_hidden);
      g_test_add_func ("/server/sync/payload-rules", test_payload_rules);
      g_test_add_func ("/server/sync/bad-cursors", test_bad_cursors);
      g_test_add_func ("/server/sync/units-grow", test_units_grow);
    }
  result = g_test_run ();
  g_clear_object (&session);
  os_test_server_free (srv);
  return result;
}
