/* os-api-auth.c: login, refresh, logout, me, and the bearer check of every request.
 *
 * Tokens are 32 random bytes (base64url); the database keeps only their SHA-256.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-api.h"
#include "os-db-pool.h"

#include <sodium.h>
#include <string.h>

#define STR(x) #x
#define XSTR(x) STR (x)

/* Argon2id (interactive) takes 64 MiB per verification: at most this many at once, so a
 * burst of logins cannot take workers × 64 MiB. */
#define MAX_PASSWORD_CHECKS 2

static GMutex password_lock;
static GCond password_cond;
static guint password_checks;

/* A hash of a random password made like os-admin.c makes users' hashes: an unknown
 * user name is checked against it, so it costs as much as a wrong password and the
 * answer's timing does not tell which user names exist. */
static gpointer
make_dummy_hash (gpointer data)
{
  char *hash = g_malloc0 (crypto_pwhash_STRBYTES);
  guchar secret[32];

  randombytes_buf (secret, sizeof secret);
  if (crypto_pwhash_str (hash, (const char *) secret, sizeof secret, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    g_error ("Cannot make the dummy password hash (out of memory)");
  return hash;
}

static const char *
dummy_hash (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, make_dummy_hash, NULL);
}

void
os_api_prepare (void)
{
  dummy_hash ();
}

/* @hash NULL: the dummy hash (an unknown user), made under the same cap. */
static gboolean
password_matches (const char *hash,
                  const char *password)
{
  gboolean ok;

  g_mutex_lock (&password_lock);
  while (password_checks >= MAX_PASSWORD_CHECKS)
    g_cond_wait (&password_cond, &password_lock);
  password_checks++;
  g_mutex_unlock (&password_lock);

  if (hash == NULL)
    hash = dummy_hash ();
  ok = crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;

  g_mutex_lock (&password_lock);
  password_checks--;
  g_cond_signal (&password_cond);
  g_mutex_unlock (&password_lock);
  return ok;
}

gboolean
os_api_db_fail (OsRequest *req,
                GError    *error)
{
  if (g_error_matches (error, OS_SERVER_ERROR, OS_SERVER_ERROR_UNAVAILABLE))
    {
      g_warning ("%s %s: database unavailable: %s", req->method, req->path, error->message);
      return os_request_fail (req, 503, "unavailable", NULL, NULL);
    }
  g_warning ("%s %s: %s", req->method, req->path, error->message);
  return os_request_fail (req, 500, "internal", NULL, NULL);
}

gboolean
os_api_authenticate (OsRequest *req,
                     PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autofree char *hash = NULL;
  const char *token;
  const char *params[1];

  if (req->authorization == NULL || g_ascii_strncasecmp (req->authorization, "Bearer ", 7) != 0)
    return os_request_fail (req, 401, "unauthorized", NULL, NULL);
  token = req->authorization + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > 200)
    return os_request_fail (req, 401, "unauthorized", NULL, NULL);
  hash = os_sha256_hex (token);
  params[0] = hash;
  res = os_db_exec (conn,
                    "SELECT s.id, s.user_id, s.desk_id, s.client_id, os_visible_units (s.user_id)"
                    "  FROM sessions s JOIN users u ON u.id = s.user_id"
                    " WHERE s.access_hash = $1 AND NOT s.revoked AND s.access_expires > now ()"
                    "   AND NOT u.disabled",
                    1, params, &error);
  if (res == NULL)
    return os_api_db_fail (req, error);
  if (PQntuples (res) != 1)
    return os_request_fail (req, 401, "unauthorized", NULL, NULL);
  req->session_id = g_strdup (PQgetvalue (res, 0, 0));
  req->user_id = g_strdup (PQgetvalue (res, 0, 1));
  req->desk_id = g_strdup (PQgetvalue (res, 0, 2));
  req->client_id = g_strdup (PQgetvalue (res, 0, 3));
  req->units = g_strdup (PQgetvalue (res, 0, 4));
  return TRUE;
}

