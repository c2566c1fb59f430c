/* os-record-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-attachment-viewer.h"
#include "os-blob-store.h"
#include "os-datetime.h"
#include "os-import.h"
#include "os-record-window.h"
#include "os-scan-window.h"
#include "os-slip-window.h"

struct _OsRecordWindow
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  AdwPreferencesGroup  *record_group;
  AdwPreferencesGroup  *applicant_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *attachments_group;
  AdwPreferencesGroup  *history_group;
  AdwToastOverlay      *toast_overlay;

  OsStore              *store;
  GSettings            *settings;
  OsRecord             *record;
  OsBlobStore          *blobs;
  GPtrArray            *attachment_rows;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (OsRecordWindow, os_record_window, ADW_TYPE_WINDOW)

static void
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
}

static const char *
action_label (const char *action)
{
  if (g_strcmp0 (action, "receive") == 0)
    return _("Tiếp nhận hồ sơ");
  if (g_strcmp0 (action, "refuse") == 0)
    return _("Từ chối tiếp nhận");
  if (g_strcmp0 (action, "request-supplement") == 0)
    return _("Yêu cầu bổ sung, hoàn thiện hồ sơ");
  return action;
}

static void
fill (OsRecordWindow *self)
{
  OsRecord *r = self->record;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *received = os_datetime_format (os_record_get_received_at (r), TRUE);
  g_autofree char *due = os_datetime_format (os_record_get_due_at (r), TRUE);
  g_autofree char *finished = os_datetime_format (os_record_get_finished_at (r), TRUE);
  g_autofree char *returned = os_datetime_format (os_record_get_returned_at (r), TRUE);
  g_autofree char *limit = os_time_limit_to_string (os_record_get_time_limit (r));
  g_autofree char *sets = g_strdup_printf ("%d", os_record_get_sets (r));
  g_autofree char *book = g_strdup_printf (_("Quyển %d, số %d"), os_record_get_book_volume (r),
                                           os_record_get_book_number (r));
  g_autofree char *birth = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  OsDueState due_state = os_record_compute_due_state (r, now, os_store_near_due_at (self->store, now));
  g_autofree char *status = NULL;
  GPtrArray *documents = os_record_get_documents (r);

  if (due_state != OS_DUE_STATE_NONE)
    status = g_strdup_printf ("%s — %s", os_status_to_string (os_record_get_status (r)),
                              os_due_state_to_string (due_state));
  else
    status = g_strdup (os_status_to_string (os_record_get_status (r)));

  if (os_record_get_birth_date (r) && *os_record_get_birth_date (r))
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_parse (&date, os_record_get_birth_date (r));
      if (g_date_valid (&date))
        birth = os_date_format (&date);
    }

  adw_window_title_set_title (self->window_title, os_record_get_code (r));
  /* The window's own title names it for screen readers and window lists. */
  gtk_window_set_title (GTK_WINDOW (self), os_record_get_code (r));
  adw_window_title_set_subtitle (self->window_title, os_record_get_applicant_name (r));

  add_row (self->record_group, _("Mã hồ sơ"), os_record_get_code (r));
  add_row (self->record_group, _("Thủ tục"), os_record_get_procedure_name (r));
  add_row (self->record_group, _("Lĩnh vực"), os_record_get_field (r));
  add_row (self->record_group, _("Trạng thái"), status);
  add_row (self->record_group, _("Thời hạn giải quyết"), limit);
  add_row (self->record_group, _("Ngày nhận"), received);
  add_row (self->record_group, _("Hẹn trả kết quả"), due);
  add_row (self->record_group, _("Hoàn thành"), finished);
  add_row (self->record_group, _("Đã trả kết quả"), returned);
  add_row (self->record_group, _("Hình thức nộp"), os_channel_to_string (os_record_get_channel (r)));
  add_row (self->record_group, _("Nơi nhận kết quả"),
           os_record_get_delivery (r) == OS_DELIVERY_POST ? _("Qua dịch vụ bưu chính")
                                                          : _("Tại bộ phận một cửa"));
  add_row (self->record_group, _("Số lượng hồ sơ (bộ)"), sets);
  add_row (self->record_group, _("Sổ theo dõi hồ sơ"), book);
  add_row (self->record_group, _("Cán bộ tiếp nhận"), os_record_get_officer (r));
  add_row (self->record_group, os_record_get_status (r) == OS_STATUS_REFUSED ? _("Lý do từ chối")
                                                                             : _("Nội dung cần bổ sung"),
           os_record_get_reason (r));
  add_row (self->record_group, _("Ghi chú"), os_record_get_notes (r));

  add_row (self->applicant_group, _("Họ và tên"), os_record_get_applicant_name (r));
  add_row (self->applicant_group, _("Số định danh cá nhân"), os_record_get_id_number (r));
  add_row (self->applicant_group, _("Ngày sinh"), birth);
  add_row (self->applicant_group, _("Số điện thoại"), os_record_get_phone (r));
  add_row (self->applicant_group, _("Thư điện tử"), os_record_get_email (r));
  add_row (self->applicant_group, _("Địa chỉ"), os_record_get_address (r));

  for (guint i = 0; i < documents->len; i++)
    {
      OsRecordDocument *d = g_ptr_array_index (documents, i);
      g_autofree char *counts = g_strdup_printf (_("Bản chính: %d · Bản sao chứng thực: %d · Bản photocopy: %d"),
                                                 d->originals, d->certified, d->copies);
      add_row (self->documents_group, d->name, counts);
    }
  if (documents->len == 0)
    adw_preferences_group_set_description (self->documents_group, _("Không có giấy tờ nào được ghi nhận."));

  events = os_store_list_events (self->store, os_record_get_local_id (r), NULL);
  for (guint i = 0; events && i < events->len; i++)
    {
      OsRecordEvent *e = g_ptr_array_index (events, i);
      g_autofree char *when = os_datetime_format (e->at, TRUE);
      g_autofree char *title = g_strdup_printf ("%s — %s", when, action_label (e->action));
      g_autofree char *detail = NULL;

      if (e->note && *e->note)
        detail = g_strdup_printf ("%s · %s · %s", e->actor, os_status_to_string (e->status), e->note);
      else
        detail = g_strdup_printf ("%s · %s", e->actor, os_status_to_string (e->status));
      add_row (self->history_group, title, detail);
    }
}

