/* os-api-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "os-api-client.h"
#include "os-api-private.h"
#include "os-error.h"

/* A body larger than this is not a plausible answer of the API. */
#define MAX_RESPONSE_BYTES (64 * 1024 * 1024)

struct _OsApiClient
{
  GObject      parent_instance;

  char        *base_url;
  SoupSession *session;
  char        *access_token;
  char        *refresh_token;

  /* One refresh at a time: requests that got 401 while one runs wait for it. */
  gboolean     refreshing;
  GPtrArray   *refresh_waiters;  /* GTask of the requests waiting */
};

G_DEFINE_FINAL_TYPE (OsApiClient, os_api_client, G_TYPE_OBJECT)

enum { TOKENS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
os_api_session_free (OsApiSession *session)
{
  if (session == NULL)
    return;
  g_free (session->access_token);
  g_free (session->refresh_token);
  g_free (session->user_id);
  g_free (session->username);
  g_free (session->full_name);
  g_strfreev (session->roles);
  g_clear_pointer (&session->units, json_array_unref);
  g_free (session->desk_id);
  g_free (session->desk_unit_id);
  g_free (session->desk_name);
  g_free (session);
}

static void
os_api_client_finalize (GObject *object)
{
  OsApiClient *self = (OsApiClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->refresh_waiters, g_ptr_array_unref);
  g_free (self->base_url);
  g_free (self->access_token);
  g_free (self->refresh_token);

  G_OBJECT_CLASS (os_api_client_parent_class)->finalize (object);
}

static void
os_api_client_class_init (OsApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_api_client_finalize;

  /* The tokens changed by a refresh: the owner stores the new refresh token. */
  signals[TOKENS_CHANGED] = g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
os_api_client_init (OsApiClient *self)
{
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
host_is_loopback (const char *base_url)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

OsApiClient *
os_api_client_new (const char   *base_url,
                   GTlsDatabase *tls_database)
{
  OsApiClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (tls_database == NULL || G_IS_TLS_DATABASE (tls_database), NULL);

  self = g_object_new (OS_TYPE_API_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';

  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "timeout", 30,
                                "idle-timeout", 60,
                                "max-conns-per-host", 4,
                                "user-agent", "onestop-desk/" PACKAGE_VERSION,
                                NULL);
  /* A loopback server is never behind a proxy (and a proxy from the environment would
   * break the tests). */
  if (host_is_loopback (base_url))
    g_object_set (self->session, "proxy-resolver", NULL, NULL);
  if (tls_database != NULL)
    g_object_set (self->session, "tls-database", tls_database, NULL);

  return self;
}

const char *
os_api_client_get_base_url (OsApiClient *self)
{
  g_return_val_if_fail (OS_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

void
os_api_client_set_tokens (OsApiClient *self,
                          const char  *access_token,
                          const char  *refresh_token)
{
  g_return_if_fail (OS_IS_API_CLIENT (self));

  g_free (self->access_token);
  self->access_token = g_strdup (access_token);
  g_free (self->refresh_token);
  self->refresh_token = g_strdup (refresh_token);
}

const char *
os_api_client_get_refresh_token (OsApiClient *self)
{
  g_return_val_if_fail (OS_IS_API_CLIENT (self), NULL);
  return self->refresh_token;
}

/* JSON shapes ------------------------------------------------------------------- */

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
               _("Máy chủ trả lời không đúng giao thức (%s)."), what);
  return FALSE;
}

/* Typed members that never trip json-glib's checks on a wrong type. */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object && json_object_has_member (object, name) ? json_object_get_member (object, name) : NULL;
}

/* The member @name if it is a value of @type. */
static JsonNode *
value_member (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = member (object, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type ? node : NULL;
}

const char *
os_api_json_string (JsonObject *object,
                    const char *name)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);

  return node ? json_node_get_string (node) : NULL;
}

gboolean
os_api_json_int (JsonObject *object,
                 const char *name,
                 gint64     *value)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);

  if (node == NULL)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

