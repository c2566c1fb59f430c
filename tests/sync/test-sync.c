/* test-sync.c: desks (the core library, headless, on temporary SQLite stores) against real
 * onestop-server processes on a throwaway PostgreSQL. Run under with-postgres.sh.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <signal.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-record-code.h"
#include "sync-desk.h"
#include "sync-proxy.h"

#define AGENCY_A SYNC_AGENCY_A
#define AGENCY_B SYNC_AGENCY_B


static void
assert_all_sent (SyncDesk *desk)
{
  g_assert_cmpint (os_store_count_pending (desk->store), ==, 0);
  g_assert_cmpint (os_store_count_quarantined (desk->store), ==, 0);
  g_assert_cmpint (os_sync_engine_get_state (desk->engine), ==, OS_SYNC_STATE_UP_TO_DATE);
}

/* (a) Two desks offline for a day, 500 records each, then reconnecting. ------------ */

static void
test_offline_day (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d1 = NULL;
  g_autoptr(SyncDesk) d2 = NULL;
  g_autoptr(SyncDesk) sup = NULL;
  g_autoptr(GArray) ids1 = NULL;
  g_autoptr(GArray) ids2 = NULL;
  g_autoptr(GError) error = NULL;
  gint64 morning = sync_today_at (8);
  gint64 started;

  if (!sync_world_init (&w))
    return;
  d1 = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  d2 = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk2, "binh", "mat-khau-binh");
  os_sync_engine_set_block_size (d1->engine, 500);
  os_sync_engine_set_block_size (d2->engine, 500);

  /* In the morning both desks lease numbers ahead, then the network goes. */
  g_assert_true (sync_desk_sync (d1, &error));
  g_assert_true (sync_desk_sync (d2, &error));
  g_assert_no_error (error);
  os_test_server_kill (w.server);

  ids1 = sync_desk_receive (d1, 500, morning, 20, "Người nộp quầy 1");
  ids2 = sync_desk_receive (d2, 500, morning + 7, 20, "Người nộp quầy 2");
  g_assert_cmpint (os_store_count_pending (d1->store), ==, 500);

  g_assert_false (sync_desk_sync (d1, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpint (os_sync_engine_get_state (d1->engine), ==, OS_SYNC_STATE_OFFLINE);
  g_assert_nonnull (os_sync_engine_get_message (d1->engine));

  /* The network is back. */
  os_test_server_start (w.server);
  started = g_get_monotonic_time ();
  sync_desk_sync_all (d1, 5);
  sync_desk_sync_all (d2, 5);
  /* A figure for the report, not an assertion. */
  g_test_message ("pushed 1000 records in batches of 10 in %.2f s",
                  (g_get_monotonic_time () - started) / 1e6);
  sync_desk_sync_all (d1, 5);   /* pulls desk 2's */
  assert_all_sent (d1);
  assert_all_sent (d2);

  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 1000);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(DISTINCT code) FROM records"), ==, 1000);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(DISTINCT id) FROM records"), ==, 1000);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records WHERE version <> 1"), ==, 0);
  g_assert_cmpint (sync_desk_query_int (d1, "SELECT COUNT(*) FROM records"), ==, 1000);
  g_assert_cmpint (sync_desk_query_int (d1, "SELECT COUNT(DISTINCT code) FROM records"), ==, 1000);
  g_assert_cmpint (sync_desk_query_int (d1, "SELECT COUNT(*) FROM records WHERE synced = 0"), ==, 0);

  /* A supervisor's desk sees them all, each once. */
  sup = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk3, "giamsat", "mat-khau-gs");
  started = g_get_monotonic_time ();
  g_assert_true (sync_desk_sync (sup, &error));
  g_test_message ("a supervisor's desk pulled 1000 records in %.2f s",
                  (g_get_monotonic_time () - started) / 1e6);
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_records (sup->store), ==, 1000);
  g_assert_cmpint (sync_desk_query_int (sup, "SELECT COUNT(DISTINCT code) FROM records"), ==, 1000);
  g_assert_cmpint (sync_desk_query_int (sup, "SELECT COUNT(*) FROM records_fts"), ==, 1000);
  g_assert_cmpint (os_store_count_outbox (sup->store), ==, 0);

  sync_world_clear (&w);
}

/* (b) The server killed in the middle of a batch, then restarted. --------------------- */

/* Watches the server's database from a thread and SIGKILLs the server the moment it is
 * applying a pushed batch (its statement is running in PostgreSQL). */
