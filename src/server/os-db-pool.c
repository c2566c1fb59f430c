/* os-db-pool.c: libpq connections shared by the worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-db-pool.h"

#include <string.h>

G_DEFINE_QUARK (os-server-error-quark, os_server_error)

typedef struct {
  PGconn *conn;   /* NULL until first used */
} Slot;

struct _OsDbPool
{
  GObject      parent_instance;
  char        *conninfo;
  guint        size;
  GAsyncQueue *free_slots;  /* Slot* */
  GPtrArray   *slots;
  GHashTable  *busy;        /* PGconn* → Slot*, under lock */
  GMutex       lock;
};

G_DEFINE_FINAL_TYPE (OsDbPool, os_db_pool, G_TYPE_OBJECT)

static void
slot_free (gpointer data)
{
  Slot *slot = data;

  g_clear_pointer (&slot->conn, PQfinish);
  g_free (slot);
}

static void
os_db_pool_finalize (GObject *object)
{
  OsDbPool *self = OS_DB_POOL (object);

  g_async_queue_unref (self->free_slots);
  g_ptr_array_unref (self->slots);
  g_hash_table_unref (self->busy);
  g_mutex_clear (&self->lock);
  g_free (self->conninfo);
  G_OBJECT_CLASS (os_db_pool_parent_class)->finalize (object);
}

static void
os_db_pool_class_init (OsDbPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_db_pool_finalize;
}

static void
os_db_pool_init (OsDbPool *self)
{
  self->free_slots = g_async_queue_new ();
  self->slots = g_ptr_array_new_with_free_func (slot_free);
  self->busy = g_hash_table_new (NULL, NULL);
  g_mutex_init (&self->lock);
}

OsDbPool *
os_db_pool_new (const char *conninfo,
                guint       size)
{
  OsDbPool *self = g_object_new (OS_TYPE_DB_POOL, NULL);

  g_return_val_if_fail (size > 0, NULL);
  self->conninfo = g_strdup (conninfo);
  self->size = size;
  for (guint i = 0; i < size; i++)
    {
      Slot *slot = g_new0 (Slot, 1);

      g_ptr_array_add (self->slots, slot);
      g_async_queue_push (self->free_slots, slot);
    }
  return self;
}

static void
ignore_notice (void       *arg,
               const char *message)
{
}

PGconn *
os_db_connect (const char  *conninfo,
               GError     **error)
{
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (PQerrorMessage (conn));

      g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE,
                   "Cannot connect to the database: %s", g_strstrip (message));
      PQfinish (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  return conn;
}

/* Limits for the connections requests run on: no statement, lock wait or forgotten
 * transaction holds a worker (or the change feed, which waits for older transactions)
 * for long. Set again after a reset, which starts a new backend. */
static gboolean
configure_connection (PGconn  *conn,
                      GError **error)
{
  PGresult *res = PQexec (conn,
                          "SET statement_timeout = '30s';"
                          "SET lock_timeout = '10s';"
                          "SET idle_in_transaction_session_timeout = '60s'");
  gboolean ok = PQresultStatus (res) == PGRES_COMMAND_OK;

  if (!ok)
    g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE,
                 "Cannot set the connection's timeouts: %s", PQerrorMessage (conn));
  PQclear (res);
  return ok;
}

PGconn *
os_db_pool_acquire (OsDbPool  *self,
                    GError   **error)
{
  Slot *slot = g_async_queue_pop (self->free_slots);

  if (slot->conn == NULL)
    {
      slot->conn = os_db_connect (self->conninfo, error);
      if (slot->conn != NULL && !configure_connection (slot->conn, error))
        g_clear_pointer (&slot->conn, PQfinish);
    }
  else if (PQstatus (slot->conn) != CONNECTION_OK)
    {
      PQreset (slot->conn);
      if (PQstatus (slot->conn) != CONNECTION_OK)
        {
          g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE,
                       "Cannot reconnect to the database: %s", PQerrorMessage (slot->conn));
          g_clear_pointer (&slot->conn, PQfinish);
        }
      else if (!configure_connection (slot->conn, error))
        g_clear_pointer (&slot->conn, PQfinish);
    }
  if (slot->conn == NULL)
    {
      g_async_queue_push (self->free_slots, slot);
      return NULL;
    }
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->busy, slot->conn, slot);
  g_mutex_unlock (&self->lock);
  return slot->conn;
}

void
os_db_pool_release (OsDbPool *self,
                    PGconn   *conn)
{
  Slot *slot;

  g_mutex_lock (&self->lock);
  slot = g_hash_table_lookup (self->busy, conn);
  g_hash_table_remove (self->busy, conn);
  g_mutex_unlock (&self->lock);
  g_return_if_fail (slot != NULL);
  /* A connection left inside a failed transaction is of no use to the next request. */
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) != PQTRANS_IDLE)
    {
      PGresult *res = PQexec (conn, "ROLLBACK");

      PQclear (res);
    }
  g_async_queue_push (self->free_slots, slot);
}

PGresult *
os_db_exec (PGconn              *conn,
            const char          *sql,
            int                  n_params,
            const char * const  *params,
            GError             **error)
{
  PGresult *res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);
  const char *state;
  gint code;

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return res;

  state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
  if (PQstatus (conn) != CONNECTION_OK || res == NULL ||
      (state != NULL && (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P") ||
                         strcmp (state, "57014") == 0 || strcmp (state, "55P03") == 0)))
    code = OS_SERVER_ERROR_UNAVAILABLE;
  else if (state != NULL && (strcmp (state, "23505") == 0 || strcmp (state, "40001") == 0 ||
                             strcmp (state, "40P01") == 0))
    code = OS_SERVER_ERROR_CONFLICT;
  else
    code = OS_SERVER_ERROR_QUERY;
  {
    g_autofree char *message = g_strdup (res ? PQresultErrorMessage (res) : PQerrorMessage (conn));

    g_set_error (error, OS_SERVER_ERROR, code, "%s", g_strstrip (message));
  }
  PQclear (res);
  return NULL;
}
