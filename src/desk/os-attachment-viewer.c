/* os-attachment-viewer.c
 *
 * Pages are drawn by OsPdfRenderer on a worker thread; the window shows one page at a
 * time and keeps only that page's pixels, beside a strip of page thumbnails.
 *
 * The strip is a GtkListView over a GtkStringList of page numbers, so a 200-page file costs
 * 200 short strings, not 200 pictures: a thumbnail is drawn (on a worker) only when its
 * row is first bound, i.e. scrolled into view, then kept. Choosing a thumbnail (click,
 * arrows, Enter) shows its page; paging on selects and scrolls the strip along.
 *
 * Printing goes through GtkPrintOperation; each page is drawn with poppler's printing path
 * (os_pdf_renderer_draw_for_printing), scaled to fit the printable area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-attachment-viewer.h"
#include "os-pdf-renderer.h"

#define ZOOM_MIN 0.25
#define ZOOM_MAX 4.0
#define THUMBNAIL_WIDTH 120

struct _OsAttachmentViewer
{
  AdwWindow           parent_instance;

  AdwWindowTitle     *window_title;
  GtkPicture         *picture;
  GtkLabel           *page_label;
  GtkLabel           *status_label;
  GtkListView        *thumbnails_view;

  char               *title;
  OsPdfRenderer      *renderer;
  GCancellable       *cancellable;
  GCancellable       *render_cancellable;
  int                 page;
  double              zoom;        /* pixels per point */

  GtkStringList      *page_numbers;
  GtkSingleSelection *selection;
  GPtrArray          *thumbnails;  /* GdkTexture of each page once drawn, else NULL */
  GHashTable         *requested;   /* pages whose thumbnail is being drawn */
  GHashTable         *bound;       /* page → the GtkPicture showing it now */
};

G_DEFINE_FINAL_TYPE (OsAttachmentViewer, os_attachment_viewer, ADW_TYPE_WINDOW)

static int
n_pages (OsAttachmentViewer *self)
{
  return self->renderer ? os_pdf_renderer_get_n_pages (self->renderer) : 0;
}

static void
update_actions (OsAttachmentViewer *self)
{
  int n = n_pages (self);
  g_autofree char *label = g_strdup_printf ("%d / %d", n > 0 ? self->page + 1 : 0, n);

  gtk_label_set_label (self->page_label, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", self->page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next", self->page + 1 < n);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-in", n > 0 && self->zoom < ZOOM_MAX);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-out", n > 0 && self->zoom > ZOOM_MIN);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.print", n > 0);
}

