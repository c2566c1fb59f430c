/* os-slip.c: Mẫu 01, 02 and 03 laid out with pango and drawn with cairo.
 *
 * Layout is a flow: the slip is a sequence of paragraphs, which may break between lines,
 * and boxes (the header, the introduction with the QR code, a table row, the signatures),
 * which move whole to the next page when they do not fit. The same code both measures
 * and draws: os_slip_new() runs it without a cairo_t to count the pages (or, on the roll,
 * to find the page height), and os_slip_draw_page() runs it again and paints only what
 * falls on the requested page. Text is shaped on a pango context of the slip's own, with
 * unhinted metrics, so the line breaks do not depend on the surface or the scale.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-pdf-file.h"
#include "os-slip.h"
#include "os-slip-draw.h"
#include "os-slip-process.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define DOTS OS_SLIP_DOTS
#define QR_QUIET_MODULES 4
#define N_COLUMNS 5
#define MAX_COPIES 2

typedef struct
{
  double      width;
  double      height;            /* 0: as tall as the content */
  double      margin_top;
  double      margin_bottom;
  double      margin_left;
  double      margin_right;
  const char *family;
  double      sizes[OS_SLIP_N_FONTS];
  double      qr_symbol;         /* width of the QR symbol, quiet zone excluded */
  double      gap;               /* between paragraphs */
  double      signature_space;   /* room for a handwritten signature */
  double      rule;              /* line width of rules and table borders */
  double      cell_padding;
  double      columns[N_COLUMNS]; /* table widths; the name column (1) takes the rest */
  int         max_name_lines;    /* a document name longer than this is ellipsized */
  gboolean    narrow;            /* roll: header stacked, QR centred, short table headings */
} SlipStyle;

static const SlipStyle a4_style = {
  .width = 595.28,
  .height = 841.89,
  .margin_top = MM (20),
  .margin_bottom = MM (20),
  .margin_left = MM (30),
  .margin_right = MM (15),
  .family = "Noto Serif, DejaVu Serif, serif",
  .sizes = { [OS_SLIP_FONT_BODY] = 12.5, [OS_SLIP_FONT_HEADER] = 11.5, [OS_SLIP_FONT_TITLE] = 14,
             [OS_SLIP_FONT_TABLE] = 11, [OS_SLIP_FONT_SMALL] = 9 },
  .qr_symbol = MM (25),
  .gap = 4,
  .signature_space = 64,
  .rule = 0.6,
  .cell_padding = 3,
  .columns = { 30, 0, 58, 68, 68 },
  .max_name_lines = 8,
  .narrow = FALSE,
};

static const SlipStyle roll_style = {
  .width = MM (80),
  .height = 0,
  .margin_top = MM (4),
  .margin_bottom = MM (10),
  .margin_left = MM (4),
  .margin_right = MM (4),
  .family = "Noto Sans, DejaVu Sans, sans-serif",
  .sizes = { [OS_SLIP_FONT_BODY] = 9, [OS_SLIP_FONT_HEADER] = 8.5, [OS_SLIP_FONT_TITLE] = 10.5,
             [OS_SLIP_FONT_TABLE] = 8, [OS_SLIP_FONT_SMALL] = 7.5 },
  .qr_symbol = MM (26),
  .gap = 2.5,
  .signature_space = 40,
  .rule = 0.5,
  .cell_padding = 2,
  .columns = { 18, 0, 22, 22, 22 },
  .max_name_lines = 12,
  .narrow = TRUE,
};

struct _OsSlip
{
  GObject               parent_instance;

  OsSlipKind            kind;
  OsPaperFormat         format;
  const SlipStyle      *style;

  OsSlipText            text;
  QRcode               *qr;

  /* What is printed, copied from the record and the agency. */
  char                 *code;
  char                 *applicant;
  char                 *address;
  char                 *phone;
  char                 *email;
  char                 *procedure;
  char                 *time_limit;
  char                 *received;
  char                 *due;
  char                 *date_line;
  char                 *collect_at;
  char                 *officer;
  char                 *reason;
  int                   sets;
  int                   book_volume;
  int                   book_number;
  GPtrArray            *documents;
  OsAgency             *agency;

  /* Mẫu 04–06: their own pages (os-slip-process.c); NULL for Mẫu 01–03. */
  OsProcessSheet       *sheet;

  /* Pagination, from the measuring run. */
  int                   n_copies;
  int                   copy_pages[MAX_COPIES];
  int                   copy_first[MAX_COPIES];
  int                   n_pages;
  double                page_height;
};

G_DEFINE_FINAL_TYPE (OsSlip, os_slip, G_TYPE_OBJECT)

/* Text helpers */

static PangoLayout *
slip_layout (OsSlip         *self,
             OsSlipFont      font,
             const char     *markup,
             double          width,
             PangoAlignment  alignment)
{
  return os_slip_text_layout (&self->text, font, markup, width, alignment);
}

/* Width of the last line of @layout, for a rule drawn under it. */
static double
last_line_width (PangoLayout *layout)
{
  PangoLayoutLine *line = pango_layout_get_line_readonly (layout, pango_layout_get_line_count (layout) - 1);
  PangoRectangle logical;

  pango_layout_line_get_extents (line, NULL, &logical);
  return pango_units_to_double (logical.width);
}

static void
draw_rule (cairo_t *cr,
           double   width,
           double   x,
           double   y,
           double   length)
{
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + length, y);
  cairo_stroke (cr);
}

static char *
desk_and_agency (OsSlip *self)
{
  const char *desk = self->agency->desk_name;
  const char *name = self->agency->name;

  if (*desk != '\0' && *name != '\0')
    return g_strdup_printf ("%s – %s", desk, name);
  return g_strdup (os_slip_or_dots (*desk != '\0' ? desk : name));
}

