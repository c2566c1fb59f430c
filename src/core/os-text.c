/* os-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-text.h"

static void
append_folded (GString  *out,
               gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n;

  /* đ/Đ has no decomposition; it is a letter of its own that readers type as d. */
  if (c == 0x0111 || c == 0x0110)
    {
      g_string_append_c (out, 'd');
      return;
    }

  n = g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed));
  for (gsize i = 0; i < n; i++)
    {
      GUnicodeType type = g_unichar_type (decomposed[i]);

      if (type == G_UNICODE_NON_SPACING_MARK ||
          type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK)
        continue;

      g_string_append_unichar (out, g_unichar_tolower (decomposed[i]));
    }
}

char *
os_text_fold (const char *text)
{
  GString *out;
  gboolean pending_space = FALSE;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (g_unichar_isspace (c))
        {
          pending_space = out->len > 0;
          continue;
        }

      {
        gsize before_space = out->len;
        gsize before_char;

        if (pending_space)
          g_string_append_c (out, ' ');
        before_char = out->len;
        append_folded (out, c);

        /* A mark with no letter to sit on (after a space, or first) folds to nothing:
         * it must not leave a space behind, nor break the run of spaces. */
        if (out->len == before_char)
          {
            g_string_truncate (out, before_space);
            continue;
          }
        pending_space = FALSE;
      }
    }

  return g_string_free (out, FALSE);
}

char *
os_text_normalize_space (const char *text)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) kept = NULL;

  if (text == NULL)
    return NULL;

  words = g_strsplit_set (text, " \t\r\n", -1);
  kept = g_ptr_array_new ();
  for (guint i = 0; words[i]; i++)
    if (*words[i])
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);

  return g_strjoinv (" ", (char **) kept->pdata);
}

gboolean
os_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}
