/* test-sync-client.c: the API client (and the engine's reading of answers) against an
 * in-process SoupServer that answers wrongly on purpose: truncated or wrong JSON, error
 * statuses, expired tokens, 304s. The real server is in tests/sync.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libsoup/soup.h>

#include "os-api-client.h"
#include "os-error.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-sync-engine.h"
#include "os-test-util.h"

#define AGENCY "000.00.06.H56"
#define TEST_PROCESS_ID "0190d3a0-0000-7000-8000-0000000000a1"

/* A process for procedure "a" (one step that hands the result back). */
#define TEST_PROCESS(version) \
  "{\"id\": \"" TEST_PROCESS_ID "\", \"version\": " #version ", \"name\": \"Quy trình thử\", " \
  "\"start\": \"s1\", \"procedures\": [\"a\"], \"published_at\": 1794000000, \"published_by\": \"Quản trị\", " \
  "\"steps\": [{\"id\": \"s1\", \"name\": \"Tiếp nhận và trả kết quả\", \"unit\": \"\", " \
  "\"role\": \"reception\", \"budget\": 1, \"abilities\": [\"return\"], \"x\": 0, \"y\": 0}], " \
  "\"links\": []}"
#define TEST_PROCESS_PUBLISHED TEST_PROCESS (1)

typedef struct
{
  SoupServer   *server;
  char         *base_url;
  guint         refreshes;
  const char   *push_mode;     /* "echo", "wrong-id", "truncated", "short" */
  const char   *changes_body;
  guint         pushes;
  char         *dir;
  guint         logouts;        /* logouts that named the session by its refresh token */
  const char   *processes;      /* NULL: an older server (no definitions); "feed" */
  const char   *publish_mode;   /* "ok", "invalid", "forbidden" */
  guint         process_gets;   /* GETs of the definitions answered 200 */
  const char   *catalogue_mode; /* NULL: the catalogue; "missing" (404), "bad" (not the API's) */
  guint         catalogue_gets;
  guint         process_posts;
} Fixture;

static const char session_json[] =
  "{\"access_token\":\"%s\",\"refresh_token\":\"%s\",\"expires_in\":900,"
  "\"user\":{\"id\":\"01900000-0000-7000-8000-000000000001\",\"username\":\"ha\",\"full_name\":\"Lê Thu Hà\","
  "\"roles\":[\"reception\"],\"units\":[{\"id\":\"01900000-0000-7000-8000-0000000000a1\","
  "\"agency_code\":\"" AGENCY "\",\"name\":\"UBND Phường Thử\"}]},"
  "\"desk\":{\"id\":\"01900000-0000-7000-8000-0000000000d1\",\"unit_id\":\"01900000-0000-7000-8000-0000000000a1\","
  "\"name\":\"Quầy 1\"}}";

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
request_text (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  return g_strndup (body->data, body->length);
}

static gboolean
bearer_is (SoupServerMessage *msg,
           const char        *token)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *expected = g_strconcat ("Bearer ", token, NULL);

  return g_strcmp0 (auth, expected) == 0;
}

