/* os-test-server.c: see os-test-server.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-test-server.h"

#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct _OsTestServer
{
  char         *database;
  char         *conninfo;
  char         *binary;
  char         *log_path;
  GSubprocess  *process;
  guint         port;
  char         *base_url;
  GTlsDatabase *tls;
};

static guint counter;

static const char *
need_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run the test under tests/common/with-postgres.sh (meson does)", name);
  return value;
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, TRUE, &error))
    g_error ("Cannot find a free port: %s", error ? error->message : "no socket");
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static OsTestServer *
server_new (const char *database)
{
  OsTestServer *self = g_new0 (OsTestServer, 1);
  g_autoptr(GError) error = NULL;
  const char *dir = need_env ("ONESTOP_TEST_PGHOST");

  self->database = g_strdup (database);
  self->conninfo = g_strdup_printf ("host=%s port=%s dbname=%s user=postgres", dir,
                                    need_env ("ONESTOP_TEST_PGPORT"), database);
  self->binary = g_strdup (need_env ("ONESTOP_SERVER"));
  self->port = free_port ();
  self->base_url = g_strdup_printf ("https://127.0.0.1:%u/api/v1", self->port);
  /* Next to the socket directory, inside with-postgres.sh's temporary directory. */
  {
    g_autofree char *parent = g_path_get_dirname (dir);

    self->log_path = g_strdup_printf ("%s/server-%s-%u.log", parent, database, self->port);
  }
  self->tls = g_tls_file_database_new (need_env ("ONESTOP_TEST_CERT"), &error);
  g_assert_no_error (error);
  return self;
}

static OsTestServer *
server_new_database (gboolean migrate)
{
  g_autofree char *database = NULL;
  g_autofree char *sql = NULL;
  OsTestServer *self;
  PGconn *conn;
  PGresult *res;

  if (g_getenv ("ONESTOP_TEST_CONNINFO") == NULL)
    {
      g_test_skip ("No PostgreSQL: run under tests/common/with-postgres.sh");
      return NULL;
    }
  database = g_strdup_printf ("os_test_%d_%u", (int) getpid (), ++counter);
  conn = PQconnectdb (need_env ("ONESTOP_TEST_CONNINFO"));
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test cluster: %s", PQerrorMessage (conn));
  sql = g_strdup_printf ("CREATE DATABASE %s", database);
  res = PQexec (conn, sql);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (res));
  PQclear (res);
  PQfinish (conn);

  self = server_new (database);
  if (migrate)
    g_free (os_test_server_admin (self, NULL, "migrate", NULL));
  return self;
}

OsTestServer *
os_test_server_new (void)
{
  return server_new_database (TRUE);
}

OsTestServer *
os_test_server_new_unmigrated (void)
{
  return server_new_database (FALSE);
}

OsTestServer *
os_test_server_new_copy (OsTestServer *other)
{
  g_return_val_if_fail (other != NULL, NULL);
  return server_new (other->database);
}

void
os_test_server_free (OsTestServer *self)
{
  if (self == NULL)
    return;
  os_test_server_kill (self);
  g_free (self->database);
  g_free (self->conninfo);
  g_free (self->binary);
  g_free (self->log_path);
  g_free (self->base_url);
  g_clear_object (&self->tls);
  g_free (self);
}

const char *
os_test_server_get_conninfo (OsTestServer *self)
{
  return self->conninfo;
}

static char *
admin_argv (OsTestServer  *self,
            const char    *stdin_text,
            GPtrArray     *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_ptr_array_add (argv, self->binary);
  g_ptr_array_add (argv, (gpointer) "admin");
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, self->conninfo);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, args->pdata[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("onestop-server admin %s failed: %s", (char *) args->pdata[0], err);
  g_strchomp (out);
  return g_steal_pointer (&out);
}

char *
os_test_server_admin (OsTestServer *self,
                      const char   *stdin_text,
                      ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *arg;

  va_start (ap, stdin_text);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  return admin_argv (self, stdin_text, args);
}

char *
os_test_server_add_unit (OsTestServer *self,
                         const char   *agency_code,
                         const char   *name,
                         const char   *parent_code)
{
  g_autofree char *parent = parent_code ? g_strconcat ("--parent=", parent_code, NULL) : NULL;

  return os_test_server_admin (self, NULL, "unit-add", agency_code, name, parent, NULL);
}