static const char *
copy_label (OsSlip *self,
            int     copy)
{
  if (self->n_copies < 2)
    return NULL;

  return copy == 0 ? _("Liên 1: Lưu tại bộ phận một cửa") : _("Liên 2: Giao người nộp hồ sơ");
}

/* The flow */

typedef struct
{
  OsSlip  *self;
  cairo_t *cr;         /* NULL while measuring */
  int      target;     /* absolute page to paint, -1 while measuring */
  int      copy;
  int      page;       /* page within the copy */
  double   x;
  double   width;
  double   top;
  double   bottom;
  double   y;
  double   fresh;      /* where content starts on this page: nothing to gain by breaking */
  gboolean in_table;
} Flow;

/* A box draws itself at (@x, @y) when @cr is not NULL and returns its height. */
typedef double (*BoxFunc) (OsSlip        *self,
                           cairo_t       *cr,
                           double         x,
                           double         y,
                           double         width,
                           gconstpointer  data);

static double draw_table_header (OsSlip *self, cairo_t *cr, double x, double y,
                                 double width, gconstpointer data);

static cairo_t *
flow_cr (Flow *f)
{
  if (f->cr != NULL && f->self->copy_first[f->copy] + f->page == f->target)
    return f->cr;
  return NULL;
}

static void
flow_init (Flow    *f,
           OsSlip  *self,
           cairo_t *cr,
           int      target,
           int      copy)
{
  const SlipStyle *style = self->style;

  *f = (Flow) {
    .self = self,
    .cr = cr,
    .target = target,
    .copy = copy,
    .x = style->margin_left,
    .width = style->width - style->margin_left - style->margin_right,
    .top = style->margin_top,
    /* The roll grows to fit: its bottom is never reached. */
    .bottom = style->height > 0 ? style->height - style->margin_bottom : G_MAXDOUBLE / 4,
  };
  f->y = f->fresh = f->top;
}

/* Starts the next page of the copy: a reminder of what the sheet belongs to, and the
 * table headings again when a table goes on. */
static void
flow_break (Flow *f)
{
  OsSlip *self = f->self;
  const char *label = copy_label (self, f->copy);
  g_autofree char *text = NULL;
  g_autofree char *markup = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  cairo_t *cr;

  f->page++;
  f->y = f->top;

  text = os_slip_continued_text (label, self->code);
  markup = g_markup_printf_escaped ("<i>%s</i>", text);
  layout = slip_layout (self, OS_SLIP_FONT_SMALL, markup, f->width, PANGO_ALIGN_RIGHT);
  if ((cr = flow_cr (f)) != NULL)
    os_slip_show_layout (cr, layout, f->x, f->y);
  f->y += os_slip_layout_height (layout) + 2 * self->style->gap;

  if (f->in_table)
    {
      double height = draw_table_header (self, flow_cr (f), f->x, f->y, f->width, NULL);

      f->y += height;
    }

  f->fresh = f->y;
}

/* Moves to the next page unless @height more fits on this one. */
static void
flow_keep (Flow   *f,
           double  height)
{
  if (f->y + height > f->bottom && f->y > f->fresh + 0.01)
    flow_break (f);
}

static void
flow_space (Flow   *f,
            double  height)
{
  if (f->y > f->fresh + 0.01)
    f->y += height;
}

static void
flow_add_box (Flow          *f,
              BoxFunc        func,
              gconstpointer  data)
{
  double height = func (f->self, NULL, f->x, f->y, f->width, data);

  flow_keep (f, height);
  if (flow_cr (f) != NULL)
    func (f->self, flow_cr (f), f->x, f->y, f->width, data);
  f->y += height;
}

/* Places a paragraph, breaking between its lines at the bottom of the page. */
static void
flow_add_layout (Flow        *f,
                 PangoLayout *layout,
                 double       x)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  double origin = f->y;   /* where the layout's y = 0 lies on the current page */
  double end = 0;

  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      int line_top, line_bottom;
      double top, bottom, baseline;
      cairo_t *cr;

      pango_layout_iter_get_line_yrange (iter, &line_top, &line_bottom);
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      top = pango_units_to_double (line_top);
      bottom = pango_units_to_double (line_bottom);
      baseline = pango_units_to_double (pango_layout_iter_get_baseline (iter));

      if (origin + bottom > f->bottom && origin + top > f->fresh + 0.01)
        {
          flow_break (f);
          origin = f->y - top;
        }

      if ((cr = flow_cr (f)) != NULL)
        {
          cairo_move_to (cr, x + pango_units_to_double (logical.x), origin + baseline);
          pango_cairo_show_layout_line (cr, line);
        }
      end = bottom;
    }
  while (pango_layout_iter_next_line (iter));

  pango_layout_iter_free (iter);
  f->y = origin + end;
}

/* A paragraph of @markup; @indent > 0 hangs every line but the first by that much. */
static void
flow_add_text (Flow           *f,
               OsSlipFont      font,
               PangoAlignment  alignment,
               double          indent,
               const char     *markup)
{
  g_autoptr(PangoLayout) layout = slip_layout (f->self, font, markup, f->width, alignment);

  if (indent > 0)
    pango_layout_set_indent (layout, pango_units_from_double (-indent));
  /* Body text is justified, as in any administrative document; the roll's column is too
   * narrow for it. */
  if (alignment == PANGO_ALIGN_LEFT && font == OS_SLIP_FONT_BODY && !f->self->style->narrow)
    pango_layout_set_justify (layout, TRUE);
  flow_add_layout (f, layout, f->x);
  f->y += f->self->style->gap;
}

