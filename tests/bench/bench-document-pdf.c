/* bench-document-pdf.c: writing a scanned document of 20 A4 pages at 300 dpi as one PDF.
 *
 *   bench-document-pdf [--runs=N] [--pages=N] [--smoke]
 *
 * Three documents of --pages pages (default 20), each page 2480 × 3508 pixels: a receipt
 * slip (os-slip) rendered at 300 dpi the way a scanner sees it, on off-white paper with
 * sensor noise,
 *   - grey: scanned in grey; OsDocumentPdf makes it 1-bit lineart (OS_PAGE_COLOR_AUTO);
 *   - grey-jpeg: the same pages forced to 8-bit grey JPEG (OS_PAGE_COLOR_GRAY);
 *   - colour: scanned in colour, with a red seal and a blue signature (YCbCr JPEG).
 * Each is written by os_document_pdf_write() and by the naive baseline: cairo's default
 * path, the same pixels painted from an RGB24 image surface with no JPEG attached (cairo
 * then embeds them Flate-compressed). Four distinct pages (different noise) are cycled.
 *
 * Prints the median wall time of --runs runs (default 3) and the file size of each, and
 * the ratios to the baseline. Lines starting "summary:" are for run-all.sh. Speed never
 * fails the program; it exits 1 when a PDF does not have the pages it should (checked
 * with poppler-glib).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <math.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "os-agency.h"
#include "os-document-pdf.h"
#include "os-record.h"
#include "os-slip.h"

#define A4_W 2480
#define A4_H 3508
#define VARIANTS 4

static int opt_runs = 3;
static int opt_pages = 20;
static gboolean opt_smoke = FALSE;

static const GOptionEntry options[] = {
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Runs per figure (median)", "N" },
  { "pages", 0, 0, G_OPTION_ARG_INT, &opt_pages, "Pages per document", "N" },
  { "smoke", 0, 0, G_OPTION_ARG_NONE, &opt_smoke, "2 pages, 1 run: check it works", NULL },
  { NULL }
};

static gboolean failed = FALSE;

/* Pages */

static OsRecord *
make_record (void)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_code (record, "000.00.06.H56-231027-0361");
  os_record_set_procedure (record, "proc-1", "1.001193.000.00.00.H29", "Đăng ký khai sinh",
                           "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, "Nguyễn Thị Ánh Tuyết");
  os_record_set_id_number (record, "001190012345");
  os_record_set_phone (record, "0912 345 678");
  os_record_set_address (record, "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội");
  os_record_set_sets (record, 1);
  os_record_set_delivery (record, OS_DELIVERY_DESK);
  os_record_set_officer (record, "Trần Văn Hùng");
  os_record_add_document (record, "Tờ khai đăng ký khai sinh theo mẫu", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh do cơ sở y tế cấp", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng nhận kết hôn của cha mẹ", 0, 1, 1);
  os_record_set_received_at (record, 1698369300);
  os_record_set_due_at (record, 1698831000);
  return record;
}

static guint32
xorshift (guint32 *state)
{
  guint32 x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

/* The slip at 300 dpi on off-white paper, with ±3 levels of noise (the same on the three
 * channels for @color FALSE), and for @color a red seal and a blue signature. */
static GdkPixbuf *
make_page (OsSlip   *slip,
           gboolean  color,
           guint32   seed)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, A4_W, A4_H);
  cairo_t *cr = cairo_create (surface);
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, A4_W, A4_H);
  guint8 *out = gdk_pixbuf_get_pixels (pixbuf);
  int out_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *data;
  int stride;
  guint32 state = seed | 1;

  cairo_set_source_rgb (cr, 0.96, 0.96, 0.95);
  cairo_paint (cr);
  cairo_save (cr);
  cairo_scale (cr, 300.0 / 72.0, 300.0 / 72.0);
  os_slip_draw_page (slip, cr, 0);
  cairo_restore (cr);
  if (color)
    {
      cairo_set_source_rgb (cr, 0.8, 0.1, 0.15);
      cairo_set_line_width (cr, 18);
      cairo_arc (cr, 1750, 3000, 260, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.1, 0.2, 0.7);
      cairo_set_line_width (cr, 6);
      cairo_move_to (cr, 1650, 2750);
      cairo_curve_to (cr, 1750, 2600, 1850, 2900, 2000, 2700);
      cairo_curve_to (cr, 2050, 2650, 2100, 2800, 2150, 2720);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < A4_H; y++)
    {
      const guint32 *in = (const guint32 *) (data + (gsize) y * stride);
      guint8 *p = out + (gsize) y * out_stride;

      for (int x = 0; x < A4_W; x++, p += 3)
        {
          guint32 r = xorshift (&state);
          int n = (int) (r % 7) - 3;

          for (int c = 0; c < 3; c++)
            {
              int v = (in[x] >> (16 - 8 * c)) & 0xff;

              if (color && c > 0)
                n = (int) ((r >> (8 * c)) % 7) - 3;
              p[c] = (guint8) CLAMP (v + n, 0, 255);
            }
        }
    }
  cairo_surface_destroy (surface);
  return pixbuf;
}

