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
void     os_api_processes     (OsRequest *req,
                               PGconn    *conn);
void     os_api_publish_process (OsRequest *req,
                               PGconn    *conn);

/* An `action` mutation's payload {process_id, process_version, request}: its shape and a
 * request os_action_request_from_json() takes. */
gboolean os_api_action_payload_is_valid (JsonObject *payload);
/* A record's `process` member as os_process_state_from_json() takes it. */
gboolean os_api_process_state_is_valid  (JsonNode   *node);
/* A record payload os_record_new_from_json() takes (as every desk reads the feed). */
gboolean os_api_record_is_readable      (JsonObject *payload);
/* The process's part of a push, with one query for all (only when the push has actions or
 * creations carrying a process):
 * - a creation carrying a `process` must be a `receive` in the state
 *   os_process_engine_start() gives (a published version listing the record's procedure,
 *   its start step, nothing done, status 2): else @valid[i] turns FALSE;
 * - each valid `action` is run through the process engine on the server's copy:
 *   @computed[i] gets the record the server computed (to store as the payload),
 *   @refused[i] a sentence when refused (by the engine; an `at` more than 10 minutes ahead
 *   of the server's clock; an assignee or co-processor who is no enabled user able to see
 *   the record), @valid[i] turns FALSE for an unknown definition or a malformed request;
 *   the others (missing record, other version) are left for SQL.
 * FALSE with the answer set when the database failed. */
gboolean os_api_process_prepare (OsRequest   *req,
                                 PGconn      *conn,
                                 JsonArray   *mutations,
                                 gboolean    *valid,
                                 JsonNode   **computed,
                                 char       **refused);

G_END_DECLS
