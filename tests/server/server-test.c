/* server-test.c: see server-test.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "server-test.h"

#include <stdarg.h>
#include <string.h>

GBytes *
st_request_raw (SoupSession *session,
                const char  *base_url,
                const char  *method,
                const char  *path_template,
                const char  *path,
                const char  *token,
                const char  *content_type,
                GBytes      *body,
                const char  *if_none_match,
                guint       *status)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  GBytes *answer;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", if_none_match);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (path_template != NULL)
    os_test_openapi_record (method, path_template, *status, answer);
  return answer;
}

JsonNode *
st_request (SoupSession *session,
            const char  *base_url,
            const char  *method,
            const char  *path,
            const char  *token,
            const char  *json_body,
            guint       *status)
{
  g_autoptr(GBytes) body = json_body ? g_bytes_new (json_body, strlen (json_body)) : NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *template = g_strdup (path);
  char *query = strchr (template, '?');

  if (query != NULL)
    *query = '\0';
  answer = st_request_raw (session, base_url, method, template, path, token,
                           json_body ? "application/json" : NULL, body, NULL, status);
  if (g_bytes_get_size (answer) == 0)
    return NULL;
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
    JsonNode *node = json_from_string (text, &error);

    if (error != NULL)
      g_error ("%s %s → %u: not JSON (%s): %s", method, path, *status, error->message, text);
    return node;
  }
}

JsonNode *
st_login (SoupSession *session,
          const char  *base_url,
          const char  *username,
          const char  *password,
          const char  *desk_id,
          const char  *client_id)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\","
                                           "\"desk_id\":\"%s\",\"client_id\":\"%s\"}",
                                           username, password, desk_id, client_id);
  guint status = 0;
  JsonNode *session_node = st_request (session, base_url, "POST", "/auth/login", NULL, body, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (st_member (session_node, "access_token"));
  return session_node;
}

const char *
st_member (JsonNode   *node,
           const char *name)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member_with_default (json_node_get_object (node), name, NULL);
}

const char *
st_error_code (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_string_member (json_object_get_object_member (json_node_get_object (node), "error"),
                                        "code");
}

char *
st_mutation (const char *mutation_id,
             const char *record_id,
             const char *kind,
             gint64      base_version,
             const char *code,
             const char *extra)
{
  g_autofree char *payload = NULL;
  g_autofree char *hash = NULL;

  if (g_str_equal (kind, "delete"))
    payload = g_strdup ("{}");
  else
    payload = g_strdup_printf ("{\"id\":\"%s\",\"code\":\"%s\",\"applicant_name\":\"Nguyễn Văn A\","
                               "\"procedure_name\":\"Đăng ký khai sinh\","
                               "\"sets\":1,\"status\":1,\"received_at\":1795400000,"
                               "\"documents\":[{\"name\":\"Tờ khai\",\"originals\":1,\"certified\":0,\"copies\":0}]%s%s}",
                               record_id, code, extra ? "," : "", extra ? extra : "");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  return g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"%s\",\"base_version\":%"
                          G_GINT64_FORMAT ",\"payload_hash\":\"%s\",\"action_time\":1795400000,"
                          "\"payload\":%s}",
                          mutation_id, record_id, kind, base_version, hash, payload);
}

char *
st_push_body (const char *client_id,
              ...)
{
  g_autoptr(GString) out = g_string_new (NULL);
  va_list ap;
  const char *m;
  gboolean first = TRUE;

  g_string_append_printf (out, "{\"client_id\":\"%s\",\"mutations\":[", client_id);
  va_start (ap, client_id);
  while ((m = va_arg (ap, const char *)) != NULL)
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append (out, m);
    }
  va_end (ap);
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
st_uuid (void)
{
  return g_uuid_string_random ();
}

static GDateTime *
now_local (gint offset)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(GDateTime) now = NULL;

  g_assert_nonnull (tz);
  now = g_date_time_new_now (tz);
  return g_date_time_add_days (now, offset);
}

char *
st_day (gint offset)
{
  g_autoptr(GDateTime) day = now_local (offset);

  return g_date_time_format (day, "%Y-%m-%d");
}

char *
st_code (const char *agency,
         gint        number)
{
  g_autoptr(GDateTime) day = now_local (0);
  g_autofree char *yymmdd = g_date_time_format (day, "%y%m%d");

  return g_strdup_printf ("%s-%s-%04d", agency, yymmdd, number);
}

gint
st_lease (SoupSession *session,
          const char  *base_url,
          const char  *token,
          const char  *client_id,
          const char  *agency,
          const char  *day,
          gint         count)
{
  g_autofree char *today = st_day (0);
  g_autofree char *body = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"%s\",\"day\":\"%s\","
                                           "\"count\":%d}", client_id, agency, day ? day : today, count);
  guint status = 0;
  g_autoptr(JsonNode) lease = st_request (session, base_url, "POST", "/codes/lease", token, body, &status);
  gint64 first, last;

  g_assert_cmpuint (status, ==, 200);
  first = json_object_get_int_member (json_node_get_object (lease), "first");
  last = json_object_get_int_member (json_node_get_object (lease), "last");
  g_assert_cmpint (last - first + 1, ==, count);
  return (gint) first;
}
