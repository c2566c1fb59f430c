/* os-request.c: the request a worker handles, strict JSON bodies, error answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-request.h"

#include <sodium.h>
#include <string.h>

/* Messages in both languages the desks speak. The server answers in the language of the
 * request's Accept-Language (Vietnamese unless English comes first); gettext's process-wide
 * language cannot change per request on a worker thread, so the table lives here. */
static const struct {
  const char *key;
  const char *vi;
  const char *en;
} messages[] = {
  { "malformed_json", "Nội dung gửi lên không phải JSON hợp lệ.", "The request body is not valid JSON." },
  { "invalid_field", "Một trường trong yêu cầu có kiểu hoặc giá trị không hợp lệ.", "A member of the request has a wrong type or value." },
  { "missing_field", "Yêu cầu thiếu một trường bắt buộc.", "The request lacks a required member." },
  { "unknown_field", "Yêu cầu có một trường máy chủ không biết.", "The request has a member the server does not know." },
  { "too_large", "Yêu cầu quá lớn (tối đa 1 MiB).", "The request is too large (at most 1 MiB)." },
  { "unsupported_media_type", "Máy chủ chỉ nhận nội dung JSON (application/json).", "The server only accepts JSON (application/json)." },
  { "unauthorized", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.", "The session is invalid or has expired. Please log in again." },
  { "bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong user name or password." },
  { "unknown_desk", "Quầy này chưa được đăng ký trên máy chủ.", "This desk is not registered on the server." },
  { "desk_forbidden", "Tài khoản không được làm việc tại đơn vị của quầy này.", "This account may not work at this desk's unit." },
  { "forbidden", "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this." },
  { "not_found", "Không tìm thấy.", "Not found." },
  { "codes_exhausted", "Đã hết số thứ tự mã hồ sơ của cơ quan trong ngày này.", "No record-code numbers are left for this agency and day." },
  { "unavailable", "Cơ sở dữ liệu của máy chủ đang không trả lời. Vui lòng thử lại sau.", "The server's database does not answer. Please try again later." },
  { "internal", "Máy chủ gặp lỗi nội bộ.", "The server hit an internal error." },
  { "method_not_allowed", "Phương thức không được hỗ trợ cho địa chỉ này.", "This method is not supported here." },
  { "length_required", "Yêu cầu phải ghi rõ độ dài nội dung (Content-Length).", "The request must state its length (Content-Length)." },
  { "busy", "Máy chủ đang quá tải. Vui lòng thử lại sau ít giây.", "The server is busy. Please try again in a few seconds." },
  { "client_mismatch", "Mã máy khách không khớp với phiên đăng nhập.", "The client id does not match the session's." },
  { "lease_day", "Chỉ cấp số thứ tự cho ngày hôm qua, hôm nay và bảy ngày tới (theo giờ máy chủ).", "Numbers are leased only for yesterday, today and the next seven days (server time)." },
  { "lease_limit", "Máy này còn giữ quá nhiều số thứ tự chưa dùng cho cơ quan và ngày này.", "This client already holds too many unused numbers for this agency and day." },
  /* Mutation results */
  { "out_of_order", "Hồ sơ chưa ở phiên bản mà thao tác dựa vào (thao tác trước chưa đến); sẽ gửi lại sau.", "The record is not yet at the version this change was made against; it will be sent again." },
  { "stale_version", "Hồ sơ đã được sửa ở nơi khác sau phiên bản mà thao tác dựa vào.", "The record was changed elsewhere since the version this change was made against." },
  { "idempotency_mismatch", "Mã thao tác đã được dùng cho một nội dung khác.", "This mutation id was already used with other content." },
  { "code_taken", "Mã hồ sơ này đã thuộc về một hồ sơ khác trên máy chủ.", "Another record on the server already has this code." },
  { "code_not_leased", "Số thứ tự trong mã hồ sơ không được máy chủ cấp cho máy này.", "The number in this record code was not leased to this client." },
  { "invalid", "Nội dung thao tác không hợp lệ.", "The mutation's content is invalid." },
  /* Processes (the engine's own sentence replaces these when it gives one) */
  { "action_refused", "Máy chủ không chấp nhận thao tác này trên hồ sơ ở bước hiện tại.", "The server refused this action on the record at its current step." },
  { "invalid_process", "Quy trình chưa thể ban hành vì còn lỗi.", "The process cannot be published: it has blocking problems." },
};

const char *
os_request_message (OsLang      lang,
                    const char *code)
{
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    if (g_str_equal (messages[i].key, code))
      return lang == OS_LANG_EN ? messages[i].en : messages[i].vi;
  return lang == OS_LANG_EN ? "Error." : "Lỗi.";
}

OsRequest *
os_request_new (void)
{
  OsRequest *req = g_new0 (OsRequest, 1);

  req->started_us = g_get_monotonic_time ();
  return req;
}

void
os_request_free (OsRequest *req)
{
  if (req == NULL)
    return;
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->content_type);
  g_free (req->authorization);
  g_free (req->if_none_match);
  g_free (req->session_id);
  g_free (req->user_id);
  g_free (req->desk_id);
  g_free (req->client_id);
  g_free (req->units);
  g_free (req->response);
  g_free (req->etag);
  g_free (req->error_code);
  g_free (req);
}

