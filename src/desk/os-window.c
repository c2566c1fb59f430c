/* os-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-reception-page.h"
#include "os-record-window.h"
#include "os-records-page.h"
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

static void
on_visible_child_changed (OsWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  if (name != NULL)
    g_settings_set_string (self->settings, "last-page", name);
  if (g_strcmp0 (name, "records") == 0)
    os_records_page_reload (self->records_page);
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
  g_type_ensure (OS_TYPE_SYNC_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, agency_label);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, reception_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, records_page);
  gtk_widget_class_bind_template_child (widget_class, OsWindow, sync_button);

  gtk_widget_class_install_action (widget_class, "win.page", "s", page_action);
  gtk_widget_class_install_action (widget_class, "win.new-record", NULL, new_record_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
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
  /* Records the change feed brought in. */
  g_signal_connect_object (self->store, "records-changed", G_CALLBACK (on_store_records_changed), self,
                           G_CONNECT_SWAPPED);

  if (os_application_get_account (application) != NULL)
    {
      os_sync_button_set_account (self->sync_button, os_application_get_account (application));
      gtk_widget_set_visible (GTK_WIDGET (self->sync_button), TRUE);
    }

  last_page = g_settings_get_string (self->settings, "last-page");
  if (g_strcmp0 (last_page, "records") == 0)
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
