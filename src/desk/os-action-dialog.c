/* os-action-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "os-action-dialog.h"
#include "os-datetime.h"
#include "os-error.h"

struct _OsActionDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkWidget      *apply_button;
  GtkLabel       *error_label;
  AdwComboRow    *outcome_row;
  AdwEntryRow    *assignee_row;
  GtkMenuButton  *users_button;
  AdwEntryRow    *co_row;
  AdwEntryRow    *reason_row;
  AdwEntryRow    *amount_row;
  AdwEntryRow    *due_row;
  AdwEntryRow    *issued_row;
  AdwActionRow   *print_row;
  GtkSwitch      *print_switch;

  OsStore        *store;
  OsRecord       *record;
  gint64          expected_version;
  OsAction        action;
  GArray         *outcomes;   /* OsOutcome, in the combo's order */
  char           *error;
};

G_DEFINE_FINAL_TYPE (OsActionDialog, os_action_dialog, ADW_TYPE_WINDOW)

enum {
  APPLIED,
  CONFLICT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static OsOutcome
current_outcome (OsActionDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->outcome_row);

  if (self->outcomes->len == 0 || selected >= self->outcomes->len)
    return OS_OUTCOME_ACCEPT;
  return g_array_index (self->outcomes, OsOutcome, selected);
}

static gboolean
has_outcome (OsActionDialog *self)
{
  return self->outcomes->len > 0;
}

/* The slip worth printing after the action: Mẫu 04 for an extension, Mẫu 02 for a
 * supplement request, Mẫu 03 for a refusal; -1 for none. */
static int
slip_to_offer (OsActionDialog *self)
{
  if (self->action == OS_ACTION_EXTEND)
    return OS_SLIP_EXTENSION;
  if (has_outcome (self) && current_outcome (self) == OS_OUTCOME_SUPPLEMENT)
    return OS_SLIP_SUPPLEMENT;
  if (has_outcome (self) && current_outcome (self) == OS_OUTCOME_REFUSE)
    return OS_SLIP_REFUSAL;
  return -1;
}

static void
update_fields (OsActionDialog *self)
{
  OsActionNeeds needs = os_process_engine_needs (self->action, current_outcome (self));
  int slip = slip_to_offer (self);

  gtk_widget_set_visible (GTK_WIDGET (self->outcome_row), has_outcome (self));
  gtk_widget_set_visible (GTK_WIDGET (self->assignee_row), (needs & OS_NEEDS_ASSIGNEE) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->co_row),
                          (needs & OS_NEEDS_ASSIGNEE) != 0 && self->action == OS_ACTION_ASSIGN);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row), (needs & OS_NEEDS_REASON) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->amount_row), (needs & OS_NEEDS_AMOUNT) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->due_row), (needs & OS_NEEDS_NEW_DUE_DATE) != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->issued_row), (needs & OS_NEEDS_ISSUED) != 0);

  gtk_widget_set_visible (GTK_WIDGET (self->print_row), slip >= 0);
  switch (slip)
    {
    case OS_SLIP_EXTENSION:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->print_row),
                                     _("In Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)"));
      break;
    case OS_SLIP_SUPPLEMENT:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->print_row),
                                     _("In Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)"));
      break;
    case OS_SLIP_REFUSAL:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->print_row),
                                     _("In Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)"));
      break;
    default:
      break;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->print_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->print_row)), -1);
}

static void
on_outcome_changed (OsActionDialog *self)
{
  update_fields (self);
}

static void
show_error (OsActionDialog *self,
            const char     *message,
            GtkWidget      *focus)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

static char *
row_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return g_strdup (g_strstrip (text));
}

static char **
split_list (const char *text,
            const char *separators)
{
  g_auto(GStrv) parts = g_strsplit_set (text, separators, -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (int i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (*part != '\0')
        g_strv_builder_add (builder, part);
    }
  return g_strv_builder_end (builder);
}

/* The new due moment: the day typed at the time of day of the current due date. */
static gboolean
read_new_due (OsActionDialog *self,
              gint64         *new_due_at)
{
  g_autofree char *text = row_text (self->due_row);
  gint64 due = os_record_get_due_at (self->record);
  gint64 time_of_day = 17 * 3600;
  GDate date;

  if (!os_date_parse (text, &date))
    return FALSE;
  if (due > 0)
    {
      GDate due_date = os_datetime_local_date (due);

      time_of_day = due - os_date_start_instant (&due_date);
    }
  *new_due_at = os_date_start_instant (&date) + time_of_day;
  return TRUE;
}

static void
known_users_menu (OsActionDialog *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const OsActor *actor = os_store_get_actor (self->store);
  OsProcessState *state = os_record_get_process_state (self->record);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  /* On a standalone desk, the officer; with a server, whoever the record has met. */
  if (actor != NULL && actor->username != NULL && *actor->username != '\0')
    g_ptr_array_add (names, actor->username);
  for (guint i = 0; state != NULL && state->entries != NULL && i < state->entries->len; i++)
    {
      OsProcessEntry *e = g_ptr_array_index (state->entries, i);

      if (e->actor && *e->actor)
        g_ptr_array_add (names, e->actor);
      if (e->assignee && *e->assignee)
        g_ptr_array_add (names, e->assignee);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GMenuItem) item = NULL;

      if (!g_hash_table_add (seen, (gpointer) name))
        continue;
      item = g_menu_item_new (name, NULL);
      g_menu_item_set_action_and_target (item, "action.pick-user", "s", name);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (self->users_button, G_MENU_MODEL (menu));
}

static void
pick_user_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OsActionDialog *self = OS_ACTION_DIALOG (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->assignee_row), g_variant_get_string (parameter, NULL));
}