/* Header: the agency over the national motto, then place and date */

static PangoLayout *
agency_layout (OsSlip *self,
               double  width)
{
  g_autofree char *parent = g_utf8_strup (self->agency->parent_name, -1);
  g_autofree char *name = g_utf8_strup (os_slip_or_dots (self->agency->name), -1);
  g_autofree char *desk = g_utf8_strup (self->agency->desk_name, -1);
  g_autofree char *markup = g_markup_printf_escaped ("%s%s<b>%s</b>%s<b>%s</b>",
                                                     parent, *parent != '\0' ? "\n" : "",
                                                     name,
                                                     *desk != '\0' ? "\n" : "", desk);

  return slip_layout (self, OS_SLIP_FONT_HEADER, markup, width, PANGO_ALIGN_CENTER);
}

static PangoLayout *
motto_layout (OsSlip *self,
              double  width)
{
  g_autofree char *markup = os_slip_motto_markup ();

  return slip_layout (self, OS_SLIP_FONT_HEADER, markup, width, PANGO_ALIGN_CENTER);
}

static PangoLayout *
date_layout (OsSlip *self,
             double  width)
{
  g_autofree char *markup = g_markup_printf_escaped ("<i>%s</i>", self->date_line);

  return slip_layout (self, OS_SLIP_FONT_BODY, markup, width, PANGO_ALIGN_CENTER);
}

/* Draws @layout centred in a column and a rule under its last line, @fraction of the
 * line's width; returns the height taken. */
static double
draw_ruled (OsSlip      *self,
            cairo_t     *cr,
            PangoLayout *layout,
            double       x,
            double       y,
            double       width,
            double       fraction)
{
  double height = os_slip_layout_height (layout);
  double rule_y = y + height + 3;

  if (cr != NULL)
    {
      double length = last_line_width (layout) * fraction;

      os_slip_show_layout (cr, layout, x, y);
      draw_rule (cr, self->style->rule, x + (width - length) / 2, rule_y, length);
    }

  return rule_y - y + 2 * self->style->gap;
}

static double
draw_header (OsSlip        *self,
             cairo_t       *cr,
             double         x,
             double         y,
             double         width,
             gconstpointer  data)
{
  double gap = self->style->gap;
  double left_width, right_width, right_x, left, right, height;
  g_autoptr(PangoLayout) agency = NULL;
  g_autoptr(PangoLayout) motto = NULL;
  g_autoptr(PangoLayout) date = NULL;

  if (self->style->narrow)
    {
      agency = agency_layout (self, width);
      motto = motto_layout (self, width);
      date = date_layout (self, width);

      height = draw_ruled (self, cr, agency, x, y, width, 0.4);
      height += draw_ruled (self, cr, motto, x, y + height, width, 1.0);
      if (cr != NULL)
        os_slip_show_layout (cr, date, x, y + height);
      return height + os_slip_layout_height (date) + gap;
    }

  left_width = width * 0.42;
  right_x = x + left_width;
  right_width = width - left_width;
  agency = agency_layout (self, left_width - gap);
  motto = motto_layout (self, right_width);
  date = date_layout (self, right_width);

  left = draw_ruled (self, cr, agency, x, y, left_width - gap, 0.4);
  right = draw_ruled (self, cr, motto, right_x, y, right_width, 1.0);
  if (cr != NULL)
    os_slip_show_layout (cr, date, right_x, y + right);
  right += os_slip_layout_height (date);

  return MAX (left, right) + 2 * gap;
}

/* The record code as a QR code (error correction M) with its quiet zone, the code in
 * text under it, centred in a column of @width. */

static double
qr_box_size (OsSlip *self)
{
  double module;

  if (self->qr == NULL)
    return 0;

  module = self->style->qr_symbol / self->qr->width;
  return module * (self->qr->width + 2 * QR_QUIET_MODULES);
}

static PangoLayout *
qr_caption_layout (OsSlip *self)
{
  g_autofree char *markup = g_markup_escape_text (self->code, -1);

  return slip_layout (self, OS_SLIP_FONT_SMALL, markup, -1, PANGO_ALIGN_CENTER);
}

static double
qr_column_width (OsSlip *self)
{
  g_autoptr(PangoLayout) caption = NULL;

  if (self->qr == NULL)
    return 0;

  caption = qr_caption_layout (self);
  return MAX (qr_box_size (self), os_slip_layout_width (caption));
}

static double
draw_qr (OsSlip        *self,
         cairo_t       *cr,
         double         x,
         double         y,
         double         width,
         gconstpointer  data)
{
  g_autoptr(PangoLayout) caption = NULL;
  double box = qr_box_size (self);
  double module, left, top;
  int n;

  if (self->qr == NULL)
    return 0;

  caption = qr_caption_layout (self);
  if (cr == NULL)
    return box + os_slip_layout_height (caption);

  n = self->qr->width;
  module = self->style->qr_symbol / n;
  left = x + (width - box) / 2;
  top = y;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, left, top, box, box);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  /* One rectangle per run of dark modules, all filled as a single path so that no
   * seams show between neighbours. */
  left += QR_QUIET_MODULES * module;
  top += QR_QUIET_MODULES * module;
  for (int row = 0; row < n; row++)
    {
      const unsigned char *data_row = self->qr->data + (gsize) row * n;
      int col = 0;

      while (col < n)
        {
          int start;

          if (!(data_row[col] & 1))
            {
              col++;
              continue;
            }
          start = col;
          while (col < n && (data_row[col] & 1))
            col++;
          cairo_rectangle (cr, left + start * module, top + row * module,
                           (col - start) * module, module);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);

  pango_layout_set_width (caption, pango_units_from_double (width));
  os_slip_show_layout (cr, caption, x, y + box);

  return box + os_slip_layout_height (caption);
}

