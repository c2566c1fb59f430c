/* os-page-codes.c: zbar's image scanner over an 8-bit grey copy of a scanned page.
 *
 * zbar reports the bytes of a symbol as it decoded them. A CCCD QR code carries UTF-8
 * without an ECI header, so zbar may hand back the UTF-8 bytes unchanged, or, having guessed
 * ISO-8859-1, those bytes converted once more to UTF-8. Both are repaired here: valid
 * UTF-8 that turns back into ISO-8859-1 bytes forming valid non-ASCII UTF-8 was double
 * encoded; bytes that are not UTF-8 at all are read as ISO-8859-1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <zbar.h>

#include "os-cccd.h"
#include "os-error.h"
#include "os-page-codes.h"
#include "os-record-code.h"

/* Pages larger than this (either side, in pixels) are tried again at half size. */
#define DOWNSCALE_FROM 1600

G_DEFINE_BOXED_TYPE (OsPageCode, os_page_code, os_page_code_copy, os_page_code_free)

OsPageCode *
os_page_code_copy (const OsPageCode *code)
{
  OsPageCode *copy;

  g_return_val_if_fail (code != NULL, NULL);

  copy = g_new0 (OsPageCode, 1);
  copy->type = g_strdup (code->type);
  copy->data = g_strdup (code->data);
  copy->bounds = code->bounds;
  return copy;
}

void
os_page_code_free (OsPageCode *code)
{
  if (code == NULL)
    return;

  g_free (code->type);
  g_free (code->data);
  g_free (code);
}

static gboolean
is_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p; p++)
    if (*p >= 0x80)
      return FALSE;
  return TRUE;
}

/* @bytes of @length as valid UTF-8 (see the top of the file). */
static char *
text_from_bytes (const char *bytes,
                 gsize       length)
{
  g_autofree char *text = NULL;
  g_autofree char *latin1 = NULL;
  gsize latin1_length = 0;

  /* A NUL inside the data would cut the string; binary codes are not text anyway. */
  if (memchr (bytes, '\0', length) != NULL)
    length = strlen (bytes);

  if (!g_utf8_validate_len (bytes, length, NULL))
    return g_convert (bytes, (gssize) length, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);

  text = g_strndup (bytes, length);
  if (is_ascii (text))
    return g_steal_pointer (&text);

  latin1 = g_convert (text, -1, "ISO-8859-1", "UTF-8", NULL, &latin1_length, NULL);
  if (latin1 != NULL && memchr (latin1, '\0', latin1_length) == NULL
      && !is_ascii (latin1) && g_utf8_validate_len (latin1, latin1_length, NULL))
    return g_steal_pointer (&latin1);

  return g_steal_pointer (&text);
}

/* Luma of @page, flattened on white, @factor times smaller (box filter). */
static guint8 *
gray_pixels (GdkPixbuf *page,
             int        factor,
             int       *out_width,
             int       *out_height)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (page);
  int stride = gdk_pixbuf_get_rowstride (page);
  int n_channels = gdk_pixbuf_get_n_channels (page);
  int width = gdk_pixbuf_get_width (page) / factor;
  int height = gdk_pixbuf_get_height (page) / factor;
  guint8 *gray = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint sum = 0;

        for (int dy = 0; dy < factor; dy++)
          {
            const guint8 *p = pixels + (gsize) (y * factor + dy) * stride
                              + (gsize) x * factor * n_channels;

            for (int dx = 0; dx < factor; dx++, p += n_channels)
              {
                guint v = (p[0] * 19595u + p[1] * 38470u + p[2] * 7471u + 32768u) >> 16;

                if (n_channels == 4)
                  v = (v * p[3] + 255 * (255u - p[3]) + 127) / 255;
                sum += v;
              }
          }
        gray[(gsize) y * width + x] = (guint8) (sum / (guint) (factor * factor));
      }

  *out_width = width;
  *out_height = height;
  return gray;
}

static gboolean
already_found (GPtrArray  *codes,
               const char *type,
               const char *data)
{
  for (guint i = 0; i < codes->len; i++)
    {
      OsPageCode *code = g_ptr_array_index (codes, i);

      if (g_str_equal (code->type, type) && g_str_equal (code->data, data))
        return TRUE;
    }
  return FALSE;
}

