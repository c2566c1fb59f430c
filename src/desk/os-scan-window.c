/* os-scan-window.c
 *
 * The scanner works on its own thread (os-scanner.c); pages arrive one by one through
 * ::page-scanned and go into an OsDocumentPdf, whose previews the grid shows. Saving writes
 * the PDF off the main thread and hands it to the record window's attach path, which
 * checks it and stores it like any imported file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-document-pdf.h"
#include "os-scan-window.h"
#include "os-scanner.h"

#define THUMBNAIL_SIZE 180

struct _OsScanWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkDropDown     *device_dropdown;
  GtkDropDown     *source_dropdown;
  GtkDropDown     *mode_dropdown;
  GtkDropDown     *dpi_dropdown;
  GtkDropDown     *document_dropdown;
  GtkGridView     *pages_view;
  GtkLabel        *status_label;
  GtkButton       *scan_button;

  OsRecordWindow  *record_window;
  OsRecord        *record;
  GSettings       *settings;
  OsScanner       *scanner;
  OsDocumentPdf   *document;
  GListStore      *thumbnails;   /* GdkTexture of each page, in order */
  GtkSingleSelection *selection;
  GPtrArray       *device_names;
  GCancellable    *cancellable;  /* the window's: cancelled when it closes */
  GCancellable    *scan_cancellable;
  gulong           page_handler;
  gboolean         scanning;
  gboolean         appending;    /* a page is being added at the end: one new thumbnail */
};

G_DEFINE_FINAL_TYPE (OsScanWindow, os_scan_window, ADW_TYPE_WINDOW)

static void
status (OsScanWindow *self,
        const char   *text)
{
  gtk_label_set_label (self->status_label, text);
}

static void
update_actions (OsScanWindow *self)
{
  gboolean has_pages = os_document_pdf_get_n_pages (self->document) > 0;
  gboolean has_device = self->device_names != NULL && self->device_names->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.scan", has_device && !self->scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.stop", self->scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.save", has_pages && !self->scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.rotate", has_pages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.delete", has_pages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.move-left", has_pages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.move-right", has_pages);
}

/* The grid shows a preview of each page as it will be written (rotation, crop). */
static void
on_document_changed (OsScanWindow *self)
{
  g_autoptr(GPtrArray) textures = g_ptr_array_new_with_free_func (g_object_unref);
  int n = os_document_pdf_get_n_pages (self->document);
  guint selected = gtk_single_selection_get_selected (self->selection);

  /* A page from the scanner: draw only its thumbnail, so a long batch stays quick. */
  if (self->appending && (guint) n == g_list_model_get_n_items (G_LIST_MODEL (self->thumbnails)) + 1)
    {
      g_autoptr(GdkPixbuf) preview = os_document_pdf_render_preview (self->document, n - 1, THUMBNAIL_SIZE);
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (preview);

      g_list_store_append (self->thumbnails, texture);
      update_actions (self);
      return;
    }

  for (int i = 0; i < n; i++)
    {
      g_autoptr(GdkPixbuf) preview = os_document_pdf_render_preview (self->document, i, THUMBNAIL_SIZE);

      g_ptr_array_add (textures, gdk_texture_new_for_pixbuf (preview));
    }
  g_list_store_splice (self->thumbnails, 0, g_list_model_get_n_items (G_LIST_MODEL (self->thumbnails)),
                       textures->pdata, textures->len);
  if (selected != GTK_INVALID_LIST_POSITION && n > 0)
    gtk_single_selection_set_selected (self->selection, MIN (selected, (guint) n - 1));
  update_actions (self);
}

/* Drag and drop reorders pages: the drag carries the page's position, a drop on another
 * page moves it there. The controllers are added once per row widget (TESTING.md). */
static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListItem   *item)
{
  return gdk_content_provider_new_typed (G_TYPE_UINT, gtk_list_item_get_position (item));
}

static gboolean
on_page_drop (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              GtkListItem   *item)
{
  OsScanWindow *self = g_object_get_data (G_OBJECT (target), "scan-window");
  guint from = g_value_get_uint (value);
  guint to = gtk_list_item_get_position (item);
  int n = os_document_pdf_get_n_pages (self->document);

  if (from == to || from >= (guint) n || to >= (guint) n)
    return FALSE;
  os_document_pdf_move_page (self->document, from, to);
  gtk_single_selection_set_selected (self->selection, to);
  return TRUE;
}

static void
setup_page (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  OsScanWindow *self = user_data;
  GtkDragSource *drag = gtk_drag_source_new ();
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_UINT, GDK_ACTION_MOVE);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (picture, "card");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (on_drag_prepare), item);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (drag));
  g_object_set_data (G_OBJECT (drop), "scan-window", self);
  g_signal_connect (drop, "drop", G_CALLBACK (on_page_drop), item);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (drop));

  gtk_list_item_set_child (item, box);
}

