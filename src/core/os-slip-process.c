/* os-slip-process.c: Mẫu 04, 05 and 06 (see os-slip-process.h).
 *
 * Each form is one "sheet": a header (agency over the national motto, place and date),
 * a title, paragraphs, at most one table whose headings repeat on every page it runs
 * onto, more paragraphs and the signatures. One run lays it out; it measures when given
 * no cairo context and paints the target page when given one, so the pages drawn are
 * exactly the pages counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "os-datetime.h"
#include "os-slip-draw.h"
#include "os-slip-process.h"

#define MM(x) ((x) * 72.0 / 25.4)

struct _OsProcessSheet
{
  OsSlipKind            kind;
  double                width;
  double                height;
  double                margin_top;
  double                margin_bottom;
  double                margin_left;
  double                margin_right;
  double                gap;
  double                rule;
  double                pad;

  OsSlipText            text;

  OsAgency             *agency;
  char                 *code;        /* the record code, "" for the book */
  char                 *date_line;
  GPtrArray            *before;      /* markup paragraphs under the title */
  /* The table: n_columns headings and relative widths; rows are GStrv of markup. */
  int                   n_columns;
  char                **headings;
  double               *weights;
  gboolean             *centred;
  GPtrArray            *rows;
  GPtrArray            *after;       /* markup paragraphs under the table */
  char                 *sign_left;   /* signature titles, NULL = none */
  char                 *sign_right;
  char                 *sign_right_note;
  char                 *continued;   /* the line at the top of every further page */

  int                   n_pages;
};

/* Text */

static PangoLayout *
sheet_layout (OsProcessSheet *self,
              OsSlipFont      font,
              const char     *markup,
              double          width,
              PangoAlignment  alignment)
{
  return os_slip_text_layout (&self->text, font, markup, width, alignment);
}

static char *
format_date (gint64 instant)
{
  return instant > 0 ? os_datetime_format (instant, FALSE) : g_strdup ("……/……/……");
}

static char *
format_date_time (gint64 instant)
{
  return instant > 0 ? os_datetime_format (instant, TRUE) : g_strdup ("");
}

/* "Hà Nội, ngày 27 tháng 10 năm 2023" for @instant, or today. */
static char *
format_date_line (const char *place,
                  gint64      instant)
{
  return os_slip_format_date_line (os_slip_or_dots (place), instant);
}

/* Setup */

static OsProcessSheet *
sheet_new (OsSlipKind      kind,
           gboolean        landscape,
           const OsAgency *agency)
{
  OsProcessSheet *self = g_new0 (OsProcessSheet, 1);
  const double sizes[OS_SLIP_N_FONTS] = {
    [OS_SLIP_FONT_BODY] = 12.5, [OS_SLIP_FONT_HEADER] = 11.5, [OS_SLIP_FONT_TITLE] = 14,
    [OS_SLIP_FONT_TABLE] = landscape ? 8 : 9.5, [OS_SLIP_FONT_SMALL] = 9,
  };

  self->kind = kind;
  self->width = landscape ? 841.89 : 595.28;
  self->height = landscape ? 595.28 : 841.89;
  self->margin_top = landscape ? MM (15) : MM (20);
  self->margin_bottom = landscape ? MM (15) : MM (20);
  self->margin_left = landscape ? MM (15) : MM (25);
  self->margin_right = MM (15);
  self->gap = 4;
  self->rule = 0.6;
  self->pad = 2.5;
  self->agency = os_agency_copy (agency);
  self->code = g_strdup ("");
  self->before = g_ptr_array_new_with_free_func (g_free);
  self->after = g_ptr_array_new_with_free_func (g_free);
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  os_slip_text_init (&self->text, "Noto Serif, DejaVu Serif, serif", sizes);

  return self;
}

