/* os-refused-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-application.h"
#include "os-datetime.h"
#include "os-record-window.h"
#include "os-refused-item.h"
#include "os-refused-window.h"

struct _OsRefusedWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkListView     *list_view;

  OsStore         *store;
  OsSyncEngine    *engine;
  GListStore      *items;
};

G_DEFINE_FINAL_TYPE (OsRefusedWindow, os_refused_window, ADW_TYPE_WINDOW)

static void
toast (OsRefusedWindow *self,
       const char      *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
os_refused_window_reload (OsRefusedWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *subtitle = NULL;

  g_return_if_fail (OS_IS_REFUSED_WINDOW (self));

  list = os_store_list_quarantined (self->store, &error);
  if (list == NULL)
    {
      toast (self, error->message);
      return;
    }
  /* The store's array frees its elements; the items take them over. */
  g_ptr_array_set_free_func (list, NULL);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (items, os_refused_item_new (g_ptr_array_index (list, i)));
  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);

  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
  if (items->len > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u thay đổi", "%u thay đổi", items->len),
                                items->len);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
}

GListModel *
os_refused_window_get_model (OsRefusedWindow *self)
{
  g_return_val_if_fail (OS_IS_REFUSED_WINDOW (self), NULL);
  return G_LIST_MODEL (self->items);
}

static const char *
record_label (const OsQuarantined *q)
{
  return q->record_code && *q->record_code ? q->record_code : _("(hồ sơ không còn trên máy)");
}

/* Resend --------------------------------------------------------------------------- */

static void
on_resend_clicked (GtkButton       *button,
                   OsRefusedWindow *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  OsRefusedItem *item = gtk_list_item_get_item (list_item);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *code = NULL;

  if (item == NULL)
    return;
  code = g_strdup (record_label (os_refused_item_get (item)));
  if (!os_store_resend_quarantined (self->store, os_refused_item_get (item)->id, &error))
    {
      toast (self, error->message);
      return;
    }
  message = g_strdup_printf (_("Đã đưa thay đổi của hồ sơ %s vào hàng chờ gửi lại."), code);
  toast (self, message);
  if (self->engine != NULL)
    os_sync_engine_poke (self->engine);
  os_refused_window_reload (self);
}

/* Fix: the record's window in edit mode; after "Lưu" the officer comes back for "Gửi lại". */

static void
on_fix_clicked (GtkButton       *button,
                OsRefusedWindow *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  OsRefusedItem *item = gtk_list_item_get_item (list_item);
  GApplication *app = g_application_get_default ();
  GSettings *settings = OS_IS_APPLICATION (app) ? os_application_get_settings (OS_APPLICATION (app)) : NULL;
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window;
  gint64 local_id;

  if (item == NULL)
    return;
  local_id = os_store_lookup_record (self->store, os_refused_item_get (item)->record_id);
  if (local_id == 0)
    {
      toast (self, _("Hồ sơ này không còn trên máy, không sửa được. Hãy bỏ thay đổi này."));
      return;
    }
  window = os_record_window_new (self->store, settings, local_id, &error);
  if (window == NULL)
    {
      toast (self, error->message);
      return;
    }
  if (self->engine != NULL)
    os_record_window_set_sync_engine (window, self->engine);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
    gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (self)));
  /* A record whose status allows no edit opens read-only; its "Sửa" says why. */
  os_record_window_begin_edit (window);
  gtk_window_present (GTK_WINDOW (window));
}

/* Discard, after asking ---------------------------------------------------------------- */

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     OsRefusedWindow  *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "mutation-id");
  const char *code = g_object_get_data (G_OBJECT (dialog), "record-code");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_strcmp0 (response, "discard") != 0)
    return;
  if (!os_store_discard_quarantined (self->store, id, &error))
    {
      toast (self, error->message);
      return;
    }
  message = g_strdup_printf (_("Đã bỏ thay đổi của hồ sơ %s."), code);
  toast (self, message);
  os_refused_window_reload (self);
}