typedef struct
{
  char   *conninfo;
  GPid    pid;
  gint    stop;
  gint    fired;
} Killer;

static gpointer
killer_thread (gpointer data)
{
  Killer *k = data;
  PGconn *conn = PQconnectdb (k->conninfo);

  while (!g_atomic_int_get (&k->stop) && PQstatus (conn) == CONNECTION_OK)
    {
      PGresult *res = PQexec (conn,
                              "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' "
                              "AND pid <> pg_backend_pid () AND (query LIKE '%os_push_batch%' "
                              "OR query LIKE '%os_apply_mutation%')");
      gint64 n = PQresultStatus (res) == PGRES_TUPLES_OK ? g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10) : 0;

      PQclear (res);
      if (n > 0)
        {
          kill (k->pid, SIGKILL);
          g_atomic_int_set (&k->fired, 1);
          break;
        }
      g_usleep (100);
    }
  PQfinish (conn);
  return NULL;
}

static void
test_server_killed (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint cut = 0;

  if (!sync_world_init (&w))
    return;
  d = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  os_sync_engine_set_block_size (d->engine, 400);
  g_assert_true (sync_desk_sync (d, &error));
  ids = sync_desk_receive (d, 400, sync_today_at (9), 5, "Người nộp");

  for (guint i = 0; i < 5 && os_store_count_pending (d->store) > 0; i++)
    {
      Killer k = { (char *) os_test_server_get_conninfo (w.server), os_test_server_get_pid (w.server), 0, 0 };
      GThread *thread = g_thread_new ("killer", killer_thread, &k);
      gboolean ok = sync_desk_sync (d, &error);

      g_atomic_int_set (&k.stop, 1);
      g_thread_join (thread);
      if (g_atomic_int_get (&k.fired))
        {
          gint64 known = 400 - os_store_count_pending (d->store);
          gint64 committed = sync_server_query_int (w.server, "SELECT COUNT(*) FROM mutations");

          /* The batch was cut: either it was rolled back with the connection, or it was
           * committed and the desk never heard the answer. */
          g_assert_false (ok);
          cut++;
          g_test_message ("killed during a batch: %" G_GINT64_FORMAT " mutations committed, the desk "
                          "knew of %" G_GINT64_FORMAT ": %s", committed, known, error->message);
          os_test_server_kill (w.server);   /* reaps it */
          os_test_server_start (w.server);
        }
      g_clear_error (&error);
    }
  g_assert_cmpuint (cut, >=, 1);

  /* The desk closes and opens again (a restart): everything it needs is in the store. */
  path = g_strdup (os_store_get_path (d->store));
  os_sync_engine_stop (d->engine);
  g_clear_object (&d->engine);
  g_clear_object (&d->store);
  d->store = os_store_open (path, &error);
  g_assert_no_error (error);
  d->engine = os_sync_engine_new (d->store, d->client);
  sync_desk_sync_all (d, 10);
  assert_all_sent (d);

  /* Nothing lost, nothing twice. */
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 400);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(DISTINCT code) FROM records"), ==, 400);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records WHERE version <> 1"), ==, 0);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM mutations"), ==, 400);
  g_assert_cmpint (sync_desk_query_int (d, "SELECT COUNT(*) FROM records WHERE synced = 1 AND version = 1"), ==, 400);

  sync_world_clear (&w);
}

/* (c) Answers lost after the server committed. ---------------------------------------- */

static void
test_lost_answers (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  SyncProxy *proxy;

  if (!sync_world_init (&w))
    return;
  proxy = sync_proxy_new (os_test_server_get_port (w.server), os_test_server_get_tls_database (w.server));
  d = sync_desk_new (w.server, sync_proxy_get_base_url (proxy), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (d, &error));
  g_assert_no_error (error);
  ids = sync_desk_receive (d, 30, sync_today_at (10), 5, "Người nộp");

  sync_proxy_drop_pushes (proxy, 3);
  g_assert_false (sync_desk_sync (d, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
  g_clear_error (&error);
  /* The server has the first batch; the desk does not know it. */
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 10);
  g_assert_cmpint (os_store_count_pending (d->store), ==, 30);

  sync_desk_sync_all (d, 10);
  assert_all_sent (d);
  g_assert_cmpuint (sync_proxy_get_dropped (proxy), ==, 3);

  /* Retries had one effect each. */
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 30);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM mutations"), ==, 30);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records WHERE version <> 1"), ==, 0);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM changes WHERE entity = 'record'"), ==, 30);

  g_clear_pointer (&d, sync_desk_free);
  sync_proxy_free (proxy);
  sync_world_clear (&w);
}

