/* bench-viewer.c: opening a 200-page PDF to its first page, as the attachment viewer does.
 *
 * Prints the median of several runs of open + first page at 1.25 px/pt, and the ratio to
 * drawing one page of an already open document (the part that does not grow with pages);
 * the viewer's thumbnail strip (a screenful of 120 px thumbnails); and, in the scan window,
 * a page to its thumbnail and the redraw after cropping or turning one page of ten.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-stats.h"
#include <cairo-pdf.h>
#include <glib/gstdio.h>

#include "os-document-pdf.h"
#include "os-pdf-renderer.h"

#define PAGES 200
#define RUNS 7

static double
median (double *values,
        int     n)
{
  return bench_stats_of_array (values, (guint) n).median;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-viewer-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "200-trang.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);
  double open_ms[RUNS], page_ms[RUNS];
  struct stat st;

  for (int p = 0; p < PAGES; p++)
    {
      cairo_select_font_face (cr, "serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 11);
      for (int line = 0; line < 60; line++)
        {
          cairo_move_to (cr, 60, 60 + line * 12);
          cairo_show_text (cr, "Giay to trong ho so, trang dai de thu mo tai lieu 200 trang.");
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_stat (path, &st);

  for (int i = 0; i < RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(OsPdfRenderer) renderer = os_pdf_renderer_open (file, NULL, &error);
      cairo_surface_t *page;
      gint64 middle;

      g_assert_no_error (error);
      g_assert_cmpint (os_pdf_renderer_get_n_pages (renderer), ==, PAGES);
      page = os_pdf_renderer_render (renderer, 0, 1.25, &error);
      g_assert_no_error (error);
      cairo_surface_destroy (page);
      middle = g_get_monotonic_time ();
      open_ms[i] = (middle - start) / 1000.0;

      page = os_pdf_renderer_render (renderer, PAGES / 2, 1.25, &error);
      g_assert_no_error (error);
      cairo_surface_destroy (page);
      page_ms[i] = (g_get_monotonic_time () - middle) / 1000.0;
    }

  {
    double open = median (open_ms, RUNS), page = median (page_ms, RUNS);

    g_print ("viewer    PDF of %d pages, %.1f MB\n", PAGES, st.st_size / 1e6);
    g_print ("viewer    open + first page at 1.25 px/pt   median %.1f ms\n", open);
    g_print ("viewer    one more page, document open      median %.1f ms\n", page);
    g_print ("viewer    ratio open-to-first-page / one page: %.1fx\n", open / page);
    g_print ("summary: viewer-open-first-page-ms %.1f\n", open);
  }

  /* The viewer's strip: the thumbnails of a screenful (7 pages) drawn as they come into
   * view, 120 px wide, on the open document. */
  {
    g_autoptr(OsPdfRenderer) renderer = os_pdf_renderer_open (file, NULL, &error);
    double strip_ms[RUNS], width, height;

    g_assert_no_error (error);
    os_pdf_renderer_get_page_size (renderer, 0, &width, &height);
    for (int i = 0; i < RUNS; i++)
      {
        gint64 start = g_get_monotonic_time ();

        for (int p = 0; p < 7; p++)
          {
            cairo_surface_t *thumbnail = os_pdf_renderer_render (renderer, p, 120 / width, &error);

            g_assert_no_error (error);
            g_assert_cmpint (cairo_image_surface_get_width (thumbnail), ==, 120);
            cairo_surface_destroy (thumbnail);
          }
        strip_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      }
    g_print ("viewer    thumbnail strip, 7 pages at 120 px     median %.1f ms (%.1f ms each)\n",
             median (strip_ms, RUNS), median (strip_ms, RUNS) / 7);
    g_print ("summary: viewer-strip-7-thumbnails-ms %.1f\n", median (strip_ms, RUNS));
  }

  /* From a page's pixels arriving (A4 grey at 300 dpi) to the thumbnail the scan window
   * shows: the page goes into the document and a 180 px preview is drawn. */
  {
    g_autoptr(GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 2480, 3508);
    g_autoptr(OsDocumentPdf) document = os_document_pdf_new ();
    double thumb_ms[RUNS];

    gdk_pixbuf_fill (page, 0xf2f2f2ff);
    for (int i = 0; i < RUNS; i++)
      {
        gint64 start = g_get_monotonic_time ();
        int index = os_document_pdf_add_page (document, page, 300);
        g_autoptr(GdkPixbuf) preview = os_document_pdf_render_preview (document, index, 180);

        g_assert_nonnull (preview);
        thumb_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      }
    g_print ("scan      A4 300 dpi page to its 180 px thumbnail  median %.1f ms\n", median (thumb_ms, RUNS));
    g_print ("summary: scan-page-to-thumbnail-ms %.1f\n", median (thumb_ms, RUNS));
  }

  /* Cropping or turning one page of a ten-page batch: the scan window draws that page's
   * thumbnail again, where it used to draw all ten. */
  {
    g_autoptr(GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 2480, 3508);
    g_autoptr(OsDocumentPdf) document = os_document_pdf_new ();
    double one_ms[RUNS], all_ms[RUNS];

    gdk_pixbuf_fill (page, 0xf2f2f2ff);
    for (int i = 0; i < 10; i++)
      os_document_pdf_add_page (document, page, 300);
    for (int i = 0; i < RUNS; i++)
      {
        gint64 start = g_get_monotonic_time ();
        g_autoptr(GdkPixbuf) preview = NULL;

        os_document_pdf_rotate_page (document, 4, 90);
        preview = os_document_pdf_render_preview (document, 4, 180);
        one_ms[i] = (g_get_monotonic_time () - start) / 1000.0;

        start = g_get_monotonic_time ();
        os_document_pdf_rotate_page (document, 4, 90);
        for (int p = 0; p < 10; p++)
          g_object_unref (os_document_pdf_render_preview (document, p, 180));
        all_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      }
    g_print ("scan      turn 1 page of 10: its thumbnail     median %.1f ms\n", median (one_ms, RUNS));
    g_print ("scan      turn 1 page of 10: all 10 thumbnails median %.1f ms (ratio %.1fx)\n",
             median (all_ms, RUNS), median (all_ms, RUNS) / median (one_ms, RUNS));
    g_print ("summary: scan-edit-one-thumbnail-ms %.1f\n", median (one_ms, RUNS));
  }

  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
