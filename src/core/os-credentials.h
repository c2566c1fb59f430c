/* os-credentials.h: the refresh token of a desk session, kept in the desktop keyring.
 *
 * The token lives in the Secret Service (libsecret) under the schema
 * "vn.onestop.Desk.Session" with the attributes "server" (the API base URL) and
 * "username"; it is never written to a plain file. Errors are in OS_ERROR
 * (OS_ERROR_IO), with a message in the user's language.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

const SecretSchema *os_credentials_get_schema    (void);

/* Stores (or replaces) the refresh token of @username on @server. */
void          os_credentials_store_async   (const char          *server,
                                            const char          *username,
                                            const char          *refresh_token,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      os_credentials_store_finish  (GAsyncResult        *result,
                                            GError             **error);

/* Finishes with the token, or NULL and no error when the keyring holds none. */
void          os_credentials_lookup_async  (const char          *server,
                                            const char          *username,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char         *os_credentials_lookup_finish (GAsyncResult        *result,
                                            GError             **error);

/* Removes the token; finishing without one to remove is not an error. */
void          os_credentials_clear_async   (const char          *server,
                                            const char          *username,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      os_credentials_clear_finish  (GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
