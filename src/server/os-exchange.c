/* os-exchange.c: see os-exchange.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-exchange.h"
#include "os-api.h"

#include <string.h>

OsRequest *
os_exchange_request_new (SoupServerMessage *msg,
                         const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  OsRequest *req = os_request_new ();

  req->method = g_strdup (soup_server_message_get_method (msg));
  req->path = g_strdup (path);
  req->lang = os_request_parse_language (soup_message_headers_get_one (headers, "Accept-Language"));
  return req;
}

static void
log_request (OsRequest *req,
             guint      status)
{
  gint64 us = g_get_monotonic_time () - req->started_us;

  if (status >= 500)
    g_warning ("%s %s %u %s %.1f ms", req->method, req->path, status,
               req->error_code ? req->error_code : "", us / 1000.0);
  else if (status >= 400)
    g_message ("%s %s %u %s %.1f ms", req->method, req->path, status,
               req->error_code ? req->error_code : "", us / 1000.0);
  else
    g_info ("%s %s %u %.1f ms", req->method, req->path, status, us / 1000.0);
}

void
os_exchange_send (SoupServerMessage *msg,
                  OsRequest         *req)
{
  soup_server_message_set_status (msg, req->status, NULL);
  if (req->etag != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", req->etag);
  if (req->response != NULL)
    {
      gsize len = strlen (req->response);

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&req->response), len);
    }
  log_request (req, req->status);
}

void
os_exchange_work (OsDbPool          *db,
                  OsRequest         *req,
                  gboolean           authenticate,
                  OsExchangeHandler  handler,
                  gpointer           job)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = os_db_pool_acquire (db, &error);

  if (conn == NULL)
    os_api_db_fail (req, error);
  else
    {
      if (!authenticate || os_api_authenticate (req, conn))
        handler (job, conn);
      os_db_pool_release (db, conn);
    }
  if (req->status == 0)
    os_request_fail (req, 500, "internal", NULL, NULL);
}
