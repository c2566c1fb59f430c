/* os-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-application.h"
#include "os-demo.h"
#include "os-desk-resources.h"
#include "os-preferences-window.h"
#include "os-window.h"

#define DEMO_RECORDS 400
#define DEMO_WORKING_DAYS 45

struct _OsApplication
{
  AdwApplication  parent_instance;

  OsStore        *store;
  GSettings      *settings;
  gint64          start_time;
};

G_DEFINE_FINAL_TYPE (OsApplication, os_application, ADW_TYPE_APPLICATION)

OsApplication *
os_application_new (void)
{
  return g_object_new (OS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/vn/onestop/Desk",
                       NULL);
}

OsStore *
os_application_get_store (OsApplication *self)
{
  g_return_val_if_fail (OS_IS_APPLICATION (self), NULL);
  return self->store;
}

gint64
os_application_get_start_time (OsApplication *self)
{
  g_return_val_if_fail (OS_IS_APPLICATION (self), 0);
  return self->start_time;
}

GSettings *
os_application_get_settings (OsApplication *self)
{
  g_return_val_if_fail (OS_IS_APPLICATION (self), NULL);
  return self->settings;
}

static char *
database_path (OsApplication *self)
{
  const char *env = g_getenv ("ONESTOP_DATABASE");
  g_autofree char *configured = g_settings_get_string (self->settings, "database-path");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (configured != NULL && *configured != '\0')
    return g_steal_pointer (&configured);
  return g_build_filename (g_get_user_data_dir (), "onestop", "desk.sqlite3", NULL);
}

static void
on_fatal_response (AdwMessageDialog *dialog,
                   const char       *response,
                   OsApplication    *self)
{
  g_application_release (G_APPLICATION (self));
}

/* The database could not be opened: say why, in a window of its own, and quit after. */
static void
show_fatal_error (OsApplication *self,
                  const GError  *error)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, _("Không mở được cơ sở dữ liệu"), error->message);

  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Đóng"));
  g_application_hold (G_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (on_fatal_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
open_store (OsApplication  *self,
            GError        **error)
{
  g_autofree char *path = database_path (self);
  g_autoptr(OsStore) store = os_store_open (path, error);
  gboolean fresh;

  if (store == NULL)
    return FALSE;

  /* A desk that has never been set up starts on the demo agency and catalogue. */
  fresh = g_list_model_get_n_items (os_store_get_procedures (store)) == 0 &&
          os_store_count_records (store) == 0;
  if (fresh && !g_getenv ("ONESTOP_NO_DEMO"))
    {
      if (!os_demo_populate (store, DEMO_RECORDS, DEMO_WORKING_DAYS,
                             g_get_real_time () / G_USEC_PER_SEC, error))
        return FALSE;
    }
  else if (fresh && !os_demo_load_catalogue (store, error))
    return FALSE;

  self->store = g_steal_pointer (&store);
  return TRUE;
}

static void
os_application_activate (GApplication *app)
{
  OsApplication *self = OS_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (self->store == NULL && !open_store (self, &error))
        {
          show_fatal_error (self, error);
          return;
        }
      window = GTK_WINDOW (os_window_new (self));
    }

  gtk_window_present (window);
}

static void
os_application_startup (GApplication *app)
{
  OsApplication *self = OS_APPLICATION (app);

  G_APPLICATION_CLASS (os_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
os_application_finalize (GObject *object)
{
  OsApplication *self = (OsApplication *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (os_application_parent_class)->finalize (object);
}

static void
os_application_class_init (OsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = os_application_finalize;
  app_class->activate = os_application_activate;
  app_class->startup = os_application_startup;

  /* Keeps the UI resource bundle linked in from the static library. */
  g_assert (os_desk_get_resource () != NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  OsApplication *self = user_data;
  const char *developers[] = { _("Nhóm phát triển Một cửa"), NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Một cửa"),
                         "application-icon", APP_ID,
                         "developer-name", _("Nhóm phát triển Một cửa"),
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "comments", _("Tiếp nhận và trả kết quả hồ sơ thủ tục hành chính tại bộ phận một cửa."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  OsApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  OsPreferencesWindow *prefs;

  if (self->store == NULL)
    return;
  prefs = os_preferences_window_new (self->store, self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
os_application_init (OsApplication *self)
{
  self->start_time = g_get_monotonic_time ();

  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.page('reception')", { "<Alt>1", NULL } },
    { "win.page('records')", { "<Alt>2", NULL } },
    { "win.new-record", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}
