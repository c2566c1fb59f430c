/* os-preferences-window.c: the agency, office hours, thresholds and the calendar.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "os-datetime.h"
#include "os-preferences-window.h"

struct _OsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *identifier_row;
  AdwEntryRow          *name_row;
  AdwEntryRow          *parent_row;
  AdwEntryRow          *place_row;
  AdwEntryRow          *desk_row;
  AdwEntryRow          *officer_row;
  AdwEntryRow          *server_url_row;
  AdwEntryRow          *desk_id_row;
  AdwEntryRow          *ca_file_row;
  AdwEntryRow          *morning_start_row;
  AdwEntryRow          *morning_end_row;
  AdwEntryRow          *afternoon_start_row;
  AdwEntryRow          *afternoon_end_row;
  GtkSpinButton        *near_due_spin;
  AdwComboRow          *format_row;
  AdwEntryRow          *declare_date_row;
  AdwComboRow          *declare_kind_row;
  AdwEntryRow          *declare_label_row;
  AdwPreferencesGroup  *days_group;
  GtkSpinButton        *year_spin;

  OsStore              *store;
  GSettings            *settings;
  GPtrArray            *day_rows;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (OsPreferencesWindow, os_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (OsPreferencesWindow *self,
       const char          *message)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
on_agency_apply (OsPreferencesWindow *self)
{
  g_autofree char *identifier = g_strstrip (g_strdup (text_of (self->identifier_row)));
  g_autoptr(OsAgency) agency = os_agency_new (identifier, text_of (self->name_row),
                                              text_of (self->parent_row), text_of (self->place_row),
                                              text_of (self->desk_row));
  g_autoptr(GError) error = NULL;

  if (!os_store_set_agency (self->store, agency, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->identifier_row), "error");
      toast (self, error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->identifier_row), "error");
  toast (self, _("Đã lưu thông tin cơ quan."));
}

static void
on_officer_apply (OsPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!os_store_set_setting (self->store, "officer-name", text_of (self->officer_row), &error))
    toast (self, error->message);
  else
    toast (self, _("Đã lưu tên cán bộ."));
}

static void
on_server_apply (OsPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (text_of (self->server_url_row)));
  g_autofree char *desk = g_strstrip (g_ascii_strdown (text_of (self->desk_id_row), -1));
  g_autofree char *ca = g_strstrip (g_strdup (text_of (self->ca_file_row)));
  g_autoptr(GUri) uri = NULL;

  if (self->settings == NULL)
    return;
  if (*url != '\0')
    {
      uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
          (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->server_url_row), "error");
          toast (self, _("Địa chỉ máy chủ không hợp lệ: hãy nhập dạng https://tên-máy:cổng/api/v1."));
          return;
        }
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_url_row), "error");
  if (*desk != '\0' && !g_uuid_string_is_valid (desk))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->desk_id_row), "error");
      toast (self, _("Mã quầy không hợp lệ: mã gồm 36 ký tự dạng 0190a1b2-…, do quản trị viên cấp."));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->desk_id_row), "error");
  if (*ca != '\0' && !g_file_test (ca, G_FILE_TEST_IS_REGULAR))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->ca_file_row), "error");
      toast (self, _("Không tìm thấy tệp chứng chỉ gốc này."));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->ca_file_row), "error");

  g_settings_set_string (self->settings, "server-url", url);
  g_settings_set_string (self->settings, "desk-id", desk);
  g_settings_set_string (self->settings, "server-ca-file", ca);
  toast (self, _("Đã lưu cài đặt máy chủ. Mở lại ứng dụng để áp dụng."));
}

static gboolean
parse_hhmm (const char *text,
            int        *minutes)
{
  unsigned h, m;
  char extra;

  if (sscanf (text, " %u:%u %c", &h, &m, &extra) != 2 || h > 23 || m > 59)
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

static void
on_hours_apply (OsPreferencesWindow *self)
{
  AdwEntryRow *rows[] = { self->morning_start_row, self->morning_end_row,
                          self->afternoon_start_row, self->afternoon_end_row };
  int values[4];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      if (!parse_hhmm (text_of (rows[i]), &values[i]))
        {
          gtk_widget_add_css_class (GTK_WIDGET (rows[i]), "error");
          toast (self, _("Giờ không hợp lệ: hãy nhập dạng giờ:phút, ví dụ 07:30."));
          return;
        }
      gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
    }

  if (!os_store_set_office_hours (self->store, values[0], values[1], values[2], values[3], &error))
    {
      toast (self, error->message);
      return;
    }
  toast (self, _("Đã lưu giờ làm việc."));
}

static void
on_near_due_changed (OsPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;
  if (!os_store_set_near_due_days (self->store, gtk_spin_button_get_value_as_int (self->near_due_spin), &error))
    toast (self, error->message);
}

static void
on_format_changed (OsPreferencesWindow *self)
{
  if (self->loading || self->settings == NULL)
    return;
  g_settings_set_enum (self->settings, "receipt-format", adw_combo_row_get_selected (self->format_row));
}

/* Calendar --------------------------------------------------------------------- */

