/* os-scan-window.c
 *
 * The scanner works on its own thread (os-scanner.c); pages arrive one by one through
 * ::page-scanned and go into an OsDocumentPdf, whose previews the grid shows. Each page is
 * given to one of the record's papers (the "document" dropdown shows and sets the selected
 * page's); the choice travels with the page's pixbuf (object data), so reordering, rotating
 * and deleting never mix assignments up. Saving copies each paper's pages, in order, into
 * a document of its own, writes one PDF per paper off the main thread and hands them to
 * the record window's attach path, which checks them and stores them like imported files.
 *
 * Crop is set in millimetres from each edge of the page as shown (after rotation), with
 * spin buttons: keyboard-first, and exact for a form whose margins are known.
 *
 * ONESTOP_SCANNER_OPTIONS (tests and support only): backend options added to every scan,
 * "name=value;name=value", or "@FILE" to read them from FILE at each scan (";" or one a
 * line). The entry "onestop-max-pages=N" stops a feeder batch after N pages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "os-document-pdf.h"
#include "os-scan-window.h"
#include "os-scanner.h"

#define THUMBNAIL_SIZE 180
#define MM_PER_INCH 25.4
#define PAGE_DOCUMENT_KEY "onestop-scan-document"
#define MAX_PAGES_OPTION "onestop-max-pages="

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
  GtkToggleButton *crop_button;
  GtkRevealer     *crop_revealer;
  GtkSpinButton   *crop_top;
  GtkSpinButton   *crop_right;
  GtkSpinButton   *crop_bottom;
  GtkSpinButton   *crop_left;
  GtkSpinButton   *crop_spins[4];  /* the four above, clockwise from the top as shown */

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
  int              edited_page;  /* an edit of this page alone: one thumbnail again, or -1 */
  gboolean         syncing;      /* the controls are being set from the selected page */
  GtkStringList   *documents;    /* the record's papers, then "other" */
};

G_DEFINE_FINAL_TYPE (OsScanWindow, os_scan_window, ADW_TYPE_WINDOW)

static void
status (OsScanWindow *self,
        const char   *text)
{
  gtk_label_set_label (self->status_label, text);
}

static guint
selected_page (OsScanWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected >= (guint) os_document_pdf_get_n_pages (self->document))
    return G_MAXUINT;
  return selected;
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
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop", has_pages);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop-reset", has_pages);
}

/* Which paper a page belongs to --------------------------------------------------- */

static guint
page_document (OsScanWindow *self,
               int           index)
{
  GdkPixbuf *pixbuf = os_document_pdf_get_page (self->document, index);
  guint n_documents = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  guint document = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (pixbuf), PAGE_DOCUMENT_KEY));

  /* Stored plus one, so that 0 is "never set". */
  return document > 0 && document <= n_documents ? document - 1 : 0;
}

static const char *
document_name_at (OsScanWindow *self,
                  guint         document)
{
  return gtk_string_list_get_string (self->documents, document);
}

static void
set_page_document (OsScanWindow *self,
                   int           index,
                   guint         document)
{
  GdkPixbuf *pixbuf = os_document_pdf_get_page (self->document, index);

  g_object_set_data (G_OBJECT (pixbuf), PAGE_DOCUMENT_KEY, GUINT_TO_POINTER (document + 1));
}

/* Crop in millimetres from each edge as shown ------------------------------------- */

/* The page's crop margins, clockwise from the top of the page as shown. The page keeps
 * its crop in pixels of the page as scanned; rotating it k quarter turns clockwise shows
 * the scanned edge (side - k) mod 4 on side. */
static void
get_crop_margins (OsScanWindow *self,
                  int           index,
                  double        shown[4])
{
  GdkPixbuf *pixbuf = os_document_pdf_get_page (self->document, index);
  double px_per_mm = os_document_pdf_get_page_dpi (self->document, index) / MM_PER_INCH;
  int quarter = os_document_pdf_get_page_rotation (self->document, index) / 90;
  cairo_rectangle_int_t rect;
  double scanned[4];

  os_document_pdf_get_page_crop (self->document, index, &rect);
  scanned[0] = rect.y;
  scanned[1] = gdk_pixbuf_get_width (pixbuf) - rect.x - rect.width;
  scanned[2] = gdk_pixbuf_get_height (pixbuf) - rect.y - rect.height;
  scanned[3] = rect.x;
  for (int side = 0; side < 4; side++)
    shown[side] = scanned[(side - quarter + 4) % 4] / px_per_mm;
}

