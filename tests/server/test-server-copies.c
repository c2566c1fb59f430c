/* test-server-copies.c: several onestop-server processes on one database — migrations,
 * code leases that never overlap, and a change feed that misses nothing while both copies
 * take pushes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "server-test.h"

/* Leases are for the server's yesterday to a week ahead: the lease test takes tomorrow's
 * numbers (from FIRST_NUMBER on, so that the day runs out before any client reaches its
 * allowance of unused numbers), the pushers today's. */
#define FIRST_NUMBER 97001

static OsTestServer *srv1, *srv2;
static char *day;
static char *desk, *client;

static int
count_rows (OsTestServer *srv,
            const char   *sql)
{
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv));
  PGresult *res;
  int n;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  n = atoi (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return n;
}

static void
test_migrate_twice (void)
{
  g_autofree char *v1 = os_test_server_admin (srv1, NULL, "migrate", NULL);
  g_autofree char *v2 = os_test_server_admin (srv1, NULL, "migrate", NULL);

  g_assert_cmpstr (v1, ==, v2);
  g_assert_cmpint (atoi (v1), >=, 2);
  g_assert_cmpint (count_rows (srv1, "SELECT count (*) FROM schema_version"), ==, atoi (v1));
}

static void
test_start_together (void)
{
  g_autoptr(OsTestServer) a = os_test_server_new_unmigrated ();
  g_autoptr(OsTestServer) b = os_test_server_new_copy (a);
  g_autoptr(SoupSession) sa = NULL;
  g_autoptr(SoupSession) sb = NULL;
  g_autoptr(JsonNode) ha = NULL;
  g_autoptr(JsonNode) hb = NULL;
  guint status = 0;

  /* Both migrate the empty database at the same moment; the advisory lock makes them take turns. */
  os_test_server_spawn (a);
  os_test_server_spawn (b);
  os_test_server_wait_ready (a);
  os_test_server_wait_ready (b);
  sa = os_test_server_new_session (a);
  sb = os_test_server_new_session (b);
  ha = st_request (sa, os_test_server_get_base_url (a), "GET", "/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  hb = st_request (sb, os_test_server_get_base_url (b), "GET", "/health", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpint (count_rows (a, "SELECT count (*) FROM schema_version"), ==,
                   count_rows (a, "SELECT max (version) FROM schema_version"));
}

/* "an" logged in on both servers, each with a session of its own: [0] on srv1, [1] on
 * srv2. */
typedef struct {
  SoupSession *sessions[2];
  const char  *base[2];
  char        *tokens[2];
} Both;

static void
both_login (Both       *both,
            const char *client_id)
{
  OsTestServer *servers[2] = { srv1, srv2 };

  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(JsonNode) session = NULL;

      both->sessions[s] = os_test_server_new_session (servers[s]);
      both->base[s] = os_test_server_get_base_url (servers[s]);
      session = st_login (both->sessions[s], both->base[s], "an", "pw", desk, client_id);
      both->tokens[s] = g_strdup (st_member (session, "access_token"));
    }
}

static void
both_clear (Both *both)
{
  for (guint s = 0; s < 2; s++)
    {
      g_clear_object (&both->sessions[s]);
      g_clear_pointer (&both->tokens[s], g_free);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Both, both_clear)

/* Lease workers: each alternates between the two servers. */
typedef struct {
  guint     index;
  GArray   *blocks;   /* pairs first, last */
  guint     exhausted;
} LeaseWorker;

static gpointer
lease_thread (gpointer data)
{
  LeaseWorker *w = data;
  g_auto(Both) both = { 0 };
  g_autofree char *my_client = st_uuid ();

  both_login (&both, my_client);
  for (guint i = 0; ; i++)
    {
      guint s = (i + w->index) % 2;
      g_autofree char *body = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"%s\",\"day\":\"%s\","
                                               "\"count\":%u}", my_client, ST_AGENCY_A, day,
                                               1 + (i * 7 + w->index * 13) % 1000);
      guint status = 0;
      g_autoptr(JsonNode) lease = st_request (both.sessions[s], both.base[s], "POST", "/codes/lease",
                                              both.tokens[s], body, &status);
      gint first, last;

      if (status == 409)
        {
          g_assert_cmpstr (st_error_code (lease), ==, "codes_exhausted");
          w->exhausted++;
          break;
        }
      g_assert_cmpuint (status, ==, 200);
      first = json_object_get_int_member (json_node_get_object (lease), "first");
      last = json_object_get_int_member (json_node_get_object (lease), "last");
      g_assert_cmpint (first, >=, 1);
      g_assert_cmpint (last, >=, first);
      g_assert_cmpint (last, <=, 99999);
      g_array_append_val (w->blocks, first);
      g_array_append_val (w->blocks, last);
    }
  return NULL;
}