/* The introduction: code, who applied and for what, with the QR code beside it on A4
 * and above it on the roll. */

/* One markup string per paragraph, NULL-terminated. */
static GStrv
intro_paragraphs (OsSlip *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *desk = desk_and_agency (self);
  g_autofree char *received_by = g_strdup_printf (_("%s tiếp nhận hồ sơ của:"), desk);

#define ADD(...) G_STMT_START { \
    g_autofree char *paragraph_ = g_markup_printf_escaped (__VA_ARGS__); \
    g_strv_builder_add (builder, paragraph_); \
  } G_STMT_END

  ADD ("%s <b>%s</b>", _("Mã hồ sơ:"), os_slip_or_dots (self->code));
  ADD ("%s", received_by);
  ADD ("%s <b>%s</b>", _("Ông/Bà:"), os_slip_or_dots (self->applicant));
  ADD ("%s %s", _("Địa chỉ:"), os_slip_or_dots (self->address));
  ADD ("%s %s", _("Số điện thoại:"), os_slip_or_dots (self->phone));
  ADD ("%s %s", _("Email:"), os_slip_or_dots (self->email));
  ADD ("%s <b>%s</b>", _("Nội dung yêu cầu giải quyết:"), os_slip_or_dots (self->procedure));
  /* The receipt lists it with the other times. */
  if (self->kind != OS_SLIP_RECEIPT)
    ADD ("%s %s", _("Thời gian nhận hồ sơ:"), self->received);

#undef ADD

  return g_strv_builder_end (builder);
}

/* A4 only: the paragraphs beside the QR column. Each is cut after a few lines so that
 * the box always fits on a page. */
static double
draw_intro_beside_qr (OsSlip        *self,
                      cairo_t       *cr,
                      double         x,
                      double         y,
                      double         width,
                      gconstpointer  data)
{
  const SlipStyle *style = self->style;
  double column = qr_column_width (self);
  double text_width = column > 0 ? width - column - 4 * style->gap : width;
  g_auto(GStrv) paragraphs = intro_paragraphs (self);
  double height = 0;
  double qr;

  for (int i = 0; paragraphs[i] != NULL; i++)
    {
      g_autoptr(PangoLayout) layout = slip_layout (self, OS_SLIP_FONT_BODY, paragraphs[i], text_width,
                                                   PANGO_ALIGN_LEFT);

      pango_layout_set_height (layout, -4);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      if (cr != NULL)
        os_slip_show_layout (cr, layout, x, y + height);
      height += os_slip_layout_height (layout) + style->gap;
    }
  qr = draw_qr (self, cr, x + width - column, y, column, NULL);

  return MAX (height, qr + style->gap);
}

static void
flow_add_intro (Flow *f)
{
  OsSlip *self = f->self;
  g_auto(GStrv) paragraphs = NULL;

  if (!self->style->narrow)
    {
      flow_add_box (f, draw_intro_beside_qr, NULL);
      return;
    }

  if (self->qr != NULL)
    {
      flow_add_box (f, draw_qr, NULL);
      f->y += self->style->gap;
    }
  paragraphs = intro_paragraphs (self);
  for (int i = 0; paragraphs[i] != NULL; i++)
    flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, paragraphs[i]);
}

/* The table of documents received */

typedef struct
{
  const char *cells[N_COLUMNS];   /* markup */
  gboolean    header;
} TableRow;

static void
table_columns (OsSlip *self,
               double  width,
               double  columns[N_COLUMNS])
{
  double others = 0;

  for (int i = 0; i < N_COLUMNS; i++)
    {
      columns[i] = self->style->columns[i];
      others += columns[i];
    }
  columns[1] = width - others;
}