static GdkTexture *
texture_for_surface (cairo_surface_t *surface)
{
  g_autoptr(GBytes) bytes = NULL;

  /* cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) *
                                      cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                 cairo_image_surface_get_height (surface),
                                 G_BYTE_ORDER == G_LITTLE_ENDIAN ? GDK_MEMORY_B8G8R8A8_PREMULTIPLIED
                                                                 : GDK_MEMORY_A8R8G8B8_PREMULTIPLIED,
                                 bytes, cairo_image_surface_get_stride (surface));
}

static void
on_rendered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface = os_pdf_renderer_render_finish (OS_PDF_RENDERER (source), result, &error);
  OsAttachmentViewer *self;
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
  texture = texture_for_surface (surface);
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

/* Shows @page and keeps the strip on it. */
static void
go_to_page (OsAttachmentViewer *self,
            int                 page)
{
  if (page < 0 || page >= n_pages (self))
    return;
  if (page != self->page)
    {
      self->page = page;
      render (self);
    }
  if (gtk_single_selection_get_selected (self->selection) != (guint) page)
    {
      gtk_single_selection_set_selected (self->selection, page);
      gtk_widget_activate_action (GTK_WIDGET (self->thumbnails_view), "list.scroll-to-item", "u", page);
    }
}

/* Thumbnails ---------------------------------------------------------------------- */

typedef struct
{
  OsAttachmentViewer *self;   /* not a reference: the window cancels the request when it goes */
  guint               page;
} Thumbnail;

static void
on_thumbnail_rendered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autofree Thumbnail *request = user_data;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface = os_pdf_renderer_render_finish (OS_PDF_RENDERER (source), result, &error);
  OsAttachmentViewer *self;
  GtkPicture *picture;
  GdkTexture *texture;

  /* Cancelled (the window closed), or the page is broken: the main view says so. */
  if (surface == NULL)
    return;

  self = request->self;
  g_hash_table_remove (self->requested, GUINT_TO_POINTER (request->page));
  texture = texture_for_surface (surface);
  g_clear_object (&g_ptr_array_index (self->thumbnails, request->page));
  g_ptr_array_index (self->thumbnails, request->page) = texture;
  picture = g_hash_table_lookup (self->bound, GUINT_TO_POINTER (request->page));
  if (picture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
request_thumbnail (OsAttachmentViewer *self,
                   guint               page)
{
  Thumbnail *request;
  double width, height;

  if (g_hash_table_contains (self->requested, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->requested, GUINT_TO_POINTER (page));
  os_pdf_renderer_get_page_size (self->renderer, page, &width, &height);
  request = g_new0 (Thumbnail, 1);
  request->self = self;
  request->page = page;
  os_pdf_renderer_render_async (self->renderer, page, THUMBNAIL_WIDTH / MAX (width, 1.0),
                                self->cancellable, on_thumbnail_rendered, request);
}

static void
setup_thumbnail (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 1.414);
  gtk_widget_add_css_class (picture, "card");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_item_set_child (item, box);
}

static void
bind_thumbnail (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  OsAttachmentViewer *self = user_data;
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *picture = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (picture);
  guint page = gtk_list_item_get_position (item);
  g_autofree char *name = g_strdup_printf (_("Trang %u"), page + 1);
  GdkTexture *texture;

  if (self->thumbnails == NULL)
    return;
  texture = page < self->thumbnails->len ? g_ptr_array_index (self->thumbnails, page) : NULL;

  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (gtk_list_item_get_item (item)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  g_hash_table_insert (self->bound, GUINT_TO_POINTER (page), picture);
  if (texture == NULL && self->renderer != NULL)
    request_thumbnail (self, page);
}

static void
unbind_thumbnail (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  OsAttachmentViewer *self = user_data;
  GtkWidget *picture = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  gpointer page = GUINT_TO_POINTER (gtk_list_item_get_position (item));

  /* The strip may be taken down after dispose has let go of the table. */
  if (self->bound != NULL && g_hash_table_lookup (self->bound, page) == picture)
    g_hash_table_remove (self->bound, page);
  gtk_picture_set_paintable (GTK_PICTURE (picture), NULL);
}

static void
on_thumbnail_selected (OsAttachmentViewer *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    go_to_page (self, selected);
}

static void
on_thumbnail_activated (GtkListView        *view,
                        guint               position,
                        OsAttachmentViewer *self)
{
  go_to_page (self, position);
}

/* Opening -------------------------------------------------------------------------- */

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  OsPdfRenderer *renderer = os_pdf_renderer_open_finish (result, &error);
  OsAttachmentViewer *self;
  int n;

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
  n = os_pdf_renderer_get_n_pages (renderer);
  g_ptr_array_set_size (self->thumbnails, n);
  for (int i = 0; i < n; i++)
    {
      char number[16];

      g_snprintf (number, sizeof number, "%d", i + 1);
      gtk_string_list_append (self->page_numbers, number);
    }
  gtk_single_selection_set_selected (self->selection, 0);
  render (self);
}

/* Actions -------------------------------------------------------------------------- */

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsAttachmentViewer *self = OS_ATTACHMENT_VIEWER (widget);

  go_to_page (self, self->page + (g_str_equal (action_name, "viewer.next") ? 1 : -1));
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

/* Printing ------------------------------------------------------------------------- */

static void
on_draw_page (GtkPrintOperation  *operation,
              GtkPrintContext    *context,
              int                 page,
              OsAttachmentViewer *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double paper_width = gtk_print_context_get_width (context);
  double paper_height = gtk_print_context_get_height (context);
  double width, height, scale;

  os_pdf_renderer_get_page_size (self->renderer, page, &width, &height);
  /* Fit the page in the printable area, never enlarged, centred. */
  scale = MIN (1.0, MIN (paper_width / width, paper_height / height));
  cairo_save (cr);
  cairo_translate (cr, (paper_width - width * scale) / 2, (paper_height - height * scale) / 2);
  cairo_scale (cr, scale, scale);
  os_pdf_renderer_draw_for_printing (self->renderer, page, cr);
  cairo_restore (cr);
}

static GtkPrintOperation *
print_operation_new (OsAttachmentViewer *self)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();

  gtk_print_operation_set_job_name (operation, self->title);
  gtk_print_operation_set_n_pages (operation, n_pages (self));
  gtk_print_operation_set_current_page (operation, self->page);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect_object (operation, "draw-page", G_CALLBACK (on_draw_page), self, 0);
  return operation;
}

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               OsAttachmentViewer      *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      gtk_label_set_label (self->status_label, error ? error->message : _("Không in được tệp."));
    }
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OsAttachmentViewer *self = OS_ATTACHMENT_VIEWER (widget);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  if (n_pages (self) == 0)
    return;
  operation = print_operation_new (self);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect_object (operation, "done", G_CALLBACK (on_print_done), self, 0);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, GTK_WINDOW (self),
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_label_set_label (self->status_label, error->message);
}