void
os_process_sheet_free (OsProcessSheet *self)
{
  if (self == NULL)
    return;

  os_slip_text_clear (&self->text);
  g_clear_pointer (&self->agency, os_agency_free);
  g_clear_pointer (&self->before, g_ptr_array_unref);
  g_clear_pointer (&self->after, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_strfreev (self->headings);
  g_free (self->weights);
  g_free (self->centred);
  g_free (self->code);
  g_free (self->date_line);
  g_free (self->sign_left);
  g_free (self->sign_right);
  g_free (self->sign_right_note);
  g_free (self->continued);
  g_free (self);
}

static void
sheet_add_paragraph (GPtrArray  *paragraphs,
                     const char *format,
                     ...) G_GNUC_PRINTF (2, 3);

/* A paragraph: @format's arguments are escaped for markup. */
static void
sheet_add_paragraph (GPtrArray  *paragraphs,
                     const char *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (paragraphs, g_markup_vprintf_escaped (format, args));
  va_end (args);
}

static void
sheet_set_columns (OsProcessSheet     *self,
                   const char * const *headings,
                   const double       *weights,
                   const gboolean     *centred,
                   int                 n_columns)
{
  self->n_columns = n_columns;
  self->headings = g_new0 (char *, n_columns + 1);
  self->weights = g_new0 (double, n_columns);
  self->centred = g_new0 (gboolean, n_columns);
  for (int i = 0; i < n_columns; i++)
    {
      self->headings[i] = g_markup_printf_escaped ("<b>%s</b>", headings[i]);
      self->weights[i] = weights[i];
      self->centred[i] = centred[i];
    }
}

/* A table row from plain texts (escaped here). */
static void
sheet_add_row (OsProcessSheet     *self,
               const char * const *cells)
{
  char **row = g_new0 (char *, self->n_columns + 1);

  for (int i = 0; i < self->n_columns; i++)
    row[i] = g_markup_escape_text (cells[i] != NULL ? cells[i] : "", -1);
  g_ptr_array_add (self->rows, row);
}

/* The run */

typedef struct
{
  OsProcessSheet *sheet;
  cairo_t        *cr;      /* NULL while measuring */
  int             target;
  int             page;
  double          x;
  double          width;
  double          bottom;
  double          y;
  double          fresh;   /* where content starts on this page */
  gboolean        in_table;
} Run;

static cairo_t *
run_cr (Run *r)
{
  return r->cr != NULL && r->page == r->target ? r->cr : NULL;
}

static double draw_row (Run *r, char **cells, gboolean header, cairo_t *cr, double y);

static void
run_break (Run *r)
{
  OsProcessSheet *self = r->sheet;
  g_autofree char *markup = g_markup_printf_escaped ("<i>%s</i>", self->continued);
  g_autoptr(PangoLayout) layout = sheet_layout (self, OS_SLIP_FONT_SMALL, markup, r->width, PANGO_ALIGN_RIGHT);
  cairo_t *cr;

  r->page++;
  r->y = self->margin_top;
  if ((cr = run_cr (r)) != NULL)
    os_slip_show_layout (cr, layout, r->x, r->y);
  r->y += os_slip_layout_height (layout) + 2 * self->gap;
  if (r->in_table)
    r->y += draw_row (r, self->headings, TRUE, run_cr (r), r->y);
  r->fresh = r->y;
}

static void
run_keep (Run    *r,
          double  height)
{
  if (r->y + height > r->bottom && r->y > r->fresh + 0.01)
    run_break (r);
}

static void
run_text (Run            *r,
          OsSlipFont       font,
          PangoAlignment  alignment,
          const char     *markup)
{
  g_autoptr(PangoLayout) layout = sheet_layout (r->sheet, font, markup, r->width, alignment);
  double height = os_slip_layout_height (layout);
  cairo_t *cr;

  if (alignment == PANGO_ALIGN_LEFT && font == OS_SLIP_FONT_BODY)
    pango_layout_set_justify (layout, TRUE);
  run_keep (r, height);
  if ((cr = run_cr (r)) != NULL)
    os_slip_show_layout (cr, layout, r->x, r->y);
  r->y += height + r->sheet->gap;
}

static void
column_widths (Run    *r,
               double *widths)
{
  OsProcessSheet *self = r->sheet;
  double total = 0;

  for (int i = 0; i < self->n_columns; i++)
    total += self->weights[i];
  for (int i = 0; i < self->n_columns; i++)
    widths[i] = r->width * self->weights[i] / total;
}

static double
draw_row (Run      *r,
          char    **cells,
          gboolean  header,
          cairo_t  *cr,
          double    y)
{
  OsProcessSheet *self = r->sheet;
  g_autofree double *widths = g_new (double, self->n_columns);
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  double height;

  column_widths (r, widths);
  for (int i = 0; i < self->n_columns; i++)
    {
      PangoAlignment alignment = header || self->centred[i] ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
      PangoLayout *layout = sheet_layout (self, OS_SLIP_FONT_TABLE, cells[i], widths[i] - 2 * self->pad,
                                          alignment);

      g_ptr_array_add (layouts, layout);
    }
  height = os_slip_row_height ((PangoLayout **) layouts->pdata, self->n_columns, self->pad);
  /* Room for a handwritten signature in a row that has signature columns. */
  if (!header && self->kind == OS_SLIP_CONTROL)
    height = MAX (height, 44);

  if (cr != NULL)
    os_slip_draw_row (cr, (PangoLayout **) layouts->pdata, widths, self->n_columns, r->x, y, height,
                      self->rule, self->pad, header);

  return height;
}

static void
run_table (Run *r)
{
  OsProcessSheet *self = r->sheet;
  double header = draw_row (r, self->headings, TRUE, NULL, 0);
  double first = self->rows->len > 0 ? draw_row (r, g_ptr_array_index (self->rows, 0), FALSE, NULL, 0) : 0;

  if (self->n_columns == 0)
    return;

  /* The headings stay with the first row. */
  run_keep (r, header + first);
  r->y += draw_row (r, self->headings, TRUE, run_cr (r), r->y);
  r->in_table = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      char **row = g_ptr_array_index (self->rows, i);
      double height = draw_row (r, row, FALSE, NULL, 0);

      run_keep (r, height);
      r->y += draw_row (r, row, FALSE, run_cr (r), r->y);
    }
  r->in_table = FALSE;
  r->y += 2 * self->gap;
}