/* Attachments ------------------------------------------------------------------- */

static void
toast (OsRecordWindow *self,
       const char     *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static const char *
mime_label (const char *mime)
{
  if (g_strcmp0 (mime, "application/pdf") == 0) return "PDF";
  if (g_strcmp0 (mime, "image/jpeg") == 0) return "JPEG";
  if (g_strcmp0 (mime, "image/png") == 0) return "PNG";
  if (g_strcmp0 (mime, "image/tiff") == 0) return "TIFF";
  return mime;
}

static void reload_attachments (OsRecordWindow *self);

static void
on_open_attachment (GtkButton      *button,
                    OsRecordWindow *self)
{
  const char *sha256 = g_object_get_data (G_OBJECT (button), "sha256");
  g_autofree char *path = os_blob_store_get_path (self->blobs, sha256);
  g_autoptr(GFile) file = NULL;
  OsAttachmentViewer *viewer;

  if (path == NULL)
    {
      toast (self, _("Không tìm thấy tệp trên máy này."));
      return;
    }
  file = g_file_new_for_path (path);
  viewer = os_attachment_viewer_new (file, g_object_get_data (G_OBJECT (button), "file-name"));
  gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (viewer));
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    OsRecordWindow   *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "attachment-id");
  g_autofree char *unreferenced = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  if (!os_store_remove_attachment (self->store, id, &unreferenced, &error))
    {
      toast (self, error->message);
      return;
    }
  /* The file goes only when no other record's attachment names it. */
  if (unreferenced != NULL)
    os_blob_store_remove (self->blobs, unreferenced, NULL);
  reload_attachments (self);
}

static void
on_remove_attachment (GtkButton      *button,
                      OsRecordWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "file-name");
  g_autofree char *body = g_strdup_printf (_("Tệp “%s” sẽ không còn đính kèm hồ sơ này."), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Bỏ tệp đính kèm?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"), "remove", _("_Bỏ tệp"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "attachment-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "attachment-id")), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
attachment_button (const char *icon,
                   const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void
reload_attachments (OsRecordWindow *self)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->attachment_rows->len; i++)
    adw_preferences_group_remove (self->attachments_group, g_ptr_array_index (self->attachment_rows, i));
  g_ptr_array_set_size (self->attachment_rows, 0);

  attachments = os_store_list_attachments (self->store, os_record_get_local_id (self->record), &error);
  if (attachments == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < attachments->len; i++)
    {
      OsAttachment *a = g_ptr_array_index (attachments, i);
      g_autofree char *size = g_format_size (a->size);
      g_autofree char *subtitle = NULL;
      g_autofree char *open_label = g_strdup_printf (_("Mở %s"), a->file_name);
      g_autofree char *remove_label = g_strdup_printf (_("Bỏ %s"), a->file_name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *open = attachment_button ("document-open-symbolic", open_label);
      GtkWidget *remove = attachment_button ("user-trash-symbolic", remove_label);

      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d trang · %s", "%s · %d trang · %s", a->pages),
                                  mime_label (a->mime_type), a->pages, size);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), a->file_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (open), "sha256", g_strdup (a->sha256), g_free);
      g_object_set_data_full (G_OBJECT (open), "file-name", g_strdup (a->file_name), g_free);
      g_object_set_data_full (G_OBJECT (remove), "attachment-id", g_strdup (a->id), g_free);
      g_object_set_data_full (G_OBJECT (remove), "file-name", g_strdup (a->file_name), g_free);
      g_signal_connect (open, "clicked", G_CALLBACK (on_open_attachment), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attachment), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->attachments_group, row);
      g_ptr_array_add (self->attachment_rows, row);
    }
}

