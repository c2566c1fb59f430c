/* test-server-auth.c: login, refresh, logout, tokens, and hostile input, against a real
 * onestop-server process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libpq-fe.h>
#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>

#include "server-test.h"

static OsTestServer *srv;
static SoupSession *session;
static const char *base;
static char *desk_a, *desk_b, *client;

static void
assert_health (void)
{
  guint status = 0;
  g_autoptr(JsonNode) health = st_request (session, base, "GET", "/health", NULL, NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (st_member (health, "status"), ==, "ok");
}

static void
test_login (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autoptr(JsonNode) me = NULL;
  JsonObject *o = json_node_get_object (s);
  JsonArray *units;
  guint status = 0;

  g_assert_cmpint (json_object_get_int_member (o, "expires_in"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "desk"), "id"), ==, desk_a);
  me = st_request (session, base, "GET", "/me", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (st_member (me, "username"), ==, "an");
  units = json_object_get_array_member (json_node_get_object (me), "units");
  g_assert_cmpuint (json_array_get_length (units), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (units, 0), "agency_code"),
                   ==, ST_AGENCY_A);
}

static void
expect_login (const char *username,
              const char *password,
              const char *desk,
              guint       expected_status,
              const char *expected_code)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\",\"desk_id\":\"%s\","
                                           "\"client_id\":\"%s\"}", username, password, desk, client);
  guint status = 0;
  g_autoptr(JsonNode) answer = st_request (session, base, "POST", "/auth/login", NULL, body, &status);

  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpstr (st_error_code (answer), ==, expected_code);
}

static void
test_login_refused (void)
{
  g_autofree char *unknown_desk = st_uuid ();

  expect_login ("an", "wrong", desk_a, 401, "unauthorized");
  expect_login ("nobody", "mật khẩu 1", desk_a, 401, "unauthorized");
  expect_login ("an", "mật khẩu 1", unknown_desk, 401, "unauthorized");
  /* A user of unit A may not log in on a desk of unit B. */
  expect_login ("an", "mật khẩu 1", desk_b, 403, "forbidden");
  /* The supervisor of A sees its child unit B and may work there. */
  {
    g_autoptr(JsonNode) s = st_login (session, base, "sup", "pw", desk_b, client);

    g_assert_nonnull (s);
  }
}

