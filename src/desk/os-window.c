/* os-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-datetime.h"
#include "os-inbox-page.h"
#include "os-reception-page.h"
#include "os-record-window.h"
#include "os-records-page.h"
#include "os-slip-process.h"
#include "os-slip-window.h"
#include "os-store-process.h"
#include "os-sync-button.h"
#include "os-window.h"

struct _OsWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  AdwViewSwitcherTitle *switcher_title;
  GtkLabel             *agency_label;
  OsReceptionPage      *reception_page;
  OsRecordsPage        *records_page;
  OsInboxPage          *inbox_page;
  AdwViewStackPage     *inbox_stack_page;
  OsSyncButton         *sync_button;

  OsStore              *store;
  GSettings            *settings;
  guint                 reload_source;
};

G_DEFINE_FINAL_TYPE (OsWindow, os_window, ADW_TYPE_APPLICATION_WINDOW)

void
os_window_show_toast (OsWindow   *self,
                      const char *message)
{
  g_return_if_fail (OS_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
os_window_open_record (OsWindow *self,
                       gint64    local_id)
{
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window;

  g_return_if_fail (OS_IS_WINDOW (self));

  window = os_record_window_new (self->store, self->settings, local_id, &error);
  if (window == NULL)
    {
      os_window_show_toast (self, error->message);
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (window));
}

void
os_window_records_changed (OsWindow *self)
{
  g_return_if_fail (OS_IS_WINDOW (self));

  g_clear_handle_id (&self->reload_source, g_source_remove);
  os_records_page_reload (self->records_page);
  os_inbox_page_reload (self->inbox_page);
}

static void
reload_after_changes (gpointer data)
{
  OsWindow *self = data;

  self->reload_source = 0;
  os_records_page_reload (self->records_page);
}

/* Records changed under the list (the change feed, an edit in a record window). A pull
 * applies its pages one after another: one reload for the whole burst, not one a page,
 * so the list neither stalls nor jumps back to the top while a desk catches up. */
static void
on_store_records_changed (OsWindow *self)
{
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add_once (250, reload_after_changes, self);
}

static void
update_subtitle (OsWindow *self)
{
  g_autoptr(OsAgency) agency = os_store_dup_agency (self->store);
  g_autofree char *demo = os_store_dup_setting (self->store, "demo");
  g_autofree char *subtitle = NULL;

  if (g_strcmp0 (demo, "1") == 0)
    subtitle = g_strdup_printf (_("%s — dữ liệu mẫu"), agency->name);
  else
    subtitle = g_strdup (agency->name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  gtk_label_set_label (self->agency_label, subtitle);
}

static void
page_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsWindow *self = OS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, g_variant_get_string (parameter, NULL));
}

static void
new_record_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  OsWindow *self = OS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "reception");
  os_reception_page_clear (self->reception_page);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsWindow *self = OS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "records");
  os_records_page_focus_search (self->records_page);
}