gboolean
os_api_json_bool (JsonObject *object,
                  const char *name,
                  gboolean   *value)
{
  JsonNode *node = value_member (object, name, G_TYPE_BOOLEAN);

  if (node == NULL)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

JsonObject *
os_api_json_object (JsonObject *object,
                    const char *name)
{
  JsonNode *node = member (object, name);

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
os_api_json_array (JsonObject *object,
                   const char *name)
{
  JsonNode *node = member (object, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static OsApiSession *
parse_session (JsonNode  *root,
               GError   **error)
{
  g_autoptr(OsApiSession) session = g_new0 (OsApiSession, 1);
  JsonObject *object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *user = os_api_json_object (object, "user");
  JsonObject *desk = os_api_json_object (object, "desk");
  JsonArray *roles = os_api_json_array (user, "roles");
  JsonArray *units = os_api_json_array (user, "units");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (object == NULL || user == NULL || desk == NULL || roles == NULL || units == NULL ||
      os_api_json_string (object, "access_token") == NULL ||
      os_api_json_string (object, "refresh_token") == NULL ||
      !os_api_json_int (object, "expires_in", &session->expires_in) ||
      os_api_json_string (user, "id") == NULL ||
      os_api_json_string (user, "username") == NULL ||
      os_api_json_string (user, "full_name") == NULL ||
      os_api_json_string (desk, "id") == NULL ||
      os_api_json_string (desk, "unit_id") == NULL ||
      os_api_json_string (desk, "name") == NULL)
    {
      protocol_error (error, "Session");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (roles); i++)
    {
      JsonNode *role = json_array_get_element (roles, i);

      if (!JSON_NODE_HOLDS_VALUE (role) || json_node_get_value_type (role) != G_TYPE_STRING)
        {
          protocol_error (error, "User.roles");
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (role));
    }
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonNode *unit = json_array_get_element (units, i);
      JsonObject *u = JSON_NODE_HOLDS_OBJECT (unit) ? json_node_get_object (unit) : NULL;

      if (os_api_json_string (u, "id") == NULL || os_api_json_string (u, "agency_code") == NULL ||
          os_api_json_string (u, "name") == NULL)
        {
          protocol_error (error, "User.units");
          return NULL;
        }
    }

  session->access_token = g_strdup (os_api_json_string (object, "access_token"));
  session->refresh_token = g_strdup (os_api_json_string (object, "refresh_token"));
  session->user_id = g_strdup (os_api_json_string (user, "id"));
  session->username = g_strdup (os_api_json_string (user, "username"));
  session->full_name = g_strdup (os_api_json_string (user, "full_name"));
  session->roles = g_strv_builder_end (builder);
  session->units = json_array_ref (units);
  session->desk_id = g_strdup (os_api_json_string (desk, "id"));
  session->desk_unit_id = g_strdup (os_api_json_string (desk, "unit_id"));
  session->desk_name = g_strdup (os_api_json_string (desk, "name"));
  return g_steal_pointer (&session);
}

/* Requests ----------------------------------------------------------------------- */

typedef struct
{
  char        *method;
  char        *path;
  char        *body;           /* serialized JSON, or NULL */
  char        *if_none_match;
  gboolean     authorized;     /* carries the access token */
  gboolean     may_refresh;    /* repeat once after a refresh on 401 */
  gboolean     refreshed;
  char        *sent_token;     /* the access token the last attempt carried */
  SoupMessage *message;
  guint        status;
  char        *etag;
  /* Binary exchanges (os_api_client_send_bytes_async) */
  gboolean     raw;
  GBytes      *body_bytes;
  char        *content_type;
  GStrv        headers;        /* name, value, name, value, … */
  char        *content_range;  /* of the answer */
  char        *api_error_code; /* Error.code of a 4xx answer that was the API's Error object */
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->body);
  g_free (request->if_none_match);
  g_free (request->sent_token);
  g_clear_object (&request->message);
  g_free (request->etag);
  g_clear_pointer (&request->body_bytes, g_bytes_unref);
  g_free (request->content_type);
  g_strfreev (request->headers);
  g_free (request->content_range);
  g_free (request->api_error_code);
  g_free (request);
}

static void send_request (GTask *task);

static void
set_transport_error (GError       **error,
                     const GError  *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (cause));
      return;
    }
  if (cause->domain == G_TLS_ERROR)
    g_set_error (error, OS_ERROR, OS_ERROR_NETWORK,
                 _("Không thiết lập được kết nối an toàn với máy chủ: %s"), cause->message);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error_literal (error, OS_ERROR, OS_ERROR_NETWORK,
                         _("Máy chủ không trả lời kịp. Dữ liệu vẫn được giữ trên máy và sẽ được gửi lại."));
  else
    g_set_error (error, OS_ERROR, OS_ERROR_NETWORK,
                 _("Không kết nối được với máy chủ (%s). Dữ liệu vẫn được giữ trên máy và sẽ được gửi lại."),
                 cause->message);
}

/* The server's Error.message, when the body has one; *code_out gets its Error.code when
 * the body is the API's Error object (an "error" object with a string code and message). */
