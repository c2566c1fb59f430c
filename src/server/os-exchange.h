/* os-exchange.h: the steps of one request common to os-server.c and the blob handler of
 * os-api-blobs.c: taking the request out of a SoupServerMessage (main context), running
 * it on a worker thread with a database connection, putting its answer back (main
 * context).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "os-db-pool.h"
#include "os-request.h"

G_BEGIN_DECLS

/* A new request for @msg: its method, @path (below /api/v1 where the caller strips it),
 * and the language of its Accept-Language. */
OsRequest *os_exchange_request_new (SoupServerMessage *msg,
                                    const char        *path);
/* Puts @req's status, ETag and JSON body (taken) into @msg and logs the request; other
 * headers and a body of another kind are the caller's. */
void       os_exchange_send        (SoupServerMessage *msg,
                                    OsRequest         *req);

/* Runs @handler (@job, a connection) on a worker thread. */
typedef void (*OsExchangeHandler) (gpointer  job,
                                   PGconn   *conn);

/* On a worker thread: borrows a connection of @db (os_api_db_fail() answers @req without one), checks
 * @req's bearer token when @authenticate, runs @handler with @job, gives the connection
 * back; a request nothing answered gets a 500. */
void       os_exchange_work        (OsDbPool          *db,
                                    OsRequest         *req,
                                    gboolean           authenticate,
                                    OsExchangeHandler  handler,
                                    gpointer           job);

G_END_DECLS
