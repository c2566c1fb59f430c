/* os-cccd.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-cccd.h"
#include "os-error.h"
#include "os-text.h"

#define N_FIELDS 7
#define MAX_LINE 1024
#define MAX_NAME 100
#define MAX_ADDRESS 300

void
os_citizen_card_free (OsCitizenCard *card)
{
  if (card == NULL)
    return;

  g_free (card->id_number);
  g_free (card->old_id_number);
  g_free (card->full_name);
  g_free (card->sex);
  g_free (card->address);
  g_free (card);
}

static gboolean
is_digits (const char *s,
           gsize       len)
{
  if (strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_ddmmyyyy (const char *s,
                GDate      *out)
{
  guint d, m, y;

  if (!is_digits (s, 8))
    return FALSE;

  d = (s[0] - '0') * 10 + (s[1] - '0');
  m = (s[2] - '0') * 10 + (s[3] - '0');
  y = g_ascii_strtoull (s + 4, NULL, 10);
  if (y < 1900 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_dmy (out, d, m, y);
  return TRUE;
}

static gboolean
is_name (const char *s)
{
  glong len = g_utf8_strlen (s, -1);

  if (len < 2 || len > MAX_NAME)
    return FALSE;

  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isalpha (c) && c != ' ' && c != '\'' && c != '-')
        return FALSE;
    }
  return TRUE;
}

static gboolean
fail (GError    **error,
      const char *message)
{
  g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT, message);
  return FALSE;
}

gboolean
os_citizen_card_looks_like (const char *text)
{
  guint bars = 0;

  if (text == NULL)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (*p == '|')
      bars++;
  return bars >= 2;
}

OsCitizenCard *
os_citizen_card_parse (const char  *line,
                       GError     **error)
{
  g_autoptr(OsCitizenCard) card = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GDateTime) now = NULL;
  GDate today;
  guint n;

  g_return_val_if_fail (line != NULL, NULL);

  if (!g_utf8_validate (line, -1, NULL) || strlen (line) > MAX_LINE)
    {
      fail (error, _("Mã QR không đọc được: dữ liệu không phải văn bản hợp lệ."));
      return NULL;
    }

  /* Readers and input methods may send decomposed text (NFD): compose it, so that names
   * validate letter by letter and are stored the way everything else is. */
  copy = g_utf8_normalize (line, -1, G_NORMALIZE_NFC);
  if (copy == NULL)
    {
      fail (error, _("Mã QR không đọc được: dữ liệu không phải văn bản hợp lệ."));
      return NULL;
    }
  g_strstrip (copy);
  fields = g_strsplit (copy, "|", -1);
  n = g_strv_length (fields);
  /* Some readers end the line with a separator. */
  if (n == N_FIELDS + 1 && *fields[N_FIELDS] == '\0')
    n = N_FIELDS;
  if (n != N_FIELDS)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Mã QR không phải của thẻ căn cước công dân: cần %d trường, đọc được %u."),
                   N_FIELDS, n);
      return NULL;
    }

  for (guint i = 0; i < N_FIELDS; i++)
    g_strstrip (fields[i]);

  now = g_date_time_new_now_local ();
  g_date_clear (&today, 1);
  g_date_set_dmy (&today, g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now), g_date_time_get_year (now));

  card = g_new0 (OsCitizenCard, 1);

  if (!is_digits (fields[0], 12))
    {
      fail (error, _("Số định danh trên mã QR phải có đúng 12 chữ số."));
      return NULL;
    }
  card->id_number = g_strdup (fields[0]);

  if (*fields[1] != '\0' && !is_digits (fields[1], 9))
    {
      fail (error, _("Số CMND cũ trên mã QR phải có 9 chữ số hoặc để trống."));
      return NULL;
    }
  card->old_id_number = g_strdup (fields[1]);

  card->full_name = os_text_normalize_space (fields[2]);
  if (!is_name (card->full_name))
    {
      fail (error, _("Họ và tên trên mã QR không hợp lệ."));
      return NULL;
    }

  if (!parse_ddmmyyyy (fields[3], &card->birth_date) ||
      g_date_compare (&card->birth_date, &today) > 0)
    {
      fail (error, _("Ngày sinh trên mã QR không hợp lệ (cần dạng ngàythángnăm, ví dụ 01021990)."));
      return NULL;
    }

  if (g_utf8_collate (fields[4], "Nam") == 0 || g_ascii_strcasecmp (fields[4], "nam") == 0)
    card->sex = g_strdup ("Nam");
  else if (g_strcmp0 (fields[4], "Nữ") == 0 || g_strcmp0 (fields[4], "nữ") == 0 ||
           g_strcmp0 (fields[4], "NỮ") == 0)
    card->sex = g_strdup ("Nữ");
  else
    {
      fail (error, _("Giới tính trên mã QR không hợp lệ (cần “Nam” hoặc “Nữ”)."));
      return NULL;
    }

  card->address = os_text_normalize_space (fields[5]);
  if (g_utf8_strlen (card->address, -1) < 2 || g_utf8_strlen (card->address, -1) > MAX_ADDRESS)
    {
      fail (error, _("Nơi thường trú trên mã QR không hợp lệ."));
      return NULL;
    }

  if (!parse_ddmmyyyy (fields[6], &card->issue_date) ||
      g_date_compare (&card->issue_date, &today) > 0 ||
      g_date_compare (&card->issue_date, &card->birth_date) < 0)
    {
      fail (error, _("Ngày cấp trên mã QR không hợp lệ."));
      return NULL;
    }

  return g_steal_pointer (&card);
}