static void
set_crop_margins (OsScanWindow *self,
                  int           index,
                  const double  shown[4])
{
  GdkPixbuf *pixbuf = os_document_pdf_get_page (self->document, index);
  int width = gdk_pixbuf_get_width (pixbuf), height = gdk_pixbuf_get_height (pixbuf);
  double px_per_mm = os_document_pdf_get_page_dpi (self->document, index) / MM_PER_INCH;
  int quarter = os_document_pdf_get_page_rotation (self->document, index) / 90;
  int scanned[4];
  cairo_rectangle_int_t rect;

  for (int side = 0; side < 4; side++)
    scanned[(side - quarter + 4) % 4] = MAX (0, (int) (shown[side] * px_per_mm + 0.5));

  /* Keep at least one pixel: margins that meet give way from the bottom and right. */
  rect.x = MIN (scanned[3], width - 1);
  rect.y = MIN (scanned[0], height - 1);
  rect.width = MAX (1, width - rect.x - scanned[1]);
  rect.height = MAX (1, height - rect.y - scanned[2]);

  self->edited_page = index;
  if (rect.x == 0 && rect.y == 0 && rect.width == width && rect.height == height)
    os_document_pdf_crop_page (self->document, index, NULL);
  else
    os_document_pdf_crop_page (self->document, index, &rect);
  self->edited_page = -1;
}

/* The controls show the selected page's paper and crop. */
static void
sync_controls (OsScanWindow *self)
{
  guint page = selected_page (self);
  double margins[4] = { 0, 0, 0, 0 };
  double size_mm[2] = { 0, 0 };

  self->syncing = TRUE;
  if (page != G_MAXUINT)
    {
      GdkPixbuf *pixbuf = os_document_pdf_get_page (self->document, page);
      double px_per_mm = os_document_pdf_get_page_dpi (self->document, page) / MM_PER_INCH;
      gboolean turned = os_document_pdf_get_page_rotation (self->document, page) % 180 != 0;

      gtk_drop_down_set_selected (self->document_dropdown, page_document (self, page));
      get_crop_margins (self, page, margins);
      size_mm[0] = (turned ? gdk_pixbuf_get_width (pixbuf) : gdk_pixbuf_get_height (pixbuf)) / px_per_mm;
      size_mm[1] = (turned ? gdk_pixbuf_get_height (pixbuf) : gdk_pixbuf_get_width (pixbuf)) / px_per_mm;
    }
  for (int side = 0; side < 4; side++)
    {
      /* Top and bottom go up to the page's height, left and right to its width. */
      gtk_spin_button_set_range (self->crop_spins[side], 0, MAX (1, floor (size_mm[side % 2])));
      gtk_spin_button_set_value (self->crop_spins[side], round (margins[side]));
      gtk_widget_set_sensitive (GTK_WIDGET (self->crop_spins[side]), page != G_MAXUINT);
    }
  self->syncing = FALSE;
}

static void
on_crop_changed (OsScanWindow *self)
{
  guint page = selected_page (self);
  double margins[4];

  if (self->syncing || page == G_MAXUINT)
    return;
  for (int side = 0; side < 4; side++)
    margins[side] = gtk_spin_button_get_value (self->crop_spins[side]);
  set_crop_margins (self, page, margins);
}

/* Thumbnails ---------------------------------------------------------------------- */

static GdkTexture *
render_thumbnail (OsScanWindow *self,
                  int           index)
{
  g_autoptr(GdkPixbuf) preview = os_document_pdf_render_preview (self->document, index, THUMBNAIL_SIZE);

  return gdk_texture_new_for_pixbuf (preview);
}

/* Draws one page's thumbnail again (after a crop, a rotation or a new paper). */
static void
refresh_thumbnail (OsScanWindow *self,
                   int           index)
{
  g_autoptr(GdkTexture) texture = render_thumbnail (self, index);
  guint selected = gtk_single_selection_get_selected (self->selection);

  g_list_store_splice (self->thumbnails, index, 1, (gpointer *) &texture, 1);
  if (selected != GTK_INVALID_LIST_POSITION)
    gtk_single_selection_set_selected (self->selection, selected);
}

