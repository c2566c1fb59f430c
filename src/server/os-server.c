/* os-server.c: SoupServer, routing, and the hand-over to worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-server.h"
#include "os-api.h"
#include "os-api-blobs.h"
#include "os-db-pool.h"
#include "os-exchange.h"
#include "os-request.h"

#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/socket.h>

#define API_PREFIX "/api/v1"

/* Requests taken but not answered yet (queued or running), and their bodies: over either
 * bound a request is answered 503 at once rather than queued without end. */
#define DEFAULT_MAX_PENDING 256
#define MAX_PENDING_BYTES   (64 * 1024 * 1024)

typedef void (*OsApiHandler) (OsRequest *req,
                              PGconn    *conn);

static const struct {
  const char   *method;
  const char   *path;
  gboolean      authenticated;
  OsApiHandler  handler;
} routes[] = {
  { "GET", "/health", FALSE, os_api_health },
  { "POST", "/auth/login", FALSE, os_api_login },
  { "POST", "/auth/refresh", FALSE, os_api_refresh },
  { "POST", "/auth/logout", FALSE, os_api_logout },   /* authenticates by itself */
  { "GET", "/me", TRUE, os_api_me },
  { "POST", "/sync/push", TRUE, os_api_push },
  { "GET", "/sync/changes", TRUE, os_api_changes },
  { "POST", "/codes/lease", TRUE, os_api_lease },
  { "GET", "/definitions/procedures", TRUE, os_api_procedures },
  { "GET", "/definitions/processes", TRUE, os_api_processes },
  { "POST", "/definitions/processes", TRUE, os_api_publish_process },
};

struct _OsServer
{
  GObject       parent_instance;
  SoupServer   *soup;
  OsDbPool     *db;
  GThreadPool  *workers;
  GMainContext *context;
  GHashTable   *idle_sockets;   /* GSocket* of connections that finished a request */
  guint         sweep_id;
  guint         max_pending;
  guint         pending_jobs;   /* main context only */
  gsize         pending_bytes;
};

G_DEFINE_FINAL_TYPE (OsServer, os_server, G_TYPE_OBJECT)

typedef struct {
  OsServer          *server;   /* unowned: the server outlives its workers */
  SoupServerMessage *msg;
  OsRequest         *req;
  guint              route;
  gboolean           gone;     /* the client went away while the worker ran */
  gulong             disconnected_id;
} Job;

static void
job_free (Job *job)
{
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_object_unref (job->msg);
  os_request_free (job->req);
  g_free (job);
}

static gboolean
job_finish_cb (gpointer data)
{
  Job *job = data;

  job->server->pending_jobs--;
  job->server->pending_bytes -= job->req->body ? g_bytes_get_size (job->req->body) : 0;
  if (!job->gone)
    {
      os_exchange_send (job->msg, job->req);
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_route (gpointer  data,
           PGconn   *conn)
{
  Job *job = data;

  routes[job->route].handler (job->req, conn);
}

static void
worker_run (gpointer data,
            gpointer user_data)
{
  Job *job = data;
  OsServer *self = user_data;

  os_exchange_work (self->db, job->req, routes[job->route].authenticated, run_route, job);
  g_main_context_invoke (self->context, job_finish_cb, job);
}

static void
message_disconnected_cb (SoupServerMessage *msg,
                         gpointer           data)
{
  Job *job = data;

  job->gone = TRUE;
}

static void
answer_now (SoupServerMessage *msg,
            OsRequest         *req)
{
  os_exchange_send (msg, req);
  os_request_free (req);
}

static void
handle_api (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  OsServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  OsRequest *req;
  gboolean path_known = FALSE;
  Job *job;
  guint route = G_N_ELEMENTS (routes);

  if (soup_server_message_get_status (msg) != 0)   /* answered when the headers came */
    return;

  req = os_exchange_request_new (msg, g_str_has_prefix (path, API_PREFIX) ? path + strlen (API_PREFIX) : path);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, req->path))
      {
        path_known = TRUE;
        if (g_str_equal (routes[i].method, req->method))
          route = i;
      }
  if (route == G_N_ELEMENTS (routes))
    {
      os_request_fail (req, path_known ? 405 : 404, "not_found", NULL,
                       path_known ? "method_not_allowed" : NULL);
      answer_now (msg, req);
      return;
    }

  req->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (req->body) > OS_REQUEST_MAX_BODY)
    {
      os_request_fail (req, 413, "too_large", NULL, NULL);
      answer_now (msg, req);
      return;
    }
  req->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  req->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  req->if_none_match = g_strdup (soup_message_headers_get_one (headers, "If-None-Match"));
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      req->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (req->query, g_strdup (key), g_strdup (value));
    }

  if (self->pending_jobs >= self->max_pending ||
      self->pending_bytes + g_bytes_get_size (req->body) > MAX_PENDING_BYTES)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "2");
      os_request_fail (req, 503, "unavailable", NULL, "busy");
      answer_now (msg, req);
      return;
    }
  self->pending_jobs++;
  self->pending_bytes += g_bytes_get_size (req->body);

  job = g_new0 (Job, 1);
  job->server = self;
  job->msg = g_object_ref (msg);
  job->req = req;
  job->route = route;
  job->disconnected_id = g_signal_connect (msg, "disconnected",
                                           G_CALLBACK (message_disconnected_cb), job);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->workers, job, NULL);
}

