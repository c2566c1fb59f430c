/* os-api-blobs.c: /api/v1/blobs, attachment files stored in PostgreSQL. See os-api-blobs.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-api-blobs.h"
#include "os-api.h"
#include "os-exchange.h"

#include <sodium.h>
#include <string.h>

#define BLOB_PREFIX  "/api/v1/blobs"
#define STATE_BYTES  104

/* Whether the user ($2, visible units $3) may read the blob b: they hold it (uploaded it
 * whole) or may see a record that lists it. */
#define MAY_READ_SQL \
  "(EXISTS (SELECT 1 FROM blob_holders h WHERE h.sha256 = b.sha256 AND h.user_id = $2)" \
  " OR EXISTS (SELECT 1 FROM attachments a JOIN records r ON r.id = a.record_id" \
  "             WHERE a.data ->> 'sha256' = b.sha256 AND NOT a.deleted AND NOT r.deleted" \
  "               AND r.unit_id = ANY ($3::uuid[])))"
#define VERIFY_ROWS  "8"    /* chunks read per query when checking a finished upload */

static const struct {
  const char *key;
  const char *vi;
  const char *en;
} blob_messages[] = {
  { "blob_missing", "Tệp đính kèm chưa được tải đủ lên máy chủ; thay đổi sẽ được gửi lại sau khi tải xong.",
    "The attached file is not completely on the server yet; the change is sent again once it is." },
  { "blob_offset", "Phần tệp gửi lên không bắt đầu ở chỗ máy chủ đã nhận đến.",
    "The chunk does not start where the server's copy of the file ends." },
  { "blob_hash_mismatch", "Nội dung tệp nhận được không khớp với mã SHA-256 của nó; máy chủ đã bỏ bản tải lên này.",
    "The file received does not match its SHA-256; the server discarded the upload." },
  { "blob_too_large", "Tệp quá lớn (tối đa 100 MB).", "The file is too large (at most 100 MB)." },
  { "blob_range", "Khoảng byte yêu cầu nằm ngoài tệp.", "The requested byte range lies outside the file." },
  { "blob_media_type", "Phần tệp phải được gửi dạng application/octet-stream.",
    "A file chunk must be sent as application/octet-stream." },
};

const char *
os_api_blobs_message (OsLang      lang,
                      const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (blob_messages); i++)
    if (g_strcmp0 (blob_messages[i].key, code) == 0)
      return lang == OS_LANG_EN ? blob_messages[i].en : blob_messages[i].vi;
  return NULL;
}

typedef enum {
  OP_STATUS,
  OP_PUT,
  OP_GET,
} BlobOp;

typedef struct {
  OsDbPool     *db;
  GThreadPool  *pool;
  GMainContext *context;
} Service;

typedef struct {
  SoupServerMessage *msg;
  OsRequest         *req;
  BlobOp             op;
  char               sha256[65];
  char              *range;          /* Range of a GET */
  char              *content_range;  /* Content-Range of a PUT */
  GBytes            *data;           /* out: the octets of a GET */
  char              *data_range;     /* out: Content-Range */
  gboolean           gone;
  gulong             disconnected_id;
} Job;

static void
job_free (Job *job)
{
  if (job->disconnected_id != 0)
    g_signal_handler_disconnect (job->msg, job->disconnected_id);
  g_object_unref (job->msg);
  os_request_free (job->req);
  g_free (job->range);
  g_free (job->content_range);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_free (job->data_range);
  g_free (job);
}

static void
service_free (gpointer data)
{
  Service *service = data;

  g_thread_pool_free (service->pool, FALSE, TRUE);
  g_object_unref (service->db);
  g_main_context_unref (service->context);
  g_free (service);
}

/* Answers */

