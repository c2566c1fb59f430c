/* sync-desk.h: a headless desk for the sync integration tests: a temporary SQLite store,
 * an API client logged in to a test server, and a sync engine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>

#include "os-api-client.h"
#include "os-store-private.h"
#include "os-sync-engine.h"
#include "os-test-server.h"
#include "os-test-util.h"

G_BEGIN_DECLS

typedef struct
{
  char         *dir;
  OsStore      *store;
  OsApiClient  *client;
  OsSyncEngine *engine;
  OsApiSession *session;
} SyncDesk;

/* A desk of @agency logged in as @username on @desk_id, talking to @base_url (the server's
 * or a proxy's), enrolled. */
SyncDesk *sync_desk_new       (OsTestServer *server,
                               const char   *base_url,
                               const char   *agency,
                               const char   *desk_id,
                               const char   *username,
                               const char   *password);
/* A desk whose store is not enrolled yet (local counters), for records made offline
 * before it ever logged in. */
SyncDesk *sync_desk_new_unenrolled (const char *agency);
void      sync_desk_login     (SyncDesk     *desk,
                               OsTestServer *server,
                               const char   *base_url,
                               const char   *desk_id,
                               const char   *username,
                               const char   *password);
void      sync_desk_free      (SyncDesk     *desk);
gboolean  sync_desk_sync      (SyncDesk     *desk,
                               GError      **error);
/* Syncs until nothing is pending (at most @attempts rounds); fails the test otherwise. */
void      sync_desk_sync_all  (SyncDesk     *desk,
                               guint         attempts);
/* Receives @n records at @first_now, @first_now + step, …; returns their local ids. */
GArray   *sync_desk_receive   (SyncDesk     *desk,
                               guint         n,
                               gint64        first_now,
                               gint64        step,
                               const char   *name_prefix);
gint64    sync_desk_query_int (SyncDesk     *desk,
                               const char   *sql);

#define SYNC_AGENCY_A "000.00.11.H26"
#define SYNC_AGENCY_B "000.00.12.H26"

/* A test server with unit A (reception users an and binh, a supervisor giamsat) and unit B
 * (reception user bao); desks 1 and 2 at the counter of A, 3 in A's office, one desk in B. */
typedef struct
{
  OsTestServer *server;
  char         *desk1;
  char         *desk2;
  char         *desk3;
  char         *desk_b;
} SyncWorld;

/* Starts the server; FALSE (the test skipped) without one. */
gboolean    sync_world_init  (SyncWorld *w);
void        sync_world_clear (SyncWorld *w);
const char *sync_world_url   (SyncWorld *w);

/* Today at @hour:00 in Asia/Ho_Chi_Minh. */
gint64    sync_today_at       (int           hour);
/* One integer from the server's database. */
gint64    sync_server_query_int (OsTestServer *server,
                                 const char   *sql);
/* One text value from the server's database. */
char     *sync_server_query_text (OsTestServer *server,
                                  const char   *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncDesk, sync_desk_free)

G_END_DECLS
