/* main.c: onestop-server serve | admin.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "os-admin.h"
#include "os-db-pool.h"
#include "os-migrate.h"
#include "os-server.h"

static GLogLevelFlags max_level = G_LOG_LEVEL_INFO;

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if ((log_level & G_LOG_LEVEL_MASK) > max_level)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
}

static gboolean
set_log_level (const char  *name,
               GError     **error)
{
  static const struct { const char *name; GLogLevelFlags level; } levels[] = {
    { "error", G_LOG_LEVEL_CRITICAL }, { "warning", G_LOG_LEVEL_WARNING },
    { "message", G_LOG_LEVEL_MESSAGE }, { "info", G_LOG_LEVEL_INFO }, { "debug", G_LOG_LEVEL_DEBUG },
  };

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_str_equal (name, levels[i].name))
      {
        max_level = levels[i].level;
        return TRUE;
      }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--log-level: one of error, warning, message, info, debug");
  return FALSE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
serve (int    argc,
       char **argv)
{
  g_autofree char *address = g_strdup ("0.0.0.0");
  g_autofree char *db = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *log_level = NULL;
  gboolean plain = FALSE;
  gint port = 8443;
  gint workers = 8;
  gint max_pending = 256;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &address, "IP address to listen on (default 0.0.0.0)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "TCP port (default 8443)", "N" },
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "libpq connection string", "CONNINFO" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "TLS certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "TLS private key (PEM)", "FILE" },
    { "plain-http", 0, 0, G_OPTION_ARG_NONE, &plain, "Serve plain HTTP instead of HTTPS", NULL },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, "Worker threads and database connections (default 8)", "N" },
    { "max-pending", 0, 0, G_OPTION_ARG_INT, &max_pending,
      "Requests in hand (queued or running) before more are answered 503 (default 256)", "N" },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &log_level, "error, warning, message, info (default) or debug", "LEVEL" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— serve the one-stop API");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  PGconn *conn;
  gint version = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      (log_level != NULL && !set_log_level (log_level, &error)))
    {
      g_printerr ("onestop-server serve: %s\n", error->message);
      return 2;
    }
  if (db == NULL || port <= 0 || port > 65535 || workers < 1 || workers > 256 || max_pending < 1)
    {
      g_printerr ("onestop-server serve: --db is required; --port 1–65535; --workers 1–256; --max-pending ≥ 1\n");
      return 2;
    }

  /* Copies starting together migrate in turn (advisory lock); the later ones find nothing to do. */
  conn = os_db_connect (db, &error);
  if (conn == NULL || !os_migrate (conn, &version, &error))
    {
      g_printerr ("onestop-server serve: %s\n", error->message);
      g_clear_pointer (&conn, PQfinish);
      return 1;
    }
  PQfinish (conn);

  loop = g_main_loop_new (NULL, FALSE);
  server = os_server_new (db, (guint) workers);
  os_server_set_max_pending (server, (guint) max_pending);
  if (!os_server_listen (server, address, (guint) port, cert, key, plain, &error))
    {
      g_printerr ("onestop-server serve: %s\n", error->message);
      return 1;
    }
  g_message ("listening on %s://%s:%d/api/v1 (schema %d, %d workers)", plain ? "http" : "https",
             address, port, version, workers);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  return 0;
}

static int
admin (int    argc,
       char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *units = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db, "libpq connection string", "CONNINFO" },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &parent, "unit-add: the parent unit's agency code", "CODE" },
    { "roles", 0, 0, G_OPTION_ARG_STRING, &roles, "user-add: reception,specialist,department_head,leader,supervisor,admin", "LIST" },
    { "units", 0, 0, G_OPTION_ARG_STRING, &units, "user-add: agency codes of the user's units", "LIST" },
    { NULL }
  };
  g_autoptr(GOptionContext) context =
    g_option_context_new ("COMMAND — migrate | unit-add CODE NAME | user-add USERNAME FULL-NAME"
                          " | desk-add UNIT-CODE NAME | import-procedures FILE");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("onestop-server admin: %s\n", error->message);
      return 2;
    }
  if (db == NULL || argc < 2)
    {
      g_printerr ("onestop-server admin: --db CONNINFO and a command are required\n");
      return 2;
    }
  if (!os_admin_run (db, argv + 1, parent, roles, units, &error))
    {
      g_printerr ("onestop-server admin %s: %s\n", argv[1], error->message);
      return 1;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_log_set_writer_func (log_writer, NULL, NULL);
  if (sodium_init () < 0)
    {
      g_printerr ("onestop-server: libsodium failed to start\n");
      return 1;
    }
  if (argc >= 2 && strcmp (argv[1], "serve") == 0)
    return serve (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "admin") == 0)
    return admin (argc - 1, argv + 1);
  g_printerr ("Usage: onestop-server serve --db CONNINFO [--listen ADDR] [--port N]"
              " --tls-cert FILE --tls-key FILE [--plain-http] [--workers N] [--max-pending N]"
              " [--log-level LEVEL]\n"
              "       onestop-server admin --db CONNINFO COMMAND …\n");
  return 2;
}