/* Import: check the file's content, copy it into the blob store (both off the main
 * thread), then add the row. Nothing is attached when any step fails. */
typedef struct
{
  OsRecordWindow *self;
  GFile          *file;
  OsImportInfo   *info;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->self);
  g_object_unref (import->file);
  g_clear_pointer (&import->info, os_import_info_free);
  g_free (import);
}

static void
on_blob_stored (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Import *import = user_data;
  OsRecordWindow *self = import->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *id = NULL;
  goffset size = 0;

  if (!os_blob_store_put_file_finish (OS_BLOB_STORE (source), result, &sha256, &size, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      import_free (import);
      return;
    }

  id = os_store_add_attachment (self->store, os_record_get_local_id (self->record), "",
                                import->info->file_name, import->info->mime_type, sha256,
                                size, import->info->pages, g_get_real_time () / G_USEC_PER_SEC,
                                &error);
  if (id == NULL)
    {
      /* Keep the blob store tidy: the file may be nobody's now. */
      if (os_store_count_blob_references (self->store, sha256, NULL) == 0)
        os_blob_store_remove (self->blobs, sha256, NULL);
      toast (self, error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Đã đính kèm %s."), import->info->file_name);
      toast (self, message);
      reload_attachments (self);
    }
  import_free (import);
}

static void
on_import_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Import *import = user_data;
  g_autoptr(GError) error = NULL;

  import->info = os_import_check_file_finish (result, &error);
  if (import->info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (import->self, error->message);
      import_free (import);
      return;
    }
  os_blob_store_put_file_async (import->self->blobs, import->file, import->self->cancellable,
                                on_blob_stored, import);
}

void
os_record_window_attach_file (OsRecordWindow *self,
                              GFile          *file)
{
  Import *import = g_new0 (Import, 1);

  import->self = g_object_ref (self);
  import->file = g_object_ref (file);
  os_import_check_file_async (file, OS_IMPORT_DEFAULT_MAX_SIZE, self->cancellable,
                              on_import_checked, import);
}

static gboolean
on_drop (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         OsRecordWindow *self)
{
  GSList *files = g_value_get_boxed (value);

  for (GSList *l = files; l != NULL; l = l->next)
    os_record_window_attach_file (self, l->data);
  return files != NULL;
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     OsRecordWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          os_record_window_attach_file (self, file);
        }
    }
  g_clear_object (&self->chooser);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Đính kèm tệp"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Đính kèm"), _("_Hủy"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF và ảnh quét"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  OsScanWindow *scan = os_scan_window_new (self, self->record, self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (scan), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (scan));
}

static void
print_slip_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  OsSlipKind kind;
  OsSlipWindow *slip;

  switch (os_record_get_status (self->record))
    {
    case OS_STATUS_REFUSED:    kind = OS_SLIP_REFUSAL; break;
    case OS_STATUS_SUPPLEMENT: kind = OS_SLIP_SUPPLEMENT; break;
    default:                   kind = OS_SLIP_RECEIPT; break;
    }

  slip = os_slip_window_new (self->store, self->settings, self->record, kind);
  gtk_window_set_transient_for (GTK_WINDOW (slip), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (slip));
}

static void
os_record_window_dispose (GObject *object)
{
  OsRecordWindow *self = (OsRecordWindow *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_RECORD_WINDOW);
  g_clear_pointer (&self->attachment_rows, g_ptr_array_unref);
  g_clear_object (&self->blobs);
  g_clear_object (&self->record);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (os_record_window_parent_class)->dispose (object);
}

static void
os_record_window_class_init (OsRecordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_record_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-record-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, record_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, applicant_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, documents_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, history_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, attachments_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, toast_overlay);

  gtk_widget_class_install_action (widget_class, "record.print-slip", NULL, print_slip_action);
  gtk_widget_class_install_action (widget_class, "record.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "record.scan", NULL, scan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "record.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "record.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "record.print-slip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_record_window_init (OsRecordWindow *self)
{
  GtkDropTarget *drop;

  self->attachment_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

OsRecordWindow *
os_record_window_new (OsStore    *store,
                      GSettings  *settings,
                      gint64      local_id,
                      GError    **error)
{
  g_autoptr(OsRecord) record = NULL;
  OsRecordWindow *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);

  record = os_store_load_record (store, local_id, error);
  if (record == NULL)
    return NULL;

  self = g_object_new (OS_TYPE_RECORD_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->record = g_steal_pointer (&record);
  {
    /* Files live beside the database, so a desk's data stays in one folder. */
    g_autofree char *dir = g_path_get_dirname (os_store_get_path (store));
    g_autofree char *root = g_build_filename (dir, "blobs", NULL);

    self->blobs = os_blob_store_new (root);
  }
  fill (self);
  reload_attachments (self);

  return self;
}
