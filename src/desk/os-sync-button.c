/* os-sync-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-datetime.h"
#include "os-sync-button.h"

struct _OsSyncButton
{
  GtkWidget     parent_instance;

  GtkMenuButton *button;
  GtkImage      *icon;
  GtkLabel      *label;
  GtkPopover    *popover;
  GtkLabel      *title_label;
  GtkLabel      *message_label;
  GtkLabel      *last_sync_label;
  GtkLabel      *codes_label;
  GtkLabel      *user_label;
  GtkLabel      *server_label;
  GtkButton     *refused_button;
  GtkButton     *logout_button;

  OsAccount     *account;
  char          *status_text;
};

G_DEFINE_FINAL_TYPE (OsSyncButton, os_sync_button, GTK_TYPE_WIDGET)

const char *
os_sync_button_get_status_text (OsSyncButton *self)
{
  g_return_val_if_fail (OS_IS_SYNC_BUTTON (self), NULL);
  return self->status_text;
}

void
os_sync_button_popup (OsSyncButton *self)
{
  g_return_if_fail (OS_IS_SYNC_BUTTON (self));
  gtk_menu_button_popup (self->button);
}

static void
update (OsSyncButton *self)
{
  OsSyncEngine *engine;
  OsStore *store;
  OsSyncState state;
  guint pending, quarantined;
  const char *message;
  const char *icon = "emblem-ok-symbolic";
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *last = NULL;
  g_autofree char *last_line = NULL;
  g_autofree char *codes_line = NULL;
  g_autofree char *user_line = NULL;
  g_autofree char *server_line = NULL;
  g_autofree char *refused_line = NULL;
  g_autoptr(OsAgency) agency = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GDate today;
  gint64 free_codes;

  if (self->account == NULL || (engine = os_account_get_engine (self->account)) == NULL)
    return;
  store = os_account_get_store (self->account);

  state = os_sync_engine_get_state (engine);
  pending = os_sync_engine_get_pending (engine);
  quarantined = os_sync_engine_get_quarantined (engine);
  message = os_sync_engine_get_message (engine);
  /* "Waiting" with nothing left waiting (the last entry went to the quarantine). */
  if (state == OS_SYNC_STATE_WAITING && pending == 0)
    state = OS_SYNC_STATE_UP_TO_DATE;

  switch (state)
    {
    case OS_SYNC_STATE_SYNCING:
      icon = "emblem-synchronizing-symbolic";
      if (pending > 0)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Đang gửi %u hồ sơ…", "Đang gửi %u hồ sơ…", pending),
                                pending);
      else
        text = g_strdup (_("Đang đồng bộ…"));
      break;
    case OS_SYNC_STATE_WAITING:
      icon = "document-send-symbolic";
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Còn %u hồ sơ chờ gửi", "Còn %u hồ sơ chờ gửi", pending),
                              pending);
      break;
    case OS_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      if (pending > 0)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ngoại tuyến — còn %u hồ sơ chờ gửi",
                                             "Ngoại tuyến — còn %u hồ sơ chờ gửi", pending), pending);
      else
        text = g_strdup (_("Ngoại tuyến"));
      break;
    case OS_SYNC_STATE_ERROR:
      icon = "dialog-warning-symbolic";
      text = g_strdup_printf (_("Lỗi: %s"), message && *message ? message : _("không rõ nguyên nhân"));
      break;
    case OS_SYNC_STATE_LOGGED_OUT:
      icon = "dialog-password-symbolic";
      text = g_strdup (_("Cần đăng nhập lại"));
      break;
    case OS_SYNC_STATE_UP_TO_DATE:
    default:
      if (pending > 0)
        {
          icon = "document-send-symbolic";
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Còn %u hồ sơ chờ gửi", "Còn %u hồ sơ chờ gửi", pending),
                                  pending);
        }
      else if (quarantined > 0)
        {
          icon = "dialog-warning-symbolic";
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u thay đổi bị từ chối", "%u thay đổi bị từ chối",
                                               quarantined), quarantined);
        }
      else
        text = g_strdup (_("Đã đồng bộ"));
      break;
    }

  if (g_strcmp0 (text, self->status_text) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_strdup (text);
    }
  gtk_label_set_label (self->label, text);
  gtk_label_set_label (self->title_label, text);
  gtk_image_set_from_icon_name (self->icon, icon);
  accessible = g_strdup_printf (_("Trạng thái đồng bộ: %s"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), accessible);

  if (state == OS_SYNC_STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "error");
  if (state == OS_SYNC_STATE_LOGGED_OUT || (state == OS_SYNC_STATE_UP_TO_DATE && quarantined > 0 && pending == 0))
    gtk_widget_add_css_class (GTK_WIDGET (self->button), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->button), "warning");

  /* The reason stays visible in the popover for offline and error alike. */
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label),
                          message != NULL && *message != '\0' &&
                          (state == OS_SYNC_STATE_ERROR || state == OS_SYNC_STATE_OFFLINE ||
                           state == OS_SYNC_STATE_LOGGED_OUT));

  last = os_datetime_format (os_sync_engine_get_last_sync (engine), TRUE);
  if (*last != '\0')
    last_line = g_strdup_printf (_("Lần đồng bộ cuối: %s"), last);
  else
    last_line = g_strdup (_("Chưa đồng bộ lần nào."));
  gtk_label_set_label (self->last_sync_label, last_line);

  agency = os_store_dup_agency (store);
  today = os_datetime_local_date (now);
  free_codes = agency ? os_store_count_free_codes (store, agency->identifier, &today) : 0;
  codes_line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Số hiệu hồ sơ còn cấp được hôm nay: %ld",
                                             "Số hiệu hồ sơ còn cấp được hôm nay: %ld",
                                             (gulong) MAX (free_codes, 0)),
                                (long) MAX (free_codes, 0));
  gtk_label_set_label (self->codes_label, codes_line);
  if (free_codes <= 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->codes_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->codes_label), "warning");

  user_line = g_strdup_printf (_("Cán bộ: %s (%s)%s"), os_account_get_full_name (self->account),
                               os_account_get_username (self->account),
                               os_account_get_offline (self->account) ? _(" — mở khóa ngoại tuyến") : "");
  gtk_label_set_label (self->user_label, user_line);
  server_line = g_strdup_printf (_("Máy chủ: %s"), os_account_get_base_url (self->account));
  gtk_label_set_label (self->server_label, server_line);

  refused_line = g_strdup_printf (_("Thay đổi bị _từ chối (%u)"), quarantined);
  gtk_button_set_label (self->refused_button, refused_line);
  {
    /* GTK 4.8 names a button with a mnemonic "Label _x Label x"; name it plainly. */
    g_autofree char *plain = g_strdup_printf (_("Thay đổi bị từ chối (%u)"), quarantined);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->refused_button), GTK_ACCESSIBLE_PROPERTY_LABEL, plain, -1);
  }
  if (quarantined > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->refused_button), "destructive-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->refused_button), "destructive-action");

  gtk_button_set_label (self->logout_button,
                        state == OS_SYNC_STATE_LOGGED_OUT ? _("Đăng _nhập lại") : _("Đăng _xuất"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->logout_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  state == OS_SYNC_STATE_LOGGED_OUT ? _("Đăng nhập lại") : _("Đăng xuất"), -1);
}