static int
compare_first (gconstpointer a,
               gconstpointer b)
{
  return ((const gint *) a)[0] - ((const gint *) b)[0];
}

static void
test_leases (void)
{
  LeaseWorker workers[6];
  GThread *threads[6];
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint) * 2);
  gint expected = FIRST_NUMBER;
  g_autofree char *count_sql = g_strdup_printf ("SELECT count (*) FROM code_leases WHERE day = '%s'", day);
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv1));
  const char *params[2] = { ST_AGENCY_A, day };
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexecParams (conn, "INSERT INTO code_counters (agency, day, next) VALUES ($1, $2, " G_STRINGIFY (FIRST_NUMBER) ")",
                      2, NULL, params, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);
  PQfinish (conn);

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      workers[i].index = i;
      workers[i].blocks = g_array_new (FALSE, FALSE, sizeof (gint));
      workers[i].exhausted = 0;
      threads[i] = g_thread_new ("lease", lease_thread, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_thread_join (threads[i]);
      /* Every worker ran until the day's numbers were gone. */
      g_assert_cmpuint (workers[i].exhausted, ==, 1);
      for (guint j = 0; j < workers[i].blocks->len; j += 2)
        g_array_append_vals (all, &g_array_index (workers[i].blocks, gint, j), 1);
      g_array_unref (workers[i].blocks);
    }
  /* Sorted by first number, the blocks tile FIRST_NUMBER..99999 exactly: no overlap, no gap. */
  g_array_sort (all, compare_first);
  for (guint i = 0; i < all->len; i++)
    {
      gint *block = &((gint *) all->data)[i * 2];

      g_assert_cmpint (block[0], ==, expected);
      expected = block[1] + 1;
    }
  g_assert_cmpint (expected, ==, 100000);
  g_assert_cmpint (count_rows (srv1, count_sql), ==, (int) all->len);
}

/* Pushers alternate between the servers while a reader follows the feed. */
typedef struct {
  guint       index;
  GPtrArray  *pushed;
} Pusher;

static volatile gint pushers_running;

static gpointer
push_thread (gpointer data)
{
  Pusher *p = data;
  g_auto(Both) both = { 0 };
  gint first;

  both_login (&both, client);
  first = st_lease (both.sessions[0], both.base[0], both.tokens[0], client, ST_AGENCY_A, NULL, 30 * 5);
  for (guint batch = 0; batch < 30; batch++)
    {
      guint s = (batch + p->index) % 2;
      g_autoptr(GString) body = g_string_new (NULL);
      guint status = 0;
      g_autoptr(JsonNode) answer = NULL;

      g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", client);
      for (guint k = 0; k < 5; k++)
        {
          g_autofree char *id = st_uuid ();
          g_autofree char *code = st_code (ST_AGENCY_A, first + batch * 5 + k);
          g_autofree char *m = st_mutation (id, id, "receive", 0, code, NULL);

          g_string_append_printf (body, "%s%s", k ? "," : "", m);
          g_ptr_array_add (p->pushed, g_steal_pointer (&id));
        }
      g_string_append (body, "]}");
      answer = st_request (both.sessions[s], both.base[s], "POST", "/sync/push", both.tokens[s], body->str,
                           &status);
      g_assert_cmpuint (status, ==, 200);
    }
  g_atomic_int_add (&pushers_running, -1);
  return NULL;
}

