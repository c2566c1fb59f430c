/* test-document-pdf.c: arranging scanned pages and writing them as one PDF, checked through
 * the PDF itself with poppler-utils (pdfinfo, pdfimages -list, pdftoppm).
 *
 * Pages are told apart by their size: each test page has its own pixel size, so the page
 * sizes pdfinfo reports give the order, rotation and crop of the pages written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cairo.h>

#include "os-agency.h"
#include "os-document-pdf.h"
#include "os-error.h"
#include "os-record.h"
#include "os-slip.h"
#include "os-test-util.h"

/* The tools that read back what was written. */
static const char * const tools[] = { "pdfinfo", "pdfimages", "pdftoppm", NULL };
#define TOOLS_MISSING "poppler-utils is not installed"

#define CODE "000.00.06.H56-231027-0361"
#define TITLE "Giấy chứng nhận kết hôn của cha mẹ – bản sao chứng thực"
#define A4_W 2480
#define A4_H 3508

/* Tools */



/* The value of "@key:" in pdfinfo's output, or NULL. */
static char *
pdf_info (const char *path,
          const char *key)
{
  const char *argv[] = { "pdfinfo", "-enc", "UTF-8", path, NULL };
  g_autofree char *info = os_test_run_tool (argv);
  g_auto(GStrv) lines = g_strsplit (info, "\n", -1);
  g_autofree char *prefix = g_strconcat (key, ":", NULL);

  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strstrip (g_strdup (lines[i] + strlen (prefix)));
  return NULL;
}

static int
pdf_pages (const char *path)
{
  g_autofree char *pages = pdf_info (path, "Pages");

  g_assert_nonnull (pages);
  return atoi (pages);
}

static void
pdf_page_size (const char *path,
               int         page,
               double     *width,
               double     *height)
{
  g_autofree char *number = g_strdup_printf ("%d", page);
  const char *argv[] = { "pdfinfo", "-f", number, "-l", number, path, NULL };
  g_autofree char *info = os_test_run_tool (argv);
  g_autofree char *key = g_strdup_printf ("Page %4d size:", page);
  const char *line = strstr (info, key);

  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line + strlen (key), " %lf x %lf", width, height), ==, 2);
}

static void
assert_page_size (const char *path,
                  int         page,
                  double      width,
                  double      height)
{
  double w, h;

  pdf_page_size (path, page, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, width, 0.1);
  g_assert_cmpfloat_with_epsilon (h, height, 0.1);
}

typedef struct
{
  int  page;
  char type[16];
  int  width;
  int  height;
  char color[8];
  int  components;
  int  bpc;
  char encoding[8];
} ImageInfo;

/* The images of the PDF, from `pdfimages -list`. */
static GArray *
pdf_images (const char *path)
{
  const char *argv[] = { "pdfimages", "-list", path, NULL };
  g_autofree char *list = os_test_run_tool (argv);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);
  GArray *images = g_array_new (FALSE, TRUE, sizeof (ImageInfo));

  /* page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio */
  for (int i = 2; lines[i] != NULL; i++)
    {
      ImageInfo image = { 0 };
      int num;

      if (sscanf (lines[i], "%d %d %15s %d %d %7s %d %d %7s", &image.page, &num, image.type,
                  &image.width, &image.height, image.color, &image.components, &image.bpc,
                  image.encoding) == 9)
        g_array_append_val (images, image);
    }
  return images;
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  return buf.st_size;
}