/* (d) A conflicting edit from two desks. ----------------------------------------------- */

static void
edit_notes (SyncDesk   *desk,
            const char *code,
            const char *notes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = os_store_find_record_by_code (desk->store, code, &error);

  g_assert_no_error (error);
  os_record_set_notes (record, notes);
  g_assert_true (os_store_update_record (desk->store, record, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static char *
server_notes (OsTestServer *server)
{
  return sync_server_query_text (server, "SELECT data->>'notes' || '@' || version FROM records");
}

static void
test_conflict (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d1 = NULL;
  g_autoptr(SyncDesk) d2 = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) on_d1 = NULL;
  g_autofree char *code = NULL;
  g_autofree char *notes = NULL;
  OsQuarantined *q;

  if (!sync_world_init (&w))
    return;
  d1 = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  d2 = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk2, "binh", "mat-khau-binh");
  g_assert_true (sync_desk_sync (d1, &error));
  ids = sync_desk_receive (d1, 1, sync_today_at (10), 1, "Người nộp");
  record = os_store_load_record (d1->store, g_array_index (ids, gint64, 0), &error);
  code = g_strdup (os_record_get_code (record));
  g_assert_true (sync_desk_sync (d1, &error));
  g_assert_true (sync_desk_sync (d2, &error));
  g_assert_no_error (error);

  /* Both desks edit version 1 of the same record. */
  edit_notes (d1, code, "Sửa tại quầy 1");
  edit_notes (d2, code, "Sửa tại quầy 2");
  g_assert_true (sync_desk_sync (d1, &error));
  g_assert_true (sync_desk_sync (d2, &error));
  g_assert_no_error (error);

  /* One applied; the other refused, kept and shown with the server's reason. */
  notes = server_notes (w.server);
  g_assert_cmpstr (notes, ==, "Sửa tại quầy 1@2");
  g_assert_cmpint (os_store_count_quarantined (d2->store), ==, 1);
  g_assert_cmpuint (os_sync_engine_get_quarantined (d2->engine), ==, 1);
  refused = os_store_list_quarantined (d2->store, &error);
  g_assert_cmpuint (refused->len, ==, 1);
  q = g_ptr_array_index (refused, 0);
  g_assert_cmpstr (q->error_code, ==, "stale_version");
  g_assert_cmpstr (q->record_code, ==, code);
  g_assert_cmpstr (q->kind, ==, "update");
  g_assert_cmpuint (strlen (q->error_message), >, 0);
  g_assert_cmpint (os_store_get_record_sync_state (d2->store, os_record_get_id (record)), ==,
                   OS_RECORD_SYNC_REFUSED);
  {
    /* Desk 2 still shows its own edit, not a silent merge. */
    g_autoptr(OsRecord) mine = os_store_find_record_by_code (d2->store, code, &error);
    g_assert_cmpstr (os_record_get_notes (mine), ==, "Sửa tại quầy 2");
  }

  /* The officer of desk 2 decides to send it again over the server's version. */
  g_assert_true (os_store_resend_quarantined (d2->store, q->id, &error));
  g_assert_no_error (error);
  sync_desk_sync_all (d2, 3);
  assert_all_sent (d2);
  g_free (notes);
  notes = server_notes (w.server);
  g_assert_cmpstr (notes, ==, "Sửa tại quầy 2@3");

  /* Desk 1 receives it. */
  g_assert_true (sync_desk_sync (d1, &error));
  on_d1 = os_store_find_record_by_code (d1->store, code, &error);
  g_assert_cmpstr (os_record_get_notes (on_d1), ==, "Sửa tại quầy 2");
  g_assert_cmpint (sync_desk_query_int (d1, "SELECT version FROM records"), ==, 3);

  sync_world_clear (&w);
}

/* (e) A user of unit A cannot read or write unit B. ------------------------------------ */

static void
test_units_apart (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) b = NULL;
  g_autoptr(SyncDesk) a = NULL;
  g_autoptr(GArray) ids_b = NULL;
  g_autoptr(GArray) ids_a = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;
  GDate today;

  if (!sync_world_init (&w))
    return;
  b = sync_desk_new (w.server, sync_world_url (&w), AGENCY_B, w.desk_b, "bao", "mat-khau-bao");
  g_assert_true (sync_desk_sync (b, &error));
  ids_b = sync_desk_receive (b, 3, sync_today_at (10), 1, "Người nộp B");
  sync_desk_sync_all (b, 3);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 3);

  /* A desk that took two records under B's agency code before it was ever connected,
   * then an officer of unit A logs in on it. */
  a = sync_desk_new_unenrolled (AGENCY_B);
  ids_a = sync_desk_receive (a, 2, sync_today_at (11), 1, "Người nộp A");
  sync_desk_login (a, w.server, sync_world_url (&w), w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (a, &error));
  g_assert_no_error (error);

  /* Write: every mutation refused as forbidden, kept for the officer; the server has
   * nothing new. */
  g_assert_cmpint (os_store_count_quarantined (a->store), ==, 2);
  refused = os_store_list_quarantined (a->store, &error);
  g_assert_cmpstr (((OsQuarantined *) g_ptr_array_index (refused, 0))->error_code, ==, "forbidden");
  g_assert_cmpstr (((OsQuarantined *) g_ptr_array_index (refused, 1))->error_code, ==, "forbidden");
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 3);
  /* No numbers of B's agency leased to it either. */
  today = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (os_store_count_free_codes (a->store, AGENCY_B, &today), ==, 0);

  /* Read: the feed of A's user has none of B's records. */
  g_assert_cmpint (os_store_count_records (a->store), ==, 2);
  g_assert_cmpint (sync_desk_query_int (a, "SELECT COUNT(*) FROM records WHERE applicant_name LIKE 'Người nộp B%'"),
                   ==, 0);

  sync_world_clear (&w);
}

