/* os-sync-engine.h: keeps a desk's store and the server in step, in the background.
 *
 * Pushes the outbox in order and in batches, pulls the change feed of the user's units,
 * leases record-code blocks ahead of time, fetches the procedure catalogue with its ETag.
 * Reacts to GNetworkMonitor, retries with exponential backoff and jitter, and resumes
 * after a restart (everything it needs is in the store). Runs on the thread-default main
 * context of its creator; several engines may run in one process (tests, benchmarks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-api-client.h"
#include "os-store.h"

G_BEGIN_DECLS

typedef enum
{
  OS_SYNC_STATE_UP_TO_DATE,   /* nothing waiting, last round succeeded */
  OS_SYNC_STATE_SYNCING,      /* a round is running */
  OS_SYNC_STATE_WAITING,      /* mutations waiting; the next attempt is scheduled */
  OS_SYNC_STATE_OFFLINE,      /* no network or the server cannot be reached */
  OS_SYNC_STATE_ERROR,        /* the last round failed; see :message */
  OS_SYNC_STATE_LOGGED_OUT,   /* the server no longer accepts the session: log in again */
} OsSyncState;

#define OS_TYPE_SYNC_ENGINE (os_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (OsSyncEngine, os_sync_engine, OS, SYNC_ENGINE, GObject)

OsSyncEngine *os_sync_engine_new              (OsStore             *store,
                                               OsApiClient         *client);
/* Starts rounds: now, after each local change (os_sync_engine_poke), when the network
 * comes back, and every few minutes to pull. */
void          os_sync_engine_start            (OsSyncEngine        *self);
void          os_sync_engine_stop             (OsSyncEngine        *self);
/* Something was written to the outbox: sync soon. */
void          os_sync_engine_poke             (OsSyncEngine        *self);

/* Properties, notified on change (on the engine's main context). */
OsSyncState   os_sync_engine_get_state        (OsSyncEngine        *self);
guint         os_sync_engine_get_pending      (OsSyncEngine        *self);   /* outbox entries waiting */
guint         os_sync_engine_get_quarantined  (OsSyncEngine        *self);   /* refused for good */
const char   *os_sync_engine_get_message      (OsSyncEngine        *self);   /* reason of ERROR/OFFLINE, translated */
gint64        os_sync_engine_get_last_sync    (OsSyncEngine        *self);   /* UTC seconds, 0 never */

/* One whole round (lease, push everything, pull everything), for tests and "Sync now".
 * Fails with the first error that stopped it. Emits ::changes-applied (guint n_records)
 * when the pull changed local records. */
void          os_sync_engine_sync_async       (OsSyncEngine        *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      os_sync_engine_sync_finish      (OsSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