gboolean
os_action_dialog_apply (OsActionDialog *self)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(GError) error = NULL;
  OsActionNeeds needs;
  OsOutcome outcome;
  int slip;

  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), FALSE);

  outcome = current_outcome (self);
  needs = os_process_engine_needs (self->action, outcome);
  request = os_action_request_new (self->action);
  request->outcome = outcome;
  request->at = g_get_real_time () / G_USEC_PER_SEC;

  if (needs & OS_NEEDS_ASSIGNEE)
    {
      g_autofree char *assignee = row_text (self->assignee_row);
      g_autofree char *co = row_text (self->co_row);

      if (*assignee == '\0' && self->action == OS_ACTION_ASSIGN)
        {
          show_error (self, _("Hãy chọn hoặc nhập người xử lý."), GTK_WIDGET (self->assignee_row));
          return FALSE;
        }
      request->assignee = g_steal_pointer (&assignee);
      if (self->action == OS_ACTION_ASSIGN)
        request->co_processors = split_list (co, ",;");
    }
  if (needs & OS_NEEDS_REASON)
    {
      g_autofree char *reason = row_text (self->reason_row);

      if (*reason == '\0')
        {
          show_error (self, _("Hãy ghi rõ lý do."), GTK_WIDGET (self->reason_row));
          return FALSE;
        }
      request->reason = g_steal_pointer (&reason);
    }
  if (needs & OS_NEEDS_AMOUNT)
    {
      g_autofree char *amount = row_text (self->amount_row);

      if (*amount == '\0')
        {
          show_error (self, _("Hãy nhập số tiền đã thu."), GTK_WIDGET (self->amount_row));
          return FALSE;
        }
      request->note = g_steal_pointer (&amount);
    }
  if (needs & OS_NEEDS_NEW_DUE_DATE)
    {
      if (!read_new_due (self, &request->new_due_at))
        {
          show_error (self, _("Ngày hẹn trả mới phải là một ngày có thật, dạng dd/mm/yyyy (ví dụ 15/11/2026)."),
                      GTK_WIDGET (self->due_row));
          return FALSE;
        }
      if (request->new_due_at <= os_record_get_due_at (self->record))
        {
          show_error (self, _("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."), GTK_WIDGET (self->due_row));
          return FALSE;
        }
    }
  if (needs & OS_NEEDS_ISSUED)
    {
      g_autofree char *issued = row_text (self->issued_row);

      request->issued = split_list (issued, ";\n");
    }

  saved = os_store_apply_action (self->store, os_record_get_id (self->record), self->expected_version,
                                 request, &error);
  if (saved == NULL)
    {
      if (g_error_matches (error, OS_ERROR, OS_ERROR_CONFLICT))
        {
          show_error (self, _("Người khác vừa xử lý hồ sơ này trước bạn. Hồ sơ đã được tải lại; những gì "
                              "bạn đã nhập vẫn còn đây, hãy xem lại rồi thực hiện lại."), NULL);
          g_signal_emit (self, signals[CONFLICT], 0);
        }
      else
        show_error (self, error->message, NULL);
      return FALSE;
    }

  slip = gtk_widget_get_visible (GTK_WIDGET (self->print_row)) && gtk_switch_get_active (self->print_switch)
         ? slip_to_offer (self) : -1;
  g_clear_pointer (&self->error, g_free);
  g_signal_emit (self, signals[APPLIED], 0, saved, slip);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  os_action_dialog_apply (OS_ACTION_DIALOG (widget));
}

static AdwEntryRow *
field_row (OsActionDialog *self,
           const char     *field)
{
  if (g_strcmp0 (field, "assignee") == 0) return self->assignee_row;
  if (g_strcmp0 (field, "co-processors") == 0) return self->co_row;
  if (g_strcmp0 (field, "reason") == 0) return self->reason_row;
  if (g_strcmp0 (field, "amount") == 0) return self->amount_row;
  if (g_strcmp0 (field, "new-due") == 0) return self->due_row;
  if (g_strcmp0 (field, "issued") == 0) return self->issued_row;
  g_return_val_if_reached (NULL);
}