/* (f) Out of leased numbers while offline. --------------------------------------------- */

static void
test_out_of_numbers (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) late = os_record_new ();
  g_autofree char *agency = NULL;
  GDate today, date;
  guint number;
  gint64 now = sync_today_at (14);

  if (!sync_world_init (&w))
    return;
  d = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  os_sync_engine_set_block_size (d->engine, 5);
  g_assert_true (sync_desk_sync (d, &error));
  g_assert_no_error (error);
  today = os_datetime_local_date (now);
  g_assert_cmpint (os_store_count_free_codes (d->store, AGENCY_A, &today), ==, 5);

  os_test_server_kill (w.server);
  ids = sync_desk_receive (d, 5, now, 60, "Người nộp");
  g_assert_cmpint (os_store_count_free_codes (d->store, AGENCY_A, &today), ==, 0);

  os_record_set_procedure (late, "dang-ky-khai-sinh", "1.001193", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_applicant_name (late, "Người nộp thứ sáu");
  os_record_set_status (late, OS_STATUS_RECEIVED);
  g_assert_false (os_store_receive (d->store, late, now + 600, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NO_CODE_BLOCK);
  g_test_message ("The officer sees: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (os_store_count_records (d->store), ==, 5);
  g_assert_cmpint (os_store_count_outbox (d->store), ==, 5);
  g_assert_null (os_record_get_code (late));

  /* Connected again: new numbers, and the same record goes through. */
  os_test_server_start (w.server);
  sync_desk_sync_all (d, 3);
  g_assert_cmpint (os_store_count_free_codes (d->store, AGENCY_A, &today), ==, 5);
  g_assert_true (os_store_receive (d->store, late, now + 700, &error));
  g_assert_no_error (error);
  g_assert_true (os_record_code_parse (os_record_get_code (late), &agency, &date, &number, &error));
  g_assert_cmpuint (number, ==, 6);
  sync_desk_sync_all (d, 3);
  assert_all_sent (d);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 6);

  sync_world_clear (&w);
}

/* The engine in the background: start, local changes, the server going and coming. --- */

static gboolean
wait_until_sent (SyncDesk *desk,
                 guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  /* A guard against hanging, not a timing assertion. */
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      if (os_sync_engine_get_pending (desk->engine) == 0 &&
          os_sync_engine_get_last_sync (desk->engine) > 0 &&
          os_sync_engine_get_state (desk->engine) == OS_SYNC_STATE_UP_TO_DATE)
        return TRUE;
      g_usleep (10 * 1000);
    }
  return FALSE;
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GPtrArray  *seen)
{
  g_ptr_array_add (seen, GINT_TO_POINTER (os_sync_engine_get_state (OS_SYNC_ENGINE (object)) + 1));
}