static double
draw_table_row (OsSlip        *self,
                cairo_t       *cr,
                double         x,
                double         y,
                double         width,
                gconstpointer  data)
{
  const TableRow *row = data;
  double pad = self->style->cell_padding;
  double columns[N_COLUMNS];
  PangoLayout *cells[N_COLUMNS];
  double height;

  table_columns (self, width, columns);
  for (int i = 0; i < N_COLUMNS; i++)
    {
      gboolean name = i == 1 && !row->header;

      cells[i] = slip_layout (self, OS_SLIP_FONT_TABLE, row->cells[i], columns[i] - 2 * pad,
                              name ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
      if (name)
        {
          pango_layout_set_height (cells[i], -self->style->max_name_lines);
          pango_layout_set_ellipsize (cells[i], PANGO_ELLIPSIZE_END);
        }
    }
  height = os_slip_row_height (cells, N_COLUMNS, pad);

  /* Headings sit in the middle of their cells, entries at the top. */
  if (cr != NULL)
    os_slip_draw_row (cr, cells, columns, N_COLUMNS, x, y, height, self->style->rule, pad, row->header);

  for (int i = 0; i < N_COLUMNS; i++)
    g_object_unref (cells[i]);

  return height;
}

static double
draw_table_header (OsSlip        *self,
                   cairo_t       *cr,
                   double         x,
                   double         y,
                   double         width,
                   gconstpointer  data)
{
  g_autofree char *number = g_markup_printf_escaped ("<b>%s</b>", _("STT"));
  g_autofree char *name = g_markup_printf_escaped ("<b>%s</b>", _("Tên giấy tờ"));
  g_autofree char *originals = NULL;
  g_autofree char *certified = NULL;
  g_autofree char *copies = NULL;
  TableRow row = { .header = TRUE };

  if (self->style->narrow)
    {
      /* Explained by a legend under the table. */
      originals = g_markup_printf_escaped ("<b>%s</b>", C_("bản chính", "BC"));
      certified = g_markup_printf_escaped ("<b>%s</b>", C_("bản sao chứng thực", "SC"));
      copies = g_markup_printf_escaped ("<b>%s</b>", C_("bản photocopy", "PT"));
    }
  else
    {
      originals = g_markup_printf_escaped ("<b>%s</b>", _("Bản chính"));
      certified = g_markup_printf_escaped ("<b>%s</b>", _("Bản sao chứng thực"));
      copies = g_markup_printf_escaped ("<b>%s</b>", _("Bản photocopy"));
    }

  row.cells[0] = number;
  row.cells[1] = name;
  row.cells[2] = originals;
  row.cells[3] = certified;
  row.cells[4] = copies;

  return draw_table_row (self, cr, x, y, width, &row);
}

static void
document_row (TableRow         *row,
              char             *text[N_COLUMNS],
              int               number,
              OsRecordDocument *doc)
{
  g_autofree char *name = g_strdup (os_slip_or_dots (doc->name));

  /* A name is one paragraph whatever was typed into it. */
  g_strdelimit (name, "\r\n\t", ' ');
  text[0] = g_strdup_printf ("%d", number);
  text[1] = g_markup_escape_text (name, -1);
  text[2] = g_strdup_printf ("%d", doc->originals);
  text[3] = g_strdup_printf ("%d", doc->certified);
  text[4] = g_strdup_printf ("%d", doc->copies);

  row->header = FALSE;
  for (int i = 0; i < N_COLUMNS; i++)
    row->cells[i] = text[i];
}

static void
flow_add_documents (Flow       *f,
                    const char *heading)
{
  OsSlip *self = f->self;
  g_autofree char *markup = g_markup_escape_text (heading, -1);
  g_autoptr(PangoLayout) layout = slip_layout (self, OS_SLIP_FONT_BODY, markup, f->width, PANGO_ALIGN_LEFT);
  double keep = os_slip_layout_height (layout) + draw_table_header (self, NULL, f->x, 0, f->width, NULL);

  if (self->documents->len > 0)
    {
      char *text[N_COLUMNS];
      TableRow row;

      /* The heading stays with the table headings and the first entry. */
      document_row (&row, text, 1, g_ptr_array_index (self->documents, 0));
      keep += draw_table_row (self, NULL, f->x, 0, f->width, &row);
      for (int i = 0; i < N_COLUMNS; i++)
        g_free (text[i]);
    }
  flow_keep (f, keep);
  flow_add_layout (f, layout, f->x);
  f->y += self->style->gap;

  flow_add_box (f, draw_table_header, NULL);
  f->in_table = TRUE;
  for (guint i = 0; i < self->documents->len; i++)
    {
      char *text[N_COLUMNS];
      TableRow row;

      document_row (&row, text, i + 1, g_ptr_array_index (self->documents, i));
      flow_add_box (f, draw_table_row, &row);
      for (int j = 0; j < N_COLUMNS; j++)
        g_free (text[j]);
    }
  f->in_table = FALSE;
  f->y += self->style->gap;

  if (self->style->narrow)
    {
      g_autofree char *legend = g_markup_printf_escaped ("<i>%s</i>",
        _("BC: bản chính; SC: bản sao chứng thực; PT: bản photocopy."));

      flow_add_text (f, OS_SLIP_FONT_SMALL, PANGO_ALIGN_LEFT, 0, legend);
    }
}

/* Signatures: one or two columns, the officer's name under the right one */

typedef struct
{
  const char *left;    /* NULL: nobody signs on the left */
  const char *right;
  const char *name;    /* printed under the right signature */
} Signatures;

static double
draw_signature (OsSlip     *self,
                cairo_t    *cr,
                double      x,
                double      y,
                double      width,
                const char *title,
                const char *name)
{
  g_autofree char *markup = os_slip_signature_markup (title, NULL);
  g_autoptr(PangoLayout) layout = slip_layout (self, OS_SLIP_FONT_BODY, markup, width, PANGO_ALIGN_CENTER);
  double height = os_slip_layout_height (layout) + self->style->signature_space;

  if (cr != NULL)
    os_slip_show_layout (cr, layout, x, y);

  if (name != NULL && *name != '\0')
    {
      g_autofree char *name_markup = g_markup_printf_escaped ("<b>%s</b>", name);
      g_autoptr(PangoLayout) name_layout = slip_layout (self, OS_SLIP_FONT_BODY, name_markup, width,
                                                        PANGO_ALIGN_CENTER);

      if (cr != NULL)
        os_slip_show_layout (cr, name_layout, x, y + height);
      height += os_slip_layout_height (name_layout);
    }

  return height;
}

static double
draw_signatures (OsSlip        *self,
                 cairo_t       *cr,
                 double         x,
                 double         y,
                 double         width,
                 gconstpointer  data)
{
  const Signatures *signatures = data;
  double column = width / 2;
  double left = 0;
  double right;

  /* Side by side on A4; one under the other on the roll, too narrow for two. */
  if (self->style->narrow)
    {
      if (signatures->left != NULL)
        left = draw_signature (self, cr, x, y, width, signatures->left, NULL) + 2 * self->style->gap;
      return left + draw_signature (self, cr, x, y + left, width, signatures->right, signatures->name);
    }

  if (signatures->left != NULL)
    left = draw_signature (self, cr, x, y, column, signatures->left, NULL);
  right = draw_signature (self, cr, x + column, y, column, signatures->right, signatures->name);

  return MAX (left, right);
}

/* The bodies of the three slips */

static void
flow_add_item (Flow       *f,
               int        *number,
               const char *label,
               const char *value)
{
  g_autofree char *markup = g_markup_printf_escaped ("%d. %s %s", ++*number, label, value);

  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, markup);
}