static gboolean
blob_fail (OsRequest  *req,
           guint       status,
           const char *code,
           const char *extra)   /* more members of the body, "\"a\":1", or NULL */
{
  const char *message = os_api_blobs_message (req->lang, code);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *quoted = NULL;

  if (message == NULL)
    return os_request_fail (req, status, code, NULL, NULL);
  node = json_node_init_string (json_node_alloc (), message);
  quoted = json_to_string (node, FALSE);
  os_request_reply (req, status,
                    g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":%s}%s%s}", code, quoted,
                                     extra ? "," : "", extra ? extra : ""));
  g_free (req->error_code);
  req->error_code = g_strdup (code);
  return FALSE;
}

static char *
status_members (const char *sha256,
                gint64      size,       /* -1: unknown */
                gint64      received,
                gboolean    complete)
{
  g_autofree char *size_member = size >= 0 ? g_strdup_printf ("\"size\":%" G_GINT64_FORMAT ",", size)
                                           : g_strdup ("");

  return g_strdup_printf ("\"sha256\":\"%s\",%s\"received\":%" G_GINT64_FORMAT ",\"complete\":%s",
                          sha256, size_member, received, complete ? "true" : "false");
}

static void
reply_status (OsRequest  *req,
              const char *sha256,
              gint64      size,
              gint64      received,
              gboolean    complete)
{
  g_autofree char *members = status_members (sha256, size, received, complete);

  os_request_reply (req, 200, g_strdup_printf ("{%s}", members));
}

/* Database */

static PGresult *
exec_params (PGconn              *conn,
             const char          *sql,
             int                  n_params,
             const char * const  *values,
             const int           *lengths,
             const int           *formats,
             gboolean             binary_result,
             GError             **error)
{
  PGresult *res = PQexecParams (conn, sql, n_params, NULL, values, lengths, formats, binary_result ? 1 : 0);
  ExecStatusType status = PQresultStatus (res);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return res;
  g_set_error (error, OS_SERVER_ERROR,
               PQstatus (conn) == CONNECTION_BAD ? OS_SERVER_ERROR_UNAVAILABLE : OS_SERVER_ERROR_QUERY,
               "%s", PQresultErrorMessage (res));
  PQclear (res);
  return NULL;
}

static void
rollback (PGconn *conn)
{
  PGresult *res = PQexec (conn, "ROLLBACK");

  PQclear (res);
}

static gint64
int8_value (const PGresult *res,
            int             row,
            int             column)
{
  guint64 be;

  g_assert (PQgetlength (res, row, column) == 8);
  memcpy (&be, PQgetvalue (res, row, column), 8);
  return (gint64) GUINT64_FROM_BE (be);
}

gboolean
os_api_blobs_sha256_is_valid (const char *sha256)
{
  if (sha256 == NULL || strlen (sha256) != 64)
    return FALSE;
  for (const char *p = sha256; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

gboolean
os_api_blobs_have (PGconn     *conn,
                   const char *sha256,
                   const char *user_id,
                   const char *units)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[3] = { sha256, user_id, units };

  res = os_db_exec (conn, "SELECT 1 FROM blobs b WHERE b.sha256 = $1 AND b.complete AND " MAY_READ_SQL,
                    3, params, &error);
  if (res == NULL)
    {
      g_warning ("blob lookup failed: %s", error->message);
      return FALSE;
    }
  return PQntuples (res) == 1;
}

/* Hashes the chunks of @sha256 in order: TRUE if they are contiguous, @size bytes long and
 * hash to @sha256. */
static gboolean
verify_chunks (PGconn      *conn,
               const char  *sha256,
               gint64       size,
               gboolean    *ok,
               GError     **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  gint64 expected = 0;

  *ok = FALSE;
  for (;;)
    {
      g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, expected);
      const char *params[2] = { sha256, from };
      g_autoptr(PGresult) res = exec_params (conn,
                                             "SELECT pos, data FROM blob_chunks WHERE sha256 = $1 AND pos >= $2 "
                                             "ORDER BY pos LIMIT " VERIFY_ROWS,
                                             2, params, NULL, NULL, TRUE, error);
      int n;

      if (res == NULL)
        return FALSE;
      n = PQntuples (res);
      if (n == 0)
        break;
      for (int i = 0; i < n; i++)
        {
          if (int8_value (res, i, 0) != expected)
            return TRUE;   /* a hole: not ok */
          g_checksum_update (sum, (const guchar *) PQgetvalue (res, i, 1), PQgetlength (res, i, 1));
          expected += PQgetlength (res, i, 1);
        }
    }
  *ok = expected == size && g_str_equal (g_checksum_get_string (sum), sha256);
  return TRUE;
}

