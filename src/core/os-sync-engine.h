/* os-sync-engine.h: keeps a desk's store and the server in step, in the background.
 *
 * Pushes the outbox in order and in batches, pulls the change feed of the user's units,
 * leases record-code blocks ahead of time, fetches the procedure catalogue and the process
 * definitions with their ETags.
 * Reacts to GNetworkMonitor, retries with exponential backoff and jitter, and resumes
 * after a restart (everything it needs is in the store). Runs on the thread-default main
 * context of its creator; several engines may run in one process (tests, benchmarks).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-api-client.h"
#include "os-blob-store.h"
#include "os-process.h"
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

/* For tests and benchmarks: numbers asked per lease (default 100; a day is topped up when
 * fewer than a quarter are left) and mutations per push (default 10, at most 100). */
void          os_sync_engine_set_block_size   (OsSyncEngine        *self,
                                               guint                block_size);
void          os_sync_engine_set_batch_size   (OsSyncEngine        *self,
                                               guint                batch_size);

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

/* Attachment files. Before pushing an "attach", the engine makes sure the server has the
 * whole file: it asks how far the server's copy goes and uploads the rest from the desk's
 * blob store in chunks of at most 1 MiB (resumable after a cut, a restart or a crash; the
 * progress is kept only on the server). The blob store is "blobs" beside the store's
 * database unless set here. */
void          os_sync_engine_set_blob_store   (OsSyncEngine        *self,
                                               OsBlobStore         *blobs);
OsBlobStore  *os_sync_engine_get_blob_store   (OsSyncEngine        *self);

/* Fetches the file @sha256 of @size bytes (an attachment another desk made, see
 * os_store_list_attachments()) from the server into the blob store, in ranged pieces; it
 * finishes once the file is there and its SHA-256 checked (at once if it already was).
 * What was downloaded before a cut, a cancel or a restart is kept in the blob store's
 * partial file and the next call goes on from there. One download runs per file: calls for
 * a file already being fetched wait for it (and share its end: cancelling the call that
 * started it ends it for them too). Errors: OS_ERROR_NOT_FOUND (the server does not
 * have it or the user may not see it), OS_ERROR_BLOB_CORRUPT (what arrived does not hash to
 * @sha256; it is thrown away), OS_ERROR_NETWORK/SERVER (try again), G_IO_ERROR_CANCELLED. */
void          os_sync_engine_fetch_blob_async (OsSyncEngine        *self,
                                               const char          *sha256,
                                               gint64               size,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      os_sync_engine_fetch_blob_finish (OsSyncEngine       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Publishes @draft through the server (POST /definitions/processes; the server gives the
 * version number, the instant and the publisher), stores the published version and drops
 * the local draft. Returns the published OsProcess. A draft with a blocking problem fails
 * at once (OS_ERROR_INVALID_INPUT, os_process_validate); the server's refusals keep its
 * message: OS_ERROR_REJECTED (400 invalid_process), OS_ERROR_FORBIDDEN (403, not an admin);
 * OS_ERROR_NETWORK / OS_ERROR_SERVER: try again. */
void          os_sync_engine_publish_process_async  (OsSyncEngine        *self,
                                                     OsProcess           *draft,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
OsProcess    *os_sync_engine_publish_process_finish (OsSyncEngine        *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Properties: "state" (int, an OsSyncState), "pending", "quarantined" (uint), "message"
 * (string), "last-sync" (int64). Signal "changes-applied" (guint n_records). Signal
 * "blob-progress" (const char *sha256, gboolean upload, gint64 bytes_done, gint64 size):
 * after each chunk of a file going up (upload TRUE) or coming down. */

G_END_DECLS