static void
on_record_saved (OsReceptionPage *page,
                 OsRecord        *record,
                 OsWindow        *self)
{
  OsAccount *account = os_application_get_account (OS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  /* The new record waits in the outbox: the engine sends it soon. */
  if (account != NULL && os_account_get_engine (account) != NULL)
    os_sync_engine_poke (os_account_get_engine (account));
  os_window_records_changed (self);
}

static void
on_open_record (OsRecordsPage *page,
                gint64         local_id,
                OsWindow      *self)
{
  os_window_open_record (self, local_id);
}

/* "Việc cần xử lý (3)": the count in the page's title. */
static void
on_inbox_count_changed (OsWindow *self)
{
  guint count = os_inbox_page_get_count (self->inbox_page);
  g_autofree char *title = count > 0 ? g_strdup_printf (_("Việc cần xử lý (%u)"), count)
                                     : g_strdup (_("Việc cần xử lý"));

  adw_view_stack_page_set_title (self->inbox_stack_page, title);
}

/* The tracking book (Mẫu 06) of a period. */

static gboolean
parse_day (GtkEditable *entry,
           GDate       *date)
{
  return os_date_parse (gtk_editable_get_text (entry), date);
}

static void
on_book_dates_changed (AdwMessageDialog *dialog)
{
  GtkEditable *from = g_object_get_data (G_OBJECT (dialog), "from");
  GtkEditable *to = g_object_get_data (G_OBJECT (dialog), "to");
  GDate a, b;

  adw_message_dialog_set_response_enabled (dialog, "print",
                                           parse_day (from, &a) && parse_day (to, &b) &&
                                           g_date_compare (&a, &b) <= 0);
}

static void
on_book_response (AdwMessageDialog *dialog,
                  const char       *response,
                  OsWindow         *self)
{
  GtkEditable *from_entry = g_object_get_data (G_OBJECT (dialog), "from");
  GtkEditable *to_entry = g_object_get_data (G_OBJECT (dialog), "to");
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) agency = NULL;
  g_autoptr(OsSlip) slip = NULL;
  g_autofree char *job = NULL;
  OsSlipWindow *window;
  GDate from, to;

  if (g_strcmp0 (response, "print") != 0 || !parse_day (from_entry, &from) || !parse_day (to_entry, &to))
    return;

  job = g_strdup_printf ("so-theo-doi-%04d%02d%02d-%04d%02d%02d", g_date_get_year (&from), g_date_get_month (&from),
                         g_date_get_day (&from), g_date_get_year (&to), g_date_get_month (&to), g_date_get_day (&to));

  g_date_add_days (&to, 1);
  records = os_store_list_book (self->store, os_date_start_instant (&from), os_date_start_instant (&to), &error);
  if (records == NULL)
    {
      os_window_show_toast (self, error->message);
      return;
    }
  agency = os_store_dup_agency (self->store);
  slip = os_slip_new_book (records, os_date_start_instant (&from), os_date_start_instant (&to), agency);
  window = os_slip_window_new_for_slip (self->store, self->settings, slip, job);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (window));
}

/* Enter in either date prints, as the default button would. */
static void
on_book_date_activate (AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "print"))
    adw_message_dialog_response (dialog, "print");
}

static GtkWidget *
date_entry (const char *label,
            GDate      *date)
{
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *text = os_date_format (date);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("dd/mm/yyyy"));
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 11);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return entry;
}

static void
print_book_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  OsWindow *self = OS_WINDOW (widget);
  GtkWidget *dialog;
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *from, *to;
  GDate today = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);
  GDate first = today;

  g_date_set_day (&first, 1);
  from = date_entry (_("Từ ngày"), &first);
  to = date_entry (_("Đến ngày"), &today);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new_with_mnemonic (_("_Từ ngày")), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), from, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), gtk_label_new_with_mnemonic (_("Đế_n ngày")), 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), to, 1, 1, 1, 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 0, 0)), from);
  gtk_label_set_mnemonic_widget (GTK_LABEL (gtk_grid_get_child_at (GTK_GRID (grid), 0, 1)), to);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("In sổ theo dõi hồ sơ"),
                                   _("Các hồ sơ tiếp nhận trong khoảng ngày này (dd/mm/yyyy)."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Hủy"), "print", _("_Xem và in"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "print", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "print");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "from", from);
  g_object_set_data (G_OBJECT (dialog), "to", to);
  g_signal_connect_swapped (from, "changed", G_CALLBACK (on_book_dates_changed), dialog);
  g_signal_connect_swapped (to, "changed", G_CALLBACK (on_book_dates_changed), dialog);
  g_signal_connect_swapped (from, "activate", G_CALLBACK (on_book_date_activate), dialog);
  g_signal_connect_swapped (to, "activate", G_CALLBACK (on_book_date_activate), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_book_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_visible_child_changed (OsWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  if (name != NULL)
    g_settings_set_string (self->settings, "last-page", name);
  if (g_strcmp0 (name, "records") == 0)
    os_records_page_reload (self->records_page);
  else if (g_strcmp0 (name, "inbox") == 0)
    os_inbox_page_reload (self->inbox_page);
}

/* ONESTOP_BENCH_STARTUP=1: after the first frame, print how long start-up took and the
 * resident memory, then quit. Used by tests/bench/bench-startup. */
static void
on_first_frame (GdkFrameClock *clock,
                OsWindow      *self)
{
  g_autofree char *status = NULL;
  const char *rss;
  gint64 started = os_application_get_start_time (OS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

  g_signal_handlers_disconnect_by_func (clock, on_first_frame, self);

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (rss = strstr (status, "VmRSS:")) != NULL)
    rss += strlen ("VmRSS:");
  else
    rss = " ?\n";
  g_print ("startup-ms: %.1f\nrss-kb:%.*s\n", (g_get_monotonic_time () - started) / 1000.0,
           (int) strcspn (rss, "\n"), rss);
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}

static void
on_map (OsWindow *self)
{
  if (g_getenv ("ONESTOP_BENCH_STARTUP") != NULL)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                             G_CALLBACK (on_first_frame), self, 0);
}

static void
os_window_dispose (GObject *object)
{
  OsWindow *self = (OsWindow *) object;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_WINDOW);

  G_OBJECT_CLASS (os_window_parent_class)->dispose (object);
}