/* "bytes START-END/TOTAL", or "bytes *\/0" for an empty file. */
static gboolean
parse_content_range (const char *text,
                     guint64    *start,
                     guint64    *end,
                     guint64    *total,
                     gboolean   *empty)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) bounds = NULL;

  if (text == NULL || !g_str_has_prefix (text, "bytes ") || strlen (text) > 80)
    return FALSE;
  parts = g_strsplit (text + 6, "/", 3);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, total, NULL))
    return FALSE;
  if (g_str_equal (parts[0], "*"))
    {
      *empty = TRUE;
      *start = *end = 0;
      return *total == 0;
    }
  *empty = FALSE;
  bounds = g_strsplit (parts[0], "-", 3);
  return g_strv_length (bounds) == 2 &&
         g_ascii_string_to_unsigned (bounds[0], 10, 0, G_MAXINT64, start, NULL) &&
         g_ascii_string_to_unsigned (bounds[1], 10, 0, G_MAXINT64, end, NULL) &&
         *start <= *end && *end < *total;
}

static void
blob_status (Job    *job,
             PGconn *conn)
{
  OsRequest *req = job->req;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[3] = { job->sha256, req->user_id, req->units };

  res = os_db_exec (conn,
                    "SELECT b.size, b.received, b.complete, " MAY_READ_SQL ", coalesce (p.received, 0)"
                    "  FROM blobs b LEFT JOIN blob_proofs p ON p.sha256 = b.sha256 AND p.user_id = $2"
                    " WHERE b.sha256 = $1",
                    3, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQntuples (res) == 0)
    reply_status (req, job->sha256, -1, 0, FALSE);
  else if (PQgetvalue (res, 0, 2)[0] == 't' && PQgetvalue (res, 0, 3)[0] != 't')
    /* Whole on the server, but this user has not shown they have it: they send it all
     * (only its hash is kept), see blob_prove(). */
    reply_status (req, job->sha256, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10),
                  g_ascii_strtoll (PQgetvalue (res, 0, 4), NULL, 10), FALSE);
  else
    reply_status (req, job->sha256, g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10),
                  g_ascii_strtoll (PQgetvalue (res, 0, 1), NULL, 10),
                  PQgetvalue (res, 0, 2)[0] == 't');
}

static void
pack_state (const crypto_hash_sha256_state *state,
            guint8                          out[STATE_BYTES])
{
  for (int i = 0; i < 8; i++)
    {
      guint32 be = GUINT32_TO_BE (state->state[i]);

      memcpy (out + 4 * i, &be, 4);
    }
  {
    guint64 be = GUINT64_TO_BE (state->count);

    memcpy (out + 32, &be, 8);
  }
  memcpy (out + 40, state->buf, 64);
}

static void
unpack_state (const guint8              *in,
              crypto_hash_sha256_state  *state)
{
  for (int i = 0; i < 8; i++)
    {
      guint32 be;

      memcpy (&be, in + 4 * i, 4);
      state->state[i] = GUINT32_FROM_BE (be);
    }
  {
    guint64 be;

    memcpy (&be, in + 32, 8);
    state->count = GUINT64_FROM_BE (be);
  }
  memcpy (state->buf, in + 40, 64);
}

static gboolean
commit (PGconn  *conn,
        GError **error)
{
  g_autoptr(PGresult) res = os_db_exec (conn, "COMMIT", 0, NULL, error);

  return res != NULL;
}