/* Names in @dir, sorted, joined by spaces. */
static char *
dir_listing (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (handle);
  while ((name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Page 1 of @path rendered at 300 dpi in grey differs from @page (same size) by more than
 * half the scale on less than 1% of the pixels. */
static void
assert_looks_like (const char *path,
                   GdkPixbuf  *page,
                   const char *dir)
{
  g_autofree char *prefix = g_build_filename (dir, "render", NULL);
  g_autofree char *pgm = g_strconcat (prefix, ".pgm", NULL);
  const char *argv[] = { "pdftoppm", "-gray", "-r", "300", "-f", "1", "-l", "1",
                         "-singlefile", path, prefix, NULL };
  g_autofree char *ignored = os_test_run_tool (argv);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *rendered, *pixels = gdk_pixbuf_read_pixels (page);
  int width, height, maxval, header = 0, stride = gdk_pixbuf_get_rowstride (page);
  gsize length;
  guint64 differ = 0;

  g_assert_true (g_file_get_contents (pgm, &contents, &length, &error));
  g_assert_no_error (error);
  g_unlink (pgm);
  g_assert_cmpint (sscanf (contents, "P5 %d %d %d%n", &width, &height, &maxval, &header), ==, 3);
  g_assert_cmpint (width, ==, gdk_pixbuf_get_width (page));
  g_assert_cmpint (height, ==, gdk_pixbuf_get_height (page));
  g_assert_cmpuint (length, >=, (gsize) header + 1 + (gsize) width * height);
  rendered = (const guint8 *) contents + header + 1;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (ABS ((int) rendered[(gsize) y * width + x] - (int) pixels[(gsize) y * stride + x * 3]) > 128)
        differ++;
  g_assert_cmpuint (differ * 100, <, (guint64) width * height);
}

/* Fixtures */

static GdkPixbuf *
pixbuf_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *out = gdk_pixbuf_get_pixels (pixbuf);
  int out_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *data;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *in = (const guint32 *) (data + (gsize) y * stride);
      guint8 *p = out + (gsize) y * out_stride;

      for (int x = 0; x < width; x++, p += 3)
        {
          p[0] = (in[x] >> 16) & 0xff;
          p[1] = (in[x] >> 8) & 0xff;
          p[2] = in[x] & 0xff;
        }
    }
  return pixbuf;
}

/* A page of @width × @height pixels: white with dark bars like lines of text and a band of
 * grey tones, and in colour a red ring like an official seal. */
static GdkPixbuf *
make_page (int      width,
           int      height,
           gboolean color)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  GdkPixbuf *pixbuf;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  for (int y = height / 10; y + height / 40 < height * 9 / 10; y += height / 20)
    cairo_rectangle (cr, width / 10, y, width * 8 / 10 - (y * 7 % (width / 4 + 1)), height / 60 + 1);
  cairo_fill (cr);
  /* A photograph-like band of grey tones, so the page is grey, not lineart. */
  {
    cairo_pattern_t *ramp = cairo_pattern_create_linear (0, 0, width, 0);

    cairo_pattern_add_color_stop_rgb (ramp, 0, 0.2, 0.2, 0.2);
    cairo_pattern_add_color_stop_rgb (ramp, 1, 0.8, 0.8, 0.8);
    cairo_set_source (cr, ramp);
    cairo_rectangle (cr, 0, height * 0.3, width, height * 0.2);
    cairo_fill (cr);
    cairo_pattern_destroy (ramp);
  }
  if (color)
    {
      cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
      cairo_set_line_width (cr, MAX (2, width / 80));
      cairo_arc (cr, width * 0.7, height * 0.8, width / 8.0, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  pixbuf = pixbuf_from_surface (surface);
  cairo_surface_destroy (surface);
  return pixbuf;
}

static OsRecord *
make_record (void)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_code (record, CODE);
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

/* A receipt slip (Mẫu 01) drawn at 300 dpi the way a scanner sees it: paper a little off
 * white, and ±3 levels of sensor noise. Grey, 2480 × 3508 pixels. */
static GdkPixbuf *
make_scanned_slip (void)
{
  g_autoptr(OsAgency) agency = os_agency_new ("000.00.06.H56", "UBND Phường Ba Đình",
                                              "UBND Thành phố Hà Nội", "Hà Nội",
                                              "Bộ phận Một cửa");
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, A4_W, A4_H);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  GdkPixbuf *pixbuf;
  guint8 *pixels;
  int stride;

  cairo_set_source_rgb (cr, 0.96, 0.96, 0.96);
  cairo_paint (cr);
  cairo_scale (cr, 300.0 / 72.0, 300.0 / 72.0);
  os_slip_draw_page (slip, cr, 0);
  cairo_destroy (cr);
  pixbuf = pixbuf_from_surface (surface);
  cairo_surface_destroy (surface);

  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < A4_H; y++)
    for (int x = 0; x < A4_W; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        int v = CLAMP ((int) p[1] + g_rand_int_range (rand, -3, 4), 0, 255);

        p[0] = p[1] = p[2] = (guint8) v;
      }
  return pixbuf;
}