static void
test_background (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  gboolean was_offline = FALSE;

  if (!sync_world_init (&w))
    return;
  d = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_signal_connect (d->engine, "notify::state", G_CALLBACK (on_notify), seen);
  os_sync_engine_start (d->engine);
  g_assert_true (wait_until_sent (d, 60));

  /* A record received: pushed without anyone asking. */
  ids = sync_desk_receive (d, 1, sync_today_at (15), 1, "Người nộp");
  g_assert_cmpuint (os_sync_engine_get_pending (d->engine), ==, 1);
  g_assert_true (wait_until_sent (d, 60));
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 1);

  /* The server goes away: the desk keeps working and says it is offline… */
  os_test_server_kill (w.server);
  g_array_unref (sync_desk_receive (d, 2, sync_today_at (15) + 10, 1, "Người nộp sau"));
  for (guint i = 0; i < 3000 && !was_offline; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      was_offline = os_sync_engine_get_state (d->engine) == OS_SYNC_STATE_OFFLINE;
      g_usleep (10 * 1000);
    }
  g_assert_true (was_offline);
  g_assert_cmpuint (os_sync_engine_get_pending (d->engine), ==, 2);

  /* …and sends on its own when the server is back (the backoff retries). */
  os_test_server_start (w.server);
  g_assert_true (wait_until_sent (d, 120));
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 3);
  g_assert_cmpint (os_sync_engine_get_last_sync (d->engine), >, 0);
  g_assert_true (g_ptr_array_find (seen, GINT_TO_POINTER (OS_SYNC_STATE_SYNCING + 1), NULL));
  os_sync_engine_stop (d->engine);

  sync_world_clear (&w);
}

/* A session revoked elsewhere: the desk stops and asks for a new login. ---------------- */

static void
test_logged_out (void)
{
  SyncWorld w = { 0 };
  g_autoptr(SyncDesk) d = NULL;
  g_autoptr(OsApiClient) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  GAsyncResult *result = NULL;

  if (!sync_world_init (&w))
    return;
  d = sync_desk_new (w.server, sync_world_url (&w), AGENCY_A, w.desk1, "an", "mat-khau-an");
  g_assert_true (sync_desk_sync (d, &error));
  g_assert_no_error (error);
  ids = sync_desk_receive (d, 2, sync_today_at (16), 1, "Người nộp");

  /* The same session logged out from elsewhere (its tokens revoked). */
  other = os_api_client_new (sync_world_url (&w), os_test_server_get_tls_database (w.server));
  os_api_client_set_tokens (other, d->session->access_token, d->session->refresh_token);
  os_api_client_logout_async (other, NULL, os_test_store_result, &result);
  g_assert_true (os_api_client_logout_finish (other, os_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (os_api_client_get_refresh_token (other));

  g_assert_false (sync_desk_sync (d, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_assert_cmpint (os_sync_engine_get_state (d->engine), ==, OS_SYNC_STATE_LOGGED_OUT);
  g_assert_nonnull (os_sync_engine_get_message (d->engine));
  /* Nothing lost: the records wait for the next login. */
  g_assert_cmpint (os_store_count_pending (d->store), ==, 2);
  g_clear_error (&error);

  /* A new login on the same client and store carries on. */
  {
    g_autofree char *client_id = os_store_dup_client_id (d->store);
    g_autoptr(OsApiSession) session = NULL;

    os_api_client_login_async (d->client, "an", "mat-khau-an", w.desk1, client_id, NULL, os_test_store_result, &result);
    session = os_api_client_login_finish (d->client, os_test_wait_result (&result), &error);
    g_assert_no_error (error);
    g_clear_object (&result);
  }
  sync_desk_sync_all (d, 3);
  assert_all_sent (d);
  g_assert_cmpint (sync_server_query_int (w.server, "SELECT COUNT(*) FROM records"), ==, 2);

  sync_world_clear (&w);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("no_proxy", "*", TRUE);

  g_test_add_func ("/sync/offline-day", test_offline_day);
  g_test_add_func ("/sync/server-killed", test_server_killed);
  g_test_add_func ("/sync/lost-answers", test_lost_answers);
  g_test_add_func ("/sync/conflict", test_conflict);
  g_test_add_func ("/sync/units-apart", test_units_apart);
  g_test_add_func ("/sync/out-of-numbers", test_out_of_numbers);
  g_test_add_func ("/sync/background", test_background);
  g_test_add_func ("/sync/logged-out", test_logged_out);

  return g_test_run ();
}