static void
flow_add_receipt (Flow *f)
{
  OsSlip *self = f->self;
  g_autofree char *heading = g_strdup_printf ("1. %s", _("Thành phần hồ sơ nộp gồm:"));
  g_autofree char *sets = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *number = NULL;
  g_autofree char *book = NULL;
  int item = 1;

  flow_add_documents (f, heading);

  sets = self->sets > 0 ? g_strdup_printf (_("%02d (bộ)"), self->sets) : g_strdup (DOTS);
  flow_add_item (f, &item, _("Số lượng hồ sơ:"), sets);
  flow_add_item (f, &item, _("Thời gian giải quyết hồ sơ theo quy định:"), self->time_limit);
  flow_add_item (f, &item, _("Thời gian nhận hồ sơ:"), self->received);
  flow_add_item (f, &item, _("Thời gian trả kết quả giải quyết hồ sơ:"), self->due);
  flow_add_item (f, &item, _("Nhận kết quả tại:"), self->collect_at);

  volume = self->book_volume > 0 ? g_strdup_printf ("%d", self->book_volume) : g_strdup (DOTS);
  number = self->book_number > 0 ? g_strdup_printf ("%d", self->book_number) : g_strdup (DOTS);
  book = g_markup_printf_escaped ("%s %s, %s %s", _("Vào Sổ theo dõi hồ sơ, Quyển số:"), volume,
                                  _("Số thứ tự:"), number);
  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, book);
}

/* The reason, one paragraph per line, numbered when there are several. For the
 * supplement request, lines starting "Lý do" give the why and go to @why. */
static void
flow_add_reason (Flow     *f,
                 GString  *why)
{
  OsSlip *self = f->self;
  g_auto(GStrv) lines = g_strsplit (self->reason != NULL ? self->reason : "", "\n", -1);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  /* The officer may write the Vietnamese word whatever the UI language is. */
  const char *why_prefixes[] = { "Lý do", _("Lý do") };

  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *why_prefix = NULL;

      if (*line == '\0')
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (why_prefixes); k++)
        if (why != NULL && g_str_has_prefix (line, why_prefixes[k]))
          why_prefix = why_prefixes[k];
      if (why_prefix != NULL)
        {
          line += strlen (why_prefix);
          while (*line == ':' || *line == ' ')
            line++;
          if (why->len > 0)
            g_string_append_c (why, ' ');
          g_string_append (why, line);
          continue;
        }
      g_ptr_array_add (items, line);
    }

  if (items->len == 0)
    {
      /* Room to write the reason by hand. */
      for (int i = 0; i < 3; i++)
        flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, DOTS DOTS DOTS);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      const char *line = g_ptr_array_index (items, i);
      gunichar first = g_utf8_get_char (line);
      gboolean numbered = items->len > 1 && !g_unichar_isdigit (first) &&
                          first != '-' && first != '+' && first != 0x2022 && first != 0x2013;
      g_autofree char *number = numbered ? g_strdup_printf ("%u. ", i + 1) : g_strdup ("");
      g_autoptr(PangoLayout) number_layout = slip_layout (self, OS_SLIP_FONT_BODY, number, -1,
                                                          PANGO_ALIGN_LEFT);
      g_autofree char *markup = g_markup_printf_escaped ("%s%s", number, line);

      /* Wrapped lines hang under the text, clear of the number. */
      flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, os_slip_layout_width (number_layout), markup);
    }
}

static void
flow_add_supplement (Flow *f)
{
  OsSlip *self = f->self;
  g_autoptr(GString) why = g_string_new (NULL);
  g_autofree char *heading = g_markup_printf_escaped ("<b>%s</b>",
    _("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"));
  g_autofree char *reason = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *contact_markup = NULL;
  g_autofree char *desk = desk_and_agency (self);

  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, heading);
  flow_add_reason (f, why);

  reason = g_markup_printf_escaped ("<b>%s</b> %s", _("Lý do:"),
                                    why->len > 0 ? why->str
                                                 : _("Hồ sơ chưa đầy đủ, chưa hợp lệ theo quy định."));
  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, reason);

  rules = g_markup_escape_text (_("Quý ông/bà có thể tham khảo các quy định về thủ tục hành chính "
                                  "này tại Cổng Dịch vụ công quốc gia (dichvucong.gov.vn)."), -1);
  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, rules);

  contact = g_strdup_printf (_("Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên "
                               "hệ với %s, %s để được hướng dẫn."),
                             os_slip_or_dots (self->officer), desk);
  contact_markup = g_markup_escape_text (contact, -1);
  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, contact_markup);
}

static void
flow_add_refusal (Flow *f)
{
  OsSlip *self = f->self;
  g_autofree char *desk = desk_and_agency (self);
  g_autofree char *text = g_strdup_printf (_("Sau khi nghiên cứu, đối chiếu với các quy định hiện "
                                             "hành, %s từ chối tiếp nhận, giải quyết hồ sơ này với "
                                             "lý do cụ thể như sau:"), desk);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  g_autofree char *closing = g_markup_escape_text (_("Xin thông báo cho ông/bà được biết và "
                                                     "thực hiện./."), -1);

  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, markup);
  flow_add_reason (f, NULL);
  flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, 0, closing);
}