OsLang
os_request_parse_language (const char *accept_language)
{
  g_auto(GStrv) tags = NULL;

  if (accept_language == NULL)
    return OS_LANG_VI;
  /* The first of vi / en in the list wins (desks send one language, maybe with a
   * fallback); quality values are not weighed. */
  tags = g_strsplit (accept_language, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_ascii_strncasecmp (tag, "vi", 2) == 0)
        return OS_LANG_VI;
      if (g_ascii_strncasecmp (tag, "en", 2) == 0)
        return OS_LANG_EN;
    }
  return OS_LANG_VI;
}

gboolean
os_request_fail_message (OsRequest  *req,
                         guint       status,
                         const char *code,
                         const char *field,
                         const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message != NULL && *message != '\0'
                                      ? message : os_request_message (req->lang, code));
  if (field != NULL)
    {
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, field);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  os_request_reply_node (req, status, root);
  g_free (req->error_code);
  req->error_code = g_strdup (code);
  return FALSE;
}

void
os_request_reply (OsRequest *req,
                  guint      status,
                  char      *json)
{
  req->status = status;
  g_free (req->response);
  req->response = json;
}

void
os_request_reply_node (OsRequest *req,
                       guint      status,
                       JsonNode  *node)
{
  os_request_reply (req, status, json_to_string (node, FALSE));
}

gboolean
os_request_fail (OsRequest  *req,
                 guint       status,
                 const char *code,
                 const char *field,
                 const char *message_key)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, os_request_message (req->lang, message_key ? message_key : code));
  if (field != NULL)
    {
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, field);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  os_request_reply_node (req, status, root);
  g_free (req->error_code);
  req->error_code = g_strdup (code);
  return FALSE;
}

/* json-glib parses recursively: refuse deep nesting before it can exhaust a worker's stack. */
#define MAX_JSON_DEPTH 64

static gboolean
nesting_is_shallow (const char *data,
                    gsize       size)
{
  gboolean in_string = FALSE;
  gint depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

JsonObject *
os_request_parse_body (OsRequest  *req,
                       JsonNode  **root)
{
  g_autoptr(JsonParser) parser = NULL;
  gsize size = 0;
  const char *data;

  if (req->body == NULL || g_bytes_get_size (req->body) == 0)
    {
      os_request_fail (req, 400, "malformed_json", NULL, NULL);
      return NULL;
    }
  if (req->content_type == NULL || g_ascii_strcasecmp (req->content_type, "application/json") != 0)
    {
      os_request_fail (req, 415, "unsupported_media_type", NULL, NULL);
      return NULL;
    }
  data = g_bytes_get_data (req->body, &size);
  if (size > OS_REQUEST_MAX_BODY)
    {
      os_request_fail (req, 413, "too_large", NULL, NULL);
      return NULL;
    }
  if (!g_utf8_validate (data, size, NULL) || !nesting_is_shallow (data, size))
    {
      os_request_fail (req, 400, "malformed_json", NULL, NULL);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, NULL))
    {
      os_request_fail (req, 400, "malformed_json", NULL, NULL);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      os_request_fail (req, 400, "invalid_field", "", NULL);
      return NULL;
    }
  *root = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*root);
}