void
os_action_dialog_set_field (OsActionDialog *self,
                            const char     *field,
                            const char     *text)
{
  AdwEntryRow *row;

  g_return_if_fail (OS_IS_ACTION_DIALOG (self));
  if ((row = field_row (self, field)) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

const char *
os_action_dialog_get_field (OsActionDialog *self,
                            const char     *field)
{
  AdwEntryRow *row;

  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), NULL);
  row = field_row (self, field);
  return row ? gtk_editable_get_text (GTK_EDITABLE (row)) : NULL;
}

gboolean
os_action_dialog_field_visible (OsActionDialog *self,
                                const char     *field)
{
  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), FALSE);

  if (g_strcmp0 (field, "outcome") == 0)
    return gtk_widget_get_visible (GTK_WIDGET (self->outcome_row));
  if (g_strcmp0 (field, "print") == 0)
    return gtk_widget_get_visible (GTK_WIDGET (self->print_row));
  return gtk_widget_get_visible (GTK_WIDGET (field_row (self, field)));
}

gboolean
os_action_dialog_set_outcome (OsActionDialog *self,
                              OsOutcome       outcome)
{
  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), FALSE);

  for (guint i = 0; i < self->outcomes->len; i++)
    if (g_array_index (self->outcomes, OsOutcome, i) == outcome)
      {
        adw_combo_row_set_selected (self->outcome_row, i);
        return TRUE;
      }
  return FALSE;
}

const char *
os_action_dialog_get_error (OsActionDialog *self)
{
  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), NULL);

  return self->error;
}

OsAction
os_action_dialog_get_action (OsActionDialog *self)
{
  g_return_val_if_fail (OS_IS_ACTION_DIALOG (self), OS_ACTION_NONE);

  return self->action;
}

void
os_action_dialog_set_record (OsActionDialog *self,
                             OsRecord       *record,
                             gint64          expected_version)
{
  g_return_if_fail (OS_IS_ACTION_DIALOG (self));
  g_return_if_fail (OS_IS_RECORD (record));

  g_set_object (&self->record, record);
  self->expected_version = expected_version;
}

/* The first question asked takes the keyboard; with nothing to ask, "Thực hiện". */
static void
on_map (OsActionDialog *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->outcome_row), GTK_WIDGET (self->assignee_row), GTK_WIDGET (self->reason_row),
    GTK_WIDGET (self->amount_row), GTK_WIDGET (self->due_row), GTK_WIDGET (self->issued_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (gtk_widget_get_visible (rows[i]))
      {
        gtk_widget_grab_focus (rows[i]);
        return;
      }
  gtk_widget_grab_focus (self->apply_button);
}

static void
os_action_dialog_dispose (GObject *object)
{
  OsActionDialog *self = (OsActionDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_ACTION_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->record);
  g_clear_pointer (&self->outcomes, g_array_unref);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (os_action_dialog_parent_class)->dispose (object);
}

static void
os_action_dialog_class_init (OsActionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_action_dialog_dispose;

  /* (OsRecord *saved, int slip kind to print or -1) */
  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, OS_TYPE_RECORD, G_TYPE_INT);
  signals[CONFLICT] = g_signal_new ("conflict", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-action-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, outcome_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, assignee_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, users_button);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, co_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, due_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, issued_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, print_row);
  gtk_widget_class_bind_template_child (widget_class, OsActionDialog, print_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_outcome_changed);

  gtk_widget_class_install_action (widget_class, "action.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "action.pick-user", "s", pick_user_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "action.apply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "action.apply", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_action_dialog_init (OsActionDialog *self)
{
  self->outcomes = g_array_new (FALSE, FALSE, sizeof (OsOutcome));
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}

OsActionDialog *
os_action_dialog_new (OsStore  *store,
                      OsRecord *record,
                      gint64    expected_version,
                      OsAction  action,
                      guint     outcomes)
{
  OsActionDialog *self;
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (OS_IS_RECORD (record), NULL);

  self = g_object_new (OS_TYPE_ACTION_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->record = g_object_ref (record);
  self->expected_version = expected_version;
  self->action = action;

  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    if (outcomes & (1u << o))
      {
        g_array_append_val (self->outcomes, o);
        gtk_string_list_append (labels, os_outcome_to_string (o));
      }
  g_signal_handlers_block_by_func (self->outcome_row, on_outcome_changed, self);
  adw_combo_row_set_model (self->outcome_row, G_LIST_MODEL (labels));
  g_signal_handlers_unblock_by_func (self->outcome_row, on_outcome_changed, self);

  adw_window_title_set_title (self->window_title, os_action_to_string (action));
  adw_window_title_set_subtitle (self->window_title, os_record_get_code (record));
  gtk_window_set_title (GTK_WINDOW (self), os_action_to_string (action));
  known_users_menu (self);
  update_fields (self);

  return self;
}
