/* os-api-client.h: the desk's client of the one-stop server's REST API (data/openapi.yaml).
 *
 * One SoupSession, async only (callbacks on the thread-default main context of the caller
 * of os_api_client_new). Errors are in OS_ERROR: OS_ERROR_NETWORK (no route, refused,
 * timeout, TLS failure — retry), OS_ERROR_SERVER (5xx — retry), OS_ERROR_UNAUTHORIZED
 * (401, after one transparent refresh attempt failed), OS_ERROR_FORBIDDEN (403),
 * OS_ERROR_REJECTED (other 4xx; the message is the server's), OS_ERROR_PROTOCOL (a body
 * that does not follow the API). Messages are in the user's language.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The answer of login and refresh. */
typedef struct
{
  char      *access_token;
  char      *refresh_token;
  gint64     expires_in;
  char      *user_id;
  char      *username;
  char      *full_name;
  char     **roles;        /* NULL-terminated */
  JsonArray *units;        /* the User.units array as the server sent it */
  char      *desk_id;
  char      *desk_unit_id;
  char      *desk_name;
} OsApiSession;

void          os_api_session_free        (OsApiSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsApiSession, os_api_session_free)

#define OS_TYPE_API_CLIENT (os_api_client_get_type ())

G_DECLARE_FINAL_TYPE (OsApiClient, os_api_client, OS, API_CLIENT, GObject)

/* @base_url: "https://host:port/api/v1". @tls_database: trust anchors for the server's
 * certificate, or NULL for the system's. */
OsApiClient  *os_api_client_new          (const char          *base_url,
                                          GTlsDatabase        *tls_database);
const char   *os_api_client_get_base_url (OsApiClient         *self);

/* Tokens. When a request gets 401 and a refresh token is set, the client refreshes once,
 * emits ::tokens-changed (so the owner stores the new refresh token in the keyring), and
 * repeats the request. */
void          os_api_client_set_tokens   (OsApiClient         *self,
                                          const char          *access_token,
                                          const char          *refresh_token);
const char   *os_api_client_get_refresh_token (OsApiClient    *self);

void          os_api_client_login_async  (OsApiClient         *self,
                                          const char          *username,
                                          const char          *password,
                                          const char          *desk_id,
                                          const char          *client_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
OsApiSession *os_api_client_login_finish (OsApiClient         *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Uses the refresh token set with os_api_client_set_tokens(). */
void          os_api_client_refresh_async (OsApiClient        *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
OsApiSession *os_api_client_refresh_finish (OsApiClient       *self,
                                          GAsyncResult        *result,
                                          GError             **error);
/* Ends the session on the server. With a refresh token set, it names the session in the
 * body ({"refresh_token"}) without a bearer, so it works after an offline unlock or with
 * an expired access token; the tokens are forgotten whatever the answer. */
void          os_api_client_logout_async (OsApiClient         *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean      os_api_client_logout_finish (OsApiClient        *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Generic JSON call: @method, @path below the base URL ("/sync/push"), @body or NULL.
 * Finishes with the parsed body of a 2xx (a JSON null for 204), *status_out set. */
void          os_api_client_call_async   (OsApiClient         *self,
                                          const char          *method,
                                          const char          *path,
                                          JsonNode            *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
JsonNode     *os_api_client_call_finish  (OsApiClient         *self,
                                          GAsyncResult        *result,
                                          guint               *status_out,
                                          GError             **error);
/* Like os_api_client_call_finish(); on an error answer, *api_error_code_out gets the
 * Error.code of the body when the body was the API's Error object ({"error": {"code",
 * "message"}}), and NULL when it was not (a proxy's or an older server's page): only the
 * former is the server's word on the request. */
JsonNode     *os_api_client_call_finish_full (OsApiClient     *self,
                                          GAsyncResult        *result,
                                          guint               *status_out,
                                          char               **api_error_code_out,
                                          GError             **error);

/* GET @path with If-None-Match: @etag (NULL or "" for none). Finishes with the parsed body
 * and *etag_out set to the answer's ETag (or NULL); or with NULL and no error when the
 * server answered 304 Not Modified. */
void          os_api_client_get_with_etag_async  (OsApiClient         *self,
                                                  const char          *path,
                                                  const char          *etag,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
JsonNode     *os_api_client_get_with_etag_finish (OsApiClient         *self,
                                                  GAsyncResult        *result,
                                                  char               **etag_out,
                                                  GError             **error);

/* Binary exchange (attachment files, /blobs): @headers are name/value pairs ending with
 * NULL (or NULL), @body the request body (NULL for none) of @content_type (NULL:
 * application/octet-stream). Finishes with the body of a 2xx, 409 or 416 answer, with
 * *status_out and *content_range_out (the answer's Content-Range, or NULL) set; any other
 * status is an error as for the JSON calls. Refreshes the token on 401 like them. */
void          os_api_client_send_bytes_async  (OsApiClient         *self,
                                               const char          *method,
                                               const char          *path,
                                               const char * const  *headers,
                                               GBytes              *body,
                                               const char          *content_type,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GBytes       *os_api_client_send_bytes_finish (OsApiClient         *self,
                                               GAsyncResult        *result,
                                               guint               *status_out,
                                               char               **content_range_out,
                                               GError             **error);

/* Signal "tokens-changed" (no arguments): a refresh replaced the tokens; read the new
 * refresh token with os_api_client_get_refresh_token(). */

G_END_DECLS