/* The agency over its rule on the left, the motto and the date line on the right. */
static double
draw_header (Run     *r,
             cairo_t *cr)
{
  OsProcessSheet *self = r->sheet;
  double left_width = r->width * 0.42;
  double right_width = r->width - left_width;
  g_autofree char *parent = g_utf8_strup (self->agency->parent_name, -1);
  g_autofree char *name = g_utf8_strup (os_slip_or_dots (self->agency->name), -1);
  g_autofree char *agency_markup = g_markup_printf_escaped ("%s%s<b>%s</b>", parent,
                                                            *parent != '\0' ? "\n" : "", name);
  g_autofree char *motto_markup = os_slip_motto_markup ();
  g_autofree char *date_markup = g_markup_printf_escaped ("<i>%s</i>", self->date_line);
  g_autoptr(PangoLayout) agency = sheet_layout (self, OS_SLIP_FONT_HEADER, agency_markup, left_width - self->gap,
                                                PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) motto = sheet_layout (self, OS_SLIP_FONT_HEADER, motto_markup, right_width,
                                               PANGO_ALIGN_CENTER);
  g_autoptr(PangoLayout) date = sheet_layout (self, OS_SLIP_FONT_BODY, date_markup, right_width,
                                              PANGO_ALIGN_CENTER);
  double left = os_slip_layout_height (agency) + 3;
  double right = os_slip_layout_height (motto) + 3;

  if (cr != NULL)
    {
      cairo_set_line_width (cr, self->rule);
      os_slip_show_layout (cr, agency, r->x, r->y);
      cairo_move_to (cr, r->x + left_width * 0.3, r->y + left);
      cairo_line_to (cr, r->x + left_width * 0.7 - self->gap, r->y + left);
      cairo_stroke (cr);
      os_slip_show_layout (cr, motto, r->x + left_width, r->y);
      cairo_move_to (cr, r->x + left_width + right_width * 0.2, r->y + right);
      cairo_line_to (cr, r->x + left_width + right_width * 0.8, r->y + right);
      cairo_stroke (cr);
      os_slip_show_layout (cr, date, r->x + left_width, r->y + right + 2 * self->gap);
    }
  right += 2 * self->gap + os_slip_layout_height (date);

  return MAX (left, right) + 3 * self->gap;
}