static void
on_popover_button_clicked (OsSyncButton *self)
{
  gtk_popover_popdown (self->popover);
}

void
os_sync_button_set_account (OsSyncButton *self,
                            OsAccount    *account)
{
  g_return_if_fail (OS_IS_SYNC_BUTTON (self));
  g_return_if_fail (account == NULL || OS_IS_ACCOUNT (account));

  if (self->account == account)
    return;
  if (self->account != NULL)
    {
      if (os_account_get_engine (self->account))
        g_signal_handlers_disconnect_by_data (os_account_get_engine (self->account), self);
      if (os_account_get_store (self->account))
        g_signal_handlers_disconnect_by_data (os_account_get_store (self->account), self);
    }
  g_set_object (&self->account, account);
  if (account == NULL)
    return;

  g_signal_connect_object (os_account_get_engine (account), "notify", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (os_account_get_store (account), "sync-changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
}

static void
on_popover_show (OsSyncButton *self)
{
  /* The free numbers change with every record received; count them when asked. */
  update (self);
}

static void
os_sync_button_dispose (GObject *object)
{
  OsSyncButton *self = (OsSyncButton *) object;

  os_sync_button_set_account (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_SYNC_BUTTON);

  G_OBJECT_CLASS (os_sync_button_parent_class)->dispose (object);
}

static void
os_sync_button_finalize (GObject *object)
{
  OsSyncButton *self = (OsSyncButton *) object;

  g_free (self->status_text);

  G_OBJECT_CLASS (os_sync_button_parent_class)->finalize (object);
}

static void
os_sync_button_class_init (OsSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_sync_button_dispose;
  object_class->finalize = os_sync_button_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, button);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, icon);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, popover);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, title_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, message_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, codes_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, user_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, server_label);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, refused_button);
  gtk_widget_class_bind_template_child (widget_class, OsSyncButton, logout_button);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_button_clicked);
}

static void
os_sync_button_init (OsSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->popover, "show", G_CALLBACK (on_popover_show), self, G_CONNECT_SWAPPED);
}