/* A chunk of a file that is whole on the server, from a user who has not shown they have
 * it: hashed on the fly (state in blob_proofs, the bytes are not kept); when the last byte
 * matches, the user becomes one of its holders. In the caller's transaction, with the
 * blob's row locked. */
static void
blob_prove (Job     *job,
            PGconn  *conn,
            gint64   size,
            guint64  start,
            guint64  total)
{
  OsRequest *req = job->req;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) row = NULL;
  g_autofree char *received_text = NULL;
  crypto_hash_sha256_state state;
  guint8 packed[STATE_BYTES];
  gint64 received = 0, length = g_bytes_get_size (req->body);
  const char *params[2] = { job->sha256, req->user_id };

  if (total != (guint64) size)
    {
      rollback (conn);
      blob_fail (req, 422, "blob_hash_mismatch", NULL);
      return;
    }
  row = exec_params (conn, "SELECT received, state FROM blob_proofs WHERE sha256 = $1 AND user_id = $2 FOR UPDATE",
                     2, params, NULL, NULL, TRUE, &error);
  if (row == NULL)
    goto db_fail;
  if (PQntuples (row) == 1 && PQgetlength (row, 0, 1) == STATE_BYTES)
    {
      received = int8_value (row, 0, 0);
      unpack_state ((const guint8 *) PQgetvalue (row, 0, 1), &state);
    }
  else
    crypto_hash_sha256_init (&state);

  if ((gint64) start != received)
    {
      g_autofree char *members = status_members (job->sha256, size, received, FALSE);

      rollback (conn);
      blob_fail (req, 409, "blob_offset", members);
      return;
    }
  crypto_hash_sha256_update (&state, g_bytes_get_data (req->body, NULL), length);
  received += length;

  if (received == size)
    {
      guint8 digest[crypto_hash_sha256_BYTES];
      char hex[2 * crypto_hash_sha256_BYTES + 1];
      g_autoptr(PGresult) gone = NULL;
      g_autoptr(PGresult) holder = NULL;
      gboolean ok;

      crypto_hash_sha256_final (&state, digest);
      sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
      ok = g_str_equal (hex, job->sha256);
      gone = os_db_exec (conn, "DELETE FROM blob_proofs WHERE sha256 = $1 AND user_id = $2", 2, params, &error);
      if (gone == NULL)
        goto db_fail;
      if (ok)
        {
          holder = os_db_exec (conn, "INSERT INTO blob_holders (sha256, user_id) VALUES ($1, $2) "
                                     "ON CONFLICT DO NOTHING", 2, params, &error);
          if (holder == NULL)
            goto db_fail;
        }
      if (!commit (conn, &error))
        goto db_fail;
      if (!ok)
        {
          blob_fail (req, 422, "blob_hash_mismatch", NULL);
          return;
        }
      reply_status (req, job->sha256, size, size, TRUE);
      return;
    }

  pack_state (&state, packed);
  received_text = g_strdup_printf ("%" G_GINT64_FORMAT, received);
  {
    const char *values[4] = { job->sha256, req->user_id, received_text, (const char *) packed };
    const int lengths[4] = { 0, 0, 0, STATE_BYTES };
    const int formats[4] = { 0, 0, 0, 1 };
    g_autoptr(PGresult) save = exec_params (conn,
                                            "INSERT INTO blob_proofs (sha256, user_id, received, state) "
                                            "VALUES ($1, $2, $3, $4) ON CONFLICT (sha256, user_id) "
                                            "DO UPDATE SET received = excluded.received, state = excluded.state",
                                            4, values, lengths, formats, FALSE, &error);

    if (save == NULL)
      goto db_fail;
  }
  if (!commit (conn, &error))
    goto db_fail;
  reply_status (req, job->sha256, size, received, FALSE);
  return;

db_fail:
  rollback (conn);
  os_api_db_fail (req, error);
}

