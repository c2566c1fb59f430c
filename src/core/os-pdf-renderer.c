/* os-pdf-renderer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <poppler.h>

#include "os-error.h"
#include "os-pdf-renderer.h"

#define MAX_PIXELS (60 * 1000 * 1000)

struct _OsPdfRenderer
{
  GObject          parent_instance;

  GMutex           lock;       /* poppler is not safe to use from two threads at once */
  PopplerDocument *document;   /* a PDF, or */
  GdkPixbuf       *image;      /* an image shown as one page (72 dpi: 1 px = 1 pt) */
  int              n_pages;
};

G_DEFINE_FINAL_TYPE (OsPdfRenderer, os_pdf_renderer, G_TYPE_OBJECT)

static void
os_pdf_renderer_finalize (GObject *object)
{
  OsPdfRenderer *self = (OsPdfRenderer *) object;

  g_clear_object (&self->document);
  g_clear_object (&self->image);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (os_pdf_renderer_parent_class)->finalize (object);
}

static void
os_pdf_renderer_class_init (OsPdfRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_pdf_renderer_finalize;
}

static void
os_pdf_renderer_init (OsPdfRenderer *self)
{
  g_mutex_init (&self->lock);
}

OsPdfRenderer *
os_pdf_renderer_open (GFile         *file,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(OsPdfRenderer) self = g_object_new (OS_TYPE_PDF_RENDERER, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *head = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  char buffer[5] = { 0 };

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, 4, NULL, cancellable, &local_error))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_IO, _("Không mở được tệp “%s”: %s"), name,
                   local_error ? local_error->message : "");
      return NULL;
    }
  g_input_stream_close (G_INPUT_STREAM (stream), NULL, NULL);

  if (memcmp (buffer, "%PDF", 4) == 0)
    {
      self->document = poppler_document_new_from_gfile (file, NULL, cancellable, &local_error);
      if (self->document == NULL)
        {
          g_debug ("poppler: %s", local_error->message);
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Tệp “%s” bị hỏng hoặc không phải PDF đọc được."), name);
          return NULL;
        }
      self->n_pages = poppler_document_get_n_pages (self->document);
    }
  else
    {
      g_autofree char *path = g_file_get_path (file);
      int width = 0, height = 0;

      if (path == NULL || gdk_pixbuf_get_file_info (path, &width, &height) == NULL ||
          (gint64) width * height > MAX_PIXELS ||
          (self->image = gdk_pixbuf_new_from_file (path, &local_error)) == NULL)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Không hiển thị được ảnh “%s”."), name);
          return NULL;
        }
      self->n_pages = 1;
    }

  if (self->n_pages < 1)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT, _("Tệp “%s” không có trang nào."), name);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  OsPdfRenderer *renderer = os_pdf_renderer_open (data, cancellable, &error);

  if (renderer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, renderer, g_object_unref);
}

void
os_pdf_renderer_open_async (GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, os_pdf_renderer_open_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

OsPdfRenderer *
os_pdf_renderer_open_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

int
os_pdf_renderer_get_n_pages (OsPdfRenderer *self)
{
  g_return_val_if_fail (OS_IS_PDF_RENDERER (self), 0);
  return self->n_pages;
}

void
os_pdf_renderer_get_page_size (OsPdfRenderer *self,
                               int            page,
                               double        *width,
                               double        *height)
{
  g_return_if_fail (OS_IS_PDF_RENDERER (self));
  g_return_if_fail (page >= 0 && page < self->n_pages);

  g_mutex_lock (&self->lock);
  if (self->document != NULL)
    {
      PopplerPage *p = poppler_document_get_page (self->document, page);

      poppler_page_get_size (p, width, height);
      g_object_unref (p);
    }
  else
    {
      *width = gdk_pixbuf_get_width (self->image);
      *height = gdk_pixbuf_get_height (self->image);
    }
  g_mutex_unlock (&self->lock);
}

/* Draws @page at 1 unit = 1 pt on @cr, with the lock held. An image is one page at 72
 * dpi; its pixels are copied through a cairo image (no GDK in core). */
static void
draw_page (OsPdfRenderer *self,
           int            page,
           cairo_t       *cr,
           gboolean       printing)
{
  g_mutex_lock (&self->lock);
  if (self->document != NULL)
    {
      PopplerPage *p = poppler_document_get_page (self->document, page);

      if (printing)
        poppler_page_render_for_printing (p, cr);
      else
        poppler_page_render (p, cr);
      g_object_unref (p);
    }
  else
    {
      int w = gdk_pixbuf_get_width (self->image), h = gdk_pixbuf_get_height (self->image);
      int channels = gdk_pixbuf_get_n_channels (self->image);
      int stride = gdk_pixbuf_get_rowstride (self->image);
      const guchar *pixels = gdk_pixbuf_read_pixels (self->image);
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      guchar *dst = cairo_image_surface_get_data (img);
      int dst_stride = cairo_image_surface_get_stride (img);

      cairo_surface_flush (img);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            const guchar *s = pixels + y * stride + x * channels;
            guint32 *d = (guint32 *) (dst + y * dst_stride) + x;
            *d = ((guint32) s[0] << 16) | ((guint32) s[1] << 8) | s[2];
          }
      cairo_surface_mark_dirty (img);
      cairo_save (cr);
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (img);
    }
  g_mutex_unlock (&self->lock);
}

cairo_surface_t *
os_pdf_renderer_render (OsPdfRenderer  *self,
                        int             page,
                        double          scale,
                        GError        **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;
  int pw, ph;

  g_return_val_if_fail (OS_IS_PDF_RENDERER (self), NULL);
  g_return_val_if_fail (page >= 0 && page < self->n_pages, NULL);
  g_return_val_if_fail (scale > 0, NULL);

  os_pdf_renderer_get_page_size (self, page, &width, &height);
  pw = MAX (1, (int) (width * scale + 0.5));
  ph = MAX (1, (int) (height * scale + 0.5));
  if ((gint64) pw * ph > MAX_PIXELS)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_RENDER, _("Trang quá lớn để hiển thị ở mức phóng to này."));
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);

  draw_page (self, page, cr, FALSE);

  cairo_destroy (cr);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_RENDER, _("Không vẽ được trang."));
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

typedef struct
{
  int    page;
  double scale;
} RenderData;

static void
render_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  RenderData *rd = data;
  GError *error = NULL;
  cairo_surface_t *surface;

  if (g_task_return_error_if_cancelled (task))
    return;
  surface = os_pdf_renderer_render (source, rd->page, rd->scale, &error);
  if (surface == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

void
os_pdf_renderer_render_async (OsPdfRenderer       *self,
                              int                  page,
                              double               scale,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RenderData *rd;

  g_return_if_fail (OS_IS_PDF_RENDERER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_pdf_renderer_render_async);
  rd = g_new0 (RenderData, 1);
  rd->page = page;
  rd->scale = scale;
  g_task_set_task_data (task, rd, g_free);
  g_task_run_in_thread (task, render_thread);
}

cairo_surface_t *
os_pdf_renderer_render_finish (OsPdfRenderer  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
os_pdf_renderer_draw_for_printing (OsPdfRenderer *self,
                                   int            page,
                                   cairo_t       *cr)
{
  g_return_if_fail (OS_IS_PDF_RENDERER (self));
  g_return_if_fail (page >= 0 && page < self->n_pages);
  g_return_if_fail (cr != NULL);

  draw_page (self, page, cr, TRUE);
}
