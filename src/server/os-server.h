/* os-server.h: the HTTP(S) front of onestop-server.
 *
 * A SoupServer on the main context takes requests, copies each into an OsRequest, pauses
 * the message and hands the request to a pool of worker threads; a worker borrows a
 * database connection, runs the handler (os-api.h) and passes the answer back to the main
 * context, which sends it. The process keeps no state another copy would need.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OS_TYPE_SERVER (os_server_get_type ())
G_DECLARE_FINAL_TYPE (OsServer, os_server, OS, SERVER, GObject)

/* @workers threads, each with its own PGconn to @conninfo. */
OsServer *os_server_new    (const char  *conninfo,
                            guint        workers);
/* Requests in hand (queued or running) beyond which new ones are answered 503 at once
 * (default 256; bodies in hand are also bounded, to 64 MiB). */
void      os_server_set_max_pending (OsServer *self,
                                     guint     max_pending);
/* Listens on @address:@port, HTTPS with @cert_file/@key_file unless @plain_http. */
gboolean  os_server_listen (OsServer    *self,
                            const char  *address,
                            guint        port,
                            const char  *cert_file,
                            const char  *key_file,
                            gboolean     plain_http,
                            GError     **error);

G_END_DECLS