/* The grid shows a preview of each page as it will be written (rotation, crop). */
static void
on_document_changed (OsScanWindow *self)
{
  g_autoptr(GPtrArray) textures = g_ptr_array_new_with_free_func (g_object_unref);
  int n = os_document_pdf_get_n_pages (self->document);
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->thumbnails));
  guint selected = gtk_single_selection_get_selected (self->selection);

  /* A page from the scanner: draw only its thumbnail, so a long batch stays quick. */
  if (self->appending && (guint) n == n_shown + 1)
    {
      g_autoptr(GdkTexture) texture = render_thumbnail (self, n - 1);

      g_list_store_append (self->thumbnails, texture);
      update_actions (self);
      if (n == 1)
        sync_controls (self);
      return;
    }

  /* One page cropped or turned: only its thumbnail changes. */
  if (self->edited_page >= 0 && (guint) n == n_shown)
    {
      refresh_thumbnail (self, self->edited_page);
      update_actions (self);
      return;
    }

  for (int i = 0; i < n; i++)
    g_ptr_array_add (textures, render_thumbnail (self, i));
  g_list_store_splice (self->thumbnails, 0, n_shown, textures->pdata, textures->len);
  if (selected != GTK_INVALID_LIST_POSITION && n > 0)
    gtk_single_selection_set_selected (self->selection, MIN (selected, (guint) n - 1));
  update_actions (self);
  sync_controls (self);
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
  GtkWidget *document = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_add_css_class (picture, "card");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (document, "caption");
  gtk_label_set_ellipsize (GTK_LABEL (document), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (document), 24);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), document);
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
  OsScanWindow *self = user_data;
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *picture = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (picture);
  GtkWidget *document = gtk_widget_get_next_sibling (label);
  guint position = gtk_list_item_get_position (item);
  const char *name = document_name_at (self, page_document (self, position));
  g_autofree char *text = g_strdup_printf (_("Trang %u"), position + 1);
  g_autofree char *accessible = g_strdup_printf (_("Trang %u: %s"), position + 1, name);

  gtk_picture_set_paintable (GTK_PICTURE (picture), gtk_list_item_get_item (item));
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_label_set_label (GTK_LABEL (document), name);
  gtk_widget_set_tooltip_text (document, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
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
  int added;

  /* A new page belongs to the paper chosen now. */
  g_object_set_data (G_OBJECT (page), PAGE_DOCUMENT_KEY,
                     GUINT_TO_POINTER (gtk_drop_down_get_selected (self->document_dropdown) + 1));
  self->appending = TRUE;
  added = os_document_pdf_add_page (self->document, page, dpi);
  self->appending = FALSE;
  if (selected_page (self) == G_MAXUINT)
    gtk_single_selection_set_selected (self->selection, added);
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

/* Backend options for tests and support (see the top of this file). */
static GStrv
extra_options (guint *max_pages)
{
  const char *env = g_getenv ("ONESTOP_SCANNER_OPTIONS");
  g_autofree char *contents = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) options = g_strv_builder_new ();

  *max_pages = 0;
  if (env == NULL || *env == '\0')
    return NULL;
  if (env[0] == '@')
    {
      if (!g_file_get_contents (env + 1, &contents, NULL, NULL))
        return NULL;
      env = contents;
    }

  parts = g_strsplit_set (env, ";\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *option = g_strstrip (parts[i]);

      if (*option == '\0')
        continue;
      if (g_str_has_prefix (option, MAX_PAGES_OPTION))
        *max_pages = (guint) g_ascii_strtoull (option + strlen (MAX_PAGES_OPTION), NULL, 10);
      else
        g_strv_builder_add (options, option);
    }
  return g_strv_builder_end (options);
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
  g_auto(GStrv) options = NULL;
  OsScanRequest request = { 0 };

  if (self->scanning || self->device_names == NULL || device >= self->device_names->len)
    return;

  options = extra_options (&request.max_pages);
  request.device = g_ptr_array_index (self->device_names, device);
  request.dpi = dpis[MIN (gtk_drop_down_get_selected (self->dpi_dropdown), G_N_ELEMENTS (dpis) - 1)];
  request.source = sources[MIN (gtk_drop_down_get_selected (self->source_dropdown), G_N_ELEMENTS (sources) - 1)];
  request.mode = modes[MIN (gtk_drop_down_get_selected (self->mode_dropdown), G_N_ELEMENTS (modes) - 1)];
  request.options = options;

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

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  guint page = selected_page (self);

  if (page == G_MAXUINT)
    return;
  self->edited_page = page;
  os_document_pdf_rotate_page (self->document, page, 90);
  self->edited_page = -1;
  /* The margins follow the edges they were set on. */
  sync_controls (self);
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

/* Ctrl+K shows the crop margins and puts the keyboard in the first one. */
static void
crop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  gboolean show = !gtk_toggle_button_get_active (self->crop_button);

  gtk_toggle_button_set_active (self->crop_button, show);
  if (show)
    gtk_widget_grab_focus (GTK_WIDGET (self->crop_top));
}