static double
draw_signatures (Run     *r,
                 cairo_t *cr)
{
  OsProcessSheet *self = r->sheet;
  double column = r->width / 2;
  double height = 0;
  const char *titles[2] = { self->sign_left, self->sign_right };

  for (int i = 0; i < 2; i++)
    {
      g_autofree char *markup = NULL;
      g_autoptr(PangoLayout) layout = NULL;

      if (titles[i] == NULL)
        continue;
      markup = os_slip_signature_markup (titles[i], i == 1 ? self->sign_right_note : NULL);
      layout = sheet_layout (self, OS_SLIP_FONT_BODY, markup, column, PANGO_ALIGN_CENTER);
      if (cr != NULL)
        os_slip_show_layout (cr, layout, r->x + i * column, r->y);
      height = MAX (height, os_slip_layout_height (layout) + 64);
    }

  return height;
}

static void
sheet_run (Run *r)
{
  OsProcessSheet *self = r->sheet;
  g_autofree char *title = g_markup_printf_escaped ("<b>%s</b>", os_slip_kind_get_title (self->kind));
  double height;

  height = draw_header (r, NULL);
  if (run_cr (r) != NULL)
    draw_header (r, run_cr (r));
  r->y += height;
  run_text (r, OS_SLIP_FONT_TITLE, PANGO_ALIGN_CENTER, title);
  r->y += self->gap;
  for (guint i = 0; i < self->before->len; i++)
    run_text (r, OS_SLIP_FONT_BODY, i == 0 && self->kind != OS_SLIP_EXTENSION ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT,
              g_ptr_array_index (self->before, i));
  r->y += self->gap;
  run_table (r);
  for (guint i = 0; i < self->after->len; i++)
    run_text (r, OS_SLIP_FONT_BODY, PANGO_ALIGN_LEFT, g_ptr_array_index (self->after, i));

  if (self->sign_left != NULL || self->sign_right != NULL)
    {
      r->y += 2 * self->gap;
      height = draw_signatures (r, NULL);
      run_keep (r, height);
      if (run_cr (r) != NULL)
        draw_signatures (r, run_cr (r));
      r->y += height;
    }
}

static void
run_init (Run            *r,
          OsProcessSheet *self,
          cairo_t        *cr,
          int             target)
{
  *r = (Run) {
    .sheet = self,
    .cr = cr,
    .target = target,
    .x = self->margin_left,
    .width = self->width - self->margin_left - self->margin_right,
    .bottom = self->height - self->margin_bottom,
    .y = self->margin_top,
    .fresh = self->margin_top,
  };
}

static OsProcessSheet *
sheet_paginate (OsProcessSheet *self)
{
  Run r;

  run_init (&r, self, NULL, -1);
  sheet_run (&r);
  self->n_pages = r.page + 1;
  return self;
}

const char *
os_process_sheet_get_code (OsProcessSheet *self)
{
  return self->code;
}

int
os_process_sheet_get_n_pages (OsProcessSheet *self)
{
  return self->n_pages;
}

void
os_process_sheet_get_page_size (OsProcessSheet *self,
                                double         *width_pt,
                                double         *height_pt)
{
  if (width_pt != NULL)
    *width_pt = self->width;
  if (height_pt != NULL)
    *height_pt = self->height;
}

void
os_process_sheet_draw_page (OsProcessSheet *self,
                            cairo_t        *cr,
                            int             page)
{
  Run r;

  run_init (&r, self, cr, page);
  sheet_run (&r);

  if (self->n_pages > 1)
    os_slip_draw_page_number (&self->text, cr, page + 1, self->n_pages, r.x, r.width, self->height,
                              self->margin_bottom);
}

/* The three forms */

gboolean
os_process_entry_is_hand_off (const OsProcessEntry *entry)
{
  g_return_val_if_fail (entry != NULL, FALSE);

  if (entry->rolled_back || entry->action == OS_ACTION_ROLLBACK)
    return FALSE;
  if (entry->action == OS_ACTION_ASSIGN)
    return TRUE;
  return g_strcmp0 (entry->from_step ? entry->from_step : "", entry->to_step ? entry->to_step : "") != 0;
}