static void
blob_put (Job    *job,
          PGconn *conn)
{
  OsRequest *req = job->req;
  g_autoptr(GError) error = NULL;
  g_autofree char *size_text = NULL, *start_text = NULL, *received_text = NULL;
  guint64 start, end, total;
  gboolean empty, ok;
  gint64 size, received, length = g_bytes_get_size (req->body);
  const char *params[3];

  if (!parse_content_range (job->content_range, &start, &end, &total, &empty) ||
      (empty ? length != 0 : (gint64) (end - start + 1) != length))
    {
      os_request_fail (req, 400, "invalid_field", "Content-Range", NULL);
      return;
    }
  if (total > OS_BLOB_MAX_SIZE)
    {
      blob_fail (req, 413, "blob_too_large", NULL);
      return;
    }
  if (g_strcmp0 (req->content_type, "application/octet-stream") != 0)
    {
      blob_fail (req, 415, "blob_media_type", NULL);
      return;
    }

  size_text = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  start_text = g_strdup_printf ("%" G_GUINT64_FORMAT, start);
  {
    g_autoptr(PGresult) begin = os_db_exec (conn, "BEGIN", 0, NULL, &error);
    g_autoptr(PGresult) insert = NULL;
    g_autoptr(PGresult) row = NULL;

    if (begin == NULL)
      goto db_fail;
    params[0] = job->sha256;
    params[1] = size_text;
    params[2] = req->user_id;
    insert = os_db_exec (conn, "INSERT INTO blobs (sha256, size, uploader) VALUES ($1, $2, $3) "
                               "ON CONFLICT (sha256) DO NOTHING", 3, params, &error);
    if (insert == NULL)
      goto db_fail;
    {
      const char *read_params[3] = { job->sha256, req->user_id, req->units };

      row = os_db_exec (conn, "SELECT b.size, b.received, b.complete, " MAY_READ_SQL
                              "  FROM blobs b WHERE b.sha256 = $1 FOR UPDATE OF b",
                        3, read_params, &error);
    }
    if (row == NULL)
      goto db_fail;
    /* The row can be gone between the INSERT that found it and this lock: a final chunk
     * that failed its hash check at the same moment deleted it. The desk asks again. */
    if (PQntuples (row) != 1)
      {
        rollback (conn);
        blob_fail (req, 409, "blob_offset", NULL);
        return;
      }
    size = g_ascii_strtoll (PQgetvalue (row, 0, 0), NULL, 10);
    received = g_ascii_strtoll (PQgetvalue (row, 0, 1), NULL, 10);
    if (PQgetvalue (row, 0, 2)[0] == 't')
      {
        if (PQgetvalue (row, 0, 3)[0] != 't')
          {
            blob_prove (job, conn, size, start, total);
            return;
          }
        /* Someone finished it already: nothing more to send. */
        rollback (conn);
        reply_status (req, job->sha256, size, received, TRUE);
        return;
      }
  }

  if ((guint64) size != total)
    {
      g_autoptr(PGresult) reset = NULL;

      /* An unfinished upload that claimed another size: a new one from byte 0 replaces
       * it (the hash decides at the end which claim was true). */
      if (start != 0)
        {
          g_autofree char *members = status_members (job->sha256, size, received, FALSE);

          rollback (conn);
          blob_fail (req, 409, "blob_offset", members);
          return;
        }
      reset = os_db_exec (conn, "WITH gone AS (DELETE FROM blob_chunks WHERE sha256 = $1) "
                                "UPDATE blobs SET size = $2, received = 0, uploader = $3 WHERE sha256 = $1",
                          3, params, &error);
      if (reset == NULL)
        goto db_fail;
      size = total;
      received = 0;
    }

  if ((gint64) start != received)
    {
      g_autofree char *members = status_members (job->sha256, size, received, FALSE);

      rollback (conn);
      blob_fail (req, 409, "blob_offset", members);
      return;
    }

  if (length > 0)
    {
      const char *values[3] = { job->sha256, start_text, g_bytes_get_data (req->body, NULL) };
      const int lengths[3] = { 0, 0, (int) length };
      const int formats[3] = { 0, 0, 1 };
      g_autoptr(PGresult) chunk = exec_params (conn, "INSERT INTO blob_chunks (sha256, pos, data) VALUES ($1, $2, $3)",
                                               3, values, lengths, formats, FALSE, &error);

      if (chunk == NULL)
        goto db_fail;
    }
  received += length;
  received_text = g_strdup_printf ("%" G_GINT64_FORMAT, received);
  {
    const char *values[2] = { job->sha256, received_text };
    g_autoptr(PGresult) update = os_db_exec (conn, "UPDATE blobs SET received = $2 WHERE sha256 = $1",
                                             2, values, &error);

    if (update == NULL)
      goto db_fail;
  }

  if (received == size)
    {
      g_autoptr(PGresult) done = NULL;

      if (!verify_chunks (conn, job->sha256, size, &ok, &error))
        goto db_fail;
      if (ok)
        done = os_db_exec (conn, "WITH holder AS (INSERT INTO blob_holders (sha256, user_id) VALUES ($1, $2) "
                                 "                ON CONFLICT DO NOTHING) "
                                 "UPDATE blobs SET complete = true, completed = now () WHERE sha256 = $1",
                           2, (const char *[]) { job->sha256, req->user_id }, &error);
      else
        done = os_db_exec (conn, "DELETE FROM blobs WHERE sha256 = $1", 1, params, &error);
      if (done == NULL)
        goto db_fail;
      {
        g_autoptr(PGresult) commit = os_db_exec (conn, "COMMIT", 0, NULL, &error);

        if (commit == NULL)
          goto db_fail;
      }
      if (!ok)
        {
          g_message ("upload of blob %s did not match its hash; discarded", job->sha256);
          blob_fail (req, 422, "blob_hash_mismatch", NULL);
          return;
        }
      reply_status (req, job->sha256, size, received, TRUE);
      return;
    }

  {
    g_autoptr(PGresult) commit = os_db_exec (conn, "COMMIT", 0, NULL, &error);

    if (commit == NULL)
      goto db_fail;
  }
  reply_status (req, job->sha256, size, received, FALSE);
  return;

db_fail:
  rollback (conn);
  /* Two first chunks at once: the loser is told where the winner got to. */
  if (g_error_matches (error, OS_SERVER_ERROR, OS_SERVER_ERROR_CONFLICT))
    blob_fail (req, 409, "blob_offset", NULL);
  else
    os_api_db_fail (req, error);
}