gboolean
os_is_uuid (const char *text)
{
  static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

  if (text == NULL || strlen (text) != sizeof pattern - 1)
    return FALSE;
  for (guint i = 0; i < sizeof pattern - 1; i++)
    {
      if (pattern[i] == '-')
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_hex64 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_date (const char *text)
{
  unsigned y, m, d;
  char tail;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  if (sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  return y >= 1 && g_date_valid_dmy (d, m, y);
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

const char *
os_check_object (JsonObject         *object,
                 const OsFieldSpec  *specs,
                 gboolean            allow_unknown,
                 const char        **field)
{
  if (!allow_unknown)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &node))
        {
          gboolean known = FALSE;

          for (const OsFieldSpec *s = specs; s->name != NULL && !known; s++)
            known = g_str_equal (s->name, name);
          if (!known)
            {
              *field = name;
              return "unknown_field";
            }
        }
    }

  for (const OsFieldSpec *s = specs; s->name != NULL; s++)
    {
      JsonNode *node = json_object_get_member (object, s->name);
      gboolean ok = TRUE;

      *field = s->name;
      if (node == NULL)
        {
          if (s->required)
            return "missing_field";
          continue;
        }
      switch (s->type)
        {
        case OS_FIELD_STRING:
        case OS_FIELD_UUID:
        case OS_FIELD_HEX64:
        case OS_FIELD_DATE:
          if (!node_is_string (node))
            ok = FALSE;
          else
            {
              const char *text = json_node_get_string (node);
              glong len = g_utf8_strlen (text, -1);

              if (len < s->min || (s->max > 0 && len > s->max))
                ok = FALSE;
              else if (s->type == OS_FIELD_UUID)
                ok = os_is_uuid (text);
              else if (s->type == OS_FIELD_HEX64)
                ok = is_hex64 (text);
              else if (s->type == OS_FIELD_DATE)
                ok = is_date (text);
            }
          break;
        case OS_FIELD_INT:
          if (!node_is_int (node))
            ok = FALSE;
          else
            {
              gint64 v = json_node_get_int (node);

              ok = v >= s->min && (s->max == 0 || v <= s->max);
            }
          break;
        case OS_FIELD_OBJECT:
          ok = JSON_NODE_HOLDS_OBJECT (node);
          break;
        case OS_FIELD_ARRAY:
          if (!JSON_NODE_HOLDS_ARRAY (node))
            ok = FALSE;
          else
            {
              guint n = json_array_get_length (json_node_get_array (node));

              ok = n >= s->min && (s->max == 0 || n <= s->max);
            }
          break;
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        return "invalid_field";
    }
  *field = NULL;
  return NULL;
}

gboolean
os_request_check_object (OsRequest         *req,
                         JsonObject        *object,
                         const OsFieldSpec *specs,
                         const char        *prefix)
{
  const char *field = NULL;
  const char *code = os_check_object (object, specs, FALSE, &field);
  g_autofree char *where = NULL;

  if (code == NULL)
    return TRUE;
  where = prefix ? g_strdup_printf ("%s.%s", prefix, field) : g_strdup (field);
  return os_request_fail (req, 400, code, where, NULL);
}

char *
os_random_token (void)
{
  guchar bytes[32];
  char out[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (out);
}

char *
os_sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}