static void
handle_other (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  OsRequest *req = os_exchange_request_new (msg, path);

  os_request_fail (req, 404, "not_found", NULL, NULL);
  answer_now (msg, req);
}

/* A body announced larger than 1 MiB is refused before it is read, and so is a body
 * whose length is not announced (chunked): libsoup would buffer it whole, however long. */
static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  gboolean too_large = encoding == SOUP_ENCODING_CONTENT_LENGTH &&
                       soup_message_headers_get_content_length (headers) > OS_REQUEST_MAX_BODY;

  if (too_large || (encoding != SOUP_ENCODING_CONTENT_LENGTH && encoding != SOUP_ENCODING_NONE))
    {
      OsRequest *req = os_exchange_request_new (msg, g_uri_get_path (soup_server_message_get_uri (msg)));

      if (too_large)
        os_request_fail (req, 413, "too_large", NULL, NULL);
      else
        os_request_fail (req, 411, "length_required", NULL, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      answer_now (msg, req);
    }
}

/* libsoup 3.2 does not notice a client closing an idle keep-alive connection: the socket
 * stays in CLOSE_WAIT and its descriptor is never freed (a trivial SoupServer shows it).
 * So the server remembers the sockets of connections that finished a request and every
 * two seconds closes those whose peer has gone (a zero-byte peek). */
static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  OsServer *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL && !g_hash_table_contains (self->idle_sockets, socket))
    g_hash_table_add (self->idle_sockets, g_object_ref (socket));
}

static gboolean
sweep_cb (gpointer user_data)
{
  OsServer *self = user_data;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->idle_sockets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GSocket *socket = key;
      char byte;
      gssize n;

      if (g_socket_is_closed (socket))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
          g_socket_close (socket, NULL);
          g_hash_table_iter_remove (&iter);
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), NULL);
}

static void
os_server_finalize (GObject *object)
{
  OsServer *self = OS_SERVER (object);

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->idle_sockets, g_hash_table_unref);
  g_clear_object (&self->soup);
  if (self->workers != NULL)
    g_thread_pool_free (self->workers, FALSE, TRUE);
  g_clear_object (&self->db);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (os_server_parent_class)->finalize (object);
}

static void
os_server_class_init (OsServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_server_finalize;
}

static void
os_server_init (OsServer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->idle_sockets = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->max_pending = DEFAULT_MAX_PENDING;
}

void
os_server_set_max_pending (OsServer *self,
                           guint     max_pending)
{
  g_return_if_fail (OS_IS_SERVER (self));
  g_return_if_fail (max_pending > 0);
  self->max_pending = max_pending;
}

OsServer *
os_server_new (const char *conninfo,
               guint       workers)
{
  OsServer *self = g_object_new (OS_TYPE_SERVER, NULL);

  g_return_val_if_fail (workers > 0, NULL);
  os_api_prepare ();
  self->db = os_db_pool_new (conninfo, workers);
  self->workers = g_thread_pool_new (worker_run, self, (gint) workers, FALSE, NULL);
  return self;
}

gboolean
os_server_listen (OsServer    *self,
                  const char  *address,
                  guint        port,
                  const char  *cert_file,
                  const char  *key_file,
                  gboolean     plain_http,
                  GError     **error)
{
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (self->soup == NULL, FALSE);

  if (!plain_http)
    {
      if (cert_file == NULL || key_file == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "HTTPS needs --tls-cert and --tls-key (or --plain-http)");
          return FALSE;
        }
      cert = g_tls_certificate_new_from_files (cert_file, key_file, error);
      if (cert == NULL)
        return FALSE;
    }
  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Not an IP address: %s", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, (guint16) port);

  self->soup = g_object_new (SOUP_TYPE_SERVER,
                             "server-header", "onestop-server/" PACKAGE_VERSION " ",
                             "tls-certificate", cert,
                             NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_finished_cb), self);
  self->sweep_id = g_timeout_add_seconds (2, sweep_cb, self);
  /* Binary file transfers under API_PREFIX "/blobs" (the longest prefix wins). */
  os_api_blobs_add_handler (self->soup, self->db, 2);
  soup_server_add_handler (self->soup, API_PREFIX, handle_api, self, NULL);
  soup_server_add_handler (self->soup, NULL, handle_other, self, NULL);
  return soup_server_listen (self->soup, socket_address,
                             plain_http ? 0 : SOUP_SERVER_LISTEN_HTTPS, error);
}