char *
os_test_server_add_user (OsTestServer *self,
                         const char   *username,
                         const char   *password,
                         const char   *roles,
                         const char   *unit_codes)
{
  g_autofree char *r = g_strconcat ("--roles=", roles, NULL);
  g_autofree char *u = g_strconcat ("--units=", unit_codes, NULL);
  g_autofree char *pw = g_strconcat (password, "\n", NULL);

  return os_test_server_admin (self, pw, "user-add", r, u, username, username, NULL);
}

char *
os_test_server_add_desk (OsTestServer *self,
                         const char   *unit_code,
                         const char   *name)
{
  return os_test_server_admin (self, NULL, "desk-add", unit_code, name, NULL);
}

static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
health_answers (OsTestServer *self,
                SoupSession  *session)
{
  g_autofree char *url = g_strconcat (self->base_url, "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

  return body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK;
}

void
os_test_server_spawn (OsTestServer *self)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  const char *level = g_getenv ("ONESTOP_TEST_SERVER_LOG_LEVEL");
  const char *workers = g_getenv ("ONESTOP_TEST_SERVER_WORKERS");

  g_return_if_fail (self->process == NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT);
  /* The server logs requests to stdout, which must not mix with the test's TAP output. */
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error,
                                               self->binary, "serve",
                                               "--listen", "127.0.0.1", "--port", port,
                                               "--db", self->conninfo,
                                               "--tls-cert", need_env ("ONESTOP_TEST_CERT"),
                                               "--tls-key", need_env ("ONESTOP_TEST_KEY"),
                                               "--workers", workers ? workers : "4",
                                               "--log-level", level ? level : "info",
                                               NULL);
  g_assert_no_error (error);
}

void
os_test_server_wait_ready (OsTestServer *self)
{
  g_autoptr(SoupSession) session = NULL;
  gint64 deadline;

  g_return_if_fail (self->process != NULL);
  session = os_test_server_new_session (self);
  soup_session_set_timeout (session, 2);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!health_answers (self, session))
    {
      if (g_subprocess_get_identifier (self->process) == NULL ||
          g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = NULL;

          g_file_get_contents (self->log_path, &log, NULL, NULL);
          g_error ("onestop-server did not come up on port %u; its log (%s):\n%s",
                   self->port, self->log_path, log ? log : "");
        }
      g_usleep (20 * 1000);
    }
}

void
os_test_server_start (OsTestServer *self)
{
  os_test_server_spawn (self);
  os_test_server_wait_ready (self);
}

void
os_test_server_kill (OsTestServer *self)
{
  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGKILL);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
}

void
os_test_server_restart (OsTestServer *self)
{
  os_test_server_kill (self);
  os_test_server_start (self);
}

gboolean
os_test_server_is_running (OsTestServer *self)
{
  return self->process != NULL && g_subprocess_get_identifier (self->process) != NULL;
}

GPid
os_test_server_get_pid (OsTestServer *self)
{
  const char *id = self->process ? g_subprocess_get_identifier (self->process) : NULL;

  return id ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

guint
os_test_server_get_port (OsTestServer *self)
{
  return self->port;
}

const char *
os_test_server_get_base_url (OsTestServer *self)
{
  return self->base_url;
}

GTlsDatabase *
os_test_server_get_tls_database (OsTestServer *self)
{
  return self->tls;
}

SoupSession *
os_test_server_new_session (OsTestServer *self)
{
  return g_object_new (SOUP_TYPE_SESSION,
                       "tls-database", self->tls,
                       "proxy-resolver", NULL,
                       "timeout", 30,
                       NULL);
}

void
os_test_openapi_record (const char *method,
                        const char *path,
                        guint       status,
                        GBytes     *body)
{
  static GMutex lock;
  static gboolean truncated;
  const char *log = g_getenv ("ONESTOP_OPENAPI_LOG");
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  FILE *f;

  if (log == NULL || *log == '\0')
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, path);
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, status);
  json_builder_set_member_name (b, "body");
  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

      json_builder_add_string_value (b, text);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  line = json_to_string (root, FALSE);
  g_mutex_lock (&lock);
  /* Each test program starts its log afresh. */
  f = fopen (log, truncated ? "a" : "w");
  truncated = TRUE;
  if (f != NULL)
    {
      fprintf (f, "%s\n", line);
      fclose (f);
    }
  g_mutex_unlock (&lock);
}