static char *
server_message (GBytes  *bytes,
                char   **code_out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *error;
  const char *message, *code;

  *code_out = NULL;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  error = os_api_json_object (root, "error");
  message = os_api_json_string (error, "message");
  code = os_api_json_string (error, "code");
  if (code != NULL && *code != '\0' && message != NULL)
    *code_out = g_strdup (code);
  return message && *message ? g_strdup (message) : NULL;
}

static void refresh_for_request (GTask *task);

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *message = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_autoptr(GError) mapped = NULL;

      set_transport_error (&mapped, error);
      g_task_return_error (task, g_steal_pointer (&mapped));
      return;
    }

  status = soup_message_get_status (request->message);
  request->status = status;
  g_free (request->etag);
  request->etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (request->message),
                                                          "ETag"));

  if (status == SOUP_STATUS_UNAUTHORIZED && request->may_refresh && !request->refreshed &&
      self->refresh_token != NULL)
    {
      request->refreshed = TRUE;
      /* Another request may have refreshed already while this one was on its way. */
      if (g_strcmp0 (request->sent_token, self->access_token) != 0)
        send_request (g_steal_pointer (&task));
      else
        refresh_for_request (g_steal_pointer (&task));
      return;
    }

  if (request->raw && ((status >= 200 && status < 300) || status == SOUP_STATUS_CONFLICT ||
                       status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE))
    {
      g_free (request->content_range);
      request->content_range = g_strdup (soup_message_headers_get_one (
        soup_message_get_response_headers (request->message), "Content-Range"));
      g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
      return;
    }

  if (status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL), (GDestroyNotify) json_node_unref);
      return;
    }

  if (status >= 200 && status < 300)
    {
      if (g_bytes_get_size (bytes) > MAX_RESPONSE_BYTES)
        {
          g_autoptr(GError) e = NULL;
          protocol_error (&e, _("câu trả lời quá lớn"));
          g_task_return_error (task, g_steal_pointer (&e));
          return;
        }
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
          json_parser_get_root (parser) == NULL)
        {
          g_autoptr(GError) e = NULL;
          protocol_error (&e, _("nội dung JSON không đọc được"));
          g_task_return_error (task, g_steal_pointer (&e));
          return;
        }
      g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)), (GDestroyNotify) json_node_unref);
      return;
    }

  g_clear_pointer (&request->api_error_code, g_free);
  message = server_message (bytes, &request->api_error_code);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, OS_ERROR, OS_ERROR_UNAUTHORIZED, "%s",
                             message ? message : _("Phiên làm việc đã hết hạn hoặc bị thu hồi. Hãy đăng nhập lại."));
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_task_return_new_error (task, OS_ERROR, OS_ERROR_FORBIDDEN, "%s",
                             message ? message : _("Người dùng không có quyền thực hiện việc này."));
  else if (status >= 500 || status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT)
    g_task_return_new_error (task, OS_ERROR, OS_ERROR_SERVER,
                             _("Máy chủ đang gặp sự cố (mã %u%s%s). Dữ liệu vẫn được giữ trên máy và sẽ được gửi lại."),
                             status, message ? ": " : "", message ? message : "");
  else if (status >= 400)
    g_task_return_new_error (task, OS_ERROR, OS_ERROR_REJECTED, "%s",
                             message ? message : _("Máy chủ từ chối yêu cầu."));
  else
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *what = g_strdup_printf ("HTTP %u", status);

      protocol_error (&e, what);
      g_task_return_error (task, g_steal_pointer (&e));
    }
}

/* libsoup sends a request again by itself when a kept-alive connection turned out to be
 * closed; a body set from bytes is a stream it has read by then, so give it a fresh one
 * (otherwise the repeat carries an empty body under the old Content-Length). */
