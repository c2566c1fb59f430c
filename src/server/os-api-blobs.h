/* os-api-blobs.h: attachment files under /api/v1/blobs (data/openapi.yaml, "Blobs").
 *
 *   GET /blobs/{sha256}/status  how many bytes of the file the server has (BlobStatus)
 *   PUT /blobs/{sha256}         one chunk: `Content-Range: bytes START-END/TOTAL`, an
 *                               application/octet-stream body of at most 1 MiB, starting at
 *                               the server's `received` (else 409 with the status, so the
 *                               desk goes on from there); the last chunk makes the server
 *                               check the SHA-256 (a mismatch throws the upload away: 422)
 *   GET /blobs/{sha256}         the file, or a part of it with `Range: bytes=START-END`
 *                               (206), for users who may see a record listing it or who
 *                               hold it; anyone else gets the 404 of a missing file
 *
 * A user holds a file when their upload completed it, or when they sent a file that was
 * already whole on the server again, in full (the server only hashes those bytes on the
 * fly, blob_proofs, and keeps no second copy). To such a user the status of a whole file
 * they do not hold says how far their own sending got, so desks need not know the
 * difference.
 *
 * The files live in PostgreSQL (data/sql/server/0003-blobs.sql), so any copy of the server
 * answers any request. These are binary, not JSON, exchanges with headers of their own, so
 * they have their own SoupServer handler on the /api/v1/blobs prefix (SoupServer picks the
 * longest matching prefix) and their own worker threads, borrowing connections from the
 * server's pool.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>
#include <libsoup/soup.h>

#include "os-db-pool.h"
#include "os-request.h"

G_BEGIN_DECLS

#define OS_BLOB_MAX_SIZE  (100 * 1000 * 1000)   /* bytes per file: larger is 413 */
#define OS_BLOB_MAX_CHUNK OS_REQUEST_MAX_BODY    /* bytes per PUT: 1 MiB */

/* Handles /api/v1/blobs… on @soup with @threads workers using connections of @db. */
void        os_api_blobs_add_handler (SoupServer  *soup,
                                      OsDbPool    *db,
                                      guint        threads);

/* TRUE if @sha256 is 64 lower-case hexadecimal digits. */
gboolean    os_api_blobs_sha256_is_valid (const char *sha256);

/* Whether the blob @sha256 is complete on the server and the user (@user_id, who sees
 * @units, a uuid[] literal) holds it (sent it whole) or may see a record listing it; FALSE
 * on a database error. An attach is accepted only then: knowing a file's SHA-256 is not
 * enough to attach it, and so to read it. */
gboolean    os_api_blobs_have        (PGconn      *conn,
                                      const char  *sha256,
                                      const char  *user_id,
                                      const char  *units);

/* The message of a blob error code ("blob_missing", …) in @lang, or NULL for another code. */
const char *os_api_blobs_message     (OsLang       lang,
                                      const char  *code);

G_END_DECLS