/* Lays out (and paints the page f->target of) one copy. */
static void
slip_run (Flow *f)
{
  OsSlip *self = f->self;
  const char *label = copy_label (self, f->copy);
  g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", os_slip_kind_get_title (self->kind));
  Signatures signatures = { .name = self->officer };

  flow_add_box (f, draw_header, NULL);
  f->y += self->style->gap;
  flow_add_text (f, OS_SLIP_FONT_TITLE, PANGO_ALIGN_CENTER, 0, title);
  if (label != NULL)
    {
      g_autofree char *markup = g_markup_printf_escaped ("<i>(%s)</i>", label);

      flow_add_text (f, OS_SLIP_FONT_BODY, PANGO_ALIGN_CENTER, 0, markup);
    }
  f->y += self->style->gap;
  flow_add_intro (f);

  switch (self->kind)
    {
    case OS_SLIP_SUPPLEMENT:
      flow_add_supplement (f);
      signatures.right = _("NGƯỜI HƯỚNG DẪN");
      break;
    case OS_SLIP_REFUSAL:
      flow_add_refusal (f);
      signatures.right = _("NGƯỜI TIẾP NHẬN HỒ SƠ");
      break;
    case OS_SLIP_RECEIPT:
    default:
      flow_add_receipt (f);
      signatures.left = _("NGƯỜI NỘP HỒ SƠ");
      signatures.right = _("NGƯỜI TIẾP NHẬN HỒ SƠ");
      break;
    }

  flow_space (f, 3 * self->style->gap);
  flow_add_box (f, draw_signatures, &signatures);
}

static void
slip_paginate (OsSlip *self)
{
  int first = 0;

  self->n_copies = self->kind == OS_SLIP_RECEIPT && self->format == OS_PAPER_A4 ? 2 : 1;

  for (int copy = 0; copy < self->n_copies; copy++)
    {
      Flow f;

      flow_init (&f, self, NULL, -1, copy);
      slip_run (&f);
      self->copy_first[copy] = first;
      self->copy_pages[copy] = f.page + 1;
      first += f.page + 1;

      if (self->style->height <= 0)
        self->page_height = ceil (f.y + self->style->margin_bottom);
    }

  self->n_pages = first;
  if (self->style->height > 0)
    self->page_height = self->style->height;
}

/* Snapshot of the record */

static char *
format_date_time (gint64 instant)
{
  g_autoptr(GDateTime) local = NULL;

  if (instant <= 0)
    return g_strdup_printf (_("%s giờ %s phút, ngày %s/%s/%s"), "……", "……", "……", "……", "……");

  local = os_datetime_local (instant);
  return g_strdup_printf (_("%02d giờ %02d phút, ngày %02d/%02d/%04d"),
                          g_date_time_get_hour (local), g_date_time_get_minute (local),
                          g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                          g_date_time_get_year (local));
}

/* "Hà Nội, ngày 27 tháng 10 năm 2023": the day received, or today for a record that
 * has not been. */
static char *
format_date_line (const char *place,
                  gint64      instant)
{
  return os_slip_format_date_line (place != NULL && *place != '\0' ? place : "……", instant);
}

static char *
dup_field (const char *value)
{
  g_autofree char *copy = g_strdup (value != NULL ? value : "");

  return g_strdup (g_strstrip (copy));
}

static void
slip_copy_record (OsSlip   *self,
                  OsRecord *record)
{
  GPtrArray *documents = os_record_get_documents (record);
  const OsTimeLimit *limit = os_record_get_time_limit (record);

  self->code = dup_field (os_record_get_code (record));
  self->applicant = dup_field (os_record_get_applicant_name (record));
  self->address = dup_field (os_record_get_address (record));
  self->phone = dup_field (os_record_get_phone (record));
  self->email = dup_field (os_record_get_email (record));
  self->procedure = dup_field (os_record_get_procedure_name (record));
  self->officer = dup_field (os_record_get_officer (record));
  self->reason = dup_field (os_record_get_reason (record));
  self->time_limit = limit != NULL ? os_time_limit_to_string (limit) : g_strdup (DOTS);
  /* Vietnam's time whatever the machine's zone (os-datetime.h). */
  self->received = format_date_time (os_record_get_received_at (record));
  self->due = format_date_time (os_record_get_due_at (record));
  self->date_line = format_date_line (self->agency->place, os_record_get_received_at (record));
  self->sets = os_record_get_sets (record);
  self->book_volume = os_record_get_book_volume (record);
  self->book_number = os_record_get_book_number (record);

  if (os_record_get_delivery (record) == OS_DELIVERY_POST)
    self->collect_at = g_strdup (_("Qua dịch vụ bưu chính"));
  else
    self->collect_at = desk_and_agency (self);

  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) os_record_document_free);
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    g_ptr_array_add (self->documents, os_record_document_copy (g_ptr_array_index (documents, i)));
}

static void
os_slip_finalize (GObject *object)
{
  OsSlip *self = (OsSlip *) object;

  os_slip_text_clear (&self->text);
  g_clear_pointer (&self->qr, QRcode_free);
  g_clear_pointer (&self->agency, os_agency_free);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->sheet, os_process_sheet_free);
  g_free (self->code);
  g_free (self->applicant);
  g_free (self->address);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->procedure);
  g_free (self->time_limit);
  g_free (self->received);
  g_free (self->due);
  g_free (self->date_line);
  g_free (self->collect_at);
  g_free (self->officer);
  g_free (self->reason);

  G_OBJECT_CLASS (os_slip_parent_class)->finalize (object);
}

static void
os_slip_class_init (OsSlipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_slip_finalize;
}

static void
os_slip_init (OsSlip *self)
{
}