static void
on_restarted (SoupMessage *message,
              Request     *request)
{
  if (request->body_bytes != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body_bytes);
  else if (request->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (request->body, strlen (request->body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
}

static void
send_request (GTask *task)
{
  OsApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->base_url, request->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&request->message);
  request->message = soup_message_new (request->method, url);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Địa chỉ máy chủ “%s” không hợp lệ."), self->base_url);
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Accept", request->raw ? "application/octet-stream, application/json"
                                                                : "application/json");
  for (guint i = 0; request->headers != NULL && request->headers[i] != NULL && request->headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, request->headers[i], request->headers[i + 1]);
  g_free (request->sent_token);
  request->sent_token = g_strdup (self->access_token);
  if (request->authorized && self->access_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (request->if_none_match != NULL)
    soup_message_headers_replace (headers, "If-None-Match", request->if_none_match);
  if (request->body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (request->body, strlen (request->body));
      soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
    }
  else if (request->body_bytes != NULL)
    soup_message_set_request_body_from_bytes (request->message, request->content_type, request->body_bytes);
  g_signal_connect (request->message, "restarted", G_CALLBACK (on_restarted), request);

  soup_session_send_and_read_async (self->session, request->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), on_sent, task);
}

static void start_request (OsApiClient         *self,
                           const char          *method,
                           const char          *path,
                           JsonNode            *body,
                           const char          *if_none_match,
                           gboolean             authorized,
                           gboolean             may_refresh,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data,
                           gpointer             source_tag);

/* Binary exchanges ----------------------------------------------------------------- */

void
os_api_client_send_bytes_async (OsApiClient         *self,
                                const char          *method,
                                const char          *path,
                                const char * const  *headers,
                                GBytes              *body,
                                const char          *content_type,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (OS_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  request = g_new0 (Request, 1);
  g_task_set_source_tag (task, os_api_client_send_bytes_async);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->authorized = TRUE;
  request->may_refresh = TRUE;
  request->raw = TRUE;
  request->headers = g_strdupv ((char **) headers);
  if (body != NULL)
    {
      request->body_bytes = g_bytes_ref (body);
      request->content_type = g_strdup (content_type ? content_type : "application/octet-stream");
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  send_request (task);
}

GBytes *
os_api_client_send_bytes_finish (OsApiClient   *self,
                                 GAsyncResult  *result,
                                 guint         *status_out,
                                 char         **content_range_out,
                                 GError       **error)
{
  Request *request;
  GBytes *bytes;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (status_out)
    *status_out = request->status;
  if (content_range_out)
    *content_range_out = bytes ? g_strdup (request->content_range) : NULL;
  return bytes;
}

static void
start_request (OsApiClient         *self,
               const char          *method,
               const char          *path,
               JsonNode            *body,
               const char          *if_none_match,
               gboolean             authorized,
               gboolean             may_refresh,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  g_task_set_source_tag (task, source_tag);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->if_none_match = g_strdup (if_none_match);
  request->authorized = authorized;
  request->may_refresh = may_refresh;
  if (body != NULL)
    request->body = json_to_string (body, FALSE);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  send_request (task);
}

/* Refresh ------------------------------------------------------------------------ */

static void
on_refresh_response (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  OsApiClient *self = OS_API_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(OsApiSession) session = NULL;
  g_autoptr(GPtrArray) waiters = NULL;

  if (root != NULL)
    session = parse_session (root, &error);
  if (session != NULL)
    {
      os_api_client_set_tokens (self, session->access_token, session->refresh_token);
      g_signal_emit (self, signals[TOKENS_CHANGED], 0);
    }

  waiters = g_steal_pointer (&self->refresh_waiters);
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->refreshing = FALSE;

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_object_ref (g_ptr_array_index (waiters, i));

      if (session != NULL)
        send_request (waiter);
      else
        {
          /* The refresh failed: the request fails with the reason. */
          if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED))
            g_task_return_new_error (waiter, OS_ERROR, OS_ERROR_UNAUTHORIZED, "%s", error->message);
          else
            g_task_return_error (waiter, g_error_copy (error));
          g_object_unref (waiter);
        }
    }
  g_object_unref (self);
}

/* A JSON object of string members, given as name, value, ..., NULL. */
static JsonNode *
string_object (const char *first_name,
               ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  va_end (args);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The body that names the session: its refresh token. */
static JsonNode *
refresh_token_body (OsApiClient *self)
{
  return string_object ("refresh_token", self->refresh_token ? self->refresh_token : "", NULL);
}

static void
refresh_for_request (GTask *task)
{
  OsApiClient *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) body = NULL;

  g_ptr_array_add (self->refresh_waiters, task);
  if (self->refreshing)
    return;
  self->refreshing = TRUE;

  body = refresh_token_body (self);

  start_request (g_object_ref (self), "POST", "/auth/refresh", body, NULL, FALSE, FALSE, NULL,
                 on_refresh_response, NULL, refresh_for_request);
}

/* Public calls ------------------------------------------------------------------- */