static void
test_feed_under_concurrency (void)
{
  Pusher pushers[4];
  GThread *threads[4];
  g_autoptr(SoupSession) session = os_test_server_new_session (srv2);
  g_autoptr(JsonNode) login = st_login (session, os_test_server_get_base_url (srv2), "an", "pw", desk, client);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  guint total = 0;
  gboolean last_round = FALSE;

  g_atomic_int_set (&pushers_running, G_N_ELEMENTS (pushers));
  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      pushers[i].index = i;
      pushers[i].pushed = g_ptr_array_new_with_free_func (g_free);
      threads[i] = g_thread_new ("push", push_thread, &pushers[i]);
    }

  /* Follow the feed with one cursor, small pages, until the pushers are done and one more
   * pass found nothing new. A change made visible below the cursor would be missed here. */
  for (;;)
    {
      gboolean done = g_atomic_int_get (&pushers_running) == 0;
      gboolean more = TRUE;

      while (more)
        {
          g_autofree char *path = g_strdup_printf ("/sync/changes?cursor=%s&limit=7", cursor);
          guint status = 0;
          g_autoptr(JsonNode) page = st_request (session, os_test_server_get_base_url (srv2), "GET", path,
                                                 st_member (login, "access_token"), NULL, &status);
          JsonArray *list;

          g_assert_cmpuint (status, ==, 200);
          list = json_object_get_array_member (json_node_get_object (page), "changes");
          for (guint i = 0; i < json_array_get_length (list); i++)
            {
              const char *id = json_object_get_string_member (json_array_get_object_element (list, i), "id");

              /* Never the same change twice. */
              g_assert_false (g_hash_table_contains (seen, id));
              g_hash_table_add (seen, g_strdup (id));
            }
          more = json_object_get_boolean_member (json_node_get_object (page), "has_more");
          g_free (cursor);
          cursor = g_strdup (json_object_get_string_member (json_node_get_object (page), "next_cursor"));
        }
      if (last_round)
        break;
      last_round = done;
    }

  for (guint i = 0; i < G_N_ELEMENTS (pushers); i++)
    {
      g_thread_join (threads[i]);
      for (guint j = 0; j < pushers[i].pushed->len; j++)
        g_assert_true (g_hash_table_contains (seen, pushers[i].pushed->pdata[j]));
      total += pushers[i].pushed->len;
      g_ptr_array_unref (pushers[i].pushed);
    }
  g_assert_cmpuint (total, ==, 4 * 30 * 5);
  g_assert_cmpuint (g_hash_table_size (seen), ==, total);
}

/* The database drops every connection: requests answer 503 `unavailable` (or already
 * succeed) and the server reconnects by itself. */
static void
test_database_restart (void)
{
  g_autoptr(SoupSession) session = os_test_server_new_session (srv1);
  g_autoptr(JsonNode) login = st_login (session, os_test_server_get_base_url (srv1), "an", "pw", desk, client);
  guint ok = 0, unavailable = 0;
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv1));
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexec (conn, "SELECT count (pg_terminate_backend (pid)) FROM pg_stat_activity"
                      " WHERE datname = current_database () AND pid <> pg_backend_pid ()");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (atoi (PQgetvalue (res, 0, 0)), >, 0);
  PQclear (res);
  PQfinish (conn);

  for (guint i = 0; i < 12; i++)
    {
      guint status = 0;
      g_autoptr(JsonNode) me = st_request (session, os_test_server_get_base_url (srv1), "GET", "/me",
                                           st_member (login, "access_token"), NULL, &status);

      if (status == 200)
        ok++;
      else
        {
          g_assert_cmpuint (status, ==, 503);
          g_assert_cmpstr (st_error_code (me), ==, "unavailable");
          unavailable++;
        }
    }
  /* Each of the 8 broken connections fails at most once, then is reset. */
  g_assert_cmpuint (ok, >=, 4);
  g_test_message ("%u answers 200, %u answers 503 while reconnecting", ok, unavailable);
}

int
main (int    argc,
      char **argv)
{
  int result;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  srv1 = os_test_server_new ();
  if (srv1 != NULL)
    {
      srv2 = os_test_server_new_copy (srv1);
      g_free (os_test_server_add_unit (srv1, ST_AGENCY_A, "UBND A", NULL));
      g_free (os_test_server_add_user (srv1, "an", "pw", "reception", ST_AGENCY_A));
      desk = os_test_server_add_desk (srv1, ST_AGENCY_A, "Quầy 1");
      client = st_uuid ();
      day = st_day (1);
      os_test_server_start (srv1);
      os_test_server_start (srv2);

      g_test_add_func ("/server/copies/migrate-twice", test_migrate_twice);
      g_test_add_func ("/server/copies/start-together", test_start_together);
      g_test_add_func ("/server/copies/leases", test_leases);
      g_test_add_func ("/server/copies/feed-under-concurrency", test_feed_under_concurrency);
      g_test_add_func ("/server/copies/database-restart", test_database_restart);
    }
  result = g_test_run ();
  os_test_server_free (srv2);
  os_test_server_free (srv1);
  return result;
}
