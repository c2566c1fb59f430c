/* os-pdf-renderer.h: open and draw the pages of an attached PDF or image off the main
 * thread (poppler and GdkPixbuf on a worker, the document behind a lock).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define OS_TYPE_PDF_RENDERER (os_pdf_renderer_get_type ())

G_DECLARE_FINAL_TYPE (OsPdfRenderer, os_pdf_renderer, OS, PDF_RENDERER, GObject)

/* Opens @file (a PDF, or a JPEG/PNG/TIFF shown as one page) on a worker thread. */
void           os_pdf_renderer_open_async        (GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
OsPdfRenderer *os_pdf_renderer_open_finish       (GAsyncResult        *result,
                                                  GError             **error);
int            os_pdf_renderer_get_n_pages       (OsPdfRenderer       *self);
/* Page size in points (1/72 inch). */
void           os_pdf_renderer_get_page_size     (OsPdfRenderer       *self,
                                                  int                  page,
                                                  double              *width,
                                                  double              *height);
/* Draws @page at @scale (pixels per point) into a new ARGB32 image surface, on a worker. */
void           os_pdf_renderer_render_async      (OsPdfRenderer       *self,
                                                  int                  page,
                                                  double               scale,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
cairo_surface_t *os_pdf_renderer_render_finish   (OsPdfRenderer       *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* The same, blocking: for workers and benchmarks. */
cairo_surface_t *os_pdf_renderer_render          (OsPdfRenderer       *self,
                                                  int                  page,
                                                  double               scale,
                                                  GError             **error);
/* Draws @page on @cr (1 unit = 1 pt; the caller scales to the paper) for printing: poppler's
 * printing path (vector, annotations as printed). Takes the document's lock, so it may wait
 * for a page being rendered on a worker. */
void           os_pdf_renderer_draw_for_printing (OsPdfRenderer       *self,
                                                  int                  page,
                                                  cairo_t             *cr);
OsPdfRenderer *os_pdf_renderer_open              (GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

G_END_DECLS
