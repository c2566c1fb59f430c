/* os-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-application.h"
#include "os-demo.h"
#include "os-desk-resources.h"
#include "os-login-window.h"
#include "os-preferences-window.h"
#include "os-process-designer.h"
#include "os-refused-window.h"
#include "os-window.h"

#define DEMO_RECORDS 400
#define DEMO_WORKING_DAYS 45

struct _OsApplication
{
  AdwApplication  parent_instance;

  OsStore        *store;
  GSettings      *settings;
  gint64          start_time;

  /* With a server configured: the officer's session (NULL until logged in). */
  OsAccount      *account;
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

OsAccount *
os_application_get_account (OsApplication *self)
{
  g_return_val_if_fail (OS_IS_APPLICATION (self), NULL);
  return self->account;
}

/* The environment (tests) wins over GSettings. */
static char *
configured (OsApplication *self,
            const char    *env_name,
            const char    *key)
{
  const char *env = g_getenv (env_name);

  if (env != NULL && *env != '\0')
    return g_strstrip (g_strdup (env));
  return g_strstrip (g_settings_get_string (self->settings, key));
}

char *
os_application_dup_server_url (OsApplication *self)
{
  g_return_val_if_fail (OS_IS_APPLICATION (self), NULL);
  return configured (self, "ONESTOP_SERVER_URL", "server-url");
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

/* Logging in (a server is configured) ------------------------------------------------ */

static void
update_actions (OsApplication *self)
{
  const char *names[] = { "sync-now", "show-refused", "logout" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->account != NULL);
    }
}

static void
on_logged_in (OsLoginWindow *login,
              OsApplication *self)
{
  OsAccount *account = os_login_window_get_account (login);
  g_autoptr(GError) error = NULL;
  OsWindow *window;

  /* A new officer's database starts on the embedded catalogue, so that reception works
   * at once; the sync engine brings the server's catalogue. */
  if (g_list_model_get_n_items (os_store_get_procedures (os_account_get_store (account))) == 0 &&
      (!os_demo_load_catalogue (os_account_get_store (account), &error) ||
       /* The catalogue only: the officer's records are real, not demo data. */
       !os_store_set_setting (os_account_get_store (account), "demo", "0", &error)))
    {
      os_login_window_set_message (login, error->message, TRUE);
      return;
    }

  g_set_object (&self->account, account);
  g_set_object (&self->store, os_account_get_store (account));
  g_settings_set_string (self->settings, "last-username", os_account_get_username (account));
  update_actions (self);
  os_sync_engine_start (os_account_get_engine (account));

  window = os_window_new (self);
  gtk_window_present (GTK_WINDOW (window));
  if (os_account_get_offline (account))
    os_window_show_toast (window, _("Đã mở khóa ngoại tuyến: máy chủ chưa liên lạc được. "
                                    "Hồ sơ tiếp nhận được gửi khi có mạng."));
  gtk_window_destroy (GTK_WINDOW (login));
}

static void
show_login (OsApplication *self,
            const char    *message,
            gboolean       is_error)
{
  g_autofree char *url = os_application_dup_server_url (self);
  g_autofree char *desk_id = configured (self, "ONESTOP_DESK_ID", "desk-id");
  g_autofree char *ca_file = configured (self, "ONESTOP_SERVER_CA", "server-ca-file");
  g_autofree char *username = g_settings_get_string (self->settings, "last-username");
  g_autoptr(GTlsDatabase) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAccount) account = NULL;
  g_autofree char *tls_problem = NULL;
  OsLoginWindow *login;

  /* A self-signed server (tests, a pilot) comes with its own trust anchor. */
  if (*ca_file != '\0' && (tls = g_tls_file_database_new (ca_file, &error)) == NULL)
    tls_problem = g_strdup_printf (_("Không đọc được tệp chứng chỉ gốc của máy chủ “%s”: %s"),
                                   ca_file, error->message);

  account = os_account_new (url, desk_id, tls);
  login = os_login_window_new (GTK_APPLICATION (self), account, username);
  if (tls_problem != NULL)
    os_login_window_set_message (login, tls_problem, TRUE);
  else if (message != NULL)
    os_login_window_set_message (login, message, is_error);
  else if (*desk_id == '\0')
    os_login_window_set_message (login, _("Chưa đặt mã quầy trong Tùy chọn › Máy chủ; máy chủ có thể từ chối đăng nhập."), TRUE);
  g_signal_connect_object (login, "logged-in", G_CALLBACK (on_logged_in), self, 0);
  gtk_window_present (GTK_WINDOW (login));
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
      g_autofree char *server = os_application_dup_server_url (self);

      if (*server != '\0' && self->account == NULL)
        {
          show_login (self, NULL, FALSE);
          return;
        }
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
  update_actions (self);
}

