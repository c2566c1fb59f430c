/* os-record-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-datetime.h"
#include "os-record-window.h"
#include "os-slip-window.h"

struct _OsRecordWindow
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  AdwPreferencesGroup  *record_group;
  AdwPreferencesGroup  *applicant_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *history_group;

  OsStore              *store;
  GSettings            *settings;
  OsRecord             *record;
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

  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_RECORD_WINDOW);
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

  gtk_widget_class_install_action (widget_class, "record.print-slip", NULL, print_slip_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "record.print-slip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_record_window_init (OsRecordWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  fill (self);

  return self;
}