static void
handle_push (Fixture           *f,
             SoupServerMessage *msg)
{
  g_autofree char *text = request_text (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  JsonArray *mutations;

  f->pushes++;
  if (g_str_equal (f->push_mode, "truncated"))
    {
      respond (msg, 200, "{\"results\":[{\"id\":\"");
      return;
    }
  if (g_str_equal (f->push_mode, "proxy-404"))
    {
      /* A proxy (or an older server) that does not know the path: not the API's Error. */
      soup_server_message_set_status (msg, 404, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>404 Not Found</html>", 26);
      return;
    }
  if (g_str_equal (f->push_mode, "proxy-413-json"))
    {
      respond (msg, 413, "{\"message\":\"Request Entity Too Large\"}");
      return;
    }
  if (g_str_equal (f->push_mode, "api-invalid"))
    {
      respond (msg, 400, "{\"error\":{\"code\":\"invalid_field\",\"message\":\"Trường “payload” không hợp lệ.\"}}");
      return;
    }
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  mutations = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "mutations");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < json_array_get_length (mutations); i++)
    {
      JsonObject *m = json_array_get_object_element (mutations, i);

      if (g_str_equal (f->push_mode, "short") && i > 0)
        break;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, g_str_equal (f->push_mode, "wrong-id")
                                        ? "01900000-0000-7000-8000-00000000ffff"
                                        : json_object_get_string_member (m, "id"));
      json_builder_set_member_name (b, "record_id");
      json_builder_add_string_value (b, json_object_get_string_member (m, "record_id"));
      if (g_str_equal (json_object_get_string_member (m, "kind"), "attach"))
        {
          /* The server does not have the file: retryable. */
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, "rejected");
          json_builder_set_member_name (b, "error");
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, "blob_missing");
          json_builder_set_member_name (b, "message");
          json_builder_add_string_value (b, "Tệp chưa có.");
          json_builder_set_member_name (b, "retryable");
          json_builder_add_boolean_value (b, TRUE);
          json_builder_end_object (b);
          json_builder_end_object (b);
          continue;
        }
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, "applied");
      json_builder_set_member_name (b, "version");
      if (g_str_equal (f->push_mode, "wrong-type"))
        json_builder_add_string_value (b, "1");
      else
        json_builder_add_int_value (b, 1);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  out = json_to_string (root, FALSE);
  respond (msg, 200, out);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  /* Paths that always give the same answer. */
  static const struct
  {
    const char *path;
    guint       status;
    const char *body;
  } canned[] = {
    { "/api/v1/ok", 200, "{\"a\":1}" },
    { "/api/v1/truncated", 200, "{\"a\":[1,2" },
    { "/api/v1/html", 200, "<html><body>proxy error</body></html>" },
    { "/api/v1/e500", 500, "{\"error\":{\"code\":\"internal\",\"message\":\"Lỗi nội bộ.\"}}" },
    { "/api/v1/e403", 403, "{\"error\":{\"code\":\"forbidden\",\"message\":\"Không có quyền với đơn vị này.\"}}" },
    { "/api/v1/e400", 400, "{\"error\":{\"code\":\"invalid_field\",\"message\":\"Trường “day” không hợp lệ.\"}}" },
    { "/api/v1/e400-garbage", 400, "not json at all" },
  };
  Fixture *f = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (canned); i++)
    if (g_str_equal (path, canned[i].path))
      {
        respond (msg, canned[i].status, canned[i].body);
        return;
      }

  if (g_str_equal (path, "/api/v1/me"))
    {
      if (bearer_is (msg, "access-2") || bearer_is (msg, "access-3"))
        respond (msg, 200, "{\"ok\":true}");
      else
        respond (msg, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Phiên đã hết hạn.\"}}");
    }
  else if (g_str_equal (path, "/api/v1/auth/refresh"))
    {
      g_autofree char *text = request_text (msg);

      f->refreshes++;
      /* Each refresh token works once (rotation). */
      if (strstr (text, "\"refresh-1\"") != NULL)
        {
          g_autofree char *body = g_strdup_printf (session_json, "access-2", "refresh-2");
          respond (msg, 200, body);
        }
      else if (strstr (text, "\"refresh-2\"") != NULL)
        {
          g_autofree char *body = g_strdup_printf (session_json, "access-3", "refresh-3");
          respond (msg, 200, body);
        }
      else
        respond (msg, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Mã làm mới không hợp lệ.\"}}");
    }
  else if (g_str_equal (path, "/api/v1/auth/logout"))
    {
      g_autofree char *text = request_text (msg);
      const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                       "Authorization");

      /* Like the real server: a body naming a live refresh token ends its session with no
       * bearer needed; otherwise the bearer must be valid (access-1 has expired). */
      if (strstr (text, "\"refresh_token\":\"refresh-1\"") != NULL)
        {
          f->logouts++;
          respond (msg, 204, NULL);
        }
      else if (auth != NULL && (bearer_is (msg, "access-2") || bearer_is (msg, "access-3")))
        respond (msg, 204, NULL);
      else
        respond (msg, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Phiên đã hết hạn.\"}}");
    }
  else if (g_str_equal (path, "/api/v1/auth/login"))
    {
      g_autofree char *text = request_text (msg);

      if (strstr (text, "\"bad-shape\"") != NULL)
        respond (msg, 200, "{\"access_token\":5,\"refresh_token\":\"r\",\"expires_in\":9}");
      else if (strstr (text, "\"wrong\"") != NULL)
        respond (msg, 401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Sai tên đăng nhập hoặc mật khẩu.\"}}");
      else
        {
          g_autofree char *body = g_strdup_printf (session_json, "access-2", "refresh-2");
          respond (msg, 200, body);
        }
    }
  else if (g_str_equal (path, "/api/v1/definitions/procedures"))
    {
      const char *inm = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                      "If-None-Match");

      f->catalogue_gets++;
      if (g_strcmp0 (f->catalogue_mode, "missing") == 0)
        respond (msg, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"Không có.\"}}");
      else if (g_strcmp0 (f->catalogue_mode, "bad") == 0)
        respond (msg, 200, "{\"procedures\":{}}");
      else if (g_strcmp0 (inm, "\"v1\"") == 0)
        respond (msg, 304, NULL);
      else
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", "\"v1\"");
          respond (msg, 200, "{\"version\":1,\"procedures\":[{\"id\":\"a\",\"name\":\"Thủ tục A\"}]}");
        }
    }
  else if (g_str_equal (path, "/api/v1/blobs/chunk"))
    {
      /* Takes a chunk only at offset 4; says where it is otherwise. */
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      g_autofree char *text = request_text (msg);

      if (g_strcmp0 (soup_message_headers_get_one (headers, "Content-Range"), "bytes 4-7/8") == 0 &&
          g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/octet-stream") == 0 &&
          g_str_equal (text, "efgh"))
        respond (msg, 200, "{\"received\":8,\"complete\":true}");
      else
        respond (msg, 409, "{\"error\":{\"code\":\"blob_offset\",\"message\":\"x\"},\"received\":4,\"complete\":false}");
    }
  else if (g_str_equal (path, "/api/v1/blobs/range"))
    {
      const char *range = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Range");

      if (g_strcmp0 (range, "bytes=2-4") == 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Content-Range",
                                        "bytes 2-4/10");
          soup_server_message_set_status (msg, 206, NULL);
          soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, "c\0e", 3);
        }
      else
        respond (msg, 416, "{\"error\":{\"code\":\"blob_range\",\"message\":\"x\"}}");
    }
  else if (g_str_equal (path, "/api/v1/definitions/processes") && f->processes != NULL &&
           g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      const char *inm = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                      "If-None-Match");

      if (g_strcmp0 (inm, "\"p1\"") == 0)
        respond (msg, 304, NULL);
      else
        {
          f->process_gets++;
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", "\"p1\"");
          respond (msg, 200, "{\"version\":1,\"processes\":[" TEST_PROCESS_PUBLISHED ", {\"id\": 5}]}");
        }
    }
  else if (g_str_equal (path, "/api/v1/definitions/processes") &&
           g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      g_autofree char *text = request_text (msg);
      g_autoptr(JsonParser) parser = json_parser_new ();

      f->process_posts++;
      if (g_strcmp0 (f->publish_mode, "forbidden") == 0)
        respond (msg, 403, "{\"error\":{\"code\":\"forbidden\",\"message\":\"Chỉ quản trị viên được ban hành quy trình.\"}}");
      else if (g_strcmp0 (f->publish_mode, "invalid") == 0)
        respond (msg, 400, "{\"error\":{\"code\":\"invalid_process\",\"message\":\"Bước “Xử lý” không có ai đảm nhận.\"}}");
      else if (json_parser_load_from_data (parser, text, -1, NULL) &&
               JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));
          g_autofree char *body = NULL;

          /* As the server publishes it: the next version, when and by whom. */
          json_object_set_int_member (o, "version", 2);
          json_object_set_int_member (o, "published_at", 1795000000);
          json_object_set_string_member (o, "published_by", "Quản trị viên máy chủ");
          body = json_to_string (json_parser_get_root (parser), FALSE);
          respond (msg, 201, body);
        }
      else
        respond (msg, 400, "{\"error\":{\"code\":\"malformed_json\",\"message\":\"x\"}}");
    }
  else if (g_str_equal (path, "/api/v1/sync/push"))
    handle_push (f, msg);
  else if (g_str_equal (path, "/api/v1/sync/changes"))
    respond (msg, 200, f->changes_body);
  else
    respond (msg, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"Không có.\"}}");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *root = NULL;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, server_callback, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  root = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->base_url = g_strconcat (root, "api/v1", NULL);
  f->push_mode = "echo";
  f->changes_body = "{\"changes\":[],\"next_cursor\":\"c-1\",\"has_more\":false}";
  f->dir = g_dir_make_tmp ("os-test-sync-client-XXXXXX", &error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->base_url);
  os_test_remove_tree (f->dir);
  g_free (f->dir);
}