/* Writing */

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  if (g_stat (path, &buf) != 0)
    return -1;
  return buf.st_size;
}

static void
check_pdf (const char *label,
           const char *path,
           int         n_pages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GObject) doc = (GObject *) poppler_document_new_from_file (uri, NULL, &error);
  double width, height;

  if (doc == NULL)
    {
      g_printerr ("%s: the PDF does not open: %s\n", label, error->message);
      failed = TRUE;
      return;
    }
  if (poppler_document_get_n_pages (POPPLER_DOCUMENT (doc)) != n_pages)
    {
      g_printerr ("%s: %d pages instead of %d\n", label, poppler_document_get_n_pages (POPPLER_DOCUMENT (doc)),
                  n_pages);
      failed = TRUE;
      return;
    }
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(GObject) page = (GObject *) poppler_document_get_page (POPPLER_DOCUMENT (doc), i);

      poppler_page_get_size (POPPLER_PAGE (page), &width, &height);
      if (fabs (width - 595.2) > 0.5 || fabs (height - 841.92) > 0.5)
        {
          g_printerr ("%s: page %d is %.1f × %.1f pt, not A4\n", label, i + 1, width, height);
          failed = TRUE;
          return;
        }
    }
}

static gboolean
write_ours (GPtrArray   *pages,
            OsPageColor  color,
            const char  *path)
{
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < pages->len; i++)
    {
      int index = os_document_pdf_add_page (doc, g_ptr_array_index (pages, i), 300);

      os_document_pdf_set_page_color (doc, index, color);
    }
  if (!os_document_pdf_write (doc, path, "Giấy tờ kèm theo", "000.00.06.H56-231027-0361",
                              NULL, &error))
    {
      g_printerr ("os_document_pdf_write: %s\n", error->message);
      failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

/* cairo's default path: the pixels painted from an image surface, nothing attached. */
static gboolean
write_baseline (GPtrArray  *pages,
                const char *path)
{
  cairo_surface_t *pdf = cairo_pdf_surface_create (path, A4_W * 72.0 / 300, A4_H * 72.0 / 300);
  cairo_status_t status;

  for (guint i = 0; i < pages->len; i++)
    {
      GdkPixbuf *pixbuf = g_ptr_array_index (pages, i);
      cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, A4_W, A4_H);
      const guint8 *in = gdk_pixbuf_read_pixels (pixbuf);
      int in_stride = gdk_pixbuf_get_rowstride (pixbuf);
      guint8 *data;
      int stride;
      cairo_t *cr;

      cairo_surface_flush (image);
      data = cairo_image_surface_get_data (image);
      stride = cairo_image_surface_get_stride (image);
      for (int y = 0; y < A4_H; y++)
        {
          const guint8 *p = in + (gsize) y * in_stride;
          guint32 *q = (guint32 *) (data + (gsize) y * stride);

          for (int x = 0; x < A4_W; x++, p += 3)
            q[x] = 0xff000000u | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
        }
      cairo_surface_mark_dirty (image);

      cr = cairo_create (pdf);
      cairo_scale (cr, 72.0 / 300, 72.0 / 300);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_show_page (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (image);
    }
  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_printerr ("baseline: %s\n", cairo_status_to_string (status));
      failed = TRUE;
      return FALSE;
    }
  return TRUE;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

typedef struct
{
  double median_ms;
  gint64 size;
} Figure;

/* @color < 0: the baseline. */
static Figure
measure (const char *label,
         GPtrArray  *pages,
         int         color,
         const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "bench.pdf", NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  Figure figure = { 0 };

  for (int run = 0; run < opt_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      gboolean ok;
      double ms;

      if (color < 0)
        ok = write_baseline (pages, path);
      else
        ok = write_ours (pages, (OsPageColor) color, path);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      if (!ok)
        return figure;
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_double);
  figure.median_ms = g_array_index (times, double, times->len / 2);
  figure.size = file_size (path);
  check_pdf (label, path, (int) pages->len);
  g_unlink (path);

  g_print ("%-22s %9.0f ms %9.1f ms/page %11.1f KB %8.1f KB/page\n", label,
           figure.median_ms, figure.median_ms / pages->len, figure.size / 1024.0,
           figure.size / 1024.0 / pages->len);
  return figure;
}

static void
report (const char *key,
        Figure      ours,
        Figure      baseline)
{
  g_print ("  ratio baseline/ours: time %.2f×, size %.1f×\n",
           baseline.median_ms / MAX (ours.median_ms, 0.001),
           (double) baseline.size / MAX (ours.size, 1));
  g_print ("summary: pdf-%s-ms %.0f\n", key, ours.median_ms);
  g_print ("summary: pdf-%s-kb-per-page %.1f\n", key, ours.size / 1024.0 / opt_pages);
  g_print ("summary: pdf-%s-baseline-size-ratio %.1f\n", key,
           (double) baseline.size / MAX (ours.size, 1));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— PDF of scanned pages");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) agency = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsSlip) slip = NULL;
  g_autoptr(GPtrArray) gray_variants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) color_variants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gray = g_ptr_array_new ();
  g_autoptr(GPtrArray) color = g_ptr_array_new ();
  g_autofree char *dir = NULL;
  Figure ours, baseline;

  setlocale (LC_ALL, "");
  g_setenv ("TZ", "UTC", TRUE);
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_smoke)
    {
      opt_runs = 1;
      opt_pages = 2;
    }
  opt_runs = MAX (opt_runs, 1);
  opt_pages = MAX (opt_pages, 1);

  dir = g_dir_make_tmp ("bench-document-pdf-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  agency = os_agency_new ("000.00.06.H56", "UBND Phường Ba Đình", "UBND Thành phố Hà Nội",
                          "Hà Nội", "Bộ phận Một cửa");
  record = make_record ();
  slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  for (guint32 i = 0; i < VARIANTS; i++)
    {
      g_ptr_array_add (gray_variants, make_page (slip, FALSE, 2 * i + 1));
      g_ptr_array_add (color_variants, make_page (slip, TRUE, 2 * i + 2));
    }
  for (int i = 0; i < opt_pages; i++)
    {
      g_ptr_array_add (gray, g_ptr_array_index (gray_variants, i % VARIANTS));
      g_ptr_array_add (color, g_ptr_array_index (color_variants, i % VARIANTS));
    }

  g_print ("%d A4 pages at 300 dpi (2480 × 3508), median of %d runs\n", opt_pages, opt_runs);

  baseline = measure ("grey: cairo default", gray, -1, dir);
  ours = measure ("grey: auto (lineart)", gray, OS_PAGE_COLOR_AUTO, dir);
  report ("grey", ours, baseline);
  ours = measure ("grey: 8-bit JPEG", gray, OS_PAGE_COLOR_GRAY, dir);
  report ("grey-jpeg", ours, baseline);

  baseline = measure ("colour: cairo default", color, -1, dir);
  ours = measure ("colour: auto (JPEG)", color, OS_PAGE_COLOR_AUTO, dir);
  report ("colour", ours, baseline);

  g_rmdir (dir);
  return failed ? 1 : 0;
}