/* {"access_token", "refresh_token", "expires_in", "user", "desk"} around JSON texts. */
static void
reply_session (OsRequest  *req,
               const char *access,
               const char *refresh,
               const char *user_json,
               const char *desk_json)
{
  g_autoptr(GString) out = g_string_new ("{\"access_token\":\"");

  /* Tokens are base64url: nothing to escape. */
  g_string_append (out, access);
  g_string_append (out, "\",\"refresh_token\":\"");
  g_string_append (out, refresh);
  g_string_append_printf (out, "\",\"expires_in\":%d,\"user\":", OS_ACCESS_TOKEN_SECONDS);
  g_string_append (out, user_json);
  g_string_append (out, ",\"desk\":");
  g_string_append (out, desk_json);
  g_string_append_c (out, '}');
  os_request_reply (req, 200, g_string_free (g_steal_pointer (&out), FALSE));
}

static const OsFieldSpec login_specs[] = {
  { "username", OS_FIELD_STRING, TRUE, 1, 100 },
  { "password", OS_FIELD_STRING, TRUE, 1, 1000 },
  { "desk_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { "client_id", OS_FIELD_UUID, TRUE, 0, 0 },
  { NULL }
};

void
os_api_login (OsRequest *req,
              PGconn    *conn)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) created = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *access_hash = NULL;
  g_autofree char *refresh_hash = NULL;
  g_autofree char *session_id = NULL;
  JsonObject *body = os_request_parse_body (req, &root);
  const char *username, *password, *desk_id, *client_id;
  const char *params[7];

  if (body == NULL || !os_request_check_object (req, body, login_specs, NULL))
    return;
  username = json_object_get_string_member (body, "username");
  password = json_object_get_string_member (body, "password");
  desk_id = json_object_get_string_member (body, "desk_id");
  client_id = json_object_get_string_member (body, "client_id");

  params[0] = username;
  params[1] = desk_id;
  res = os_db_exec (conn,
                    "SELECT u.id, u.password_hash, d.id IS NOT NULL,"
                    "       coalesce (d.unit_id = ANY (os_visible_units (u.id)), false)"
                    "  FROM users u LEFT JOIN desks d ON d.id = $2"
                    " WHERE u.username = $1 AND NOT u.disabled",
                    2, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQntuples (res) != 1)
    {
      password_matches (NULL, password);
      os_request_fail (req, 401, "unauthorized", NULL, "bad_credentials");
      return;
    }
  if (!password_matches (PQgetvalue (res, 0, 1), password))
    {
      os_request_fail (req, 401, "unauthorized", NULL, "bad_credentials");
      return;
    }
  if (strcmp (PQgetvalue (res, 0, 2), "t") != 0)
    {
      os_request_fail (req, 401, "unauthorized", "desk_id", "unknown_desk");
      return;
    }
  if (strcmp (PQgetvalue (res, 0, 3), "t") != 0)
    {
      os_request_fail (req, 403, "forbidden", NULL, "desk_forbidden");
      return;
    }

  access = os_random_token ();
  refresh = os_random_token ();
  access_hash = os_sha256_hex (access);
  refresh_hash = os_sha256_hex (refresh);
  session_id = g_uuid_string_random ();
  params[0] = session_id;
  params[1] = PQgetvalue (res, 0, 0);
  params[2] = desk_id;
  params[3] = client_id;
  params[4] = access_hash;
  params[5] = refresh_hash;
  created = os_db_exec (conn,
                        "WITH s AS ("
                        "  INSERT INTO sessions (id, user_id, desk_id, client_id, access_hash,"
                        "                        access_expires, refresh_hash, refresh_expires)"
                        "  VALUES ($1, $2, $3, $4, $5, now () + interval '" XSTR (OS_ACCESS_TOKEN_SECONDS) " seconds',"
                        "          $6, now () + interval '" XSTR (OS_REFRESH_TOKEN_SECONDS) " seconds')"
                        "  RETURNING user_id, desk_id),"
                        " a AS (INSERT INTO audit_log (user_id, desk_id, action, entity, entity_id)"
                        "       SELECT user_id, desk_id, 'login', 'session', $1::uuid FROM s)"
                        "SELECT os_user_json (s.user_id),"
                        "       json_build_object ('id', d.id, 'unit_id', d.unit_id, 'name', d.name)"
                        "  FROM s JOIN desks d ON d.id = s.desk_id",
                        6, params, &error);
  if (created == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  reply_session (req, access, refresh, PQgetvalue (created, 0, 0), PQgetvalue (created, 0, 1));
}

static const OsFieldSpec refresh_specs[] = {
  { "refresh_token", OS_FIELD_STRING, TRUE, 1, 200 },
  { NULL }
};

