/* os-test-server.h: real onestop-server processes on a throwaway PostgreSQL, for tests.
 *
 * Run the test program under tests/common/with-postgres.sh (it exports ONESTOP_TEST_*), with
 * ONESTOP_SERVER set to the built binary (meson does both, see tests/server/meson.build).
 * Without ONESTOP_TEST_CONNINFO, os_test_server_new() marks the test skipped and returns
 * NULL.
 *
 *   g_autoptr(OsTestServer) srv = os_test_server_new ();   // fresh database, migrated
 *   os_test_server_add_unit (srv, "000.00.11.H26", "UBND Phường", NULL);
 *   g_autofree char *user = os_test_server_add_user (srv, "an", "secret", "reception", "000.00.11.H26");
 *   g_autofree char *desk = os_test_server_add_desk (srv, "000.00.11.H26", "Quầy 1");
 *   os_test_server_start (srv);                             // HTTPS on 127.0.0.1, a free port
 *   … os_test_server_get_base_url (srv) = "https://127.0.0.1:PORT/api/v1",
 *     os_test_server_get_tls_database (srv) trusts its certificate …
 *   os_test_server_kill (srv);                              // SIGKILL, like a crash
 *   os_test_server_start (srv);                             // again, same port
 *
 * Everything fails the test (g_error) when something does not work; the server's own log
 * goes to a file next to the cluster (its path is printed with g_test_message on failure).
 * Server processes die with the test program (PR_SET_PDEATHSIG). Environment knobs:
 * ONESTOP_TEST_SERVER_LOG_LEVEL (default info), ONESTOP_TEST_SERVER_WORKERS (default 4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _OsTestServer OsTestServer;

/* A new database in the test cluster, migrated, and a server for it (not started). */
OsTestServer *os_test_server_new              (void);
/* Like os_test_server_new() but the database is left empty (not migrated). */
OsTestServer *os_test_server_new_unmigrated   (void);
/* Another server process (own port) on @other's database: for several-copies tests. */
OsTestServer *os_test_server_new_copy         (OsTestServer *other);
/* Kills the process if it runs; the database stays until the cluster goes. */
void          os_test_server_free             (OsTestServer *self);

const char   *os_test_server_get_conninfo     (OsTestServer *self);

/* `onestop-server admin --db CONNINFO ARGS…` (NULL-terminated), @stdin_text on its standard
 * input (may be NULL); returns its standard output without the trailing newline. */
char         *os_test_server_admin            (OsTestServer *self,
                                               const char   *stdin_text,
                                               ...) G_GNUC_NULL_TERMINATED;
/* The same for common commands; each returns the new id (UUID). @parent_code, NULL for a
 * top-level unit; @roles and @unit_codes comma-separated. */
char         *os_test_server_add_unit         (OsTestServer *self,
                                               const char   *agency_code,
                                               const char   *name,
                                               const char   *parent_code);
char         *os_test_server_add_user         (OsTestServer *self,
                                               const char   *username,
                                               const char   *password,
                                               const char   *roles,
                                               const char   *unit_codes);
char         *os_test_server_add_desk         (OsTestServer *self,
                                               const char   *unit_code,
                                               const char   *name);

/* Starts `onestop-server serve` (HTTPS, 127.0.0.1) and returns once GET /health answers
 * 200. The first start picks a free port; later starts reuse it. */
void          os_test_server_start            (OsTestServer *self);
/* The two halves of os_test_server_start(), to start several copies at once. */
void          os_test_server_spawn            (OsTestServer *self);
void          os_test_server_wait_ready       (OsTestServer *self);
/* SIGKILL and reap; nothing if not running. */
void          os_test_server_kill             (OsTestServer *self);
/* kill + start. */
void          os_test_server_restart          (OsTestServer *self);
gboolean      os_test_server_is_running       (OsTestServer *self);
GPid          os_test_server_get_pid          (OsTestServer *self);

guint         os_test_server_get_port         (OsTestServer *self);
/* "https://127.0.0.1:PORT/api/v1" (no trailing slash). */
const char   *os_test_server_get_base_url     (OsTestServer *self);
/* Trusts the test certificate (ONESTOP_TEST_CERT), nothing else. */
GTlsDatabase *os_test_server_get_tls_database (OsTestServer *self);
/* A SoupSession for the server: that TLS database, no proxy, 30 s timeout. */
SoupSession  *os_test_server_new_session      (OsTestServer *self);

/* Appends one line {"method","path","status","body"} to $ONESTOP_OPENAPI_LOG (if set), for
 * tests/server/check-openapi.mjs: @path is the operation's path below /api/v1, e.g.
 * "/sync/push"; @body may be NULL. */
void          os_test_openapi_record          (const char   *method,
                                               const char   *path,
                                               guint         status,
                                               GBytes       *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsTestServer, os_test_server_free)

G_END_DECLS
