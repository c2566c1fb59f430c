/* os-migrate.c: applies data/sql/server/NNNN-*.sql (embedded as resources) in order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-migrate.h"
#include "os-db-pool.h"
#include "os-server-resources.h"

#include <gio/gio.h>
#include <stdlib.h>

#define MIGRATIONS_PATH "/vn/onestop/server/sql/server"
/* pg_advisory_lock key: "onestop" in ASCII, for migrations. */
#define MIGRATE_LOCK "28542162541194352"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static gboolean
exec_simple (PGconn      *conn,
             const char  *sql,
             GError     **error)
{
  g_autoptr(PGresult) res = os_db_exec (conn, sql, 0, NULL, error);

  return res != NULL;
}

static gboolean
migrate_locked (PGconn  *conn,
                gint    *version,
                GError **error)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(PGresult) res = NULL;
  gint current;

  if (!exec_simple (conn,
                    "CREATE TABLE IF NOT EXISTS schema_version ("
                    " version integer PRIMARY KEY,"
                    " applied_at timestamptz NOT NULL DEFAULT now ())", error))
    return FALSE;
  res = os_db_exec (conn, "SELECT coalesce (max (version), 0) FROM schema_version", 0, NULL, error);
  if (res == NULL)
    return FALSE;
  current = atoi (PQgetvalue (res, 0, 0));

  names = g_resources_enumerate_children (MIGRATIONS_PATH, 0, error);
  if (names == NULL)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", names[i], NULL);
      g_autoptr(GBytes) sql = NULL;
      g_autofree char *text = NULL;
      g_autofree char *number = NULL;
      const char *params[1];
      gint n = atoi (names[i]);

      if (n <= current)
        continue;
      sql = g_resources_lookup_data (path, 0, error);
      if (sql == NULL)
        return FALSE;
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      number = g_strdup_printf ("%d", n);
      params[0] = number;
      if (!exec_simple (conn, "BEGIN", error))
        return FALSE;
      /* PQexec (not PQexecParams) runs a script of several statements. */
      {
        g_autoptr(PGresult) r = PQexec (conn, text);

        if (PQresultStatus (r) != PGRES_COMMAND_OK && PQresultStatus (r) != PGRES_TUPLES_OK)
          {
            g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_QUERY,
                         "Migration %s failed: %s", names[i], PQresultErrorMessage (r));
            exec_simple (conn, "ROLLBACK", NULL);
            return FALSE;
          }
      }
      {
        g_autoptr(PGresult) r = os_db_exec (conn, "INSERT INTO schema_version (version) VALUES ($1)",
                                            1, params, error);
        if (r == NULL)
          {
            exec_simple (conn, "ROLLBACK", NULL);
            return FALSE;
          }
      }
      if (!exec_simple (conn, "COMMIT", error))
        return FALSE;
      current = n;
    }
  *version = current;
  return TRUE;
}

gboolean
os_migrate (PGconn  *conn,
            gint    *version,
            GError **error)
{
  gboolean ok;
  gint v = 0;

  /* Referencing the resource links it in from the static library (and registers it). */
  g_assert (os_server_get_resource () != NULL);
  if (!exec_simple (conn, "SELECT pg_advisory_lock (" MIGRATE_LOCK ")", error))
    return FALSE;
  ok = migrate_locked (conn, &v, error);
  exec_simple (conn, "SELECT pg_advisory_unlock (" MIGRATE_LOCK ")", NULL);
  if (ok && version != NULL)
    *version = v;
  return ok;
}
