/* os-api.h: the handlers of /api/v1, run on worker threads with a borrowed connection.
 *
 * Each fills in the request's answer. Handlers of authenticated operations expect
 * os_api_authenticate() to have succeeded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>

#include "os-request.h"

G_BEGIN_DECLS

#define OS_ACCESS_TOKEN_SECONDS  900
#define OS_REFRESH_TOKEN_SECONDS 2592000  /* 30 days */

/* Work done once before serving (the dummy password hash of os-api-auth.c), so that no
 * request pays for it. */
void     os_api_prepare       (void);

/* Answers 503 or 500 for a database failure; returns FALSE. */
gboolean os_api_db_fail       (OsRequest *req,
                               GError    *error);

gboolean os_api_authenticate  (OsRequest *req,
                               PGconn    *conn);

void     os_api_health        (OsRequest *req,
                               PGconn    *conn);
void     os_api_login         (OsRequest *req,
                               PGconn    *conn);
void     os_api_refresh       (OsRequest *req,
                               PGconn    *conn);
void     os_api_logout        (OsRequest *req,
                               PGconn    *conn);
void     os_api_me            (OsRequest *req,
                               PGconn    *conn);
void     os_api_push          (OsRequest *req,
                               PGconn    *conn);
void     os_api_changes       (OsRequest *req,
                               PGconn    *conn);
void     os_api_lease         (OsRequest *req,
                               PGconn    *conn);
void     os_api_procedures    (OsRequest *req,
                               PGconn    *conn);

G_END_DECLS