OsSlip *
os_slip_new (OsSlipKind      kind,
             OsPaperFormat   format,
             OsRecord       *record,
             const OsAgency *agency)
{
  OsSlip *self;

  g_return_val_if_fail (kind <= OS_SLIP_REFUSAL, NULL);
  g_return_val_if_fail (format <= OS_PAPER_ROLL_80MM, NULL);
  g_return_val_if_fail (OS_IS_RECORD (record), NULL);
  g_return_val_if_fail (agency != NULL, NULL);

  self = g_object_new (OS_TYPE_SLIP, NULL);
  self->kind = kind;
  self->format = format;
  self->style = format == OS_PAPER_ROLL_80MM ? &roll_style : &a4_style;
  self->agency = os_agency_copy (agency);
  slip_copy_record (self, record);

  /* Record codes are digits, capitals, dots and dashes; libqrencode picks the
   * alphanumeric mode for them. A failure leaves the slip without a QR code, which
   * os_slip_export_pdf() reports. */
  if (*self->code != '\0')
    self->qr = QRcode_encodeString (self->code, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

  os_slip_text_init (&self->text, self->style->family, self->style->sizes);
  slip_paginate (self);

  return self;
}

/* Mẫu 04–06 (os-slip-process.c): an OsSlip around pages laid out there. */
OsSlip *
os_slip_new_for_sheet (OsSlipKind      kind,
                       OsProcessSheet *sheet)
{
  OsSlip *self;

  g_return_val_if_fail (kind >= OS_SLIP_EXTENSION && kind <= OS_SLIP_BOOK, NULL);
  g_return_val_if_fail (sheet != NULL, NULL);

  self = g_object_new (OS_TYPE_SLIP, NULL);
  self->kind = kind;
  self->format = OS_PAPER_A4;
  self->style = &a4_style;
  self->sheet = sheet;
  self->code = g_strdup (os_process_sheet_get_code (sheet));
  self->n_copies = 1;
  self->n_pages = os_process_sheet_get_n_pages (sheet);
  self->copy_pages[0] = self->n_pages;
  os_process_sheet_get_page_size (sheet, NULL, &self->page_height);

  return self;
}

OsSlipKind
os_slip_get_kind (OsSlip *self)
{
  g_return_val_if_fail (OS_IS_SLIP (self), OS_SLIP_RECEIPT);

  return self->kind;
}

OsPaperFormat
os_slip_get_format (OsSlip *self)
{
  g_return_val_if_fail (OS_IS_SLIP (self), OS_PAPER_A4);

  return self->format;
}

const char *
os_slip_get_title (OsSlip *self)
{
  g_return_val_if_fail (OS_IS_SLIP (self), NULL);

  return os_slip_kind_get_title (self->kind);
}

int
os_slip_get_n_copies (OsSlip *self)
{
  g_return_val_if_fail (OS_IS_SLIP (self), 0);

  return self->n_copies;
}

int
os_slip_get_n_pages (OsSlip *self)
{
  g_return_val_if_fail (OS_IS_SLIP (self), 0);

  return self->n_pages;
}

void
os_slip_get_page_size (OsSlip *self,
                       double *width_pt,
                       double *height_pt)
{
  g_return_if_fail (OS_IS_SLIP (self));

  if (self->sheet != NULL)
    {
      os_process_sheet_get_page_size (self->sheet, width_pt, height_pt);
      return;
    }
  if (width_pt != NULL)
    *width_pt = self->style->width;
  if (height_pt != NULL)
    *height_pt = self->page_height;
}

void
os_slip_draw_page (OsSlip  *self,
                   cairo_t *cr,
                   int      page)
{
  Flow f;
  int copy = 0;

  g_return_if_fail (OS_IS_SLIP (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page >= 0 && page < self->n_pages);

  if (self->sheet != NULL)
    {
      cairo_save (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      os_process_sheet_draw_page (self->sheet, cr, page);
      cairo_restore (cr);
      return;
    }

  while (copy + 1 < self->n_copies && page >= self->copy_first[copy + 1])
    copy++;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  flow_init (&f, self, cr, page, copy);
  slip_run (&f);

  if (self->copy_pages[copy] > 1)
    os_slip_draw_page_number (&self->text, cr, page - self->copy_first[copy] + 1, self->copy_pages[copy],
                              f.x, f.width, self->page_height, self->style->margin_bottom);

  cairo_restore (cr);
}

/* PDF export */

static gboolean
slip_write_pdf (cairo_write_func_t   write,
                void                *closure,
                gpointer             user_data,
                cairo_status_t      *out_status,
                GError             **error)
{
  OsSlip *self = user_data;
  cairo_surface_t *surface;
  cairo_status_t status;
  g_autofree char *title = NULL;
  double width, height;

  os_slip_get_page_size (self, &width, &height);
  surface = cairo_pdf_surface_create_for_stream (write, closure, width, height);
  title = *self->code != '\0' ? g_strdup_printf ("%s – %s", os_slip_kind_get_title (self->kind), self->code)
                              : g_strdup (os_slip_kind_get_title (self->kind));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "onestop " PACKAGE_VERSION);

  for (int page = 0; page < self->n_pages; page++)
    {
      cairo_t *cr = cairo_create (surface);

      os_slip_draw_page (self, cr, page);
      cairo_show_page (cr);
      status = cairo_status (cr);
      cairo_destroy (cr);
      if (status != CAIRO_STATUS_SUCCESS)
        break;
    }

  cairo_surface_finish (surface);
  *out_status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return TRUE;
}

gboolean
os_slip_export_pdf (OsSlip      *self,
                    const char  *path,
                    GError     **error)
{
  g_return_val_if_fail (OS_IS_SLIP (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->sheet == NULL && *self->code != '\0' && self->qr == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_RENDER,
                   _("Không tạo được mã QR cho mã hồ sơ “%s”"), self->code);
      return FALSE;
    }

  return os_pdf_file_write (path, slip_write_pdf, self, error);
}