/* Tests */

/* A printed page scanned in grey at 300 dpi is written as 1-bit lineart; forced to grey it
 * is an 8-bit one-component JPEG. */
static void
test_a4_scanned (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "tai-lieu.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) images = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *keywords = NULL;
  g_autofree char *creator = NULL;
  ImageInfo *image;
  gint64 size;
  double w, h;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  page = make_scanned_slip ();
  g_assert_cmpint (os_document_pdf_add_page (doc, page, 300), ==, 0);
  g_assert_cmpint (os_document_pdf_get_n_pages (doc), ==, 1);
  g_assert_true (os_document_pdf_page_is_gray (doc, 0));
  g_assert_cmpint (os_document_pdf_resolve_page_color (doc, 0), ==, OS_PAGE_COLOR_LINEART);
  os_document_pdf_get_page_size (doc, 0, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 595.2, 0.01);
  g_assert_cmpfloat_with_epsilon (h, 841.92, 0.01);

  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (pdf_pages (path), ==, 1);
  assert_page_size (path, 1, 595.2, 841.92);

  title = pdf_info (path, "Title");
  subject = pdf_info (path, "Subject");
  keywords = pdf_info (path, "Keywords");
  creator = pdf_info (path, "Creator");
  g_assert_cmpstr (title, ==, TITLE);
  g_assert_nonnull (strstr (subject, CODE));
  g_assert_nonnull (strstr (subject, TITLE));
  g_assert_nonnull (strstr (keywords, CODE));
  g_assert_cmpstr (creator, ==, "Một cửa");

  images = pdf_images (path);
  g_assert_cmpuint (images->len, ==, 1);
  image = &g_array_index (images, ImageInfo, 0);
  g_assert_cmpstr (image->type, ==, "stencil");
  g_assert_cmpint (image->width, ==, A4_W);
  g_assert_cmpint (image->height, ==, A4_H);
  g_assert_cmpint (image->bpc, ==, 1);

  size = file_size (path);
  g_test_message ("scanned A4 page at 300 dpi, lineart: %" G_GINT64_FORMAT " bytes", size);
  g_assert_cmpint (size, <, 150 * 1024);
  g_clear_pointer (&images, g_array_unref);
  assert_looks_like (path, page, dir);

  /* The same page as grey JPEG. */
  os_document_pdf_set_page_color (doc, 0, OS_PAGE_COLOR_GRAY);
  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  images = pdf_images (path);
  g_assert_cmpuint (images->len, ==, 1);
  image = &g_array_index (images, ImageInfo, 0);
  g_assert_cmpstr (image->type, ==, "image");
  g_assert_cmpint (image->width, ==, A4_W);
  g_assert_cmpint (image->height, ==, A4_H);
  g_assert_cmpstr (image->color, ==, "gray");
  g_assert_cmpint (image->components, ==, 1);
  g_assert_cmpstr (image->encoding, ==, "jpeg");
  size = file_size (path);
  g_test_message ("scanned A4 page at 300 dpi, grey JPEG: %" G_GINT64_FORMAT " bytes", size);
  g_assert_cmpint (size, <, 1024 * 1024);

  os_test_remove_tree (dir);
}

/* A grey page with tones (a photograph, a grey seal) stays an 8-bit grey JPEG. */
static void
test_a4_gray (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "anh-xam.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) page = make_page (A4_W, A4_H, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) images = NULL;
  ImageInfo *image;
  gint64 size;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  os_document_pdf_add_page (doc, page, 300);
  g_assert_cmpint (os_document_pdf_resolve_page_color (doc, 0), ==, OS_PAGE_COLOR_GRAY);
  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  assert_page_size (path, 1, 595.2, 841.92);
  images = pdf_images (path);
  g_assert_cmpuint (images->len, ==, 1);
  image = &g_array_index (images, ImageInfo, 0);
  g_assert_cmpstr (image->color, ==, "gray");
  g_assert_cmpint (image->components, ==, 1);
  g_assert_cmpstr (image->encoding, ==, "jpeg");
  size = file_size (path);
  g_test_message ("grey A4 page with tones at 300 dpi: %" G_GINT64_FORMAT " bytes", size);
  g_assert_cmpint (size, <, 300 * 1024);

  os_test_remove_tree (dir);
}