const char *
os_process_punctuality_to_string (gint64 at,
                                  gint64 step_due_at)
{
  if (step_due_at <= 0)
    return "";

  switch (os_process_punctuality (at, step_due_at))
    {
    case OS_DUE_STATE_EARLY:   return _("Sớm hạn");
    case OS_DUE_STATE_ON_TIME: return _("Đúng hạn");
    case OS_DUE_STATE_LATE:    return _("Quá hạn");
    default:                   return "";
    }
}

OsSlip *
os_slip_new_extension (OsRecord       *record,
                       const OsAgency *agency)
{
  OsProcessSheet *self;
  OsProcessState *state;
  g_autofree char *received = NULL;
  g_autofree char *original = NULL;
  g_autofree char *new_date = NULL;
  const char *who;
  const char *reason = NULL;
  gint64 original_due;

  g_return_val_if_fail (OS_IS_RECORD (record), NULL);
  g_return_val_if_fail (agency != NULL, NULL);

  self = sheet_new (OS_SLIP_EXTENSION, FALSE, agency);
  state = os_record_get_process_state (record);
  g_free (self->code);
  self->code = g_strdup (os_record_get_code (record));
  self->date_line = format_date_line (agency->place, 0);
  who = os_slip_or_dots (agency->name);

  received = format_date (os_record_get_received_at (record));
  if (state != NULL && state->extended)
    {
      original_due = state->original_due_at;
      new_date = format_date (os_record_get_due_at (record));
      reason = state->extension_reason;
    }
  else
    {
      original_due = os_record_get_due_at (record);
      new_date = format_date (0);
    }
  original = format_date (original_due);

  sheet_add_paragraph (self->before, "%s %s", _("Kính gửi:"), os_slip_or_dots (os_record_get_applicant_name (record)));
  sheet_add_paragraph (self->before, _("Ngày %s, %s tiếp nhận giải quyết hồ sơ của ông/bà đề nghị "
                                       "giải quyết thủ tục hành chính: %s."),
                       received, who, os_slip_or_dots (os_record_get_procedure_name (record)));
  sheet_add_paragraph (self->before, "%s %s", _("Mã hồ sơ:"), os_slip_or_dots (self->code));
  sheet_add_paragraph (self->before, "%s %s", _("Thời gian hẹn trả kết quả giải quyết hồ sơ:"), original);
  sheet_add_paragraph (self->before, _("Tuy nhiên, đến nay, %s chưa trả kết quả giải quyết hồ sơ "
                                       "của ông/bà đúng hạn. Lý do: %s"),
                       who, os_slip_or_dots (reason));
  sheet_add_paragraph (self->before, _("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí đi lại cho "
                                       "ông/bà. %s xin lỗi ông/bà và sẽ trả kết quả giải quyết hồ sơ "
                                       "cho ông/bà vào ngày %s."),
                       who, new_date);
  sheet_add_paragraph (self->before, "%s", _("Xin trân trọng cảm ơn sự hợp tác của ông/bà./."));
  self->sign_right = g_strdup (_("THỦ TRƯỞNG CƠ QUAN"));
  self->sign_right_note = g_strdup (_("(Ký, ghi rõ họ tên và đóng dấu)"));
  self->continued = os_slip_continued_text (NULL, self->code);

  return os_slip_new_for_sheet (OS_SLIP_EXTENSION, sheet_paginate (self));
}

/* "Thụ lý hồ sơ — Chuyên viên (000.00.06.H56)" */
static char *
step_text (OsProcess  *definition,
           const char *step_id,
           const char *fallback_name)
{
  OsProcessStep *step = definition && step_id && *step_id ? os_process_find_step (definition, step_id) : NULL;
  GString *text = g_string_new (NULL);

  if (step == NULL)
    {
      g_string_append (text, fallback_name && *fallback_name ? fallback_name : (step_id ? step_id : ""));
      return g_string_free (text, FALSE);
    }
  g_string_append (text, step->name);
  if (step->role && *step->role)
    g_string_append_printf (text, " — %s", os_role_to_string (step->role));
  if (step->unit && *step->unit)
    g_string_append_printf (text, " (%s)", step->unit);
  return g_string_free (text, FALSE);
}