/* "bytes=START-END", "bytes=START-" or "bytes=-SUFFIX" against @size; FALSE for anything
 * else (the whole file is sent then). *unsatisfiable when the range lies outside. */
static gboolean
parse_range (const char *text,
             gint64      size,
             gint64     *start,
             gint64     *end,
             gboolean   *unsatisfiable)
{
  g_auto(GStrv) bounds = NULL;
  guint64 a = 0, b = 0;
  gboolean has_a, has_b;

  *unsatisfiable = FALSE;
  if (text == NULL || !g_str_has_prefix (text, "bytes=") || strchr (text, ',') != NULL || strlen (text) > 80)
    return FALSE;
  bounds = g_strsplit (text + 6, "-", 3);
  if (g_strv_length (bounds) != 2)
    return FALSE;
  has_a = *bounds[0] != '\0';
  has_b = *bounds[1] != '\0';
  if ((has_a && !g_ascii_string_to_unsigned (bounds[0], 10, 0, G_MAXINT64, &a, NULL)) ||
      (has_b && !g_ascii_string_to_unsigned (bounds[1], 10, 0, G_MAXINT64, &b, NULL)) ||
      (!has_a && !has_b) || (has_a && has_b && b < a))
    return FALSE;
  if (!has_a)
    {
      *start = b >= (guint64) size ? 0 : size - (gint64) b;
      *end = size - 1;
    }
  else
    {
      *start = (gint64) a;
      *end = has_b && b < (guint64) size ? (gint64) b : size - 1;
    }
  if (*start >= size || (!has_a && b == 0))
    *unsatisfiable = TRUE;
  return TRUE;
}

