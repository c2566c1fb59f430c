/* os-slip-draw.c: see os-slip-draw.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-datetime.h"
#include "os-slip-draw.h"

void
os_slip_text_init (OsSlipText   *text,
                   const char   *family,
                   const double  sizes[OS_SLIP_N_FONTS])
{
  cairo_font_options_t *options = cairo_font_options_create ();

  text->font_map = pango_cairo_font_map_new ();
  text->context = pango_font_map_create_context (text->font_map);
  pango_cairo_context_set_resolution (text->context, 72.0);
  pango_context_set_language (text->context, pango_language_from_string ("vi"));
  /* Unhinted metrics and unrounded positions: the same line breaks at every scale. */
  pango_context_set_round_glyph_positions (text->context, FALSE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (text->context, options);
  cairo_font_options_destroy (options);

  for (int i = 0; i < OS_SLIP_N_FONTS; i++)
    {
      text->fonts[i] = pango_font_description_new ();
      pango_font_description_set_family (text->fonts[i], family);
      pango_font_description_set_size (text->fonts[i], pango_units_from_double (sizes[i]));
    }
}

void
os_slip_text_clear (OsSlipText *text)
{
  for (int i = 0; i < OS_SLIP_N_FONTS; i++)
    g_clear_pointer (&text->fonts[i], pango_font_description_free);
  g_clear_object (&text->context);
  g_clear_object (&text->font_map);
}

PangoLayout *
os_slip_text_layout (OsSlipText     *text,
                     OsSlipFont      font,
                     const char     *markup,
                     double          width,
                     PangoAlignment  alignment)
{
  PangoLayout *layout = pango_layout_new (text->context);

  pango_layout_set_font_description (layout, text->fonts[font]);
  if (width > 0)
    {
      pango_layout_set_width (layout, pango_units_from_double (width));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_alignment (layout, alignment);
  pango_layout_set_markup (layout, markup, -1);

  return layout;
}

double
os_slip_layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_size (layout, &width, NULL);
  return pango_units_to_double (width);
}

double
os_slip_layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return pango_units_to_double (height);
}

void
os_slip_show_layout (cairo_t     *cr,
                     PangoLayout *layout,
                     double       x,
                     double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

const char *
os_slip_or_dots (const char *value)
{
  return value != NULL && *value != '\0' ? value : OS_SLIP_DOTS;
}

const char *
os_slip_kind_get_title (OsSlipKind kind)
{
  switch (kind)
    {
    case OS_SLIP_SUPPLEMENT: return _("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    case OS_SLIP_REFUSAL:    return _("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    case OS_SLIP_EXTENSION:  return _("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    case OS_SLIP_CONTROL:    return _("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    case OS_SLIP_BOOK:       return _("SỔ THEO DÕI HỒ SƠ");
    case OS_SLIP_RECEIPT:
    default:                 return _("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    }
}

char *
os_slip_motto_markup (void)
{
  return g_markup_printf_escaped ("<b>%s</b>\n<b>%s</b>",
                                  _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                                  _("Độc lập - Tự do - Hạnh phúc"));
}

char *
os_slip_format_date_line (const char *place,
                          gint64      instant)
{
  g_autoptr(GDateTime) local = NULL;

  if (instant > 0)
    local = os_datetime_local (instant);
  else
    local = g_date_time_new_now (os_datetime_zone ());

  return g_strdup_printf (_("%s, ngày %02d tháng %02d năm %04d"), place,
                          g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                          g_date_time_get_year (local));
}

char *
os_slip_continued_text (const char *label,
                        const char *code)
{
  if (label != NULL)
    return g_strdup_printf ("%s – %s %s %s", label, _("Mã hồ sơ:"), os_slip_or_dots (code),
                            _("(tiếp theo)"));
  return g_strdup_printf ("%s %s %s", _("Mã hồ sơ:"), os_slip_or_dots (code), _("(tiếp theo)"));
}

char *
os_slip_signature_markup (const char *title,
                          const char *note)
{
  return g_markup_printf_escaped ("<b>%s</b>\n<i>%s</i>", title,
                                  note != NULL ? note : _("(Ký và ghi rõ họ tên)"));
}

void
os_slip_draw_page_number (OsSlipText *text,
                          cairo_t    *cr,
                          int         number,
                          int         n_pages,
                          double      x,
                          double      width,
                          double      page_height,
                          double      margin_bottom)
{
  g_autofree char *label = g_strdup_printf (_("Trang %d/%d"), number, n_pages);
  g_autofree char *markup = g_markup_escape_text (label, -1);
  g_autoptr(PangoLayout) layout = os_slip_text_layout (text, OS_SLIP_FONT_SMALL, markup, width,
                                                       PANGO_ALIGN_CENTER);

  os_slip_show_layout (cr, layout, x, page_height - margin_bottom / 2 - os_slip_layout_height (layout) / 2);
}

double
os_slip_row_height (PangoLayout **cells,
                    int           n_cells,
                    double        pad)
{
  double height = 0;

  for (int i = 0; i < n_cells; i++)
    height = MAX (height, os_slip_layout_height (cells[i]));

  return height + 2 * pad;
}

void
os_slip_draw_row (cairo_t      *cr,
                  PangoLayout **cells,
                  const double *widths,
                  int           n_cells,
                  double        x,
                  double        y,
                  double        height,
                  double        rule,
                  double        pad,
                  gboolean      middle)
{
  cairo_set_line_width (cr, rule);
  for (int i = 0; i < n_cells; i++)
    {
      double offset = middle ? (height - os_slip_layout_height (cells[i])) / 2 : pad;

      cairo_rectangle (cr, x, y, widths[i], height);
      cairo_stroke (cr);
      os_slip_show_layout (cr, cells[i], x + pad, y + offset);
      x += widths[i];
    }
}