/* How long a refresh token stays good after it was traded: a desk that lost the answer
 * asks again with it and gets the same new pair. */
#define REFRESH_GRACE_SECONDS 120

/* The key that seals a refresh's answer: derived from the refresh token it replaced,
 * which only its holder knows (the database keeps only its SHA-256). */
static void
grace_key (const char *old_token,
           guchar      key[crypto_secretbox_KEYBYTES])
{
  G_STATIC_ASSERT (crypto_secretbox_KEYBYTES == crypto_hash_sha256_BYTES);
  crypto_hash_sha256_state state;

  crypto_hash_sha256_init (&state);
  crypto_hash_sha256_update (&state, (const guchar *) "onestop refresh grace\n", 22);
  crypto_hash_sha256_update (&state, (const guchar *) old_token, strlen (old_token));
  crypto_hash_sha256_final (&state, key);
}

/* "ACCESS REFRESH", sealed: base64 of nonce and ciphertext. */
static char *
seal_pair (const char *old_token,
           const char *access,
           const char *refresh)
{
  g_autofree char *plain = g_strconcat (access, " ", refresh, NULL);
  gsize len = strlen (plain);
  g_autofree guchar *box = g_malloc (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);
  guchar key[crypto_secretbox_KEYBYTES];

  grace_key (old_token, key);
  randombytes_buf (box, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (box + crypto_secretbox_NONCEBYTES, (const guchar *) plain, len, box, key);
  sodium_memzero (key, sizeof key);
  return g_base64_encode (box, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len);
}

static gboolean
open_pair (const char  *old_token,
           const char  *sealed,
           char       **access,
           char       **refresh)
{
  gsize len = 0;
  g_autofree guchar *box = g_base64_decode (sealed, &len);
  g_autofree char *plain = NULL;
  guchar key[crypto_secretbox_KEYBYTES];
  gboolean ok;
  char *space;

  if (len <= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return FALSE;
  plain = g_malloc0 (len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1);
  grace_key (old_token, key);
  ok = crypto_secretbox_open_easy ((guchar *) plain, box + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, box, key) == 0;
  sodium_memzero (key, sizeof key);
  if (!ok || (space = strchr (plain, ' ')) == NULL)
    return FALSE;
  *access = g_strndup (plain, space - plain);
  *refresh = g_strdup (space + 1);
  return TRUE;
}

void
os_api_refresh (OsRequest *req,
                PGconn    *conn)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(PGresult) again = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *old_hash = NULL;
  g_autofree char *access_hash = NULL;
  g_autofree char *refresh_hash = NULL;
  g_autofree char *sealed = NULL;
  JsonObject *body = os_request_parse_body (req, &root);
  const char *old_token;
  const char *params[4];

  if (body == NULL || !os_request_check_object (req, body, refresh_specs, NULL))
    return;
  old_token = json_object_get_string_member (body, "refresh_token");
  old_hash = os_sha256_hex (old_token);
  access = os_random_token ();
  refresh = os_random_token ();
  access_hash = os_sha256_hex (access);
  refresh_hash = os_sha256_hex (refresh);
  sealed = seal_pair (old_token, access, refresh);
  params[0] = old_hash;
  params[1] = access_hash;
  params[2] = refresh_hash;
  params[3] = sealed;
  /* Rotation: the old refresh token matches no row afterwards but as the previous one,
   * for the grace. A twin request waits for this row's lock, then finds it rotated and
   * takes the grace path below. */
  res = os_db_exec (conn,
                    "WITH s AS ("
                    "  UPDATE sessions SET access_hash = $2,"
                    "         access_expires = now () + interval '" XSTR (OS_ACCESS_TOKEN_SECONDS) " seconds',"
                    "         refresh_hash = $3,"
                    "         refresh_expires = now () + interval '" XSTR (OS_REFRESH_TOKEN_SECONDS) " seconds',"
                    "         prev_refresh_hash = $1,"
                    "         prev_until = now () + interval '" XSTR (REFRESH_GRACE_SECONDS) " seconds',"
                    "         sealed_pair = $4"
                    "   WHERE refresh_hash = $1 AND NOT revoked AND refresh_expires > now ()"
                    "     AND user_id IN (SELECT id FROM users WHERE NOT disabled)"
                    "  RETURNING id, user_id, desk_id),"
                    " a AS (INSERT INTO audit_log (user_id, desk_id, action, entity, entity_id)"
                    "       SELECT user_id, desk_id, 'refresh', 'session', id FROM s)"
                    "SELECT os_user_json (s.user_id),"
                    "       json_build_object ('id', d.id, 'unit_id', d.unit_id, 'name', d.name)"
                    "  FROM s JOIN desks d ON d.id = s.desk_id",
                    4, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQntuples (res) == 1)
    {
      reply_session (req, access, refresh, PQgetvalue (res, 0, 0), PQgetvalue (res, 0, 1));
      return;
    }

  /* The token was traded moments ago (the answer may have been lost): the same pair. */
  g_clear_pointer (&access, g_free);
  g_clear_pointer (&refresh, g_free);
  again = os_db_exec (conn,
                      "SELECT s.sealed_pair, os_user_json (s.user_id),"
                      "       json_build_object ('id', d.id, 'unit_id', d.unit_id, 'name', d.name)"
                      "  FROM sessions s JOIN desks d ON d.id = s.desk_id JOIN users u ON u.id = s.user_id"
                      " WHERE s.prev_refresh_hash = $1 AND s.prev_until > now () AND NOT s.revoked"
                      "   AND s.access_expires > now () AND NOT u.disabled",
                      1, params, &error);
  if (again == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  if (PQntuples (again) != 1 || PQgetisnull (again, 0, 0) ||
      !open_pair (old_token, PQgetvalue (again, 0, 0), &access, &refresh))
    {
      os_request_fail (req, 401, "unauthorized", NULL, NULL);
      return;
    }
  reply_session (req, access, refresh, PQgetvalue (again, 0, 1), PQgetvalue (again, 0, 2));
}

static const OsFieldSpec logout_specs[] = {
  { "refresh_token", OS_FIELD_STRING, TRUE, 1, 200 },
  { NULL }
};

/* With a body {"refresh_token"} the session of that token ends, no access token needed
 * (a desk unlocked offline has none that is still valid); without a body, the session of
 * the bearer token. */
void
os_api_logout (OsRequest *req,
               PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *refresh_hash = NULL;
  const char *params[1];

  if (req->body != NULL && g_bytes_get_size (req->body) > 0)
    {
      JsonObject *body = os_request_parse_body (req, &root);

      if (body == NULL || !os_request_check_object (req, body, logout_specs, NULL))
        return;
      refresh_hash = os_sha256_hex (json_object_get_string_member (body, "refresh_token"));
      params[0] = refresh_hash;
      res = os_db_exec (conn,
                        "WITH s AS ("
                        "  UPDATE sessions SET revoked = true"
                        "   WHERE (refresh_hash = $1 OR (prev_refresh_hash = $1 AND prev_until > now ()))"
                        "     AND NOT revoked AND refresh_expires > now ()"
                        "  RETURNING id, user_id, desk_id)"
                        "INSERT INTO audit_log (user_id, desk_id, action, entity, entity_id)"
                        "SELECT user_id, desk_id, 'logout', 'session', id FROM s",
                        1, params, &error);
      if (res == NULL)
        {
          os_api_db_fail (req, error);
          return;
        }
      if (g_strcmp0 (PQcmdTuples (res), "1") == 0)
        {
          os_request_reply (req, 204, NULL);
          return;
        }
      /* Not a live refresh token: the bearer's session, if there is one. */
      if (req->authorization == NULL)
        {
          os_request_fail (req, 401, "unauthorized", NULL, NULL);
          return;
        }
      g_clear_pointer (&res, PQclear);
    }
  if (!os_api_authenticate (req, conn))
    return;
  {
    const char *ids[3] = { req->session_id, req->user_id, req->desk_id };

    res = os_db_exec (conn,
                      "WITH s AS (UPDATE sessions SET revoked = true WHERE id = $1)"
                      "INSERT INTO audit_log (user_id, desk_id, action, entity, entity_id)"
                      "VALUES ($2, $3, 'logout', 'session', $1)",
                      3, ids, &error);
  }
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  os_request_reply (req, 204, NULL);
}

void
os_api_me (OsRequest *req,
           PGconn    *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) res = NULL;
  const char *params[1] = { req->user_id };

  res = os_db_exec (conn, "SELECT os_user_json ($1)", 1, params, &error);
  if (res == NULL)
    {
      os_api_db_fail (req, error);
      return;
    }
  os_request_reply (req, 200, g_strdup (PQgetvalue (res, 0, 0)));
}