static void reload_days (OsPreferencesWindow *self);

static const char *
day_kind_label (OsDayKind kind)
{
  switch (kind)
    {
    case OS_DAY_HOLIDAY:          return _("Ngày lễ, Tết");
    case OS_DAY_COMPENSATORY:     return _("Nghỉ bù");
    case OS_DAY_DECLARED_OFF:     return _("Ngày nghỉ (khai báo)");
    case OS_DAY_DECLARED_WORKING: return _("Ngày làm việc (khai báo)");
    case OS_DAY_WEEKEND:          return _("Nghỉ cuối tuần");
    case OS_DAY_WORKING:
    default:                      return _("Ngày làm việc");
    }
}

static void
on_undeclare_clicked (GtkButton           *button,
                      OsPreferencesWindow *self)
{
  GDate *date = g_object_get_data (G_OBJECT (button), "date");
  g_autoptr(GError) error = NULL;

  if (!os_store_undeclare_day (self->store, date, &error))
    {
      toast (self, error->message);
      return;
    }
  reload_days (self);
}

static void
reload_days (OsPreferencesWindow *self)
{
  g_autoptr(GPtrArray) days = NULL;
  int year = gtk_spin_button_get_value_as_int (self->year_spin);

  for (guint i = 0; i < self->day_rows->len; i++)
    adw_preferences_group_remove (self->days_group, g_ptr_array_index (self->day_rows, i));
  g_ptr_array_set_size (self->day_rows, 0);

  days = os_calendar_list_special_days (os_store_get_calendar (self->store), year);
  for (guint i = 0; i < days->len; i++)
    {
      OsCalendarDay *day = g_ptr_array_index (days, i);
      g_autoptr(GDateTime) dt = g_date_time_new (os_datetime_zone (), g_date_get_year (&day->date),
                                                 g_date_get_month (&day->date),
                                                 g_date_get_day (&day->date), 0, 0, 0);
      g_autofree char *weekday = g_date_time_format (dt, "%A");
      g_autofree char *date = os_date_format (&day->date);
      g_autofree char *title = g_strdup_printf ("%s, %s", date, weekday);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (day->label && *day->label)
        subtitle = g_strdup_printf ("%s — %s", day_kind_label (day->kind), day->label);
      else
        subtitle = g_strdup (day_kind_label (day->kind));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

      if (day->declared)
        {
          GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
          g_autofree char *label = g_strdup_printf (_("Bỏ khai báo ngày %s"), date);

          gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (remove, "flat");
          gtk_widget_set_tooltip_text (remove, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data_full (G_OBJECT (remove), "date", g_date_copy (&day->date), (GDestroyNotify) g_date_free);
          g_signal_connect (remove, "clicked", G_CALLBACK (on_undeclare_clicked), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
        }

      adw_preferences_group_add (self->days_group, row);
      g_ptr_array_add (self->day_rows, row);
    }
}

static void
on_year_changed (OsPreferencesWindow *self)
{
  reload_days (self);
}

static void
declare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OsPreferencesWindow *self = OS_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  GDate date;
  OsCalendarEntryKind kind = adw_combo_row_get_selected (self->declare_kind_row) == 1
                             ? OS_CALENDAR_ENTRY_WORKING_DAY : OS_CALENDAR_ENTRY_DAY_OFF;

  if (!os_date_parse (text_of (self->declare_date_row), &date))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->declare_date_row), "error");
      toast (self, _("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2026."));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->declare_date_row), "error");

  if (!os_store_declare_day (self->store, &date, kind, text_of (self->declare_label_row), &error))
    {
      toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->declare_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->declare_label_row), "");
  if (gtk_spin_button_get_value_as_int (self->year_spin) != g_date_get_year (&date))
    gtk_spin_button_set_value (self->year_spin, g_date_get_year (&date));
  else
    reload_days (self);
  toast (self, _("Đã khai báo ngày."));
}