static void
os_application_finalize (GObject *object)
{
  OsApplication *self = (OsApplication *) object;

  g_clear_object (&self->account);
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

static OsWindow *
main_window (OsApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (OS_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(OsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  OsWindow *window;

  /* The header shows the state; a toast says how "Sync now" ended. */
  window = main_window (self);
  if (!os_sync_engine_sync_finish (OS_SYNC_ENGINE (source), result, &error))
    {
      if (window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Chưa đồng bộ được: %s"), error->message);
          os_window_show_toast (window, message);
        }
      return;
    }
  if (window != NULL)
    os_window_show_toast (window, _("Đã đồng bộ với máy chủ."));
}

static void
sync_now_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  OsApplication *self = user_data;

  if (self->account == NULL)
    return;
  os_sync_engine_sync_async (os_account_get_engine (self->account), NULL, on_synced, g_object_ref (self));
}

static void
show_refused_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  OsApplication *self = user_data;
  OsRefusedWindow *window;

  if (self->account == NULL)
    return;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (OS_IS_REFUSED_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  window = os_refused_window_new (os_account_get_store (self->account), os_account_get_engine (self->account));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (main_window (self)));
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_logged_out (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OsApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) windows = NULL;
  g_autofree char *message = NULL;
  OsAccount *account = OS_ACCOUNT (source);

  if (!os_account_logout_finish (account, result, &error))
    message = g_strdup_printf (_("Đã đăng xuất. %s"), error->message);
  else if (!os_account_get_revoked (account))
    message = g_strdup (_("Đã đăng xuất trên máy này. Máy chủ chưa liên lạc được nên phiên làm việc "
                          "sẽ hết hạn trên máy chủ sau."));
  else
    message = g_strdup (_("Đã đăng xuất."));

  /* Every window of the officer's session goes; the login window comes back. */
  show_login (self, message, error != NULL);
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l; l = l->next)
    if (!OS_IS_LOGIN_WINDOW (l->data))
      gtk_window_destroy (l->data);
  g_clear_object (&self->account);
  g_clear_object (&self->store);
  update_actions (self);
  g_application_release (G_APPLICATION (self));
}

static void
on_logout_response (AdwMessageDialog *dialog,
                    const char       *response,
                    OsApplication    *self)
{
  if (g_strcmp0 (response, "logout") != 0 || self->account == NULL)
    return;
  g_application_hold (G_APPLICATION (self));
  os_account_logout_async (self->account, NULL, on_logged_out, g_object_ref (self));
}

static void
logout_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  OsApplication *self = user_data;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  gint64 pending;

  if (self->account == NULL)
    return;
  pending = os_store_count_outbox (os_account_get_store (self->account));
  if (pending > 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Còn %ld thay đổi chưa gửi lên máy chủ. Chúng được giữ "
                                         "lại trên máy này và sẽ được gửi khi bạn đăng nhập lại.",
                                         "Còn %ld thay đổi chưa gửi lên máy chủ. Chúng được giữ "
                                         "lại trên máy này và sẽ được gửi khi bạn đăng nhập lại.",
                                         (gulong) pending), (long) pending);
  else
    body = g_strdup (_("Mọi thay đổi đã được gửi lên máy chủ. Phiên làm việc sẽ được thu hồi."));
  dialog = adw_message_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                   _("Đăng xuất?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"),
                                    "logout", _("Đăng _xuất"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "logout");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_logout_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The process designer (an admin's tool): one window, brought back if open. Publishing goes
 * through the server when the desk works with one. */
static void
designer_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  OsApplication *self = user_data;
  OsProcessDesigner *designer;

  if (self->store == NULL)
    return;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (OS_IS_PROCESS_DESIGNER (l->data))
      {
        gtk_window_present (l->data);
        return;
      }
  designer = os_process_designer_new (self->store,
                                      self->account ? os_account_get_engine (self->account) : NULL);
  gtk_window_set_application (GTK_WINDOW (designer), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (designer));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
  { "sync-now", sync_now_action },
  { "show-refused", show_refused_action },
  { "logout", logout_action },
  { "designer", designer_action },
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
    { "app.sync-now", { "F5", NULL } },
    { "app.show-refused", { "<Control><Shift>e", NULL } },
    { "app.designer", { "<Control><Shift>t", NULL } },   /* not D: GTK 4.8 opens its inspector on Ctrl+Shift+D */
    { "window.close", { "<Control>w", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}