static void
test_color (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "mau.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) gray = make_page (300, 400, FALSE);
  g_autoptr(GdkPixbuf) color = make_page (400, 500, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) images = NULL;
  ImageInfo *image;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  os_document_pdf_add_page (doc, gray, 100);
  os_document_pdf_add_page (doc, color, 100);
  os_document_pdf_add_page (doc, gray, 100);
  os_document_pdf_set_page_color (doc, 2, OS_PAGE_COLOR_COLOR);
  os_document_pdf_add_page (doc, color, 100);
  os_document_pdf_set_page_color (doc, 3, OS_PAGE_COLOR_GRAY);

  g_assert_true (os_document_pdf_page_is_gray (doc, 0));
  g_assert_false (os_document_pdf_page_is_gray (doc, 1));
  g_assert_false (os_document_pdf_page_is_gray (doc, 2));
  g_assert_true (os_document_pdf_page_is_gray (doc, 3));
  g_assert_cmpint (os_document_pdf_get_page_color (doc, 0), ==, OS_PAGE_COLOR_AUTO);
  g_assert_cmpint (os_document_pdf_get_page_color (doc, 3), ==, OS_PAGE_COLOR_GRAY);

  g_assert_true (os_document_pdf_write (doc, path, "Ảnh màu", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (path), ==, 4);

  images = pdf_images (path);
  g_assert_cmpuint (images->len, ==, 4);
  for (guint i = 0; i < images->len; i++)
    {
      gboolean expect_gray = i == 0 || i == 3;

      image = &g_array_index (images, ImageInfo, i);
      g_assert_cmpint (image->page, ==, (int) i + 1);
      g_assert_cmpstr (image->encoding, ==, "jpeg");
      g_assert_cmpint (image->components, ==, expect_gray ? 1 : 3);
      g_assert_cmpstr (image->color, ==, expect_gray ? "gray" : "rgb");
    }

  /* No record code: no Subject nor Keywords. */
  {
    g_autofree char *subject = pdf_info (path, "Subject");
    g_autofree char *title = pdf_info (path, "Title");

    g_assert_null (subject);
    g_assert_cmpstr (title, ==, "Ảnh màu");
  }

  os_test_remove_tree (dir);
}

/* A page with transparency is flattened on white, and counts as grey when it is. */
static void
test_alpha (void)
{
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 50, 60);
  g_autoptr(GdkPixbuf) preview = NULL;
  const guint8 *p;

  gdk_pixbuf_fill (page, 0xff000000); /* transparent red */
  os_document_pdf_add_page (doc, page, 72);
  g_assert_true (os_document_pdf_page_is_gray (doc, 0));

  preview = os_document_pdf_render_preview (doc, 0, 100);
  g_assert_cmpint (gdk_pixbuf_get_width (preview), ==, 50);
  g_assert_cmpint (gdk_pixbuf_get_height (preview), ==, 60);
  p = gdk_pixbuf_read_pixels (preview);
  g_assert_cmpint (p[0], ==, 0xff);
}

static void
on_changed (OsDocumentPdf *doc,
            int           *count)
{
  (*count)++;
}