#define MAX_GET_BYTES (4 * 1024 * 1024)

static void
blob_get (Job    *job,
          PGconn *conn)
{
  OsRequest *req = job->req;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) chunks = NULL;
  g_autoptr(GByteArray) out = NULL;
  g_autofree char *start_text = NULL, *end_text = NULL;
  const char *params[3] = { job->sha256, req->user_id, req->units };
  gint64 size, start, end;
  gboolean ranged, unsatisfiable;

  /* Complete, and the user uploaded it or may see a record that lists it: otherwise the
   * same 404 as for a file that does not exist. */
  res = os_db_exec (conn, "SELECT b.size FROM blobs b WHERE b.sha256 = $1 AND b.complete AND " MAY_READ_SQL,
                    3, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQntuples (res) == 0)
    {
      os_request_fail (req, 404, "not_found", NULL, NULL);
      return;
    }
  size = g_ascii_strtoll (PQgetvalue (res, 0, 0), NULL, 10);

  ranged = parse_range (job->range, size, &start, &end, &unsatisfiable);
  if (ranged && unsatisfiable)
    {
      job->data_range = g_strdup_printf ("bytes */%" G_GINT64_FORMAT, size);
      blob_fail (req, 416, "blob_range", NULL);
      return;
    }
  if (!ranged)
    {
      start = 0;
      end = size - 1;
    }
  /* At most MAX_GET_BYTES an answer, so a request holds little memory however large the
   * file: the rest is asked for with Range (the answer is then 206 with its
   * Content-Range, even without a Range asked). */
  if (end - start + 1 > MAX_GET_BYTES)
    {
      end = start + MAX_GET_BYTES - 1;
      ranged = TRUE;
    }

  out = g_byte_array_sized_new (end >= start ? (guint) (end - start + 1) : 0);
  if (end >= start)
    {
      const char *values[3];

      start_text = g_strdup_printf ("%" G_GINT64_FORMAT, start);
      end_text = g_strdup_printf ("%" G_GINT64_FORMAT, end);
      values[0] = job->sha256;
      values[1] = start_text;
      values[2] = end_text;
      chunks = exec_params (conn,
                            "SELECT pos, data FROM blob_chunks WHERE sha256 = $1"
                            "   AND pos <= $3 AND pos + octet_length (data) > $2 ORDER BY pos",
                            3, values, NULL, NULL, TRUE, &error);
      if (chunks == NULL)
        {
          os_api_db_fail (req, error);
          return;
        }
      for (int i = 0; i < PQntuples (chunks); i++)
        {
          gint64 pos = int8_value (chunks, i, 0);
          gint64 len = PQgetlength (chunks, i, 1);
          gint64 from = MAX (start, pos), to = MIN (end + 1, pos + len);

          if (pos != start + (gint64) out->len && !(i == 0 && pos <= start))
            break;
          g_byte_array_append (out, (const guint8 *) PQgetvalue (chunks, i, 1) + (from - pos), (guint) (to - from));
        }
    }
  if ((gint64) out->len != (end >= start ? end - start + 1 : 0))
    {
      g_warning ("blob %s has missing chunks", job->sha256);
      os_request_fail (req, 500, "internal", NULL, NULL);
      return;
    }

  job->data = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  if (ranged)
    {
      job->data_range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                         start, end, size);
      req->status = 206;
    }
  else
    req->status = 200;
}

/* Threads */

