/* os-account.h: one officer's session on a desk.
 *
 * Each officer who logs in on a desk PC gets a database of their own,
 * <user data dir>/onestop/accounts/<server host_port>/<username>.sqlite3, so officers who
 * share a PC never see each other's unsent work.
 *
 * Logging in asks the server first. When it answers, the refresh token goes to the
 * keyring (os-credentials), an offline verifier of the password (Argon2id,
 * crypto_pwhash_str) to the officer's own database, the database is bound to the server
 * (os_store_set_server) and a sync engine is made. When the server cannot be reached, an
 * officer who logged in on this PC before is let in by the verifier and works offline;
 * the engine uses the refresh token from the keyring when the network comes back.
 * Logging out revokes the session on the server (when it answers) and removes the token
 * from the keyring; the database and its unsent outbox stay for the next login.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-api-client.h"
#include "os-store.h"
#include "os-sync-engine.h"

G_BEGIN_DECLS

#define OS_TYPE_ACCOUNT (os_account_get_type ())

G_DECLARE_FINAL_TYPE (OsAccount, os_account, OS, ACCOUNT, GObject)

/* @base_url: "https://host:port/api/v1"; @desk_id: the desk's UUID as the admin
 * registered it; @tls_database: trust anchors for the server, or NULL for the system's. */
OsAccount    *os_account_new               (const char          *base_url,
                                            const char          *desk_id,
                                            GTlsDatabase        *tls_database);
/* Where the per-officer databases live; by default <user data dir>/onestop/accounts. */
void          os_account_set_accounts_dir  (OsAccount           *self,
                                            const char          *dir);
const char   *os_account_get_accounts_dir  (OsAccount           *self);

/* The database of @username on the server of @base_url below @accounts_dir. */
char         *os_account_build_database_path (const char        *accounts_dir,
                                            const char          *base_url,
                                            const char          *username);

/* Fails with OS_ERROR_INVALID_INPUT (empty fields), OS_ERROR_UNAUTHORIZED (wrong user
 * name or password, online or offline), OS_ERROR_NETWORK (the server cannot be reached
 * and this officer never logged in on this PC), or the server's refusal. */
void          os_account_login_async       (OsAccount           *self,
                                            const char          *username,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      os_account_login_finish      (OsAccount           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Revokes the session on the server if it answers, stops the engine, removes the token
 * from the keyring. Fails only when the keyring could not be cleared. */
void          os_account_logout_async      (OsAccount           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      os_account_logout_finish     (OsAccount           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

const char   *os_account_get_base_url      (OsAccount           *self);
const char   *os_account_get_desk_id       (OsAccount           *self);
/* After a login: */
const char   *os_account_get_username      (OsAccount           *self);
const char   *os_account_get_full_name     (OsAccount           *self);
gboolean      os_account_get_offline       (OsAccount           *self);   /* unlocked without the server */
gboolean      os_account_get_revoked       (OsAccount           *self);   /* after a logout: the server revoked it */
OsStore      *os_account_get_store         (OsAccount           *self);
OsApiClient  *os_account_get_client        (OsAccount           *self);
OsSyncEngine *os_account_get_engine        (OsAccount           *self);

/* The offline verifier (exposed for tests). */
char         *os_account_hash_password     (const char          *password,
                                            GError             **error);
gboolean      os_account_verify_password   (const char          *verifier,
                                            const char          *password);

G_END_DECLS