static gboolean
scan (GdkPixbuf  *page,
      int         factor,
      GPtrArray  *codes,
      GError    **error)
{
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint8 *gray;
  int width, height, n;

  gray = gray_pixels (page, factor, &width, &height);
  if (width < 8 || height < 8)
    {
      g_free (gray);
      return TRUE;
    }

  scanner = zbar_image_scanner_create ();
  if (scanner == NULL)
    {
      g_free (gray);
      g_set_error_literal (error, OS_ERROR, OS_ERROR_RENDER,
                           _("Không khởi động được bộ đọc mã vạch"));
      return FALSE;
    }
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 1);
  /* Keep the bytes as they are: text_from_bytes() decides how to read them. */
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, (unsigned) width, (unsigned) height);
  zbar_image_set_data (image, gray, (unsigned long) width * height, zbar_image_free_data);

  n = zbar_scan_image (scanner, image);
  for (const zbar_symbol_t *symbol = n > 0 ? zbar_image_first_symbol (image) : NULL;
       symbol != NULL; symbol = zbar_symbol_next (symbol))
    {
      const char *bytes = zbar_symbol_get_data (symbol);
      const char *type = zbar_get_symbol_name (zbar_symbol_get_type (symbol));
      g_autofree char *text = NULL;
      OsPageCode *code;
      unsigned n_points = zbar_symbol_get_loc_size (symbol);
      int x0 = G_MAXINT, y0 = G_MAXINT, x1 = G_MININT, y1 = G_MININT;

      if (bytes == NULL)
        continue;
      text = text_from_bytes (bytes, zbar_symbol_get_data_length (symbol));
      if (text == NULL || already_found (codes, type, text))
        continue;

      code = g_new0 (OsPageCode, 1);
      code->type = g_strdup (type);
      code->data = g_steal_pointer (&text);
      for (unsigned i = 0; i < n_points; i++)
        {
          x0 = MIN (x0, zbar_symbol_get_loc_x (symbol, i));
          y0 = MIN (y0, zbar_symbol_get_loc_y (symbol, i));
          x1 = MAX (x1, zbar_symbol_get_loc_x (symbol, i));
          y1 = MAX (y1, zbar_symbol_get_loc_y (symbol, i));
        }
      if (n_points > 0)
        code->bounds = (cairo_rectangle_int_t) { x0 * factor, y0 * factor,
                                                 (x1 - x0 + 1) * factor,
                                                 (y1 - y0 + 1) * factor };
      g_ptr_array_add (codes, code);
    }

  /* Frees @gray through zbar_image_free_data(). */
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return TRUE;
}

GPtrArray *
os_page_codes_find (GdkPixbuf  *page,
                    GError    **error)
{
  g_autoptr(GPtrArray) codes = NULL;

  g_return_val_if_fail (GDK_IS_PIXBUF (page), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_colorspace (page) == GDK_COLORSPACE_RGB, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (page) == 8, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_n_channels (page) >= 3, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  codes = g_ptr_array_new_with_free_func ((GDestroyNotify) os_page_code_free);
  if (!scan (page, 1, codes, error))
    return NULL;
  if (codes->len == 0
      && MAX (gdk_pixbuf_get_width (page), gdk_pixbuf_get_height (page)) > DOWNSCALE_FROM
      && !scan (page, 2, codes, error))
    return NULL;

  return g_steal_pointer (&codes);
}

gboolean
os_page_codes_classify (const char     *data,
                        OsPageCodeKind *kind)
{
  OsPageCodeKind found = OS_PAGE_CODE_OTHER;

  g_return_val_if_fail (data != NULL, FALSE);

  if (os_record_code_looks_like (data))
    found = OS_PAGE_CODE_RECORD;
  else if (os_citizen_card_looks_like (data))
    found = OS_PAGE_CODE_CITIZEN_CARD;

  if (kind != NULL)
    *kind = found;
  return found != OS_PAGE_CODE_OTHER;
}
