/* os-record-code.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-error.h"
#include "os-record-code.h"

/* Dot-separated groups of digits and capital letters, at most 35 characters
 * (Decision 20/2020/QĐ-TTg), e.g. 000.00.06.H56 or 38.98.H29. */
gboolean
os_agency_identifier_is_valid (const char *identifier)
{
  gsize len;
  gboolean group_empty = TRUE;
  guint groups = 0;

  if (identifier == NULL)
    return FALSE;

  len = strlen (identifier);
  if (len == 0 || len > OS_AGENCY_IDENTIFIER_MAX_LENGTH)
    return FALSE;

  for (const char *p = identifier; *p; p++)
    {
      if (*p == '.')
        {
          if (group_empty)
            return FALSE;
          group_empty = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p))
        return FALSE;
      if (group_empty)
        groups++;
      group_empty = FALSE;
    }

  return !group_empty && groups >= 2;
}

char *
os_record_code_format (const char  *agency,
                       const GDate *date,
                       guint        number)
{
  g_return_val_if_fail (os_agency_identifier_is_valid (agency), NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);
  g_return_val_if_fail (number >= 1 && number <= OS_RECORD_CODE_MAX_NUMBER, NULL);

  return g_strdup_printf ("%s-%02u%02u%02u-%04u",
                          agency,
                          g_date_get_year (date) % 100,
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date),
                          number);
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

gboolean
os_record_code_parse (const char  *code,
                      char       **agency,
                      GDate       *date,
                      guint       *number,
                      GError     **error)
{
  const char *last_dash, *date_dash;
  gsize agency_len, number_len;
  g_autofree char *agency_part = NULL;
  guint yy, mm, dd;
  guint64 n;

  g_return_val_if_fail (code != NULL, FALSE);

  last_dash = strrchr (code, '-');
  if (last_dash == NULL || last_dash == code)
    goto invalid;

  date_dash = last_dash - 1;
  while (date_dash > code && *date_dash != '-')
    date_dash--;
  if (*date_dash != '-' || last_dash - date_dash - 1 != 6)
    goto invalid;

  agency_len = date_dash - code;
  agency_part = g_strndup (code, agency_len);
  if (!os_agency_identifier_is_valid (agency_part))
    goto invalid;

  if (!all_digits (date_dash + 1, 6))
    goto invalid;
  yy = (date_dash[1] - '0') * 10 + (date_dash[2] - '0');
  mm = (date_dash[3] - '0') * 10 + (date_dash[4] - '0');
  dd = (date_dash[5] - '0') * 10 + (date_dash[6] - '0');
  if (!g_date_valid_dmy (dd, mm, 2000 + yy))
    goto invalid;

  number_len = strlen (last_dash + 1);
  if (number_len < 4 || number_len > 5 || !all_digits (last_dash + 1, number_len))
    goto invalid;
  n = g_ascii_strtoull (last_dash + 1, NULL, 10);
  if (n < 1 || n > OS_RECORD_CODE_MAX_NUMBER || (number_len == 5 && n < 10000))
    goto invalid;

  if (agency)
    *agency = g_steal_pointer (&agency_part);
  if (date)
    {
      g_date_clear (date, 1);
      g_date_set_dmy (date, dd, mm, 2000 + yy);
    }
  if (number)
    *number = (guint) n;
  return TRUE;

invalid:
  g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
               _("“%s” không phải là mã hồ sơ hợp lệ (dạng MÃCƠQUAN-YYMMDD-NNNN)."), code);
  return FALSE;
}

gboolean
os_record_code_looks_like (const char *text)
{
  g_autofree char *stripped = NULL;

  if (text == NULL)
    return FALSE;

  stripped = g_strstrip (g_strdup (text));
  return os_record_code_parse (stripped, NULL, NULL, NULL, NULL);
}