static void
on_discard_clicked (GtkButton       *button,
                    OsRefusedWindow *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (button), "list-item");
  OsRefusedItem *item = gtk_list_item_get_item (list_item);
  const OsQuarantined *q;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (item == NULL)
    return;
  q = os_refused_item_get (item);
  body = g_strdup_printf (_("Thay đổi “%s” của hồ sơ %s sẽ không được gửi lên máy chủ nữa. "
                            "Việc bỏ được ghi vào quá trình xử lý của hồ sơ và không hoàn tác được."),
                          os_refused_item_kind_label (q->kind), record_label (q));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Bỏ thay đổi này?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"),
                                    "discard", _("_Bỏ thay đổi"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "mutation-id", g_strdup (q->id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "record-code", g_strdup (record_label (q)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rows ------------------------------------------------------------------------------ */

static GtkWidget *
row_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           OsRefusedWindow          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = row_label ("heading");
  GtkWidget *kind = row_label (NULL);
  GtkWidget *reason = row_label ("error");
  GtkWidget *dates = row_label ("dim-label");
  GtkWidget *fixed = row_label ("success");
  GtkWidget *fix = gtk_button_new_with_mnemonic (_("_Sửa"));
  GtkWidget *resend = gtk_button_new_with_mnemonic (_("_Gửi lại"));
  GtkWidget *discard = gtk_button_new_with_mnemonic (_("_Bỏ"));

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (discard, "destructive-action");
  gtk_widget_set_tooltip_text (fix, _("Mở hồ sơ để sửa theo lý do máy chủ nêu; lưu xong thì bấm “Gửi lại”"));
  gtk_widget_set_tooltip_text (resend, _("Gửi lại thay đổi theo nội dung hiện tại của hồ sơ"));
  gtk_widget_set_tooltip_text (discard, _("Bỏ hẳn thay đổi này (sẽ hỏi lại)"));

  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), kind);
  gtk_box_append (GTK_BOX (text), reason);
  gtk_box_append (GTK_BOX (text), dates);
  gtk_box_append (GTK_BOX (text), fixed);
  gtk_box_append (GTK_BOX (buttons), fix);
  gtk_box_append (GTK_BOX (buttons), resend);
  gtk_box_append (GTK_BOX (buttons), discard);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), buttons);

  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "kind", kind);
  g_object_set_data (G_OBJECT (box), "reason", reason);
  g_object_set_data (G_OBJECT (box), "dates", dates);
  g_object_set_data (G_OBJECT (box), "fixed", fixed);
  g_object_set_data (G_OBJECT (box), "fix", fix);
  g_object_set_data (G_OBJECT (box), "resend", resend);
  g_object_set_data (G_OBJECT (fix), "list-item", list_item);
  g_signal_connect_object (fix, "clicked", G_CALLBACK (on_fix_clicked), self, 0);
  g_object_set_data (G_OBJECT (box), "discard", discard);
  g_object_set_data (G_OBJECT (resend), "list-item", list_item);
  g_object_set_data (G_OBJECT (discard), "list-item", list_item);
  g_signal_connect_object (resend, "clicked", G_CALLBACK (on_resend_clicked), self, 0);
  g_signal_connect_object (discard, "clicked", G_CALLBACK (on_discard_clicked), self, 0);

  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          OsRefusedWindow          *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  const OsQuarantined *q = os_refused_item_get (gtk_list_item_get_item (list_item));
  g_autofree char *title = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *created = os_datetime_format (q->created_at, TRUE);
  g_autofree char *refused = os_datetime_format (q->refused_at, TRUE);
  g_autofree char *dates = NULL;
  g_autofree char *resend_name = NULL;
  g_autofree char *discard_name = NULL;
  g_autofree char *fix_name = NULL;
  g_autofree char *fixed_text = NULL;
  GtkWidget *fix = g_object_get_data (G_OBJECT (box), "fix");
  GtkWidget *resend = g_object_get_data (G_OBJECT (box), "resend");
  gboolean exists = os_store_lookup_record (self->store, q->record_id) != 0;
  gint64 fixed = exists ? os_refused_item_fixed_at (self->store, q) : 0;

  if (q->applicant_name && *q->applicant_name)
    title = g_strdup_printf ("%s — %s", record_label (q), q->applicant_name);
  else
    title = g_strdup (record_label (q));
  kind = g_strdup_printf (_("Thay đổi: %s"), os_refused_item_kind_label (q->kind));
  reason = g_strdup_printf (_("Lý do máy chủ từ chối: %s"),
                            q->error_message && *q->error_message ? q->error_message : q->error_code);
  dates = g_strdup_printf (_("Thực hiện lúc %s · Bị từ chối lúc %s"), created, refused);
  resend_name = g_strdup_printf (_("Gửi lại thay đổi của hồ sơ %s"), record_label (q));
  discard_name = g_strdup_printf (_("Bỏ thay đổi của hồ sơ %s"), record_label (q));
  fix_name = g_strdup_printf (_("Sửa hồ sơ %s"), record_label (q));
  if (fixed != 0)
    {
      g_autofree char *when = os_datetime_format (fixed, TRUE);

      fixed_text = g_strdup_printf (_("Đã sửa lúc %s: bấm “Gửi lại” để gửi bản đã sửa."), when);
    }

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "title"), title);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "kind"), kind);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "reason"), reason);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "dates"), dates);
  gtk_accessible_update_property (g_object_get_data (G_OBJECT (box), "resend"),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, resend_name, -1);
  gtk_accessible_update_property (g_object_get_data (G_OBJECT (box), "discard"),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, discard_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (fix), GTK_ACCESSIBLE_PROPERTY_LABEL, fix_name, -1);
  gtk_widget_set_sensitive (fix, exists);
  gtk_widget_set_tooltip_text (fix, exists ? _("Mở hồ sơ để sửa theo lý do máy chủ nêu; lưu xong thì bấm “Gửi lại”")
                                           : _("Hồ sơ này không còn trên máy, không sửa được. Hãy bỏ thay đổi này."));
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "fixed"), fixed_text ? fixed_text : "");
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (box), "fixed"), fixed_text != NULL);
  if (fixed != 0)
    gtk_widget_add_css_class (resend, "suggested-action");
  else
    gtk_widget_remove_css_class (resend, "suggested-action");
}

/* The object ---------------------------------------------------------------------------- */

static void
os_refused_window_dispose (GObject *object)
{
  OsRefusedWindow *self = (OsRefusedWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_REFUSED_WINDOW);

  G_OBJECT_CLASS (os_refused_window_parent_class)->dispose (object);
}

static void
os_refused_window_finalize (GObject *object)
{
  OsRefusedWindow *self = (OsRefusedWindow *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (os_refused_window_parent_class)->finalize (object);
}

static void
os_refused_window_class_init (OsRefusedWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_refused_window_dispose;
  object_class->finalize = os_refused_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-refused-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsRefusedWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsRefusedWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsRefusedWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, OsRefusedWindow, list_view);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_refused_window_init (OsRefusedWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->items = g_list_store_new (OS_TYPE_REFUSED_ITEM);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items)))));
}

OsRefusedWindow *
os_refused_window_new (OsStore      *store,
                       OsSyncEngine *engine)
{
  OsRefusedWindow *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (engine == NULL || OS_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (OS_TYPE_REFUSED_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;
  g_signal_connect_object (store, "sync-changed", G_CALLBACK (os_refused_window_reload), self,
                           G_CONNECT_SWAPPED);
  os_refused_window_reload (self);
  return self;
}