static void
test_refresh (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s, "refresh_token"));
  g_autoptr(JsonNode) s2 = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) old_me = NULL;
  guint status = 0;

  s2 = st_request (session, base, "POST", "/auth/refresh", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (st_member (s2, "refresh_token"), !=, st_member (s, "refresh_token"));
  g_assert_cmpstr (st_member (s2, "access_token"), !=, st_member (s, "access_token"));

  /* Rotation: the old access token is spent; the old refresh token, for a short grace,
   * gives the same new pair again (the desk may have lost the answer). */
  again = st_request (session, base, "POST", "/auth/refresh", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (st_member (again, "refresh_token"), ==, st_member (s2, "refresh_token"));
  g_assert_cmpstr (st_member (again, "access_token"), ==, st_member (s2, "access_token"));
  old_me = st_request (session, base, "GET", "/me", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  me = st_request (session, base, "GET", "/me", st_member (s2, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* Runs @sql (one UPDATE of sessions with the SHA-256 of @token as $1) on the server's
 * database; it must change exactly one session. */
static void
update_session (const char *sql,
                const char *token)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  PGconn *conn = PQconnectdb (os_test_server_get_conninfo (srv));
  const char *params[1] = { hash };
  PGresult *res;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  res = PQexecParams (conn, sql, 1, NULL, params, NULL, NULL, 0);
  g_assert_cmpstr (PQcmdTuples (res), ==, "1");
  PQclear (res);
  PQfinish (conn);
}

static void
set_grace_over (const char *refresh_token)
{
  update_session ("UPDATE sessions SET prev_until = now () - interval '1 second' WHERE prev_refresh_hash = $1",
                  refresh_token);
}

/* The grace ends after its time, and as soon as the new refresh token is traded in turn. */
static void
test_refresh_grace (void)
{
  g_autoptr(JsonNode) s1 = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autofree char *body1 = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s1, "refresh_token"));
  g_autofree char *body2 = NULL;
  g_autoptr(JsonNode) s2 = NULL, s3 = NULL, late = NULL, again = NULL;
  guint status = 0;

  s2 = st_request (session, base, "POST", "/auth/refresh", NULL, body1, &status);
  g_assert_cmpuint (status, ==, 200);
  body2 = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s2, "refresh_token"));
  set_grace_over (st_member (s1, "refresh_token"));
  late = st_request (session, base, "POST", "/auth/refresh", NULL, body1, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (st_error_code (late), ==, "unauthorized");

  s3 = st_request (session, base, "POST", "/auth/refresh", NULL, body2, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&late, json_node_unref);
  late = st_request (session, base, "POST", "/auth/refresh", NULL, body1, &status);
  g_assert_cmpuint (status, ==, 401);
  /* body2 is now the previous token: still the same (third) pair within the grace. */
  again = st_request (session, base, "POST", "/auth/refresh", NULL, body2, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (st_member (again, "refresh_token"), ==, st_member (s3, "refresh_token"));
}

static void
test_logout (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s, "refresh_token"));
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) refreshed = NULL;
  g_autoptr(JsonNode) again = NULL;
  guint status = 0;

  out = st_request (session, base, "POST", "/auth/logout", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_null (out);
  me = st_request (session, base, "GET", "/me", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  refreshed = st_request (session, base, "POST", "/auth/refresh", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);
  again = st_request (session, base, "POST", "/auth/logout", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 401);
}

static void
expire_access (const char *access_token)
{
  update_session ("UPDATE sessions SET access_expires = now () - interval '1 second' WHERE access_hash = $1",
                  access_token);
}

/* A desk unlocked offline has no valid access token: its refresh token alone logs out. */
static void
test_logout_refresh_token (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autoptr(JsonNode) other = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s, "refresh_token"));
  g_autofree char *unknown = g_strdup ("{\"refresh_token\":\"no-such-token\"}");
  g_autoptr(JsonNode) out = NULL, refreshed = NULL, again = NULL, bad = NULL, me = NULL;
  guint status = 0;

  expire_access (st_member (s, "access_token"));
  out = st_request (session, base, "POST", "/auth/logout", NULL, body, &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_null (out);
  refreshed = st_request (session, base, "POST", "/auth/refresh", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);
  again = st_request (session, base, "POST", "/auth/logout", NULL, body, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (st_error_code (again), ==, "unauthorized");
  g_clear_pointer (&again, json_node_unref);
  again = st_request (session, base, "POST", "/auth/logout", NULL, unknown, &status);
  g_assert_cmpuint (status, ==, 401);
  /* Bad bodies are refused before anything is revoked. */
  bad = st_request (session, base, "POST", "/auth/logout", st_member (other, "access_token"),
                    "{\"refresh_token\":\"x\",\"more\":1}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (st_error_code (bad), ==, "unknown_field");
  g_clear_pointer (&bad, json_node_unref);
  bad = st_request (session, base, "POST", "/auth/logout", st_member (other, "access_token"), "{\"refresh_token\":", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (st_error_code (bad), ==, "malformed_json");
  /* The other session lives on. */
  me = st_request (session, base, "GET", "/me", st_member (other, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

/* An unknown user name and a wrong password get the same answer (and cost: the unknown
 * name is checked against a dummy hash). */
static void
test_unknown_user_same_answer (void)
{
  const char *users[2] = { "an", "không-có-ai" };
  g_autofree char *texts[2] = { NULL, NULL };

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"sai\",\"desk_id\":\"%s\","
                                               "\"client_id\":\"%s\"}", users[i], desk_a, client);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      guint status = 0;
      g_autoptr(GBytes) answer = st_request_raw (session, base, "POST", "/auth/login", "/auth/login", NULL,
                                                 "application/json", bytes, NULL, &status);

      g_assert_cmpuint (status, ==, 401);
      texts[i] = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
    }
  g_assert_cmpstr (texts[0], ==, texts[1]);
}

/* An access token past its time is refused; the refresh token still gives a new one. */
static void
test_expired (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", st_member (s, "refresh_token"));
  g_autoptr(JsonNode) me = NULL;
  g_autoptr(JsonNode) s2 = NULL;
  guint status = 0;

  expire_access (st_member (s, "access_token"));

  me = st_request (session, base, "GET", "/me", st_member (s, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  s2 = st_request (session, base, "POST", "/auth/refresh", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&me, json_node_unref);
  me = st_request (session, base, "GET", "/me", st_member (s2, "access_token"), NULL, &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_bad_tokens (void)
{
  const char *paths[] = { "/me", "/sync/changes", "/definitions/procedures" };
  const char *tokens[] = { NULL, "", "garbage", "Zm9vYmFy", "a\"b" };

  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    for (guint t = 0; t < G_N_ELEMENTS (tokens); t++)
      {
        guint status = 0;
        g_autoptr(JsonNode) answer = st_request (session, base, "GET", paths[p], tokens[t], NULL, &status);

        g_assert_cmpuint (status, ==, 401);
        g_assert_cmpstr (st_error_code (answer), ==, "unauthorized");
      }
  {
    /* Not a Bearer scheme at all. */
    guint status = 0;
    g_autofree char *url = g_strconcat (base, "/me", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) answer = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Basic YWI6Y2Q=");
    answer = soup_session_send_and_read (session, msg, NULL, NULL);
    status = soup_message_get_status (msg);
    os_test_openapi_record ("GET", "/me", status, answer);
    g_assert_cmpuint (status, ==, 401);
  }
  assert_health ();
}

static void
expect_bad (const char *path,
            const char *token,
            const char *content_type,
            const char *body,
            gsize       len,
            guint       expected_status,
            const char *expected_code,
            const char *expected_field)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, len == 0 ? strlen (body) : len);
  guint status = 0;
  g_autoptr(GBytes) answer = st_request_raw (session, base, "POST", path, path, token, content_type,
                                             bytes, NULL, &status);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (status, ==, expected_status);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));

    node = json_from_string (text, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpstr (st_error_code (node), ==, expected_code);
  if (expected_field != NULL)
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (node), "error"),
                                                    "field"), ==, expected_field);
  assert_health ();
}

static void
test_hostile (void)
{
  g_autoptr(JsonNode) s = st_login (session, base, "an", "mật khẩu 1", desk_a, client);
  const char *token = st_member (s, "access_token");
  g_autofree char *huge = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *wrong_kind = NULL;
  g_autofree char *m = NULL;
  g_autofree char *r = st_uuid ();
  g_autofree char *id = st_uuid ();
  const gsize huge_len = 2 * 1024 * 1024;

  expect_bad ("/auth/login", NULL, "application/json", "{\"username\": \"an\",", 0, 400, "malformed_json", NULL);
  expect_bad ("/auth/login", NULL, "application/json", "[1,2]", 0, 400, "invalid_field", NULL);
  expect_bad ("/auth/login", NULL, "application/json", "\xff\xfe{}", 0, 400, "malformed_json", NULL);
  expect_bad ("/auth/login", NULL, "text/plain", "{}", 0, 415, "unsupported_media_type", NULL);
  expect_bad ("/auth/login", NULL, "application/json",
              "{\"username\":5,\"password\":\"x\",\"desk_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"client_id\":\"00000000-0000-0000-0000-000000000000\"}", 0, 400, "invalid_field", "username");
  expect_bad ("/auth/login", NULL, "application/json",
              "{\"username\":\"an\",\"password\":\"x\",\"desk_id\":\"not-a-uuid\","
              "\"client_id\":\"00000000-0000-0000-0000-000000000000\"}", 0, 400, "invalid_field", "desk_id");
  expect_bad ("/auth/login", NULL, "application/json", "{\"username\":\"an\"}", 0, 400, "missing_field", "password");
  expect_bad ("/auth/login", NULL, "application/json",
              "{\"username\":\"an\",\"password\":\"x\",\"desk_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"client_id\":\"00000000-0000-0000-0000-000000000000\",\"admin\":true}", 0, 400,
              "unknown_field", "admin");
  expect_bad ("/sync/push", token, "application/json", "{\"client_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"mutations\":[]}", 0, 400, "invalid_field", "mutations");
  expect_bad ("/sync/push", token, "application/json", "{\"client_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"mutations\":[{\"id\":1}]}", 0, 400, "invalid_field", "mutations[0].id");
  m = st_mutation (id, r, "receive", 0, ST_AGENCY_A "-261123-0001", NULL);
  wrong_kind = g_strdup_printf ("{\"client_id\":\"%s\",\"mutations\":[%s,{\"id\":\"%s\"}]}", client, m, id);
  expect_bad ("/sync/push", token, "application/json", wrong_kind, 0, 400, "missing_field", "mutations[1].record_id");
  expect_bad ("/sync/push", token, "application/json", "{\"client_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"mutations\":[{\"id\":\"00000000-0000-0000-0000-000000000000\",\"record_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"kind\":\"receive\",\"base_version\":1.5,\"payload_hash\":\"00\",\"action_time\":0,\"payload\":{}}]}",
              0, 400, "invalid_field", "mutations[0].base_version");
  expect_bad ("/codes/lease", token, "application/json", "{\"client_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"agency_code\":\"" ST_AGENCY_A "\",\"day\":\"2026-02-30\",\"count\":5}", 0, 400, "invalid_field", "day");
  expect_bad ("/codes/lease", token, "application/json", "{\"client_id\":\"00000000-0000-0000-0000-000000000000\","
              "\"agency_code\":\"" ST_AGENCY_A "\",\"day\":\"2026-02-03\",\"count\":100000}", 0, 400, "invalid_field", "count");

  /* Nesting that would exhaust a recursive parser. */
  deep = g_strnfill (200000, '[');
  expect_bad ("/auth/login", NULL, "application/json", deep, 0, 400, "malformed_json", NULL);

  /* Over 1 MiB: refused from its Content-Length. */
  huge = g_malloc (huge_len);
  memset (huge, ' ', huge_len);
  huge[0] = '{';
  huge[huge_len - 1] = '}';
  expect_bad ("/sync/push", token, "application/json", huge, huge_len, 413, "too_large", NULL);
  expect_bad ("/auth/login", NULL, "application/json", huge, huge_len, 413, "too_large", NULL);

  /* Unknown paths and methods. */
  {
    guint status = 0;
    g_autoptr(GBytes) a = st_request_raw (session, base, "GET", NULL, "/nothing", token, NULL, NULL, NULL, &status);
    g_autoptr(GBytes) b = st_request_raw (session, base, "DELETE", NULL, "/sync/push", token, NULL, NULL, NULL, &status);

    g_assert_cmpuint (status, ==, 405);
  }
  assert_health ();
}

static gpointer
chunk_writer (gpointer data)
{
  GOutputStream *out = data;
  const gsize size = 64 * 1024;
  g_autofree char *chunk = g_malloc (size + 16);
  gsize len;

  /* 4 MiB in chunks of 64 KiB, until the server stops taking them. */
  len = g_snprintf (chunk, 16, "%zx\r\n", size);
  memset (chunk + len, ' ', size);
  memcpy (chunk + len + size, "\r\n", 2);
  len += size + 2;
  for (guint i = 0; i < 64; i++)
    if (!g_output_stream_write_all (out, chunk, len, NULL, NULL, NULL))
      return NULL;
  g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, NULL);
  return NULL;
}

/* A chunked body announces no length: the server refuses it from its headers (411)
 * instead of buffering however much comes, and goes on serving. */
static void
test_chunked (void)
{
  guint port = os_test_server_get_port (srv);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client_socket = g_socket_client_new ();
  g_autoptr(GSocketConnection) tcp = g_socket_client_connect_to_host (client_socket, "127.0.0.1", port, NULL, &error);
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("127.0.0.1", port);
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *head = g_strdup_printf ("POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n", port);
  g_autoptr(GString) answer = g_string_new (NULL);
  GThread *writer;
  char buffer[4096];

  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), os_test_server_get_tls_database (srv));
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);

  writer = g_thread_new ("chunks", chunk_writer, g_io_stream_get_output_stream (tls));
  while (strstr (answer->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (answer, buffer, n);
    }
  g_thread_join (writer);
  g_io_stream_close (tls, NULL, NULL);

  g_test_message ("answer: %.40s", answer->str);
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 411 "));
  assert_health ();
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct {
  const char *base;
  guint       status;
} SlowRequest;

static gpointer
slow_request (gpointer data)
{
  SlowRequest *r = data;
  g_autoptr(SoupSession) s = os_test_server_new_session (srv);
  g_autoptr(JsonNode) answer = st_request (s, r->base, "GET", "/me", "some-token", NULL, &r->status);

  return NULL;
}

/* A server with as many requests in hand as it takes answers the next at once: 503 with
 * Retry-After, rather than queueing without end. Its one worker is held by a table lock. */
static void
test_busy (void)
{
  guint port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *busy_base = g_strdup_printf ("https://127.0.0.1:%u/api/v1", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(SoupSession) s = os_test_server_new_session (srv);
  PGconn *lock = PQconnectdb (os_test_server_get_conninfo (srv));
  PGconn *watch = PQconnectdb (os_test_server_get_conninfo (srv));
  SlowRequest slow = { busy_base, 0 };
  GThread *thread;
  PGresult *res;
  guint status = 0;
  gboolean waiting = FALSE;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error,
                                         g_getenv ("ONESTOP_SERVER"), "serve", "--db", os_test_server_get_conninfo (srv),
                                         "--listen", "127.0.0.1", "--port", port_text,
                                         "--tls-cert", g_getenv ("ONESTOP_TEST_CERT"),
                                         "--tls-key", g_getenv ("ONESTOP_TEST_KEY"),
                                         "--workers", "1", "--max-pending", "1", "--log-level", "warning", NULL);
  g_assert_no_error (error);
  for (guint tries = 0; tries < 200 && status != 200; tries++)
    {
      g_autofree char *url = g_strconcat (busy_base, "/health", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = soup_session_send_and_read (s, msg, NULL, NULL);

      status = soup_message_get_status (msg);
      if (status != 200)
        g_usleep (50 * 1000);
    }
  g_assert_cmpuint (status, ==, 200);

  g_assert_cmpint (PQstatus (lock), ==, CONNECTION_OK);
  g_assert_cmpint (PQstatus (watch), ==, CONNECTION_OK);
  res = PQexec (lock, "BEGIN; LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_COMMAND_OK);
  PQclear (res);

  /* The worker takes a request and waits for the lock… */
  thread = g_thread_new ("slow", slow_request, &slow);
  for (guint tries = 0; tries < 100 && !waiting; tries++)
    {
      res = PQexec (watch, "SELECT count (*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                           " AND datname = current_database ()");
      waiting = PQresultStatus (res) == PGRES_TUPLES_OK && atoi (PQgetvalue (res, 0, 0)) > 0;
      PQclear (res);
      if (!waiting)
        g_usleep (20 * 1000);
    }
  g_assert_true (waiting);

  /* …so the next request is one too many. */
  {
    g_autofree char *url = g_strconcat (busy_base, "/health", NULL);
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = soup_session_send_and_read (s, msg, NULL, &error);
    g_autofree char *text = NULL;
    g_autoptr(JsonNode) node = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 503);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "2");
    os_test_openapi_record ("GET", "/health", 503, body);
    text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    node = json_from_string (text, NULL);
    g_assert_cmpstr (st_error_code (node), ==, "unavailable");
  }

  res = PQexec (lock, "ROLLBACK");
  PQclear (res);
  g_thread_join (thread);
  g_assert_cmpuint (slow.status, ==, 401);
  PQfinish (lock);
  PQfinish (watch);
  {
    /* And it serves again. */
    guint again = 0;
    g_autoptr(JsonNode) health = st_request (s, busy_base, "GET", "/health", NULL, NULL, &again);

    g_assert_cmpuint (again, ==, 200);
  }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

static void
test_language (void)
{
  g_autofree char *url = g_strconcat (base, "/me", NULL);
  g_autoptr(SoupMessage) vi = soup_message_new ("GET", url);
  g_autoptr(SoupMessage) en = soup_message_new ("GET", url);
  g_autoptr(GBytes) vi_body = NULL;
  g_autoptr(GBytes) en_body = NULL;

  vi_body = soup_session_send_and_read (session, vi, NULL, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (en), "Accept-Language", "en-US,en;q=0.8");
  en_body = soup_session_send_and_read (session, en, NULL, NULL);
  {
    g_autofree char *vi_text = g_strndup (g_bytes_get_data (vi_body, NULL), g_bytes_get_size (vi_body));
    g_autofree char *en_text = g_strndup (g_bytes_get_data (en_body, NULL), g_bytes_get_size (en_body));

    g_assert_nonnull (strstr (vi_text, "đăng nhập"));
    g_assert_nonnull (strstr (en_text, "log in"));
  }
}

static guint
count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* libsoup 3.2 leaves connections their client closed in CLOSE_WAIT; the server must close
 * them itself, or it runs out of descriptors. */
static void
test_closed_connections (void)
{
  GPid pid = os_test_server_get_pid (srv);
  guint before, after = 0;

  /* Settle: the connections of earlier tests may still be being swept. */
  g_usleep (3 * G_USEC_PER_SEC);
  before = count_fds (pid);
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(SoupSession) s = os_test_server_new_session (srv);
      guint status = 0;
      g_autoptr(JsonNode) health = st_request (s, base, "GET", "/health", NULL, NULL, &status);

      g_assert_cmpuint (status, ==, 200);
    }
  /* Forty connections opened and closed by their clients: the descriptors come back. */
  for (guint tries = 0; tries < 100; tries++)
    {
      after = count_fds (pid);
      if (after <= before + 2)
        break;
      g_usleep (100 * 1000);
    }
  g_assert_cmpuint (after, <=, before + 2);
  assert_health ();
}

int
main (int    argc,
      char **argv)
{
  int result;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  srv = os_test_server_new ();
  if (srv != NULL)
    {
      g_free (os_test_server_add_unit (srv, ST_AGENCY_A, "UBND Phường A", NULL));
      g_free (os_test_server_add_unit (srv, ST_AGENCY_B, "Tổ B", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "an", "mật khẩu 1", "reception", ST_AGENCY_A));
      g_free (os_test_server_add_user (srv, "sup", "pw", "supervisor,leader", ST_AGENCY_A));
      desk_a = os_test_server_add_desk (srv, ST_AGENCY_A, "Quầy 1");
      desk_b = os_test_server_add_desk (srv, ST_AGENCY_B, "Quầy B");
      client = st_uuid ();
      os_test_server_start (srv);
      session = os_test_server_new_session (srv);
      base = os_test_server_get_base_url (srv);

      g_test_add_func ("/server/auth/login", test_login);
      g_test_add_func ("/server/auth/login-refused", test_login_refused);
      g_test_add_func ("/server/auth/refresh", test_refresh);
      g_test_add_func ("/server/auth/refresh-grace", test_refresh_grace);
      g_test_add_func ("/server/auth/logout-refresh-token", test_logout_refresh_token);
      g_test_add_func ("/server/auth/unknown-user", test_unknown_user_same_answer);
      g_test_add_func ("/server/input/chunked", test_chunked);
      g_test_add_func ("/server/input/busy", test_busy);
      g_test_add_func ("/server/auth/logout", test_logout);
      g_test_add_func ("/server/auth/expired", test_expired);
      g_test_add_func ("/server/auth/bad-tokens", test_bad_tokens);
      g_test_add_func ("/server/input/hostile", test_hostile);
      g_test_add_func ("/server/input/language", test_language);
      g_test_add_func ("/server/connections/closed-by-client", test_closed_connections);
    }
  result = g_test_run ();
  g_clear_object (&session);
  os_test_server_free (srv);
  return result;
}