void
os_api_client_call_async (OsApiClient         *self,
                          const char          *method,
                          const char          *path,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (OS_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  start_request (self, method, path, body, NULL, TRUE, TRUE, cancellable, callback, user_data,
                 os_api_client_call_async);
}

JsonNode *
os_api_client_call_finish (OsApiClient   *self,
                           GAsyncResult  *result,
                           guint         *status_out,
                           GError       **error)
{
  return os_api_client_call_finish_full (self, result, status_out, NULL, error);
}

JsonNode *
os_api_client_call_finish_full (OsApiClient   *self,
                                GAsyncResult  *result,
                                guint         *status_out,
                                char         **api_error_code_out,
                                GError       **error)
{
  Request *request;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (status_out)
    *status_out = request->status;
  if (api_error_code_out)
    *api_error_code_out = g_strdup (request->api_error_code);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
os_api_client_get_with_etag_async (OsApiClient         *self,
                                   const char          *path,
                                   const char          *etag,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (OS_IS_API_CLIENT (self));
  g_return_if_fail (path != NULL);

  start_request (self, "GET", path, NULL, etag && *etag ? etag : NULL, TRUE, TRUE, cancellable,
                 callback, user_data, os_api_client_get_with_etag_async);
}

JsonNode *
os_api_client_get_with_etag_finish (OsApiClient   *self,
                                    GAsyncResult  *result,
                                    char         **etag_out,
                                    GError       **error)
{
  Request *request;
  JsonNode *node;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_get_task_data (G_TASK (result));
  node = g_task_propagate_pointer (G_TASK (result), error);
  if (node == NULL)
    return NULL;
  if (request->status == SOUP_STATUS_NOT_MODIFIED)
    {
      json_node_unref (node);
      if (etag_out)
        *etag_out = NULL;
      return NULL;
    }
  if (etag_out)
    *etag_out = g_strdup (request->etag);
  return node;
}

static void
on_session_response (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsApiClient *self = OS_API_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);
  OsApiSession *session;

  if (root == NULL)
    {
      /* Wrong credentials come back as 401 without a refresh; a refused refresh token
       * also means "log in again". */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  session = parse_session (root, &error);
  if (session == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  os_api_client_set_tokens (self, session->access_token, session->refresh_token);
  if (g_task_get_source_tag (task) == os_api_client_refresh_async)
    g_signal_emit (self, signals[TOKENS_CHANGED], 0);
  g_task_return_pointer (task, session, (GDestroyNotify) os_api_session_free);
}

void
os_api_client_login_async (OsApiClient         *self,
                           const char          *username,
                           const char          *password,
                           const char          *desk_id,
                           const char          *client_id,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (OS_IS_API_CLIENT (self));
  g_return_if_fail (username != NULL && password != NULL && desk_id != NULL && client_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_api_client_login_async);

  body = string_object ("username", username, "password", password, "desk_id", desk_id,
                        "client_id", client_id, NULL);

  start_request (self, "POST", "/auth/login", body, NULL, FALSE, FALSE, cancellable,
                 on_session_response, task, os_api_client_login_async);
}

OsApiSession *
os_api_client_login_finish (OsApiClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
os_api_client_refresh_async (OsApiClient         *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (OS_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_api_client_refresh_async);
  if (self->refresh_token == NULL)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_UNAUTHORIZED, "%s",
                               _("Chưa đăng nhập. Hãy đăng nhập lại."));
      g_object_unref (task);
      return;
    }

  body = refresh_token_body (self);
  start_request (self, "POST", "/auth/refresh", body, NULL, FALSE, FALSE, cancellable,
                 on_session_response, task, os_api_client_refresh_async);
}

OsApiSession *
os_api_client_refresh_finish (OsApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_logout_response (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsApiClient *self = OS_API_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = g_task_propagate_pointer (G_TASK (result), &error);

  /* The tokens are forgotten either way: a revoked or expired session is logged out. */
  os_api_client_set_tokens (self, NULL, NULL);
  if (root == NULL && !g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
os_api_client_logout_async (OsApiClient         *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (OS_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_api_client_logout_async);
  /* The session is named by its refresh token, in the body and without a bearer: a desk
   * unlocked offline, or whose access token expired, has no valid access token but must
   * still end its session on the server. No refresh for a logout: a session that is
   * already gone is logged out. */
  if (self->refresh_token != NULL)
    {
      g_autoptr(JsonNode) body = refresh_token_body (self);

      start_request (self, "POST", "/auth/logout", body, NULL, FALSE, FALSE, cancellable,
                     on_logout_response, task, os_api_client_logout_async);
    }
  else
    start_request (self, "POST", "/auth/logout", NULL, NULL, TRUE, FALSE, cancellable,
                   on_logout_response, task, os_api_client_logout_async);
}

gboolean
os_api_client_logout_finish (OsApiClient   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