static void
os_window_finalize (GObject *object)
{
  OsWindow *self = (OsWindow *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (os_window_parent_class)->finalize (object);
}

static void
os_window_class_init (OsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_window_dispose;
  object_class->finalize = os_window_finalize;

  g_type_ensure (OS_TYPE_RECEPTION_PAGE);
  g_type_ensure (OS_TYPE_RECORDS_PAGE);
  g_type_ensure (OS_TYPE_INBOX_PAGE);
  g_type_ensure (OS_TYPE_SYNC_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, agency_label);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, reception_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, records_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, inbox_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, inbox_stack_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, sync_button);

  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.new-record", NULL, new_record_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.print-book", NULL, print_book_action);
  /* Alt+1 and Alt+2 are the application's (reception, records). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.page", "s", "inbox");
}

static void
os_window_init (OsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

OsWindow *
os_window_new (OsApplication *application)
{
  OsWindow *self;
  g_autofree char *last_page = NULL;
  const OsActor *actor;

  g_return_val_if_fail (OS_IS_APPLICATION (application), NULL);

  self = g_object_new (OS_TYPE_WINDOW, "application", application, NULL);
  self->store = g_object_ref (os_application_get_store (application));
  self->settings = g_object_ref (os_application_get_settings (application));

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  os_reception_page_set_store (self->reception_page, self->store, self->settings);
  os_records_page_set_store (self->records_page, self->store);
  update_subtitle (self);

  g_signal_connect_object (self->reception_page, "record-saved", G_CALLBACK (on_record_saved), self, 0);
  g_signal_connect_object (self->records_page, "open-record", G_CALLBACK (on_open_record), self, 0);
  g_signal_connect_object (self->inbox_page, "open-record", G_CALLBACK (on_open_record), self, 0);
  g_signal_connect_object (self->inbox_page, "notify::count", G_CALLBACK (on_inbox_count_changed), self,
                           G_CONNECT_SWAPPED);
  os_inbox_page_set_store (self->inbox_page, self->store);
  /* Records the change feed brought in. */
  g_signal_connect_object (self->store, "records-changed", G_CALLBACK (on_store_records_changed), self,
                           G_CONNECT_SWAPPED);

  if (os_application_get_account (application) != NULL)
    {
      os_sync_button_set_account (self->sync_button, os_application_get_account (application));
      gtk_widget_set_visible (GTK_WIDGET (self->sync_button), TRUE);
    }

  last_page = g_settings_get_string (self->settings, "last-page");
  actor = os_store_get_actor (self->store);
  /* Officers who do not receive records start with what waits for them. */
  if (g_strcmp0 (last_page, "inbox") == 0 ||
      (actor != NULL && !os_actor_has_role (actor, OS_ROLE_RECEPTION)))
    {
      adw_view_stack_set_visible_child_name (self->stack, "inbox");
      os_inbox_page_focus (self->inbox_page);
    }
  else if (g_strcmp0 (last_page, "records") == 0)
    {
      adw_view_stack_set_visible_child_name (self->stack, "records");
      os_records_page_focus_search (self->records_page);
    }
  else
    os_reception_page_clear (self->reception_page);
  g_signal_connect_object (self->stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_child_changed), self, G_CONNECT_SWAPPED);

  return self;
}
