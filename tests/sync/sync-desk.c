/* sync-desk.c: see sync-desk.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-desk.h"

#include "os-datetime.h"
#include "os-error.h"
#include "os-test-util.h"

gboolean
sync_world_init (SyncWorld *w)
{
  w->server = os_test_server_new ();
  if (w->server == NULL)
    return FALSE;
  g_free (os_test_server_add_unit (w->server, SYNC_AGENCY_A, "UBND Phường Cầu Giấy", NULL));
  g_free (os_test_server_add_unit (w->server, SYNC_AGENCY_B, "UBND Phường Dịch Vọng", NULL));
  g_free (os_test_server_add_user (w->server, "an", "mat-khau-an", "reception", SYNC_AGENCY_A));
  g_free (os_test_server_add_user (w->server, "binh", "mat-khau-binh", "reception", SYNC_AGENCY_A));
  g_free (os_test_server_add_user (w->server, "giamsat", "mat-khau-gs", "supervisor", SYNC_AGENCY_A));
  g_free (os_test_server_add_user (w->server, "bao", "mat-khau-bao", "reception", SYNC_AGENCY_B));
  w->desk1 = os_test_server_add_desk (w->server, SYNC_AGENCY_A, "Quầy 1");
  w->desk2 = os_test_server_add_desk (w->server, SYNC_AGENCY_A, "Quầy 2");
  w->desk3 = os_test_server_add_desk (w->server, SYNC_AGENCY_A, "Phòng giám sát");
  w->desk_b = os_test_server_add_desk (w->server, SYNC_AGENCY_B, "Quầy 1");
  os_test_server_start (w->server);
  return TRUE;
}

void
sync_world_clear (SyncWorld *w)
{
  g_clear_pointer (&w->server, os_test_server_free);
  g_free (w->desk1);
  g_free (w->desk2);
  g_free (w->desk3);
  g_free (w->desk_b);
}

const char *
sync_world_url (SyncWorld *w)
{
  return os_test_server_get_base_url (w->server);
}

SyncDesk *
sync_desk_new_unenrolled (const char *agency_code)
{
  SyncDesk *desk = g_new0 (SyncDesk, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(OsAgency) agency = os_agency_new (agency_code, "UBND thử", "", "", "Bộ phận Một cửa");

  desk->dir = g_dir_make_tmp ("os-test-sync-desk-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (desk->dir, "desk.db", NULL);
  desk->store = os_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (os_store_set_agency (desk->store, agency, &error));
  g_assert_no_error (error);
  return desk;
}

void
sync_desk_login (SyncDesk     *desk,
                 OsTestServer *server,
                 const char   *base_url,
                 const char   *desk_id,
                 const char   *username,
                 const char   *password)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_id = os_store_dup_client_id (desk->store);
  GAsyncResult *result = NULL;

  desk->client = os_api_client_new (base_url, os_test_server_get_tls_database (server));
  os_api_client_login_async (desk->client, username, password, desk_id, client_id, NULL, os_test_store_result, &result);
  desk->session = os_api_client_login_finish (desk->client, os_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_object_unref (result);

  g_assert_true (os_store_set_server (desk->store, base_url, desk_id, &error));
  g_assert_no_error (error);
  desk->engine = os_sync_engine_new (desk->store, desk->client);
}

SyncDesk *
sync_desk_new (OsTestServer *server,
               const char   *base_url,
               const char   *agency,
               const char   *desk_id,
               const char   *username,
               const char   *password)
{
  SyncDesk *desk = sync_desk_new_unenrolled (agency);

  sync_desk_login (desk, server, base_url, desk_id, username, password);
  return desk;
}

void
sync_desk_free (SyncDesk *desk)
{
  if (desk == NULL)
    return;
  if (desk->engine)
    os_sync_engine_stop (desk->engine);
  g_clear_object (&desk->engine);
  g_clear_object (&desk->client);
  g_clear_object (&desk->store);
  g_clear_pointer (&desk->session, os_api_session_free);
  os_test_remove_tree (desk->dir);
  g_free (desk->dir);
  g_free (desk);
}

gboolean
sync_desk_sync (SyncDesk  *desk,
                GError   **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  os_sync_engine_sync_async (desk->engine, NULL, os_test_store_result, &result);
  ok = os_sync_engine_sync_finish (desk->engine, os_test_wait_result (&result), error);
  g_object_unref (result);
  return ok;
}

void
sync_desk_sync_all (SyncDesk *desk,
                    guint     attempts)
{
  for (guint i = 0; i < attempts; i++)
    {
      g_autoptr(GError) error = NULL;

      if (sync_desk_sync (desk, &error) && os_store_count_pending (desk->store) == 0)
        return;
      if (error)
        g_test_message ("sync attempt %u: %s", i, error->message);
      g_usleep (50 * 1000);
    }
  g_error ("Still %" G_GINT64_FORMAT " mutations pending after %u rounds",
           os_store_count_pending (desk->store), attempts);
}

GArray *
sync_desk_receive (SyncDesk   *desk,
                   guint       n,
                   gint64      first_now,
                   gint64      step,
                   const char *name_prefix)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsRecord) record = os_record_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("%s %u", name_prefix, i);
      OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };
      gint64 local_id;

      os_record_set_procedure (record, "dang-ky-khai-sinh", "1.001193", "Đăng ký khai sinh", "Hộ tịch");
      os_record_set_time_limit (record, &limit);
      os_record_set_applicant_name (record, name);
      os_record_set_id_number (record, "001099012345");
      os_record_set_officer (record, "Cán bộ thử");
      os_record_set_status (record, OS_STATUS_RECEIVED);
      os_record_add_document (record, "Tờ khai", 1, 0, 0);
      if (!os_store_receive (desk->store, record, first_now + i * step, &error))
        g_error ("Receiving record %u: %s", i, error->message);
      local_id = os_record_get_local_id (record);
      g_array_append_val (ids, local_id);
    }
  return ids;
}

gint64
sync_desk_query_int (SyncDesk   *desk,
                     const char *sql)
{
  sqlite3 *db = os_store_get_db (desk->store);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

gint64
sync_today_at (int hour)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) at = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now),
                                             g_date_time_get_day_of_month (now), hour, 0, 0);

  return g_date_time_to_unix (at);
}

char *
sync_server_query_text (OsTestServer *server,
                        const char   *sql)
{
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (server));
  PGresult *res;
  char *value;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("%s", PQerrorMessage (conn));
  res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) != 1)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  PQfinish (conn);
  return value;
}

gint64
sync_server_query_int (OsTestServer *server,
                       const char   *sql)
{
  g_autofree char *text = sync_server_query_text (server, sql);

  return g_ascii_strtoll (text, NULL, 10);
}