static JsonNode *
call (OsApiClient  *client,
      const char   *path,
      guint        *status,
      GError      **error)
{
  GAsyncResult *result = NULL;
  JsonNode *node;

  os_api_client_call_async (client, "GET", path, NULL, NULL, os_test_store_result, &result);
  node = os_api_client_call_finish (client, os_test_wait_result (&result), status, error);
  g_object_unref (result);
  return node;
}

static void
test_statuses (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  struct { const char *path; int code; const char *message; } cases[] = {
    { "/truncated", OS_ERROR_PROTOCOL, NULL },
    { "/html", OS_ERROR_PROTOCOL, NULL },
    { "/e500", OS_ERROR_SERVER, NULL },
    { "/e403", OS_ERROR_FORBIDDEN, "Không có quyền với đơn vị này." },
    { "/e400", OS_ERROR_REJECTED, "Trường “day” không hợp lệ." },
    { "/e400-garbage", OS_ERROR_REJECTED, NULL },
    { "/nothing-here", OS_ERROR_REJECTED, "Không có." },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) ok = NULL;
  guint status = 0;

  ok = call (client, "/ok", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (ok));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = call (client, cases[i].path, &status, &error);

      g_assert_null (node);
      g_assert_error (error, OS_ERROR, cases[i].code);
      if (cases[i].message)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_cmpuint (strlen (error->message), >, 0);
      g_clear_error (&error);
    }
}

