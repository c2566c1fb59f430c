/* server-test.h: HTTP helpers shared by the server tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "os-test-server.h"

G_BEGIN_DECLS

#define ST_AGENCY_A "000.00.11.H26"
#define ST_AGENCY_B "000.00.12.H26"

/* Sends a request; @path_template is the OpenAPI path the answer is recorded under
 * (NULL: not recorded), @path the real one (query included). Returns the body. */
GBytes     *st_request_raw (SoupSession  *session,
                            const char   *base_url,
                            const char   *method,
                            const char   *path_template,
                            const char   *path,
                            const char   *token,
                            const char   *content_type,
                            GBytes       *body,
                            const char   *if_none_match,
                            guint        *status);
/* JSON in, JSON out (NULL when the answer has no body). */
JsonNode   *st_request     (SoupSession  *session,
                            const char   *base_url,
                            const char   *method,
                            const char   *path,
                            const char   *token,
                            const char   *json_body,
                            guint        *status);
/* POST /auth/login, asserting 200; returns the Session object. */
JsonNode   *st_login       (SoupSession  *session,
                            const char   *base_url,
                            const char   *username,
                            const char   *password,
                            const char   *desk_id,
                            const char   *client_id);
const char *st_member      (JsonNode     *node,
                            const char   *name);
/* The error code of an Error body. */
const char *st_error_code  (JsonNode     *node);

/* One `receive` mutation (JSON text) for @record_id with @code; @extra is appended to the
 * payload members (e.g. "\"sets\":2"), or NULL. */
char       *st_mutation    (const char   *mutation_id,
                            const char   *record_id,
                            const char   *kind,
                            gint64        base_version,
                            const char   *code,
                            const char   *extra);
/* {"client_id":…,"mutations":[@m1, …]} of NULL-terminated mutation texts. */
char       *st_push_body   (const char   *client_id,
                            ...) G_GNUC_NULL_TERMINATED;
char       *st_uuid        (void);

/* A civil day in Asia/Ho_Chi_Minh, @offset days from today: "YYYY-MM-DD". */
char       *st_day         (gint          offset);
/* The record code AGENCY-YYMMDD-NNNN of @number on today's date. */
char       *st_code        (const char   *agency,
                            gint          number);
/* POST /codes/lease of @count numbers of @agency for @day (NULL: today), asserting 200
 * and a whole block; returns the first number. */
gint        st_lease       (SoupSession  *session,
                            const char   *base_url,
                            const char   *token,
                            const char   *client_id,
                            const char   *agency,
                            const char   *day,
                            gint          count);

G_END_DECLS
