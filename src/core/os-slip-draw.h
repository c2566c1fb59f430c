/* os-slip-draw.h: what the printed forms share (os-slip.c for Mẫu 01–03,
 * os-slip-process.c for Mẫu 04–06): a pango context of their own with unhinted metrics
 * and the five fonts of a form, the texts every form prints (titles, the national motto,
 * the date line, the "continued" line, the page number, signature captions) and the
 * drawing of a bordered table row. Cairo and pango only, no display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "os-slip.h"

G_BEGIN_DECLS

/* What a blank field prints as. */
#define OS_SLIP_DOTS "……………………"

typedef enum
{
  OS_SLIP_FONT_BODY,
  OS_SLIP_FONT_HEADER,
  OS_SLIP_FONT_TITLE,
  OS_SLIP_FONT_TABLE,
  OS_SLIP_FONT_SMALL,
  OS_SLIP_N_FONTS
} OsSlipFont;

typedef struct
{
  PangoFontMap         *font_map;
  PangoContext         *context;
  PangoFontDescription *fonts[OS_SLIP_N_FONTS];
} OsSlipText;

/* A context at 72 dpi, Vietnamese, unhinted metrics and unrounded positions (the same line
 * breaks at every scale), and the fonts of @family at @sizes (points). */
void         os_slip_text_init        (OsSlipText     *text,
                                       const char     *family,
                                       const double    sizes[OS_SLIP_N_FONTS]);
void         os_slip_text_clear       (OsSlipText     *text);
/* A layout of @markup in @font, wrapped at @width (pt) unless @width <= 0. */
PangoLayout *os_slip_text_layout      (OsSlipText     *text,
                                       OsSlipFont      font,
                                       const char     *markup,
                                       double          width,
                                       PangoAlignment  alignment);

double       os_slip_layout_width     (PangoLayout    *layout);
double       os_slip_layout_height    (PangoLayout    *layout);
void         os_slip_show_layout      (cairo_t        *cr,
                                       PangoLayout    *layout,
                                       double          x,
                                       double          y);

/* @value, or OS_SLIP_DOTS when it is NULL or empty. */
const char  *os_slip_or_dots          (const char     *value);
/* The title printed on a slip of @kind. */
const char  *os_slip_kind_get_title   (OsSlipKind      kind);
/* "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" over "Độc lập - Tự do - Hạnh phúc", bold. */
char        *os_slip_motto_markup     (void);
/* "Hà Nội, ngày 27 tháng 10 năm 2023" for @instant, or today when @instant <= 0; @place as
 * given. */
char        *os_slip_format_date_line (const char     *place,
                                       gint64          instant);
/* "[@label – ]Mã hồ sơ: @code (tiếp theo)", plain text; @label may be NULL. */
char        *os_slip_continued_text   (const char     *label,
                                       const char     *code);
/* @title in bold over @note in italics, "(Ký và ghi rõ họ tên)" when @note is NULL. */
char        *os_slip_signature_markup (const char     *title,
                                       const char     *note);

/* "Trang @number/@n_pages" centred in the bottom margin of a page @page_height tall. */
void         os_slip_draw_page_number (OsSlipText     *text,
                                       cairo_t        *cr,
                                       int             number,
                                       int             n_pages,
                                       double          x,
                                       double          width,
                                       double          page_height,
                                       double          margin_bottom);

/* A table row: the tallest of @n_cells layouts and @pad above and below it. */
double       os_slip_row_height       (PangoLayout   **cells,
                                       int             n_cells,
                                       double          pad);
/* Draws the row at (@x, @y), @height tall: a border of @rule round each cell of @widths,
 * its layout @pad in from the left, @pad down from the top or, with @middle, in the
 * middle of the cell. */
void         os_slip_draw_row         (cairo_t        *cr,
                                       PangoLayout   **cells,
                                       const double   *widths,
                                       int             n_cells,
                                       double          x,
                                       double          y,
                                       double          height,
                                       double          rule,
                                       double          pad,
                                       gboolean        middle);

G_END_DECLS
