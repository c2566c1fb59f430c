/* os-login-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-error.h"
#include "os-login-window.h"

struct _OsLoginWindow
{
  AdwApplicationWindow  parent_instance;

  GtkImage             *logo;
  GtkLabel             *server_label;
  AdwEntryRow          *username_row;
  AdwPasswordEntryRow  *password_row;
  GtkLabel             *message_label;
  GtkButton            *login_button;
  GtkSpinner           *spinner;

  OsAccount            *account;
  GCancellable         *cancellable;
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (OsLoginWindow, os_login_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  LOGGED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
os_login_window_set_message (OsLoginWindow *self,
                             const char    *message,
                             gboolean       is_error)
{
  g_return_if_fail (OS_IS_LOGIN_WINDOW (self));

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static void
set_busy (OsLoginWindow *self,
          gboolean       busy)
{
  self->busy = busy;
  /* Not insensitive: GTK 4.8 warns when the focused text loses its sensitivity. */
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
on_login_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(OsLoginWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!os_account_login_finish (OS_ACCOUNT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      os_login_window_set_message (self, error->message, TRUE);
      /* The password goes; the user name stays for the next try. */
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (os_account_get_offline (self->account))
    os_login_window_set_message (self, _("Đã mở khóa ngoại tuyến: máy chủ chưa liên lạc được."), FALSE);
  else
    os_login_window_set_message (self, NULL, FALSE);
  g_signal_emit (self, signals[LOGGED_IN], 0);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsLoginWindow *self = OS_LOGIN_WINDOW (widget);
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->busy)
    return;
  if (*username == '\0')
    {
      os_login_window_set_message (self, _("Hãy nhập tên đăng nhập."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return;
    }
  if (*password == '\0')
    {
      os_login_window_set_message (self, _("Hãy nhập mật khẩu."), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  set_busy (self, TRUE);
  os_login_window_set_message (self, _("Đang đăng nhập…"), FALSE);
  os_account_login_async (self->account, username, password, self->cancellable,
                          on_login_done, g_object_ref (self));
}

static void
on_username_activated (OsLoginWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_password_activated (OsLoginWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.submit", NULL);
}

OsAccount *
os_login_window_get_account (OsLoginWindow *self)
{
  g_return_val_if_fail (OS_IS_LOGIN_WINDOW (self), NULL);
  return self->account;
}

static void
os_login_window_dispose (GObject *object)
{
  OsLoginWindow *self = (OsLoginWindow *) object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_LOGIN_WINDOW);

  G_OBJECT_CLASS (os_login_window_parent_class)->dispose (object);
}

static void
os_login_window_finalize (GObject *object)
{
  OsLoginWindow *self = (OsLoginWindow *) object;

  g_clear_object (&self->account);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (os_login_window_parent_class)->finalize (object);
}

static void
os_login_window_class_init (OsLoginWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_login_window_dispose;
  object_class->finalize = os_login_window_finalize;

  signals[LOGGED_IN] =
    g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-login-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, logo);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, server_label);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, username_row);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, login_button);
  gtk_widget_class_bind_template_child (widget_class, OsLoginWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_username_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action);
}

static void
os_login_window_init (OsLoginWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  /* Run from the build tree the application icon is not installed yet. */
  if (!gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                APP_ID))
    gtk_image_set_from_icon_name (self->logo, "avatar-default-symbolic");
}

OsLoginWindow *
os_login_window_new (GtkApplication *application,
                     OsAccount      *account,
                     const char     *username)
{
  OsLoginWindow *self;
  g_autofree char *server = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (OS_IS_ACCOUNT (account), NULL);

  self = g_object_new (OS_TYPE_LOGIN_WINDOW, "application", application, NULL);
  self->account = g_object_ref (account);

  uri = g_uri_parse (os_account_get_base_url (account), G_URI_FLAGS_NONE, NULL);
  server = g_strdup_printf (_("Máy chủ: %s"), uri && g_uri_get_host (uri) ? g_uri_get_host (uri)
                                                                           : os_account_get_base_url (account));
  gtk_label_set_label (self->server_label, server);

  if (username != NULL && *username != '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
  return self;
}