static GBytes *
send_bytes (OsApiClient         *client,
            const char          *method,
            const char          *path,
            const char * const  *headers,
            const char          *body,
            guint               *status,
            char               **content_range,
            GError             **error)
{
  GAsyncResult *result = NULL;
  g_autoptr(GBytes) bytes = body ? g_bytes_new (body, strlen (body)) : NULL;
  GBytes *answer;

  os_api_client_send_bytes_async (client, method, path, headers, bytes, NULL, NULL, os_test_store_result, &result);
  answer = os_api_client_send_bytes_finish (client, os_test_wait_result (&result), status, content_range, error);
  g_object_unref (result);
  return answer;
}

/* Binary exchanges: headers and octets both ways; 409 and 416 come back as answers. */
static void
test_send_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(GError) error = NULL;
  const char *good[] = { "Content-Range", "bytes 4-7/8", NULL };
  const char *bad[] = { "Content-Range", "bytes 0-3/8", NULL };
  const char *range[] = { "Range", "bytes=2-4", NULL };
  g_autofree char *content_range = NULL;
  guint status = 0;
  g_autoptr(GBytes) ok = send_bytes (client, "PUT", "/blobs/chunk", good, "efgh", &status, NULL, &error);
  g_autoptr(GBytes) conflict = NULL;
  g_autoptr(GBytes) part = NULL;
  g_autoptr(GBytes) outside = NULL;
  g_autoptr(GBytes) missing = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (ok, NULL), "\"complete\":true"));

  conflict = send_bytes (client, "PUT", "/blobs/chunk", bad, "abcd", &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 409);
  g_assert_nonnull (conflict);

  part = send_bytes (client, "GET", "/blobs/range", range, NULL, &status, &content_range, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 206);
  g_assert_cmpstr (content_range, ==, "bytes 2-4/10");
  g_assert_cmpmem (g_bytes_get_data (part, NULL), g_bytes_get_size (part), "c\0e", 3);

  outside = send_bytes (client, "GET", "/blobs/range", NULL, NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 416);

  /* Other statuses are errors as for JSON calls. */
  missing = send_bytes (client, "GET", "/blobs/nothing-here", NULL, NULL, &status, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, OS_ERROR, OS_ERROR_REJECTED);
  g_assert_cmpstr (error->message, ==, "Không có.");
}

static void
test_network_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(OsApiClient) client = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has nobody listening. */
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u/api/v1",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = os_api_client_new (url, NULL);
  node = call (client, "/ok", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
}

