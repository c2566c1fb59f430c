/* sync-proxy.h: a TLS-terminating HTTP proxy between a desk and a server, for tests.
 *
 * It accepts HTTPS with the test certificate (ONESTOP_TEST_CERT / ONESTOP_TEST_KEY), speaks
 * HTTPS to the server, and forwards whole requests and responses (Content-Length bodies).
 * In "drop" mode it forwards a POST /sync/push request, reads the server's whole answer
 * (so the server has committed), then closes the desk's connection without sending it:
 * a response lost after the server committed. Connections run on worker threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SyncProxy SyncProxy;

SyncProxy  *sync_proxy_new          (guint       upstream_port,
                                     GTlsDatabase *upstream_trust);
void        sync_proxy_free         (SyncProxy  *self);
/* "https://127.0.0.1:PORT/api/v1" */
const char *sync_proxy_get_base_url (SyncProxy  *self);
/* Drops the answers of the next @n push requests. */
void        sync_proxy_drop_pushes  (SyncProxy  *self,
                                     guint       n);
/* Push answers dropped so far. */
guint       sync_proxy_get_dropped  (SyncProxy  *self);

/* Once @bytes of PUT requests (uploads) have gone through, closes the desk's connection
 * instead of forwarding the next PUT: the network cut in the middle of an upload. With
 * @once, only that PUT is lost (a kept-alive connection that died); otherwise every later
 * PUT too, until this is called again with 0 (the network is gone). */
void        sync_proxy_cut_uploads_after (SyncProxy *self,
                                          gint64     bytes,
                                          gboolean   once);
/* PUT request bytes (head and body) forwarded to the server since the last call. */
gint64      sync_proxy_take_upload_bytes (SyncProxy *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncProxy, sync_proxy_free)

G_END_DECLS