/* Pages A, B, C (200×300, 300×400, 400×500 pixels at 100 dpi) are told apart by size. */
static void
test_arrange (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "sap-xep.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (200, 300, FALSE);
  g_autoptr(GdkPixbuf) b = make_page (300, 400, FALSE);
  g_autoptr(GdkPixbuf) c = make_page (400, 500, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) images = NULL;
  cairo_rectangle_int_t crop = { 20, 30, 100, 50 };
  cairo_rectangle_int_t got;
  int changed = 0;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  g_signal_connect (doc, "changed", G_CALLBACK (on_changed), &changed);
  os_document_pdf_add_page (doc, a, 100);
  os_document_pdf_add_page (doc, b, 100);
  os_document_pdf_add_page (doc, c, 100);
  g_assert_cmpint (changed, ==, 3);

  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (path), ==, 3);
  assert_page_size (path, 1, 144, 216);
  assert_page_size (path, 2, 216, 288);
  assert_page_size (path, 3, 288, 360);

  /* A B C → B C A */
  os_document_pdf_move_page (doc, 0, 2);
  g_assert_true (os_document_pdf_get_page (doc, 0) == b);
  g_assert_true (os_document_pdf_get_page (doc, 2) == a);
  /* → C B A */
  os_document_pdf_move_page (doc, 1, 0);
  g_assert_true (os_document_pdf_get_page (doc, 0) == c);
  g_assert_cmpint (changed, ==, 5);
  os_document_pdf_move_page (doc, 1, 1);
  g_assert_cmpint (changed, ==, 5);

  /* Rotation is cumulative and kept in 0..270. */
  os_document_pdf_rotate_page (doc, 0, 90);
  os_document_pdf_rotate_page (doc, 0, 180);
  g_assert_cmpint (os_document_pdf_get_page_rotation (doc, 0), ==, 270);
  os_document_pdf_rotate_page (doc, 0, 180);
  g_assert_cmpint (os_document_pdf_get_page_rotation (doc, 0), ==, 90);
  os_document_pdf_rotate_page (doc, 1, -90);
  os_document_pdf_rotate_page (doc, 1, -90);
  g_assert_cmpint (os_document_pdf_get_page_rotation (doc, 1), ==, 180);

  /* Crop A (now last) to 100 × 50 pixels. */
  g_assert_false (os_document_pdf_get_page_crop (doc, 2, &got));
  g_assert_cmpint (got.width, ==, 200);
  os_document_pdf_crop_page (doc, 2, &crop);
  g_assert_true (os_document_pdf_get_page_crop (doc, 2, &got));
  g_assert_cmpint (got.x, ==, 20);
  g_assert_cmpint (got.width, ==, 100);
  g_assert_cmpint (got.height, ==, 50);

  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (path), ==, 3);
  assert_page_size (path, 1, 360, 288);  /* C turned a quarter: sides swapped */
  assert_page_size (path, 2, 216, 288);  /* B upside down */
  assert_page_size (path, 3, 72, 36);    /* A cropped */

  /* Rotation costs no re-encoding; crop keeps only the pixels that show. */
  images = pdf_images (path);
  g_assert_cmpuint (images->len, ==, 3);
  g_assert_cmpint (g_array_index (images, ImageInfo, 0).width, ==, 400);
  g_assert_cmpint (g_array_index (images, ImageInfo, 0).height, ==, 500);
  g_assert_cmpint (g_array_index (images, ImageInfo, 2).width, ==, 100);
  g_assert_cmpint (g_array_index (images, ImageInfo, 2).height, ==, 50);

  /* A crop past the edges is clipped; NULL resets; a whole-page crop is no crop. */
  crop = (cairo_rectangle_int_t) { 150, 250, 500, 500 };
  os_document_pdf_crop_page (doc, 2, &crop);
  os_document_pdf_get_page_crop (doc, 2, &got);
  g_assert_cmpint (got.x, ==, 150);
  g_assert_cmpint (got.y, ==, 250);
  g_assert_cmpint (got.width, ==, 50);
  g_assert_cmpint (got.height, ==, 50);
  os_document_pdf_crop_page (doc, 2, NULL);
  g_assert_false (os_document_pdf_get_page_crop (doc, 2, NULL));
  crop = (cairo_rectangle_int_t) { -10, -10, 1000, 1000 };
  os_document_pdf_crop_page (doc, 2, &crop);
  g_assert_false (os_document_pdf_get_page_crop (doc, 2, NULL));

  /* Remove B: C A */
  os_document_pdf_remove_page (doc, 1);
  g_assert_cmpint (os_document_pdf_get_n_pages (doc), ==, 2);
  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pdf_pages (path), ==, 2);
  assert_page_size (path, 1, 360, 288);
  assert_page_size (path, 2, 144, 216);

  /* Only the finished file is left in the folder. */
  {
    g_autofree char *listing = dir_listing (dir);

    g_assert_cmpstr (listing, ==, "sap-xep.pdf");
  }

  os_test_remove_tree (dir);
}

/* Page 1: 200 × 100 pixels at 100 dpi, left half black. Turned clockwise, the black half is
 * on top: the PDF rendered back at 100 dpi shows it there. */