static void
bind_page (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *picture = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (picture);
  g_autofree char *text = g_strdup_printf (_("Trang %u"), gtk_list_item_get_position (item) + 1);

  gtk_picture_set_paintable (GTK_PICTURE (picture), gtk_list_item_get_item (item));
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* Devices ---------------------------------------------------------------------- */

static void
on_devices_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(OsScanWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = os_scanner_list_devices_finish (OS_SCANNER (source), result, &error);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *remembered = self->settings ? g_settings_get_string (self->settings, "scanner") : NULL;
  guint selected = 0;

  if (devices == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        status (self, error->message);
      return;
    }

  g_clear_pointer (&self->device_names, g_ptr_array_unref);
  self->device_names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < devices->len; i++)
    {
      OsScannerDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *label = g_strdup_printf ("%s %s (%s)", device->vendor, device->model, device->name);

      gtk_string_list_append (labels, label);
      g_ptr_array_add (self->device_names, g_strdup (device->name));
      if (g_strcmp0 (device->name, remembered) == 0)
        selected = i;
    }
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->device_dropdown, selected);

  if (devices->len == 0)
    status (self, _("Không tìm thấy máy quét nào. Hãy kiểm tra máy quét đã bật và cắm vào máy tính."));
  else
    status (self, _("Chọn máy quét rồi nhấn Quét."));
  update_actions (self);
}

/* Scanning --------------------------------------------------------------------- */

static void
on_page_scanned (OsScanner    *scanner,
                 GdkPixbuf    *page,
                 int           dpi,
                 guint         index,
                 OsScanWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("Đã quét %u trang…"), index + 1);

  self->appending = TRUE;
  os_document_pdf_add_page (self->document, page, dpi);
  self->appending = FALSE;
  status (self, text);
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OsScanWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_pages = 0;

  self->scanning = FALSE;
  g_clear_object (&self->scan_cancellable);

  if (!os_scanner_scan_finish (OS_SCANNER (source), result, &n_pages, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = g_strdup_printf (_("Đã dừng quét; giữ lại %d trang."),
                                os_document_pdf_get_n_pages (self->document));
      else
        text = g_strdup_printf (_("%s Các trang đã quét được giữ lại."), error->message);
      status (self, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Đã quét xong %u trang.",
                                                            "Đã quét xong %u trang.", n_pages),
                                               n_pages);
      status (self, text);
    }
  update_actions (self);
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  static const int dpis[] = { 150, 200, 300, 600 };
  static const OsScanSource sources[] = { OS_SCAN_SOURCE_FLATBED, OS_SCAN_SOURCE_FEEDER, OS_SCAN_SOURCE_DUPLEX };
  static const OsScanMode modes[] = { OS_SCAN_MODE_GRAY, OS_SCAN_MODE_COLOR, OS_SCAN_MODE_LINEART };
  guint device = gtk_drop_down_get_selected (self->device_dropdown);
  OsScanRequest request = { 0 };

  if (self->scanning || self->device_names == NULL || device >= self->device_names->len)
    return;

  request.device = g_ptr_array_index (self->device_names, device);
  request.dpi = dpis[MIN (gtk_drop_down_get_selected (self->dpi_dropdown), G_N_ELEMENTS (dpis) - 1)];
  request.source = sources[MIN (gtk_drop_down_get_selected (self->source_dropdown), G_N_ELEMENTS (sources) - 1)];
  request.mode = modes[MIN (gtk_drop_down_get_selected (self->mode_dropdown), G_N_ELEMENTS (modes) - 1)];

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "scanner", request.device);

  self->scanning = TRUE;
  self->scan_cancellable = g_cancellable_new ();
  status (self, _("Đang quét…"));
  update_actions (self);
  os_scanner_scan_async (self->scanner, &request, self->scan_cancellable, on_scanned, g_object_ref (self));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);

  if (self->scan_cancellable != NULL)
    g_cancellable_cancel (self->scan_cancellable);
}

/* Arranging -------------------------------------------------------------------- */

static guint
selected_page (OsScanWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected >= (guint) os_document_pdf_get_n_pages (self->document))
    return G_MAXUINT;
  return selected;
}

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  guint page = selected_page (self);

  if (page != G_MAXUINT)
    os_document_pdf_rotate_page (self->document, page, 90);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  guint page = selected_page (self);

  if (page != G_MAXUINT)
    os_document_pdf_remove_page (self->document, page);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  guint page = selected_page (self);
  int n = os_document_pdf_get_n_pages (self->document);
  int to;

  if (page == G_MAXUINT)
    return;
  to = (int) page + (g_str_equal (action_name, "scan.move-left") ? -1 : 1);
  if (to < 0 || to >= n)
    return;
  os_document_pdf_move_page (self->document, page, to);
  gtk_single_selection_set_selected (self->selection, to);
}