static void
crop_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  guint page = selected_page (self);

  if (page == G_MAXUINT)
    return;
  self->edited_page = page;
  os_document_pdf_crop_page (self->document, page, NULL);
  self->edited_page = -1;
  sync_controls (self);
}

static void
on_selection_changed (OsScanWindow *self)
{
  sync_controls (self);
}

/* The dropdown shows the selected page's paper; choosing another gives the page to it. */
static void
on_document_chosen (OsScanWindow *self)
{
  guint page = selected_page (self);
  guint document = gtk_drop_down_get_selected (self->document_dropdown);

  if (self->syncing || page == G_MAXUINT || document == GTK_INVALID_LIST_POSITION ||
      document == page_document (self, page))
    return;
  set_page_document (self, page, document);
  refresh_thumbnail (self, page);
}

/* Saving: one PDF per paper ------------------------------------------------------ */

typedef struct
{
  OsScanWindow *self;
  GPtrArray    *files;      /* GFile of each PDF, in the papers' order */
  GPtrArray    *names;      /* the paper of each */
  guint         pending;
  GError       *error;
} Save;

static void
save_free (Save *save)
{
  g_object_unref (save->self);
  g_ptr_array_unref (save->files);
  g_ptr_array_unref (save->names);
  g_clear_error (&save->error);
  g_free (save);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Save *save = user_data;
  OsScanWindow *self = save->self;
  g_autoptr(GError) error = NULL;

  if (!os_document_pdf_write_finish (OS_DOCUMENT_PDF (source), result, &error) && save->error == NULL)
    save->error = g_steal_pointer (&error);
  if (--save->pending > 0)
    return;

  /* The window was closed meanwhile: attach nothing. */
  if (self->record_window == NULL)
    {
      save_free (save);
      return;
    }

  if (save->error != NULL)
    {
      /* Closed while writing: nothing to show, nothing attached. */
      if (!g_error_matches (save->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Không ghi được tệp PDF: %s Chưa đính kèm trang nào."),
                                                   save->error->message);
          status (self, text);
          update_actions (self);
        }
      save_free (save);
      return;
    }

  /* Every paper written: only now is anything attached. */
  for (guint i = 0; i < save->files->len; i++)
    os_record_window_attach_document (self->record_window, g_ptr_array_index (save->files, i),
                                      g_ptr_array_index (save->names, i));
  save_free (save);
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
file_name_taken (Save       *save,
                 const char *file_name)
{
  for (guint i = 0; i < save->files->len; i++)
    {
      g_autofree char *taken = g_file_get_basename (g_ptr_array_index (save->files, i));

      if (g_str_equal (taken, file_name))
        return TRUE;
    }
  return FALSE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsScanWindow *self = OS_SCAN_WINDOW (widget);
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "onestop", "scans", NULL);
  guint n_documents = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  int n_pages = os_document_pdf_get_n_pages (self->document);
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_object_unref);
  Save *save;

  if (n_pages == 0 || self->scanning)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      status (self, _("Không tạo được thư mục tạm để ghi tệp PDF."));
      return;
    }

  save = g_new0 (Save, 1);
  save->self = g_object_ref (self);
  save->files = g_ptr_array_new_with_free_func (g_object_unref);
  save->names = g_ptr_array_new_with_free_func (g_free);

  for (guint document = 0; document < n_documents; document++)
    {
      g_autoptr(OsDocumentPdf) part = os_document_pdf_new ();
      const char *name = document_name_at (self, document);
      g_autofree char *safe = g_strdup (name);
      g_autofree char *file_name = NULL;
      g_autofree char *path = NULL;

      for (int i = 0; i < n_pages; i++)
        if (page_document (self, i) == document)
          os_document_pdf_copy_page (self->document, i, part, -1);
      if (os_document_pdf_get_n_pages (part) == 0)
        continue;

      /* A file name, not a path, and short enough for any file system (255 bytes). */
      g_strdelimit (safe, "/\\:", '-');
      if (g_utf8_strlen (safe, -1) > 80)
        {
          char *shorter = g_utf8_substring (safe, 0, 80);

          g_free (safe);
          safe = shorter;
        }
      /* The index keeps two papers of the same name apart. */
      file_name = g_strdup_printf ("%s - %s.pdf", os_record_get_code (self->record), safe);
      if (file_name_taken (save, file_name))
        {
          g_free (file_name);
          file_name = g_strdup_printf ("%s - %s (%u).pdf", os_record_get_code (self->record), safe, document + 1);
        }
      path = g_build_filename (dir, file_name, NULL);
      g_ptr_array_add (save->files, g_file_new_for_path (path));
      g_ptr_array_add (save->names, g_strdup (name));
      g_ptr_array_add (parts, g_object_ref (part));
    }

  status (self, _("Đang ghép các trang thành tệp PDF…"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.save", FALSE);
  save->pending = parts->len;
  for (guint i = 0; i < parts->len; i++)
    {
      g_autofree char *path = g_file_get_path (g_ptr_array_index (save->files, i));

      os_document_pdf_write_async (g_ptr_array_index (parts, i), path, g_ptr_array_index (save->names, i),
                                   os_record_get_code (self->record), self->cancellable, on_written, save);
    }
}

/* Lifecycle -------------------------------------------------------------------- */

static void
os_scan_window_dispose (GObject *object)
{
  OsScanWindow *self = (OsScanWindow *) object;

  if (self->scan_cancellable)
    g_cancellable_cancel (self->scan_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_signal_handler (&self->page_handler, self->scanner);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_SCAN_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->document);
  g_clear_object (&self->documents);
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
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_button);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_revealer);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_top);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_right);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_bottom);
  gtk_widget_class_bind_template_child (widget_class, OsScanWindow, crop_left);
  gtk_widget_class_bind_template_callback (widget_class, on_crop_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_document_chosen);

  gtk_widget_class_install_action (widget_class, "scan.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "scan.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "scan.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "scan.rotate", NULL, rotate_action);
  gtk_widget_class_install_action (widget_class, "scan.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "scan.move-left", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "scan.move-right", NULL, move_action);
  gtk_widget_class_install_action (widget_class, "scan.crop", NULL, crop_action);
  gtk_widget_class_install_action (widget_class, "scan.crop-reset", NULL, crop_reset_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "scan.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "scan.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "scan.rotate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "scan.crop", NULL);
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

  self->edited_page = -1;
  self->crop_spins[0] = self->crop_top;
  self->crop_spins[1] = self->crop_right;
  self->crop_spins[2] = self->crop_bottom;
  self->crop_spins[3] = self->crop_left;
  self->cancellable = g_cancellable_new ();
  self->document = os_document_pdf_new ();
  self->documents = gtk_string_list_new (NULL);
  self->thumbnails = g_list_store_new (GDK_TYPE_TEXTURE);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->thumbnails));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_page), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_page), self);
  gtk_grid_view_set_factory (self->pages_view, factory);
  gtk_grid_view_set_model (self->pages_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->document, "changed", G_CALLBACK (on_document_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
  sync_controls (self);
}

OsScanWindow *
os_scan_window_new (OsRecordWindow *record_window,
                    OsRecord       *record,
                    GSettings      *settings)
{
  OsScanWindow *self;
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
    gtk_string_list_append (self->documents, ((OsRecordDocument *) g_ptr_array_index (received, i))->name);
  gtk_string_list_append (self->documents, _("Giấy tờ khác"));
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->document_dropdown, G_LIST_MODEL (self->documents));
  self->syncing = FALSE;
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