OsSlip *
os_slip_new_control (OsRecord       *record,
                     OsProcess      *definition,
                     const OsAgency *agency)
{
  static const char * const headings[] = {
    N_("STT"), N_("Bên giao (người, bước)"), N_("Bên nhận"), N_("Thời gian giao, nhận"),
    N_("Kết quả (sớm hạn, đúng hạn, quá hạn)"), N_("Ghi chú"), N_("Người giao ký"), N_("Người nhận ký"),
  };
  static const double weights[] = { 22, 78, 78, 56, 52, 62, 48, 48 };
  static const gboolean centred[] = { TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, FALSE, FALSE };
  const char *translated[G_N_ELEMENTS (headings)];
  OsProcessSheet *self;
  OsProcessState *state;
  g_autofree char *received = NULL;
  g_autofree char *due = NULL;
  int number = 0;

  g_return_val_if_fail (OS_IS_RECORD (record), NULL);
  g_return_val_if_fail (definition == NULL || OS_IS_PROCESS (definition), NULL);
  g_return_val_if_fail (agency != NULL, NULL);

  self = sheet_new (OS_SLIP_CONTROL, FALSE, agency);
  state = os_record_get_process_state (record);
  g_free (self->code);
  self->code = g_strdup (os_record_get_code (record));
  self->date_line = format_date_line (agency->place, os_record_get_received_at (record));
  received = format_date_time (os_record_get_received_at (record));
  due = format_date_time (os_record_get_due_at (record));

  sheet_add_paragraph (self->before, "<b>%s %s</b>", _("Mã hồ sơ:"), os_slip_or_dots (self->code));
  sheet_add_paragraph (self->before, "%s %s", _("Người nộp hồ sơ:"), os_slip_or_dots (os_record_get_applicant_name (record)));
  sheet_add_paragraph (self->before, "%s %s", _("Thủ tục hành chính:"), os_slip_or_dots (os_record_get_procedure_name (record)));
  sheet_add_paragraph (self->before, "%s %s. %s %s.", _("Ngày nhận hồ sơ:"), os_slip_or_dots (received),
                       _("Hẹn trả kết quả:"), os_slip_or_dots (due));
  sheet_add_paragraph (self->before, "%s %s", _("Cơ quan (bộ phận) giải quyết hồ sơ:"), os_slip_or_dots (agency->name));

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    translated[i] = _(headings[i]);
  sheet_set_columns (self, translated, weights, centred, G_N_ELEMENTS (headings));

  for (guint i = 0; state != NULL && state->entries != NULL && i < state->entries->len; i++)
    {
      OsProcessEntry *e = g_ptr_array_index (state->entries, i);
      g_autofree char *no = NULL;
      g_autofree char *from_step = NULL;
      g_autofree char *to_step = NULL;
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *when = NULL;
      g_autoptr(GString) note = g_string_new (os_action_to_string (e->action));
      const char *cells[8];

      if (!os_process_entry_is_hand_off (e))
        continue;

      no = g_strdup_printf ("%d", ++number);
      from_step = step_text (definition, e->from_step, NULL);
      to_step = step_text (definition, e->to_step,
                           e->to_step && state->step_id && g_strcmp0 (e->to_step, state->step_id) == 0
                           ? state->step_name : NULL);
      from = g_strdup_printf ("%s\n%s", e->actor_name && *e->actor_name ? e->actor_name : e->actor,
                              from_step);
      if (e->assignee != NULL && *e->assignee != '\0')
        to = g_strdup_printf ("%s\n%s", e->assignee, to_step);
      else
        to = g_strdup (to_step);
      when = format_date_time (e->at);
      if (e->reason != NULL && *e->reason != '\0')
        g_string_append_printf (note, ": %s", e->reason);
      if (e->note != NULL && *e->note != '\0')
        g_string_append_printf (note, " (%s)", e->note);
      if (e->issued != NULL && e->issued[0] != NULL)
        {
          g_autofree char *issued = g_strjoinv ("; ", e->issued);

          /* Translators: on the control slip, the papers issued with the result. */
          g_string_append_printf (note, "\n%s %s", _("Giấy tờ trả:"), issued);
        }

      cells[0] = no;
      cells[1] = from;
      cells[2] = to;
      cells[3] = when;
      cells[4] = os_process_punctuality_to_string (e->at, e->step_due_at);
      cells[5] = note->str;
      cells[6] = "";
      cells[7] = "";
      sheet_add_row (self, cells);
    }
  if (number == 0)
    sheet_add_paragraph (self->after, "<i>%s</i>", _("Hồ sơ chưa được chuyển giao lần nào."));

  self->continued = os_slip_continued_text (NULL, self->code);

  return os_slip_new_for_sheet (OS_SLIP_CONTROL, sheet_paginate (self));
}