/* Saving ----------------------------------------------------------------------- */

static char *
document_name (OsScanWindow *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->document_dropdown);

  return g_strdup (item ? gtk_string_object_get_string (item) : _("Giấy tờ"));
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  OsScanWindow *self;

  if (!os_document_pdf_write_finish (OS_DOCUMENT_PDF (source), result, &error))
    {
      /* The window may be gone if it was closed while writing. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Writing the scanned document failed: %s", error->message);
      return;
    }

  self = g_object_get_data (G_OBJECT (source), "scan-window");
  if (self == NULL)
    return;
  os_record_window_attach_file (self->record_window, file);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  g_autofree char *name = document_name (self);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "onestop", "scans", NULL);
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *safe = g_strdup (name);

  if (os_document_pdf_get_n_pages (self->document) == 0 || self->scanning)
    return;

  g_strdelimit (safe, "/\\:", '-');
  file_name = g_strdup_printf ("%s - %s.pdf", os_record_get_code (self->record), safe);
  path = g_build_filename (dir, file_name, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      status (self, _("Không tạo được thư mục tạm để ghi tệp PDF."));
      return;
    }

  status (self, _("Đang ghép các trang thành tệp PDF…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.save", FALSE);
  g_object_set_data (G_OBJECT (self->document), "scan-window", self);
  os_document_pdf_write_async (self->document, path, name, os_record_get_code (self->record),
                               self->cancellable, on_written, g_file_new_for_path (path));
}

/* Lifecycle -------------------------------------------------------------------- */

static void
os_scan_window_dispose (GObject *object)
{
  OsScanWindow *self = (OsScanWindow *) object;

  if (self->scan_cancellable)
    g_cancellable_cancel (self->scan_cancellable);
  g_cancellable_cancel (self->cancellable);
  if (self->document)
    g_object_set_data (G_OBJECT (self->document), "scan-window", NULL);
  g_clear_signal_handler (&self->page_handler, self->scanner);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_SCAN_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->document);
  g_clear_object (&self->scanner);
  g_clear_object (&self->record);
  g_clear_object (&self->record_window);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->device_names, g_ptr_array_unref);

  G_OBJECT_CLASS (os_scan_window_parent_class)->dispose (object);
}

static void
os_scan_window_class_init (OsScanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_scan_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-scan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, device_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, dpi_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, document_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, pages_view);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, scan_button);

  gtk_widget_class_install_action (widget_class, "scan.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "scan.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "scan.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "scan.rotate", NULL, rotate_action);
  gtk_widget_class_install_action (widget_class, "scan.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "scan.move-left", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "scan.move-right", NULL, move_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "scan.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "scan.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "scan.rotate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "scan.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_CONTROL_MASK, "scan.move-left", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_CONTROL_MASK, "scan.move-right", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_scan_window_init (OsScanWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->document = os_document_pdf_new ();
  self->thumbnails = g_list_store_new (GDK_TYPE_TEXTURE);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->thumbnails));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_page), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_page), NULL);
  gtk_grid_view_set_factory (self->pages_view, factory);
  gtk_grid_view_set_model (self->pages_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->document, "changed", G_CALLBACK (on_document_changed), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
}

OsScanWindow *
os_scan_window_new (OsRecordWindow *record_window,
                    OsRecord       *record,
                    GSettings      *settings)
{
  OsScanWindow *self;
  g_autoptr(GtkStringList) documents = gtk_string_list_new (NULL);
  GPtrArray *received;

  g_return_val_if_fail (OS_IS_RECORD_WINDOW (record_window), NULL);
  g_return_val_if_fail (OS_IS_RECORD (record), NULL);

  self = g_object_new (OS_TYPE_SCAN_WINDOW, NULL);
  self->record_window = g_object_ref (record_window);
  self->record = g_object_ref (record);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->scanner = os_scanner_new ();
  self->page_handler = g_signal_connect (self->scanner, "page-scanned", G_CALLBACK (on_page_scanned), self);

  received = os_record_get_documents (record);
  for (guint i = 0; i < received->len; i++)
    gtk_string_list_append (documents, ((OsRecordDocument *) g_ptr_array_index (received, i))->name);
  gtk_string_list_append (documents, _("Giấy tờ khác"));
  gtk_drop_down_set_model (self->document_dropdown, G_LIST_MODEL (documents));
  adw_window_title_set_subtitle (self->window_title, os_record_get_code (record));

  status (self, _("Đang tìm máy quét…"));
  os_scanner_list_devices_async (self->scanner, self->cancellable, on_devices_listed, g_object_ref (self));

  return self;
}

guint
os_scan_window_get_n_pages (OsScanWindow *self)
{
  g_return_val_if_fail (OS_IS_SCAN_WINDOW (self), 0);
  return os_document_pdf_get_n_pages (self->document);
}