static void
on_tokens_changed (OsApiClient *client,
                   guint       *count)
{
  (*count)++;
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GAsyncResult *r1 = NULL, *r2 = NULL;
  guint changed = 0;

  g_signal_connect (client, "tokens-changed", G_CALLBACK (on_tokens_changed), &changed);

  /* An expired access token: one refresh, the request repeated, the new tokens kept. */
  os_api_client_set_tokens (client, "access-1", "refresh-1");
  node = call (client, "/me", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (f->refreshes, ==, 1);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (os_api_client_get_refresh_token (client), ==, "refresh-2");

  /* Two requests that both get 401 share one refresh: a refresh token works once. */
  os_api_client_set_tokens (client, "access-expired", "refresh-2");
  os_api_client_call_async (client, "GET", "/me", NULL, NULL, os_test_store_result, &r1);
  os_api_client_call_async (client, "GET", "/me", NULL, NULL, os_test_store_result, &r2);
  g_clear_pointer (&node, json_node_unref);
  node = os_api_client_call_finish (client, os_test_wait_result (&r1), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&node, json_node_unref);
  node = os_api_client_call_finish (client, os_test_wait_result (&r2), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->refreshes, ==, 2);
  g_assert_cmpuint (changed, ==, 2);
  g_clear_object (&r1);
  g_clear_object (&r2);

  /* A refresh token the server no longer accepts: log in again. */
  os_api_client_set_tokens (client, "access-expired", "refresh-revoked");
  g_clear_pointer (&node, json_node_unref);
  node = call (client, "/me", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (changed, ==, 2);
}

static void
test_login (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsApiSession) session = NULL;
  GAsyncResult *result = NULL;

  os_api_client_login_async (client, "ha", "secret", "d", "c", NULL, os_test_store_result, &result);
  session = os_api_client_login_finish (client, os_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->full_name, ==, "Lê Thu Hà");
  g_assert_cmpstr (session->roles[0], ==, "reception");
  g_assert_cmpuint (json_array_get_length (session->units), ==, 1);
  g_assert_cmpstr (session->desk_name, ==, "Quầy 1");
  g_assert_cmpstr (os_api_client_get_refresh_token (client), ==, "refresh-2");
  g_clear_object (&result);
  g_clear_pointer (&session, os_api_session_free);

  os_api_client_login_async (client, "ha", "wrong", "d", "c", NULL, os_test_store_result, &result);
  session = os_api_client_login_finish (client, os_test_wait_result (&result), &error);
  g_assert_null (session);
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Sai tên đăng nhập hoặc mật khẩu.");
  /* No refresh is tried for a login. */
  g_assert_cmpuint (f->refreshes, ==, 0);
  g_clear_error (&error);
  g_clear_object (&result);

  os_api_client_login_async (client, "ha", "bad-shape", "d", "c", NULL, os_test_store_result, &result);
  session = os_api_client_login_finish (client, os_test_wait_result (&result), &error);
  g_assert_null (session);
  g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
  g_clear_object (&result);
}

static void
test_etag (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *etag = NULL;
  GAsyncResult *result = NULL;

  os_api_client_get_with_etag_async (client, "/definitions/procedures", NULL, NULL, os_test_store_result, &result);
  node = os_api_client_get_with_etag_finish (client, os_test_wait_result (&result), &etag, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpstr (etag, ==, "\"v1\"");
  g_clear_object (&result);
  g_clear_pointer (&node, json_node_unref);

  os_api_client_get_with_etag_async (client, "/definitions/procedures", etag, NULL, os_test_store_result, &result);
  node = os_api_client_get_with_etag_finish (client, os_test_wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (node);   /* 304: the desk's copy is current */
  g_clear_object (&result);
}

/* The engine reading answers ----------------------------------------------------- */

static OsStore *
new_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "desk.db", NULL);
  g_autoptr(OsStore) store = os_store_open (path, &error);
  g_autoptr(OsAgency) agency = os_agency_new (AGENCY, "UBND Phường Thử", "", "", "Bộ phận Một cửa");

  g_assert_no_error (error);
  g_assert_true (os_store_set_agency (store, agency, &error));
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(OsRecord) record = os_record_new ();

      os_record_set_procedure (record, "a", "", "Thủ tục A", "");
      os_record_set_applicant_name (record, "Nguyễn Văn An");
      os_record_set_status (record, OS_STATUS_RECEIVED);
      g_assert_true (os_store_receive (store, record, 1795000000 + i, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&store);
}

static gboolean
run_sync (OsSyncEngine  *engine,
          GError       **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  os_sync_engine_sync_async (engine, NULL, os_test_store_result, &result);
  ok = os_sync_engine_sync_finish (engine, os_test_wait_result (&result), error);
  g_object_unref (result);
  return ok;
}

static void
test_engine_bad_answers (Fixture *f, gconstpointer data)
{
  g_autoptr(OsStore) store = new_store (f);
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(OsSyncEngine) engine = os_sync_engine_new (store, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  const char *modes[] = { "wrong-id", "truncated", "short", "wrong-type" };
  const char *pages[] = {
    "{\"changes\":{},\"next_cursor\":\"c-1\",\"has_more\":false}",
    "{\"changes\":[],\"next_cursor\":1,\"has_more\":false}",
    "{\"changes\":[{\"entity\":\"record\"}],\"next_cursor\":\"c-1\",\"has_more\":false}",
    "[]",
    /* "more", but the next page does not move on: stopped instead of looping (the first
     * page of it moved the cursor, rightly). */
    "{\"changes\":[],\"next_cursor\":\"c-0\",\"has_more\":true}",
  };

  os_sync_engine_set_batch_size (engine, 2);
  g_assert_cmpuint (os_sync_engine_get_pending (engine), ==, 3);
  g_assert_cmpint (os_sync_engine_get_state (engine), ==, OS_SYNC_STATE_WAITING);

  /* Answers that do not echo what was sent are not success: nothing leaves the outbox. */
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      f->push_mode = modes[i];
      g_assert_false (run_sync (engine, &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
      g_clear_error (&error);
      g_assert_cmpint (os_store_count_pending (store), ==, 3);
      g_assert_cmpint (os_sync_engine_get_state (engine), ==, OS_SYNC_STATE_ERROR);
      g_assert_nonnull (os_sync_engine_get_message (engine));
    }

  /* Good pushes, bad pages: the records are acknowledged, the cursor does not move. */
  f->push_mode = "echo";
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      f->changes_body = pages[i];
      g_assert_false (run_sync (engine, &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
      g_clear_error (&error);
      g_free (cursor);
      cursor = os_store_dup_sync_cursor (store);
      g_assert_cmpstr (cursor, ==, i + 1 < G_N_ELEMENTS (pages) ? "" : "c-0");
    }
  g_assert_cmpint (os_store_count_pending (store), ==, 0);

  /* All good: up to date, cursor saved, catalogue fetched with its ETag. */
  f->changes_body = "{\"changes\":[],\"next_cursor\":\"c-1\",\"has_more\":false}";
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_free (cursor);
  cursor = os_store_dup_sync_cursor (store);
  g_assert_cmpstr (cursor, ==, "c-1");
  g_assert_cmpint (os_sync_engine_get_state (engine), ==, OS_SYNC_STATE_UP_TO_DATE);
  g_assert_cmpint (os_sync_engine_get_last_sync (engine), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (os_store_get_procedures (store)), ==, 1);
  {
    g_autofree char *etag = os_store_dup_setting (store, "catalogue-etag");
    g_assert_cmpstr (etag, ==, "\"v1\"");
  }
}

/* Logout names the session by its refresh token: it ends even when the access token has
 * expired or there is none (an offline unlock). */
static void
test_logout (Fixture *f, gconstpointer data)
{
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  os_api_client_set_tokens (client, "access-1", "refresh-1");
  os_api_client_logout_async (client, NULL, os_test_store_result, &result);
  g_assert_true (os_api_client_logout_finish (client, os_test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->logouts, ==, 1);
  g_assert_null (os_api_client_get_refresh_token (client));
  g_clear_object (&result);

  os_api_client_set_tokens (client, NULL, "refresh-1");
  os_api_client_logout_async (client, NULL, os_test_store_result, &result);
  g_assert_true (os_api_client_logout_finish (client, os_test_wait_result (&result), &error));
  g_assert_cmpuint (f->logouts, ==, 2);
  g_clear_object (&result);
}

/* A 4xx that is not the API's Error says nothing about the mutations: nothing is
 * quarantined, the round fails with a clear reason (and backs off), the pull still runs.
 * The API's own validation Error does quarantine, one mutation at a time. */
static void
test_engine_foreign_4xx (Fixture *f, gconstpointer data)
{
  g_autoptr(OsStore) store = new_store (f);
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(OsSyncEngine) engine = os_sync_engine_new (store, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  const char *modes[] = { "proxy-404", "proxy-413-json" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      f->push_mode = modes[i];
      g_assert_false (run_sync (engine, &error));
      g_assert_error (error, OS_ERROR, OS_ERROR_REJECTED);
      g_assert_nonnull (strstr (error->message, "không trả lời theo giao thức"));
      g_clear_error (&error);
      g_assert_cmpint (os_store_count_quarantined (store), ==, 0);
      g_assert_cmpint (os_store_count_pending (store), ==, 3);
      g_assert_cmpint (os_sync_engine_get_state (engine), ==, OS_SYNC_STATE_ERROR);
      g_assert_nonnull (strstr (os_sync_engine_get_message (engine), "HTTP 4"));
    }
  /* The pull ran all the same: the desk keeps receiving. */
  cursor = os_store_dup_sync_cursor (store);
  g_assert_cmpstr (cursor, ==, "c-1");

  f->push_mode = "api-invalid";
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_quarantined (store), ==, 3);
  g_assert_cmpint (os_store_count_pending (store), ==, 0);
  {
    g_autoptr(GPtrArray) list = os_store_list_quarantined (store, &error);

    g_assert_cmpstr (((OsQuarantined *) g_ptr_array_index (list, 0))->error_code, ==, "invalid_field");
  }
}

/* An attachment whose file is not on the desk waits, and the engine says which file. */
static void
test_engine_missing_file (Fixture *f, gconstpointer data)
{
  g_autoptr(OsStore) store = new_store (f);
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(OsSyncEngine) engine = os_sync_engine_new (store, client);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = g_strnfill (64, 'a');
  g_autofree char *attachment = os_store_add_attachment (store, 1, "", "giay-khai-sinh.pdf", "application/pdf",
                                                         sha256, 1234, 1, 1795000100, &error);

  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_pending (store), ==, 1);
  g_assert_cmpint (os_store_count_quarantined (store), ==, 0);
  g_assert_cmpint (os_sync_engine_get_state (engine), ==, OS_SYNC_STATE_WAITING);
  g_assert_nonnull (os_sync_engine_get_message (engine));
  g_assert_nonnull (strstr (os_sync_engine_get_message (engine), "giay-khai-sinh.pdf"));
}

/* Publishing @draft fails with @code and a message that holds @fragment. */
static void
assert_publish_refused (OsSyncEngine *engine,
                        OsProcess    *draft,
                        int           code,
                        const char   *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  os_sync_engine_publish_process_async (engine, draft, NULL, os_test_store_result, &result);
  g_assert_null (os_sync_engine_publish_process_finish (engine, os_test_wait_result (&result), &error));
  g_assert_error (error, OS_ERROR, code);
  g_assert_nonnull (strstr (error->message, fragment));
}

/* The setting @name of @store is @expected ("": unset or empty). */
static void
assert_setting (OsStore    *store,
                const char *name,
                const char *expected)
{
  g_autofree char *value = os_store_dup_setting (store, name);

  g_assert_cmpstr (value ? value : "", ==, expected);
}

/* Process definitions: pulled each round with their ETag (an older server without them
 * does not fail the round); publishing goes through the server. */
static void
test_engine_processes (Fixture *f, gconstpointer data)
{
  g_autoptr(OsStore) store = new_store (f);
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(OsSyncEngine) engine = os_sync_engine_new (store, client);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(OsProcess) draft = NULL;
  g_autoptr(OsProcess) published = NULL;
  g_autoptr(OsProcess) empty = os_process_new ("Trống");
  g_autoptr(OsProcess) found = NULL;
  g_autofree char *etag = NULL;
  GAsyncResult *result = NULL;

  f->push_mode = "echo";
  f->changes_body = "{\"changes\":[],\"next_cursor\":\"c-1\",\"has_more\":false}";

  /* An older server: 404 for the definitions, the round still succeeds. */
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_get_processes_version (store), ==, 0);

  /* The feed: stored (the unreadable one skipped), then 304 with the ETag kept. */
  f->processes = "feed";
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->process_gets, ==, 1);
  list = os_store_list_processes (store, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (os_process_get_version (g_ptr_array_index (list, 0)), ==, 1);
  etag = os_store_dup_setting (store, "processes-etag");
  g_assert_cmpstr (etag, ==, "\"p1\"");
  found = os_store_find_process_for_procedure (store, "a");
  g_assert_nonnull (found);
  g_assert_true (run_sync (engine, &error));
  g_assert_cmpuint (f->process_gets, ==, 1);

  /* Publishing: the server's version is stored and the draft dropped. */
  draft = os_process_new_from_data (TEST_PROCESS (0), &error);
  g_assert_no_error (error);
  g_assert_true (os_store_save_process_draft (store, draft, &error));
  f->publish_mode = "ok";
  os_sync_engine_publish_process_async (engine, draft, NULL, os_test_store_result, &result);
  published = os_sync_engine_publish_process_finish (engine, os_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (os_process_get_version (published), ==, 2);
  g_assert_cmpstr (os_process_get_published_by (published), ==, "Quản trị viên máy chủ");
  g_assert_cmpint (os_store_get_processes_version (store), ==, 2);
  g_clear_object (&found);
  found = os_store_load_process (store, TEST_PROCESS_ID, 0, &error);
  g_assert_error (error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The server's refusals keep its sentence. */
  f->publish_mode = "invalid";
  assert_publish_refused (engine, draft, OS_ERROR_REJECTED, "không có ai đảm nhận");
  f->publish_mode = "forbidden";
  assert_publish_refused (engine, draft, OS_ERROR_FORBIDDEN, "quản trị viên");

  /* A draft the checks refuse is not even sent. */
  assert_publish_refused (engine, empty, OS_ERROR_INVALID_INPUT, "");
  g_assert_cmpuint (f->process_posts, ==, 3);
}

/* The catalogue and the process definitions are fetched one after the other, each on its
 * own: a catalogue the server does not give (404) or gives broken still lets the
 * definitions in, and the round succeeds. */
static void
test_engine_definitions_each (Fixture *f, gconstpointer data)
{
  g_autoptr(OsStore) store = new_store (f);
  g_autoptr(OsApiClient) client = os_api_client_new (f->base_url, NULL);
  g_autoptr(OsSyncEngine) engine = os_sync_engine_new (store, client);
  g_autoptr(GError) error = NULL;

  f->push_mode = "echo";
  f->changes_body = "{\"changes\":[],\"next_cursor\":\"c-1\",\"has_more\":false}";
  f->processes = "feed";

  f->catalogue_mode = "missing";
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->catalogue_gets, ==, 1);
  g_assert_cmpuint (f->process_gets, ==, 1);
  g_assert_cmpint (os_store_get_processes_version (store), ==, 1);
  assert_setting (store, "catalogue-etag", "");
  assert_setting (store, "processes-etag", "\"p1\"");

  /* A broken catalogue: not stored, the round goes on (definitions not modified: 304). */
  f->catalogue_mode = "bad";
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->catalogue_gets, ==, 2);
  g_assert_cmpuint (f->process_gets, ==, 1);
  assert_setting (store, "catalogue-etag", "");

  /* Then the catalogue comes, with its ETag kept as its own. */
  f->catalogue_mode = NULL;
  g_assert_true (run_sync (engine, &error));
  g_assert_no_error (error);
  assert_setting (store, "catalogue-etag", "\"v1\"");
  assert_setting (store, "processes-etag", "\"p1\"");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("no_proxy", "*", TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync-client/send-bytes", test_send_bytes);
  ADD ("/sync-client/statuses", test_statuses);
  ADD ("/sync-client/network-error", test_network_error);
  ADD ("/sync-client/refresh", test_refresh);
  ADD ("/sync-client/login", test_login);
  ADD ("/sync-client/etag", test_etag);
  ADD ("/sync-client/engine-bad-answers", test_engine_bad_answers);
  ADD ("/sync-client/logout", test_logout);
  ADD ("/sync-client/engine-foreign-4xx", test_engine_foreign_4xx);
  ADD ("/sync-client/engine-missing-file", test_engine_missing_file);
  ADD ("/sync-client/engine-processes", test_engine_processes);
  ADD ("/sync-client/engine-definitions-each", test_engine_definitions_each);
#undef ADD

  return g_test_run ();
}