/* Lifecycle ------------------------------------------------------------------------ */

static void
os_attachment_viewer_dispose (GObject *object)
{
  OsAttachmentViewer *self = (OsAttachmentViewer *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->render_cancellable)
    g_cancellable_cancel (self->render_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_ATTACHMENT_VIEWER);
  g_clear_object (&self->selection);
  g_clear_object (&self->page_numbers);
  g_clear_pointer (&self->thumbnails, g_ptr_array_unref);
  g_clear_pointer (&self->requested, g_hash_table_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_object (&self->renderer);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->title, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, OsAttachmentViewer, thumbnails_view);

  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "viewer.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "viewer.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "viewer.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "viewer.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_attachment_viewer_init (OsAttachmentViewer *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->zoom = 1.25;
  self->thumbnails = g_ptr_array_new_with_free_func ((GDestroyNotify) g_object_unref);
  self->requested = g_hash_table_new (NULL, NULL);
  self->bound = g_hash_table_new (NULL, NULL);
  self->page_numbers = gtk_string_list_new (NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->page_numbers)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_thumbnail), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_thumbnail), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_thumbnail), self);
  gtk_list_view_set_factory (self->thumbnails_view, factory);
  gtk_list_view_set_model (self->thumbnails_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_thumbnail_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self->thumbnails_view, "activate", G_CALLBACK (on_thumbnail_activated), self);
  update_actions (self);
}

OsAttachmentViewer *
os_attachment_viewer_new (GFile      *file,
                          const char *title)
{
  OsAttachmentViewer *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (OS_TYPE_ATTACHMENT_VIEWER, "title", title, NULL);
  self->title = g_strdup (title);
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
  return n_pages (self);
}

guint
os_attachment_viewer_get_n_thumbnails (OsAttachmentViewer *self)
{
  guint drawn = 0;

  g_return_val_if_fail (OS_IS_ATTACHMENT_VIEWER (self), 0);
  for (guint i = 0; i < self->thumbnails->len; i++)
    drawn += g_ptr_array_index (self->thumbnails, i) != NULL;
  return drawn;
}

gboolean
os_attachment_viewer_export_pdf (OsAttachmentViewer  *self,
                                 const char          *path,
                                 GError             **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;

  g_return_val_if_fail (OS_IS_ATTACHMENT_VIEWER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (n_pages (self) == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("Tệp chưa mở xong."));
      return FALSE;
    }
  operation = print_operation_new (self);
  gtk_print_operation_set_export_filename (operation, path);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, GTK_WINDOW (self),
                                  error) != GTK_PRINT_OPERATION_RESULT_ERROR;
}