OsSlip *
os_slip_new_book (GPtrArray      *records,
                  gint64          from,
                  gint64          to,
                  const OsAgency *agency)
{
  static const char * const headings[] = {
    N_("STT"), N_("Mã hồ sơ"), N_("Nội dung"), N_("Số bộ"), N_("Tên người nộp"), N_("Địa chỉ"),
    N_("Số điện thoại"), N_("Ngày nhận"), N_("Ngày hẹn trả"), N_("Ngày nhận kết quả"),
    N_("Bên giao ký"), N_("Bên nhận ký"), N_("Cán bộ tiếp nhận"), N_("Lĩnh vực"), N_("Ghi chú"),
  };
  static const double weights[] = { 22, 112, 64, 20, 56, 64, 48, 52, 52, 52, 34, 34, 50, 44, 40 };
  static const gboolean centred[] = { TRUE, FALSE, FALSE, TRUE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE,
                                      FALSE, FALSE, FALSE, FALSE, FALSE };
  const char *translated[G_N_ELEMENTS (headings)];
  OsProcessSheet *self;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (agency != NULL, NULL);

  self = sheet_new (OS_SLIP_BOOK, TRUE, agency);
  self->date_line = format_date_line (agency->place, 0);
  from_text = format_date (from);
  /* @to is exclusive: the period ends the day before. */
  to_text = format_date (to > from ? to - 1 : to);
  sheet_add_paragraph (self->before, _("Từ ngày %s đến ngày %s"), from_text, to_text);

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    translated[i] = _(headings[i]);
  sheet_set_columns (self, translated, weights, centred, G_N_ELEMENTS (headings));

  for (guint i = 0; i < records->len; i++)
    {
      OsRecord *record = g_ptr_array_index (records, i);
      OsStatus status = os_record_get_status (record);
      g_autofree char *no = g_strdup_printf ("%u", i + 1);
      g_autofree char *sets = g_strdup_printf ("%d", os_record_get_sets (record));
      g_autofree char *received = os_datetime_format (os_record_get_received_at (record), FALSE);
      g_autofree char *due = os_datetime_format (os_record_get_due_at (record), FALSE);
      g_autofree char *finished = os_datetime_format (os_record_get_finished_at (record), FALSE);
      const char *cells[G_N_ELEMENTS (headings)];
      const char *note = "";

      if (status == OS_STATUS_REFUSED || status == OS_STATUS_WITHDRAWN || status == OS_STATUS_STOPPED ||
          status == OS_STATUS_SUPPLEMENT || status == OS_STATUS_PAYMENT)
        note = os_status_to_string (status);

      cells[0] = no;
      cells[1] = os_record_get_code (record);
      cells[2] = os_record_get_procedure_name (record);
      cells[3] = sets;
      cells[4] = os_record_get_applicant_name (record);
      cells[5] = os_record_get_address (record);
      cells[6] = os_record_get_phone (record);
      cells[7] = received;
      cells[8] = due;
      cells[9] = finished;
      cells[10] = "";
      cells[11] = "";
      cells[12] = os_record_get_officer (record);
      cells[13] = os_record_get_field (record);
      cells[14] = note;
      sheet_add_row (self, cells);
    }
  if (records->len == 0)
    sheet_add_paragraph (self->after, "<i>%s</i>", _("Không có hồ sơ nào được tiếp nhận trong kỳ."));

  self->continued = g_strdup_printf (_("Sổ theo dõi hồ sơ từ ngày %s đến ngày %s (tiếp theo)"),
                                     from_text, to_text);

  return os_slip_new_for_sheet (OS_SLIP_BOOK, sheet_paginate (self));
}
