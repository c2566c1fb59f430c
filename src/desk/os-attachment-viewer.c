/* os-attachment-viewer.c
 *
 * Pages are drawn by OsPdfRenderer on a worker thread; the window shows one page at a
 * time and keeps only that page's pixels.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-attachment-viewer.h"
#include "os-pdf-renderer.h"

#define ZOOM_MIN 0.25
#define ZOOM_MAX 4.0

struct _OsAttachmentViewer
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkPicture     *picture;
  GtkLabel       *page_label;
  GtkLabel       *status_label;

  OsPdfRenderer  *renderer;
  GCancellable   *cancellable;
  GCancellable   *render_cancellable;
  int             page;
  double          zoom;   /* pixels per point */
};

G_DEFINE_FINAL_TYPE (OsAttachmentViewer, os_attachment_viewer, ADW_TYPE_WINDOW)

static void
update_actions (OsAttachmentViewer *self)
{
  int n = self->renderer ? os_pdf_renderer_get_n_pages (self->renderer) : 0;
  g_autofree char *label = g_strdup_printf ("%d / %d", n > 0 ? self->page + 1 : 0, n);

  gtk_label_set_label (self->page_label, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", self->page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next", self->page + 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-in", n > 0 && self->zoom < ZOOM_MAX);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-out", n > 0 && self->zoom > ZOOM_MIN);
}

static void
on_rendered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface = os_pdf_renderer_render_finish (OS_PDF_RENDERER (source), result, &error);
  OsAttachmentViewer *self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (surface == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self = user_data;
          gtk_label_set_label (self->status_label, error->message);
        }
      return;
    }

  self = user_data;
  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) *
                                      cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                    cairo_image_surface_get_height (surface),
                                    G_BYTE_ORDER == G_LITTLE_ENDIAN ? GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
                                                                    : GDK_MEMORY_A8R8G8B8_PREMULTIPLIED,
                                    bytes, cairo_image_surface_get_stride (surface));
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_label_set_label (self->status_label, "");
}

static void
render (OsAttachmentViewer *self)
{
  if (self->renderer == NULL)
    return;

  /* Only the latest request matters: a fast reader paging on skips the ones between. */
  if (self->render_cancellable)
    g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  os_pdf_renderer_render_async (self->renderer, self->page, self->zoom, self->render_cancellable,
                                on_rendered, self);
  update_actions (self);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  OsPdfRenderer *renderer = os_pdf_renderer_open_finish (result, &error);
  OsAttachmentViewer *self;

  if (renderer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self = user_data;
          gtk_label_set_label (self->status_label, error->message);
        }
      return;
    }
  self = user_data;
  self->renderer = renderer;
  render (self);
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsAttachmentViewer *self = OS_ATTACHMENT_VIEWER (widget);
  int n = self->renderer ? os_pdf_renderer_get_n_pages (self->renderer) : 0;
  int page = self->page + (g_str_equal (action_name, "viewer.next") ? 1 : -1);

  if (page < 0 || page >= n)
    return;
  self->page = page;
  render (self);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsAttachmentViewer *self = OS_ATTACHMENT_VIEWER (widget);

  self->zoom = CLAMP (self->zoom * (g_str_equal (action_name, "viewer.zoom-in") ? 1.25 : 0.8),
                      ZOOM_MIN, ZOOM_MAX);
  render (self);
}

static void
os_attachment_viewer_dispose (GObject *object)
{
  OsAttachmentViewer *self = (OsAttachmentViewer *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->render_cancellable)
    g_cancellable_cancel (self->render_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_ATTACHMENT_VIEWER);
  g_clear_object (&self->renderer);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (os_attachment_viewer_parent_class)->dispose (object);
}

static void
os_attachment_viewer_class_init (OsAttachmentViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_attachment_viewer_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-attachment-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, OsAttachmentViewer, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsAttachmentViewer, picture);
  gtk_widget_class_bind_template_child (widget_class, OsAttachmentViewer, page_label);
  gtk_widget_class_bind_template_child (widget_class, OsAttachmentViewer, status_label);

  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "viewer.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "viewer.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_attachment_viewer_init (OsAttachmentViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->zoom = 1.25;
  update_actions (self);
}

OsAttachmentViewer *
os_attachment_viewer_new (GFile      *file,
                          const char *title)
{
  OsAttachmentViewer *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (OS_TYPE_ATTACHMENT_VIEWER, "title", title, NULL);
  adw_window_title_set_title (self->window_title, title);
  gtk_label_set_label (self->status_label, _("Đang mở…"));
  /* The window outlives nothing it started: dispose cancels, and the callbacks only touch
   * the window when not cancelled. */
  os_pdf_renderer_open_async (file, self->cancellable, on_opened, self);
  return self;
}

int
os_attachment_viewer_get_page (OsAttachmentViewer *self)
{
  g_return_val_if_fail (OS_IS_ATTACHMENT_VIEWER (self), 0);
  return self->page;
}

int
os_attachment_viewer_get_n_pages (OsAttachmentViewer *self)
{
  g_return_val_if_fail (OS_IS_ATTACHMENT_VIEWER (self), 0);
  return self->renderer ? os_pdf_renderer_get_n_pages (self->renderer) : 0;
}