/* Lifecycle -------------------------------------------------------------------- */

static void
set_hhmm (AdwEntryRow *row,
          int          minutes)
{
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
load (OsPreferencesWindow *self)
{
  g_autoptr(OsAgency) agency = os_store_dup_agency (self->store);
  g_autofree char *officer = os_store_dup_officer (self->store);
  g_autoptr(GDateTime) now = g_date_time_new_now (os_datetime_zone ());
  int ms, me, as, ae;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->identifier_row), agency->identifier);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), agency->name);
  gtk_editable_set_text (GTK_EDITABLE (self->parent_row), agency->parent_name);
  gtk_editable_set_text (GTK_EDITABLE (self->place_row), agency->place);
  gtk_editable_set_text (GTK_EDITABLE (self->desk_row), agency->desk_name);
  if (self->settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *desk = g_settings_get_string (self->settings, "desk-id");
      g_autofree char *ca = g_settings_get_string (self->settings, "server-ca-file");

      gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), url);
      gtk_editable_set_text (GTK_EDITABLE (self->desk_id_row), desk);
      gtk_editable_set_text (GTK_EDITABLE (self->ca_file_row), ca);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->officer_row), officer);

  os_calendar_get_office_hours (os_store_get_calendar (self->store), &ms, &me, &as, &ae);
  set_hhmm (self->morning_start_row, ms);
  set_hhmm (self->morning_end_row, me);
  set_hhmm (self->afternoon_start_row, as);
  set_hhmm (self->afternoon_end_row, ae);

  gtk_spin_button_set_value (self->near_due_spin, os_store_get_near_due_days (self->store));
  if (self->settings != NULL)
    adw_combo_row_set_selected (self->format_row, g_settings_get_enum (self->settings, "receipt-format"));
  gtk_spin_button_set_value (self->year_spin, g_date_time_get_year (now));
  self->loading = FALSE;

  reload_days (self);
}

static void
os_preferences_window_dispose (GObject *object)
{
  OsPreferencesWindow *self = (OsPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_PREFERENCES_WINDOW);
  g_clear_pointer (&self->day_rows, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (os_preferences_window_parent_class)->dispose (object);
}

static void
os_preferences_window_class_init (OsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, identifier_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, parent_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, place_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, desk_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, officer_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, desk_id_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, morning_start_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, morning_end_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, afternoon_start_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, afternoon_end_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, near_due_spin);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, format_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, declare_date_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, declare_kind_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, declare_label_row);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, days_group);
  gtk_widget_class_bind_template_child (widget_class, OsPreferencesWindow, year_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_agency_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_officer_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_hours_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_near_due_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_year_changed);

  gtk_widget_class_install_action (widget_class, "prefs.declare", NULL, declare_action);
}

static void
os_preferences_window_init (OsPreferencesWindow *self)
{
  self->day_rows = g_ptr_array_new ();
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loading = FALSE;
}

OsPreferencesWindow *
os_preferences_window_new (OsStore   *store,
                           GSettings *settings)
{
  OsPreferencesWindow *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);

  self = g_object_new (OS_TYPE_PREFERENCES_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  load (self);

  return self;
}