static void
test_rotation_direction (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "xoay.pdf", NULL);
  g_autofree char *prefix = g_build_filename (dir, "render", NULL);
  g_autofree char *pgm = g_strconcat (prefix, ".pgm", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 200, 100);
  g_autoptr(GdkPixbuf) preview = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  int width, height, maxval, header = 0;
  const guint8 *pixels;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  gdk_pixbuf_fill (page, 0xffffffff);
  {
    g_autoptr(GdkPixbuf) left = gdk_pixbuf_new_subpixbuf (page, 0, 0, 100, 100);

    gdk_pixbuf_fill (left, 0x000000ff);
  }
  os_document_pdf_add_page (doc, page, 100);
  os_document_pdf_rotate_page (doc, 0, 90);

  preview = os_document_pdf_render_preview (doc, 0, 50);
  g_assert_cmpint (gdk_pixbuf_get_width (preview), ==, 25);
  g_assert_cmpint (gdk_pixbuf_get_height (preview), ==, 50);
  pixels = gdk_pixbuf_read_pixels (preview);
  g_assert_cmpint (pixels[gdk_pixbuf_get_rowstride (preview) * 5 + 30], <, 64);
  g_assert_cmpint (pixels[gdk_pixbuf_get_rowstride (preview) * 45 + 30], >, 192);

  g_assert_true (os_document_pdf_write (doc, path, "Xoay", NULL, NULL, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { "pdftoppm", "-gray", "-r", "100", "-singlefile", path, prefix,
                           NULL };
    g_autofree char *ignored = os_test_run_tool (argv);
  }
  g_assert_true (g_file_get_contents (pgm, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sscanf (contents, "P5 %d %d %d%n", &width, &height, &maxval, &header), ==, 3);
  g_assert_cmpint (width, ==, 100);
  g_assert_cmpint (height, ==, 200);
  pixels = (const guint8 *) contents + header + 1;
  g_assert_cmpuint (length, >=, (gsize) header + 1 + 100 * 200);
  g_assert_cmpint (pixels[20 * 100 + 50], <, 64);    /* top: black */
  g_assert_cmpint (pixels[180 * 100 + 50], >, 192);  /* bottom: white */

  os_test_remove_tree (dir);
}

static void
test_transfer (void)
{
  g_autoptr(OsDocumentPdf) first = os_document_pdf_new ();
  g_autoptr(OsDocumentPdf) second = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (100, 100, FALSE);
  g_autoptr(GdkPixbuf) b = make_page (120, 100, FALSE);
  g_autoptr(GdkPixbuf) c = make_page (140, 100, FALSE);
  int changed_first = 0, changed_second = 0;

  os_document_pdf_add_page (first, a, 150);
  os_document_pdf_add_page (first, b, 150);
  os_document_pdf_add_page (second, c, 150);
  os_document_pdf_rotate_page (first, 1, 270);
  g_signal_connect (first, "changed", G_CALLBACK (on_changed), &changed_first);
  g_signal_connect (second, "changed", G_CALLBACK (on_changed), &changed_second);

  /* b goes in front of c, keeping its rotation and dpi. */
  os_document_pdf_transfer_page (first, 1, second, 0);
  g_assert_cmpint (os_document_pdf_get_n_pages (first), ==, 1);
  g_assert_cmpint (os_document_pdf_get_n_pages (second), ==, 2);
  g_assert_true (os_document_pdf_get_page (second, 0) == b);
  g_assert_cmpint (os_document_pdf_get_page_rotation (second, 0), ==, 270);
  g_assert_cmpint (os_document_pdf_get_page_dpi (second, 0), ==, 150);
  g_assert_cmpint (changed_first, ==, 1);
  g_assert_cmpint (changed_second, ==, 1);

  /* a is appended. */
  os_document_pdf_transfer_page (first, 0, second, -1);
  g_assert_cmpint (os_document_pdf_get_n_pages (first), ==, 0);
  g_assert_true (os_document_pdf_get_page (second, 2) == a);

  /* Within one document it is a move. */
  os_document_pdf_transfer_page (second, 2, second, 0);
  g_assert_true (os_document_pdf_get_page (second, 0) == a);
  os_document_pdf_transfer_page (second, 0, second, -1);
  g_assert_true (os_document_pdf_get_page (second, 2) == a);
}

static void
test_copy (void)
{
  g_autoptr(OsDocumentPdf) batch = os_document_pdf_new ();
  g_autoptr(OsDocumentPdf) part = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (100, 100, FALSE);
  g_autoptr(GdkPixbuf) b = make_page (120, 100, FALSE);
  cairo_rectangle_int_t crop = { 10, 20, 50, 60 }, got;
  int changed_batch = 0, changed_part = 0;

  os_document_pdf_add_page (batch, a, 150);
  os_document_pdf_add_page (batch, b, 200);
  os_document_pdf_rotate_page (batch, 1, 90);
  os_document_pdf_crop_page (batch, 1, &crop);
  os_document_pdf_set_page_color (batch, 1, OS_PAGE_COLOR_GRAY);
  g_signal_connect (batch, "changed", G_CALLBACK (on_changed), &changed_batch);
  g_signal_connect (part, "changed", G_CALLBACK (on_changed), &changed_part);

  os_document_pdf_copy_page (batch, 1, part, -1);
  os_document_pdf_copy_page (batch, 0, part, 0);
  /* The batch keeps its pages; the copies keep every setting. */
  g_assert_cmpint (os_document_pdf_get_n_pages (batch), ==, 2);
  g_assert_cmpint (changed_batch, ==, 0);
  g_assert_cmpint (changed_part, ==, 2);
  g_assert_cmpint (os_document_pdf_get_n_pages (part), ==, 2);
  g_assert_true (os_document_pdf_get_page (part, 0) == a);
  g_assert_true (os_document_pdf_get_page (part, 1) == b);
  g_assert_cmpint (os_document_pdf_get_page_dpi (part, 1), ==, 200);
  g_assert_cmpint (os_document_pdf_get_page_rotation (part, 1), ==, 90);
  g_assert_true (os_document_pdf_get_page_crop (part, 1, &got));
  g_assert_cmpint (got.x, ==, 10);
  g_assert_cmpint (got.height, ==, 60);
  g_assert_cmpint (os_document_pdf_get_page_color (part, 1), ==, OS_PAGE_COLOR_GRAY);

  /* Editing the copy leaves the batch alone. */
  os_document_pdf_rotate_page (part, 1, 90);
  g_assert_cmpint (os_document_pdf_get_page_rotation (batch, 1), ==, 90);
  os_document_pdf_remove_page (part, 0);
  g_assert_cmpint (os_document_pdf_get_n_pages (batch), ==, 2);
}

static void
test_bad_index (void)
{
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (100, 100, FALSE);

  os_document_pdf_add_page (doc, a, 150);

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_document_pdf_remove_page (doc, 1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_document_pdf_move_page (doc, 0, -1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_document_pdf_rotate_page (doc, 0, 45);
  g_test_assert_expected_messages ();
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_null (os_document_pdf_get_page (doc, 5));
  g_test_assert_expected_messages ();
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_document_pdf_crop_page (doc, 0, &(cairo_rectangle_int_t) { 200, 200, 10, 10 });
  g_test_assert_expected_messages ();
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  g_assert_cmpint (os_document_pdf_add_page (doc, a, 0), ==, -1);
  g_test_assert_expected_messages ();

  g_assert_cmpint (os_document_pdf_get_n_pages (doc), ==, 1);
  g_assert_cmpint (os_document_pdf_get_page_rotation (doc, 0), ==, 0);
  g_assert_false (os_document_pdf_get_page_crop (doc, 0, NULL));
}

static void
test_errors (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *missing = g_build_filename (dir, "khong-co", "tai-lieu.pdf", NULL);
  g_autofree char *path = g_build_filename (dir, "tai-lieu.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (100, 100, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;

  /* No page. */
  g_assert_false (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Missing folder. */
  os_document_pdf_add_page (doc, a, 150);
  g_assert_false (os_document_pdf_write (doc, missing, TITLE, CODE, NULL, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "tai-lieu.pdf"));
  g_clear_error (&error);
  listing = dir_listing (dir);
  g_assert_cmpstr (listing, ==, "");

  /* Cancelled: nothing left, the old file untouched. */
  g_assert_true (g_file_set_contents (path, "old", -1, &error));
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *contents = NULL;
    g_autofree char *after = NULL;

    g_cancellable_cancel (cancellable);
    g_assert_false (os_document_pdf_write (doc, path, TITLE, CODE, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "old");
    after = dir_listing (dir);
    g_assert_cmpstr (after, ==, "tai-lieu.pdf");
  }

  /* Replaces an existing file. */
  g_assert_true (os_document_pdf_write (doc, path, TITLE, CODE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (path), >, 100);

  os_test_remove_tree (dir);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!os_document_pdf_write_finish (OS_DOCUMENT_PDF (source), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, 0, "ok");
}

/* The worker writes the pages as they were when it started, even when the model changes. */
static void
test_async (void)
{
  g_autofree char *dir = os_test_make_dir ("test-document-pdf-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "bat-dong-bo.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "khong-co", "x.pdf", NULL);
  g_autoptr(OsDocumentPdf) doc = os_document_pdf_new ();
  g_autoptr(GdkPixbuf) a = make_page (200, 300, FALSE);
  g_autoptr(GdkPixbuf) b = make_page (300, 400, TRUE);
  GError *result = NULL;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  os_document_pdf_add_page (doc, a, 100);
  os_document_pdf_add_page (doc, b, 100);
  os_document_pdf_write_async (doc, path, TITLE, CODE, NULL, on_written, &result);
  os_document_pdf_remove_page (doc, 0);
  os_document_pdf_rotate_page (doc, 0, 90);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, G_IO_ERROR, 0);
  g_clear_error (&result);

  g_assert_cmpint (pdf_pages (path), ==, 2);
  assert_page_size (path, 1, 144, 216);
  assert_page_size (path, 2, 216, 288);

  os_document_pdf_write_async (doc, missing, TITLE, CODE, NULL, on_written, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (result, OS_ERROR, OS_ERROR_IO);
  g_clear_error (&result);

  os_test_remove_tree (dir);
}

static void
test_encode_jpeg (void)
{
  g_autoptr(GdkPixbuf) page = make_page (64, 48, TRUE);
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GBytes) color = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;

  gray = os_document_pdf_encode_jpeg (page, TRUE, 75, &error);
  g_assert_no_error (error);
  color = os_document_pdf_encode_jpeg (page, FALSE, 75, &error);
  g_assert_no_error (error);

  data = g_bytes_get_data (gray, &size);
  g_assert_cmpuint (size, >, 4);
  g_assert_cmpint (data[0], ==, 0xff);
  g_assert_cmpint (data[1], ==, 0xd8);  /* SOI */
  g_assert_cmpint (data[size - 2], ==, 0xff);
  g_assert_cmpint (data[size - 1], ==, 0xd9);  /* EOI */
  g_assert_cmpuint (g_bytes_get_size (color), >, size);

  /* gdk-pixbuf reads it back at the same size. */
  {
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (color);
    g_autoptr(GdkPixbuf) back = gdk_pixbuf_new_from_stream (stream, NULL, &error);

    if (back == NULL && g_error_matches (error, GDK_PIXBUF_ERROR,
                                         GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
      return;
    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (back), ==, 64);
    g_assert_cmpint (gdk_pixbuf_get_height (back), ==, 48);
  }
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/document-pdf/a4-scanned", test_a4_scanned);
  g_test_add_func ("/document-pdf/a4-gray", test_a4_gray);
  g_test_add_func ("/document-pdf/color", test_color);
  g_test_add_func ("/document-pdf/alpha", test_alpha);
  g_test_add_func ("/document-pdf/arrange", test_arrange);
  g_test_add_func ("/document-pdf/rotation-direction", test_rotation_direction);
  g_test_add_func ("/document-pdf/transfer", test_transfer);
  g_test_add_func ("/document-pdf/copy", test_copy);
  g_test_add_func ("/document-pdf/bad-index", test_bad_index);
  g_test_add_func ("/document-pdf/errors", test_errors);
  g_test_add_func ("/document-pdf/async", test_async);
  g_test_add_func ("/document-pdf/encode-jpeg", test_encode_jpeg);

  return g_test_run ();
}