static void
send_answer (Job *job)
{
  SoupServerMessage *msg = job->msg;
  OsRequest *req = job->req;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  if (job->data_range != NULL)
    soup_message_headers_replace (headers, "Content-Range", job->data_range);
  if (job->data != NULL && req->response == NULL)
    {
      /* The octets as they are, not copied again. */
      soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
      soup_message_body_truncate (soup_server_message_get_response_body (msg));
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), job->data);
    }
  os_exchange_send (msg, req);
}

static gboolean
job_finish_cb (gpointer data)
{
  Job *job = data;

  if (!job->gone)
    {
      send_answer (job);
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_job (gpointer  data,
         PGconn   *conn)
{
  Job *job = data;

  switch (job->op)
    {
    case OP_STATUS:
      blob_status (job, conn);
      break;
    case OP_PUT:
      blob_put (job, conn);
      break;
    case OP_GET:
      blob_get (job, conn);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
worker_run (gpointer data,
            gpointer user_data)
{
  Job *job = data;
  Service *service = user_data;

  os_exchange_work (service->db, job->req, TRUE, run_job, job);
  g_main_context_invoke (service->context, job_finish_cb, job);
}

static void
message_disconnected_cb (SoupServerMessage *msg,
                         gpointer           data)
{
  Job *job = data;

  job->gone = TRUE;
}

static void
handle_blobs (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Service *service = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  const char *rest = path + strlen (BLOB_PREFIX);
  Job *job;
  gboolean status_path;

  if (soup_server_message_get_status (msg) != 0)   /* answered when the headers came */
    return;

  job = g_new0 (Job, 1);
  job->msg = g_object_ref (msg);
  job->req = os_exchange_request_new (msg, path + strlen ("/api/v1"));

  /* "/SHA256" or "/SHA256/status" */
  status_path = strlen (rest) == 1 + 64 + 7 && g_str_equal (rest + 65, "/status");
  if (rest[0] != '/' || (strlen (rest) != 1 + 64 && !status_path))
    {
      os_request_fail (job->req, 404, "not_found", NULL, NULL);
      goto answer_now;
    }
  memcpy (job->sha256, rest + 1, 64);
  job->sha256[64] = '\0';
  if (!os_api_blobs_sha256_is_valid (job->sha256))
    {
      os_request_fail (job->req, 404, "not_found", NULL, NULL);
      goto answer_now;
    }

  if (status_path && g_str_equal (method, "GET"))
    job->op = OP_STATUS;
  else if (!status_path && g_str_equal (method, "PUT"))
    job->op = OP_PUT;
  else if (!status_path && g_str_equal (method, "GET"))
    job->op = OP_GET;
  else
    {
      os_request_fail (job->req, 405, "not_found", NULL, "method_not_allowed");
      goto answer_now;
    }

  if (job->op == OP_PUT)
    {
      job->req->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      if (g_bytes_get_size (job->req->body) > OS_BLOB_MAX_CHUNK)
        {
          os_request_fail (job->req, 413, "too_large", NULL, NULL);
          goto answer_now;
        }
    }
  job->req->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  job->req->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  job->range = g_strdup (soup_message_headers_get_one (headers, "Range"));
  job->content_range = g_strdup (soup_message_headers_get_one (headers, "Content-Range"));

  job->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (message_disconnected_cb), job);
  soup_server_message_pause (msg);
  g_thread_pool_push (service->pool, job, NULL);
  return;

answer_now:
  send_answer (job);
  job_free (job);
}

void
os_api_blobs_add_handler (SoupServer *soup,
                          OsDbPool   *db,
                          guint       threads)
{
  Service *service = g_new0 (Service, 1);

  g_return_if_fail (SOUP_IS_SERVER (soup));
  g_return_if_fail (threads > 0);

  service->db = g_object_ref (db);
  service->context = g_main_context_ref_thread_default ();
  service->pool = g_thread_pool_new (worker_run, service, (gint) threads, FALSE, NULL);
  g_object_set_data_full (G_OBJECT (soup), "os-api-blobs", service, service_free);
  soup_server_add_handler (soup, BLOB_PREFIX, handle_blobs, service, NULL);
}
