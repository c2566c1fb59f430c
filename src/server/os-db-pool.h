/* os-db-pool.h: a fixed set of libpq connections the worker threads borrow.
 *
 * Each worker takes a connection for one request and gives it back; a connection that
 * broke is reset on its next use, and a request that finds the database gone answers 503.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define OS_SERVER_ERROR (os_server_error_quark ())

typedef enum {
  OS_SERVER_ERROR_UNAVAILABLE,   /* the database does not answer */
  OS_SERVER_ERROR_QUERY,         /* a statement failed */
  OS_SERVER_ERROR_CONFLICT,      /* a unique or lock conflict */
  OS_SERVER_ERROR_INVALID,       /* bad input to an admin command */
  OS_SERVER_ERROR_NOT_FOUND,
} OsServerError;

GQuark os_server_error_quark (void);

#define OS_TYPE_DB_POOL (os_db_pool_get_type ())
G_DECLARE_FINAL_TYPE (OsDbPool, os_db_pool, OS, DB_POOL, GObject)

OsDbPool  *os_db_pool_new      (const char   *conninfo,
                                guint         size);
/* Blocks until a connection is free; NULL (and @error) when the database does not answer. */
PGconn    *os_db_pool_acquire  (OsDbPool     *self,
                                GError      **error);
void       os_db_pool_release  (OsDbPool     *self,
                                PGconn       *conn);

/* Connects once (admin commands, migrations). */
PGconn    *os_db_connect       (const char   *conninfo,
                                GError      **error);
/* PQexecParams with text parameters (NULL = SQL NULL); a result that is not
 * COMMAND_OK/TUPLES_OK becomes @error (OS_SERVER_ERROR_UNAVAILABLE when the connection
 * broke, CONFLICT for unique violations, otherwise QUERY) and NULL. */
PGresult  *os_db_exec          (PGconn              *conn,
                                const char          *sql,
                                int                  n_params,
                                const char * const  *params,
                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
