/* os-record-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "os-action-dialog.h"
#include "os-application.h"
#include "os-attachment-viewer.h"
#include "os-blob-store.h"
#include "os-datetime.h"
#include "os-import.h"
#include "os-record-window.h"
#include "os-refused-item.h"
#include "os-text.h"
#include "os-scan-window.h"
#include "os-slip-process.h"
#include "os-slip-window.h"
#include "os-store-process.h"
#include "os-ui-util.h"

struct _OsRecordWindow
{
  AdwWindow             parent_instance;

  AdwWindowTitle       *window_title;
  AdwPreferencesGroup  *record_group;
  AdwPreferencesGroup  *applicant_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *attachments_group;
  AdwPreferencesGroup  *history_group;
  GtkWidget            *process_box;
  AdwPreferencesGroup  *process_group;
  GtkFlowBox           *process_actions;
  GtkLabel             *process_hint;
  AdwPreferencesGroup  *process_history_group;
  AdwToastOverlay      *toast_overlay;
  GtkWidget            *edit_button;
  GtkWidget            *cancel_button;
  GtkWidget            *save_button;
  GtkWidget            *print_button;
  GtkWidget            *print_menu_button;
  AdwPreferencesGroup  *edit_group;
  GtkLabel             *edit_error;
  AdwEntryRow          *name_row;
  AdwEntryRow          *id_row;
  AdwEntryRow          *birth_row;
  AdwEntryRow          *phone_row;
  AdwEntryRow          *email_row;
  AdwEntryRow          *address_row;
  AdwEntryRow          *notes_row;
  AdwComboRow          *channel_row;
  AdwComboRow          *delivery_row;

  OsStore              *store;
  OsSyncEngine         *engine;        /* set by the caller, else the application's */
  GSettings            *settings;
  OsRecord             *record;
  OsBlobStore          *blobs;
  GPtrArray            *attachment_rows;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  GPtrArray            *info_rows;     /* rows fill() added, removed by a refill */
  AdwActionRow         *sync_row;
  GtkImage             *sync_icon;
  AdwActionRow         *refused_row;   /* what the server refused, and why */
  GtkWidget            *fix_button;
  GtkWidget            *resend_button;
  guint                 refill_id;
  gboolean              editing;

  OsProcess            *definition;    /* the version the record follows, or NULL */
  gint64                version;       /* the record version shown (for actions) */
  GArray               *choices;       /* OsActionChoice the actor may take now */
  OsActionDialog       *action_dialog; /* open, or NULL */
};

G_DEFINE_FINAL_TYPE (OsRecordWindow, os_record_window, ADW_TYPE_WINDOW)

/* Every row fill() adds goes through here, so that a refill can take them out. */
static void
track_row (OsRecordWindow      *self,
           AdwPreferencesGroup *group,
           GtkWidget           *row)
{
  g_object_set_data (G_OBJECT (row), "group", group);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->info_rows, row);
}

static void
add_row (OsRecordWindow      *self,
         AdwPreferencesGroup *group,
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
  track_row (self, group, row);
}

static void
clear_rows (OsRecordWindow *self)
{
  for (guint i = 0; i < self->info_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->info_rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "group"), row);
    }
  g_ptr_array_set_size (self->info_rows, 0);
  self->sync_row = NULL;
  self->sync_icon = NULL;
  self->refused_row = NULL;
  self->fix_button = NULL;
  self->resend_button = NULL;
  adw_preferences_group_set_description (self->documents_group, NULL);
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
  if (g_strcmp0 (action, "update") == 0)
    return _("Sửa hồ sơ");
  if (g_strcmp0 (action, "sync-resend") == 0)
    return _("Gửi lại lên máy chủ");
  if (g_strcmp0 (action, "sync-discard") == 0)
    return _("Bỏ thay đổi bị máy chủ từ chối");
  return action;
}

static void add_sync_row (OsRecordWindow *self);
static void fill_process (OsRecordWindow *self);

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

  add_row (self, self->record_group, _("Mã hồ sơ"), os_record_get_code (r));
  add_row (self, self->record_group, _("Thủ tục"), os_record_get_procedure_name (r));
  add_row (self, self->record_group, _("Lĩnh vực"), os_record_get_field (r));
  add_row (self, self->record_group, _("Trạng thái"), status);
  add_sync_row (self);
  add_row (self, self->record_group, _("Thời hạn giải quyết"), limit);
  add_row (self, self->record_group, _("Ngày nhận"), received);
  add_row (self, self->record_group, _("Hẹn trả kết quả"), due);
  add_row (self, self->record_group, _("Hoàn thành"), finished);
  add_row (self, self->record_group, _("Đã trả kết quả"), returned);
  add_row (self, self->record_group, _("Hình thức nộp"), os_channel_to_string (os_record_get_channel (r)));
  add_row (self, self->record_group, _("Nơi nhận kết quả"),
           os_record_get_delivery (r) == OS_DELIVERY_POST ? _("Qua dịch vụ bưu chính")
                                                          : _("Tại bộ phận một cửa"));
  add_row (self, self->record_group, _("Số lượng hồ sơ (bộ)"), sets);
  add_row (self, self->record_group, _("Sổ theo dõi hồ sơ"), book);
  add_row (self, self->record_group, _("Cán bộ tiếp nhận"), os_record_get_officer (r));
  add_row (self, self->record_group, os_record_get_status (r) == OS_STATUS_REFUSED ? _("Lý do từ chối")
                                                                                   : _("Nội dung cần bổ sung"),
           os_record_get_reason (r));
  add_row (self, self->record_group, _("Ghi chú"), os_record_get_notes (r));

  add_row (self, self->applicant_group, _("Họ và tên"), os_record_get_applicant_name (r));
  add_row (self, self->applicant_group, _("Số định danh cá nhân"), os_record_get_id_number (r));
  add_row (self, self->applicant_group, _("Ngày sinh"), birth);
  add_row (self, self->applicant_group, _("Số điện thoại"), os_record_get_phone (r));
  add_row (self, self->applicant_group, _("Thư điện tử"), os_record_get_email (r));
  add_row (self, self->applicant_group, _("Địa chỉ"), os_record_get_address (r));

  for (guint i = 0; i < documents->len; i++)
    {
      OsRecordDocument *d = g_ptr_array_index (documents, i);
      g_autofree char *counts = g_strdup_printf (_("Bản chính: %d · Bản sao chứng thực: %d · Bản photocopy: %d"),
                                                 d->originals, d->certified, d->copies);
      add_row (self, self->documents_group, d->name, counts);
    }
  if (documents->len == 0)
    adw_preferences_group_set_description (self->documents_group, _("Không có giấy tờ nào được ghi nhận."));

  fill_process (self);

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
      add_row (self, self->history_group, title, detail);
    }
}

/* The process: where the record stands, what the officer may do, what happened. */

static const char *
pause_label (OsPause pause)
{
  switch (pause)
    {
    case OS_PAUSE_SUPPLEMENT: return _("Tạm dừng: chờ bổ sung hồ sơ");
    case OS_PAUSE_PAYMENT:    return _("Tạm dừng: chờ thực hiện nghĩa vụ tài chính");
    case OS_PAUSE_NONE:
    default:                  return NULL;
    }
}

static char *
step_label (OsRecordWindow *self,
            const char     *step_id)
{
  OsProcessStep *step;

  if (step_id == NULL || *step_id == '\0')
    return g_strdup (_("(kết thúc)"));
  step = self->definition ? os_process_find_step (self->definition, step_id) : NULL;
  return g_strdup (step ? step->name : step_id);
}

/* The action the window's Ctrl+Enter takes: the one that moves the record on. */
static OsAction
forward_action (OsRecordWindow *self)
{
  static const OsAction order[] = {
    OS_ACTION_HAND_OVER, OS_ACTION_PROCESS, OS_ACTION_REVIEW, OS_ACTION_SIGN, OS_ACTION_RETURN,
    OS_ACTION_ASSIGN, OS_ACTION_RESUME, OS_ACTION_COLLECT_FEE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    for (guint j = 0; self->choices != NULL && j < self->choices->len; j++)
      if (g_array_index (self->choices, OsActionChoice, j).action == order[i])
        return order[i];
  return OS_ACTION_NONE;
}

static void
fill_process (OsRecordWindow *self)
{
  OsRecord *r = self->record;
  OsProcessState *state = os_record_get_process_state (r);
  const OsActor *actor = os_store_get_actor (self->store);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GtkWidget *child;
  OsAction forward;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->process_actions))) != NULL)
    gtk_flow_box_remove (self->process_actions, child);
  g_clear_pointer (&self->choices, g_array_unref);
  self->version = os_store_get_record_version (self->store, os_record_get_id (r));

  gtk_widget_set_visible (self->process_box, state != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->process_history_group), state != NULL);
  gtk_widget_set_visible (self->print_menu_button, state != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.print-control", state != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.print-extension", state != NULL && state->extended);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.forward", FALSE);
  if (state == NULL)
    return;

  if (self->definition == NULL ||
      g_strcmp0 (os_process_get_id (self->definition), state->process_id) != 0 ||
      os_process_get_version (self->definition) != state->process_version)
    {
      g_clear_object (&self->definition);
      self->definition = os_store_load_process (self->store, state->process_id, state->process_version, NULL);
    }

  /* Where it stands. */
  {
    OsStepTiming timing = os_process_state_timing (state, now);
    g_autofree char *unit_role = NULL;
    g_autofree char *step_due = NULL;
    g_autofree char *due = os_datetime_format (os_record_get_due_at (r), TRUE);
    g_autofree char *due_text = NULL;
    g_autofree char *co = state->co_processors ? g_strjoinv (", ", state->co_processors) : NULL;
    const char *role = state->step_role && *state->step_role ? os_role_to_string (state->step_role) : "";

    if (state->step_unit && *state->step_unit)
      unit_role = g_strdup_printf ("%s — %s", state->step_unit, role);
    else
      unit_role = g_strdup (role);
    if (state->step_due_at > 0)
      {
        g_autofree char *when = os_datetime_format (state->step_due_at, TRUE);

        step_due = timing != OS_STEP_TIMING_NONE ? g_strdup_printf ("%s — %s", when, os_step_timing_to_string (timing))
                                                 : g_strdup (when);
      }
    if (state->extended && state->original_due_at > 0)
      {
        g_autofree char *original = os_datetime_format (state->original_due_at, TRUE);

        due_text = g_strdup_printf (_("%s (gia hạn từ %s: %s)"), due, original,
                                    state->extension_reason ? state->extension_reason : "");
      }
    else
      due_text = g_strdup (due);

    add_row (self, self->process_group, _("Bước hiện tại"),
             state->step_id && *state->step_id ? state->step_name : _("Đã kết thúc quy trình"));
    add_row (self, self->process_group, _("Đơn vị, vai trò xử lý"), unit_role);
    add_row (self, self->process_group, _("Người xử lý"),
             state->assignee && *state->assignee ? state->assignee : _("Chưa phân công"));
    add_row (self, self->process_group, _("Người phối hợp"), co);
    add_row (self, self->process_group, _("Hạn của bước"), step_due);
    add_row (self, self->process_group, _("Hẹn trả kết quả"), due_text);
    add_row (self, self->process_group, _("Tạm dừng"), pause_label (state->pause));
    add_row (self, self->process_group, _("Phí, lệ phí đã thu"), state->fee);
  }

  /* What the officer may do now: exactly the engine's list. */
  if (self->definition != NULL && actor != NULL)
    self->choices = os_process_engine_list_actions (self->definition, r, actor, now);
  forward = forward_action (self);
  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    {
      OsActionChoice *choice = &g_array_index (self->choices, OsActionChoice, i);
      g_autofree char *label = g_strdup_printf ("_%s", os_action_to_string (choice->action));
      GtkWidget *button = gtk_button_new_with_mnemonic (label);

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "record.process-action");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", os_action_to_id (choice->action));
      gtk_widget_set_name (button, os_action_to_id (choice->action));
      if (choice->action == forward)
        {
          g_autofree char *tip = g_strdup_printf (_("%s (Ctrl+Enter)"), os_action_to_string (choice->action));

          gtk_widget_add_css_class (button, "suggested-action");
          gtk_widget_set_tooltip_text (button, tip);
        }
      else if (choice->action == OS_ACTION_STOP || choice->action == OS_ACTION_WITHDRAW)
        gtk_widget_add_css_class (button, "destructive-action");
      gtk_flow_box_append (self->process_actions, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->process_actions), self->choices != NULL && self->choices->len > 0);
  if (self->definition == NULL)
    gtk_label_set_label (self->process_hint, _("Máy này chưa có phiên bản quy trình mà hồ sơ đang theo."));
  else if (self->choices == NULL || self->choices->len == 0)
    gtk_label_set_label (self->process_hint, _("Bạn không có thao tác nào với hồ sơ ở bước này."));
  else
    gtk_label_set_label (self->process_hint, "");
  gtk_widget_set_visible (GTK_WIDGET (self->process_hint),
                          *gtk_label_get_label (self->process_hint) != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.forward", forward != OS_ACTION_NONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.print-extension", state->extended);

  /* What happened, newest first. */
  for (guint i = state->entries ? state->entries->len : 0; i > 0; i--)
    {
      OsProcessEntry *e = g_ptr_array_index (state->entries, i - 1);
      g_autofree char *when = os_datetime_format (e->at, TRUE);
      g_autofree char *from = step_label (self, e->from_step);
      g_autofree char *to = step_label (self, e->to_step);
      g_autofree char *title = NULL;
      GString *detail = g_string_new (e->actor_name && *e->actor_name ? e->actor_name : e->actor);
      g_autofree char *detail_text = NULL;

      if (e->action == OS_ACTION_PROCESS || e->action == OS_ACTION_REVIEW || e->action == OS_ACTION_SIGN)
        title = g_strdup_printf ("%s — %s: %s", when, os_action_to_string (e->action), os_outcome_to_string (e->outcome));
      else
        title = g_strdup_printf ("%s — %s", when, os_action_to_string (e->action));
      if (g_strcmp0 (e->from_step, e->to_step) != 0)
        g_string_append_printf (detail, " · %s → %s", from, to);
      else
        g_string_append_printf (detail, " · %s", from);
      if (e->assignee && *e->assignee)
        g_string_append_printf (detail, " · %s %s", _("giao cho"), e->assignee);
      if (e->reason && *e->reason)
        g_string_append_printf (detail, " · %s %s", _("lý do:"), e->reason);
      if (e->note && *e->note)
        g_string_append_printf (detail, " · %s", e->note);
      if (e->issued && e->issued[0])
        {
          g_autofree char *issued = g_strjoinv ("; ", e->issued);

          g_string_append_printf (detail, " · %s %s", _("giấy tờ trả:"), issued);
        }
      if (e->rolled_back)
        g_string_append_printf (detail, " · %s", _("(đã thu hồi)"));
      detail_text = g_string_free (detail, FALSE);
      add_row (self, self->process_history_group, title, detail_text);
    }
  if (state->entries == NULL || state->entries->len == 0)
    adw_preferences_group_set_description (self->process_history_group, _("Chưa có thao tác nào."));
  else
    adw_preferences_group_set_description (self->process_history_group, NULL);
}

/* The record's own sync state (a desk that works with a server). */

static gboolean
record_is_editable (OsRecord  *record,
                    char     **why)
{
  OsStatus status = os_record_get_status (record);

  if (status == OS_STATUS_RECEIVED || status == OS_STATUS_SUPPLEMENT)
    return TRUE;
  if (why != NULL)
    *why = g_strdup_printf (_("Hồ sơ đang ở trạng thái “%s”: ở quầy chỉ sửa được hồ sơ đã tiếp nhận "
                              "hoặc đang chờ bổ sung."),
                            os_status_to_string (status));
  return FALSE;
}

/* The quarantined changes of this record, oldest first (the store keeps them few). */
static GPtrArray *
list_refused (OsRecordWindow *self)
{
  g_autoptr(GPtrArray) all = os_store_list_quarantined (self->store, NULL);
  GPtrArray *mine = g_ptr_array_new_with_free_func ((GDestroyNotify) os_quarantined_free);

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      OsQuarantined *q = g_ptr_array_index (all, i);

      if (g_strcmp0 (q->record_id, os_record_get_id (self->record)) == 0)
        g_ptr_array_add (mine, g_ptr_array_steal_index (all, i--));
    }
  return mine;
}

static void
update_refused_row (OsRecordWindow    *self,
                    OsRecordSyncState  state)
{
  g_autoptr(GPtrArray) refused = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const OsQuarantined *q;
  const char *reason;
  gboolean editable;
  gboolean fixed;

  if (self->refused_row == NULL)
    return;
  if (state != OS_RECORD_SYNC_REFUSED || (refused = list_refused (self))->len == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->refused_row), FALSE);
      return;
    }

  q = g_ptr_array_index (refused, 0);
  reason = q->error_message && *q->error_message ? q->error_message : q->error_code;
  editable = record_is_editable (self->record, NULL);
  /* Edited since: the fix waits for "Gửi lại" (also after the window was closed). */
  fixed = os_refused_item_fixed_at (self->store, q) != 0;
  title = g_strdup_printf (_("Máy chủ từ chối thay đổi “%s”"), os_refused_item_kind_label (q->kind));
  if (fixed)
    subtitle = g_strdup_printf (_("Lý do: %s\nĐã sửa hồ sơ: bấm “Gửi lại” để gửi bản đã sửa lên máy chủ."), reason);
  else if (editable)
    subtitle = g_strdup_printf (_("Lý do: %s\nBấm “Sửa rồi gửi lại” để sửa hồ sơ, lưu, rồi gửi lại."), reason);
  else
    subtitle = g_strdup_printf (_("Lý do: %s"), reason);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->refused_row), title);
  adw_action_row_set_subtitle (self->refused_row, subtitle);
  gtk_widget_set_visible (self->fix_button, editable && !fixed);
  gtk_widget_set_visible (self->resend_button, fixed || !editable);
  gtk_widget_set_visible (GTK_WIDGET (self->refused_row), TRUE);
}

static void
update_sync_row (OsRecordWindow *self)
{
  OsRecordSyncState state;
  const char *text;
  const char *icon;

  if (self->sync_row == NULL)
    return;
  state = os_store_get_record_sync_state (self->store, os_record_get_id (self->record));
  switch (state)
    {
    case OS_RECORD_SYNC_SYNCED:
      text = _("Máy chủ đã nhận mọi thay đổi của hồ sơ");
      icon = "emblem-ok-symbolic";
      break;
    case OS_RECORD_SYNC_REFUSED:
      text = _("Máy chủ đã từ chối một thay đổi: xem danh sách thay đổi bị từ chối (Ctrl+Shift+E)");
      icon = "dialog-warning-symbolic";
      break;
    case OS_RECORD_SYNC_PENDING:
    default:
      text = _("Đang chờ gửi lên máy chủ");
      icon = "document-send-symbolic";
      break;
    }
  adw_action_row_set_subtitle (self->sync_row, text);
  gtk_image_set_from_icon_name (self->sync_icon, icon);
  update_refused_row (self, state);
}

static OsSyncEngine *
sync_engine (OsRecordWindow *self)
{
  GApplication *app = g_application_get_default ();
  OsAccount *account;

  if (self->engine != NULL)
    return self->engine;
  if (!OS_IS_APPLICATION (app))
    return NULL;
  account = os_application_get_account (OS_APPLICATION (app));
  if (account == NULL || os_account_get_store (account) != self->store)
    return NULL;
  return os_account_get_engine (account);
}

static void
poke_engine (OsRecordWindow *self)
{
  OsSyncEngine *engine = sync_engine (self);

  if (engine != NULL)
    os_sync_engine_poke (engine);
}

static void toast (OsRecordWindow *self, const char *message);
static void queue_refill (OsRecordWindow *self);

/* "Gửi lại": every refused change of the record goes back to the outbox as a new
 * mutation made against the version the server has (os_store_resend_quarantined). */
static void
on_resend_clicked (OsRecordWindow *self)
{
  g_autoptr(GPtrArray) refused = list_refused (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  for (guint i = 0; i < refused->len; i++)
    {
      OsQuarantined *q = g_ptr_array_index (refused, i);

      if (!os_store_resend_quarantined (self->store, q->id, &error))
        {
          toast (self, error->message);
          break;
        }
    }
  if (error == NULL)
    {
      message = g_strdup_printf (_("Đã đưa hồ sơ %s vào hàng chờ gửi lại lên máy chủ."),
                                 os_record_get_code (self->record));
      toast (self, message);
    }
  poke_engine (self);
  /* The history has a new line; not from inside the button's own handler. */
  queue_refill (self);
}

static GtkWidget *
row_button (const char *label,
            const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static void
add_sync_row (OsRecordWindow *self)
{
  GtkWidget *row;
  GtkWidget *icon;

  if (!os_store_is_enrolled (self->store))
    return;
  row = adw_action_row_new ();
  icon = gtk_image_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Trạng thái đồng bộ"), -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Đồng bộ với máy chủ"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_add_css_class (row, "property");
  track_row (self, self->record_group, row);
  self->sync_row = ADW_ACTION_ROW (row);
  self->sync_icon = GTK_IMAGE (icon);

  /* Shown when the server refused a change of the record: why, and what to do. */
  row = adw_action_row_new ();
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Thay đổi bị máy chủ từ chối"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  self->fix_button = row_button (_("Sửa rồi gửi lại"),
                                 _("Sửa hồ sơ theo lý do máy chủ nêu; sau khi lưu, bấm “Gửi lại” (Ctrl+E)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->fix_button), "record.edit");
  self->resend_button = row_button (_("_Gửi lại"), _("Gửi lại hồ sơ theo nội dung hiện tại lên máy chủ"));
  gtk_widget_add_css_class (self->resend_button, "suggested-action");
  g_signal_connect_swapped (self->resend_button, "clicked", G_CALLBACK (on_resend_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->fix_button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->resend_button);
  gtk_widget_set_visible (row, FALSE);
  track_row (self, self->record_group, row);
  self->refused_row = ADW_ACTION_ROW (row);

  update_sync_row (self);
}

/* Editing ----------------------------------------------------------------------- */

static const char *
or_empty (const char *text)
{
  return text ? text : "";
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
same_text (const char *a,
           const char *b)
{
  return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

static guint
channel_position (OsChannel channel)
{
  switch (channel)
    {
    case OS_CHANNEL_ONLINE: return 1;
    case OS_CHANNEL_POST:   return 2;
    case OS_CHANNEL_IN_PERSON:
    default:                return 0;
    }
}

static OsChannel
channel_at (guint position)
{
  static const OsChannel channels[] = { OS_CHANNEL_IN_PERSON, OS_CHANNEL_ONLINE, OS_CHANNEL_POST };

  return position < G_N_ELEMENTS (channels) ? channels[position] : OS_CHANNEL_IN_PERSON;
}

static void
update_actions (OsRecordWindow *self)
{
  g_autofree char *why = NULL;
  gboolean editable = record_is_editable (self->record, &why);
  const char *edit_tip = _("Sửa thông tin người nộp, ghi chú, hình thức nộp và nơi nhận kết quả (Ctrl+E)");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.edit", editable && !self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.save", self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.cancel-edit", self->editing);
  gtk_widget_set_tooltip_text (self->edit_button, editable ? edit_tip : why);

  gtk_widget_set_visible (self->edit_button, !self->editing);
  gtk_widget_set_visible (self->print_button, !self->editing);
  gtk_widget_set_visible (self->cancel_button, self->editing);
  gtk_widget_set_visible (self->save_button, self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_group), self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->applicant_group), !self->editing);
}

static void
clear_edit_error (OsRecordWindow *self)
{
  AdwEntryRow *rows[] = { self->name_row, self->id_row, self->birth_row, self->phone_row,
                          self->email_row, self->address_row, self->notes_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
  gtk_label_set_label (self->edit_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->edit_error), FALSE);
}

static void
show_edit_error (OsRecordWindow *self,
                 AdwEntryRow    *row,
                 const char     *message)
{
  gtk_label_set_label (self->edit_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_error), TRUE);
  if (row != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

gboolean
os_record_window_begin_edit (OsRecordWindow *self)
{
  OsRecord *r;
  const char *birth;
  g_autofree char *birth_text = NULL;
  int year, month, day;

  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), FALSE);

  if (self->editing)
    return TRUE;
  if (!record_is_editable (self->record, NULL))
    return FALSE;

  r = self->record;
  birth = os_record_get_birth_date (r);
  if (birth != NULL && sscanf (birth, "%d-%d-%d", &year, &month, &day) == 3 &&
      g_date_valid_dmy (day, month, year))
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, day, month, year);
      birth_text = os_date_format (&date);
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), or_empty (os_record_get_applicant_name (r)));
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), or_empty (os_record_get_id_number (r)));
  gtk_editable_set_text (GTK_EDITABLE (self->birth_row), birth_text ? birth_text : "");
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), or_empty (os_record_get_phone (r)));
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), or_empty (os_record_get_email (r)));
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), or_empty (os_record_get_address (r)));
  gtk_editable_set_text (GTK_EDITABLE (self->notes_row), or_empty (os_record_get_notes (r)));
  adw_combo_row_set_selected (self->channel_row, channel_position (os_record_get_channel (r)));
  adw_combo_row_set_selected (self->delivery_row, os_record_get_delivery (r) == OS_DELIVERY_POST ? 1 : 0);
  clear_edit_error (self);

  /* Fixing what the server refused: its reason stays in sight above the form. */
  {
    g_autoptr(GPtrArray) refused = os_store_is_enrolled (self->store) ? list_refused (self) : NULL;
    const char *hint = _("Sửa rồi bấm “Lưu” (Ctrl+S); “Hủy” (Esc) bỏ các thay đổi. Mã hồ sơ, thủ tục, giấy tờ "
                         "và ngày nhận không đổi.");

    if (refused != NULL && refused->len > 0)
      {
        const OsQuarantined *q = g_ptr_array_index (refused, 0);
        g_autofree char *reason = g_strdup_printf (_("Lý do máy chủ từ chối: %s"),
                                                   q->error_message && *q->error_message ? q->error_message
                                                                                         : q->error_code);
        g_autofree char *text = g_strdup_printf ("%s\n%s", reason, hint);

        adw_preferences_group_set_description (self->edit_group, text);
      }
    else
      adw_preferences_group_set_description (self->edit_group, hint);
  }

  self->editing = TRUE;
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return TRUE;
}

void
os_record_window_cancel_edit (OsRecordWindow *self)
{
  g_return_if_fail (OS_IS_RECORD_WINDOW (self));

  if (!self->editing)
    return;
  /* The shown record is the saved one: leaving the form is all a cancel needs. */
  self->editing = FALSE;
  clear_edit_error (self);
  update_actions (self);
}

gboolean
os_record_window_get_editing (OsRecordWindow *self)
{
  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), FALSE);
  return self->editing;
}

/* Validates the form into @record (a fresh copy from the store) the way the reception
 * form does, and says whether anything differs from what is saved. FALSE, with the
 * offending row marked and a clear message shown, when the form cannot be saved. */
static gboolean
read_form (OsRecordWindow *self,
           OsRecord       *record,
           gboolean       *changed)
{
  g_autofree char *name = os_text_normalize_space (row_text (self->name_row));
  g_autofree char *id_number = g_strstrip (g_strdup (row_text (self->id_row)));
  g_autofree char *birth = g_strstrip (g_strdup (row_text (self->birth_row)));
  g_autofree char *phone = g_strstrip (g_strdup (row_text (self->phone_row)));
  g_autofree char *email = g_strstrip (g_strdup (row_text (self->email_row)));
  g_autofree char *address = os_text_normalize_space (row_text (self->address_row));
  g_autofree char *notes = g_strstrip (g_strdup (row_text (self->notes_row)));
  g_autofree char *birth_iso = NULL;
  OsChannel channel = channel_at (adw_combo_row_get_selected (self->channel_row));
  OsDelivery delivery = adw_combo_row_get_selected (self->delivery_row) == 1 ? OS_DELIVERY_POST
                                                                             : OS_DELIVERY_DESK;

  clear_edit_error (self);

  if (os_text_is_blank (name))
    {
      show_edit_error (self, self->name_row, _("Chưa nhập họ và tên người nộp hồ sơ."));
      return FALSE;
    }
  if (*id_number && (strlen (id_number) != 12 || strspn (id_number, "0123456789") != 12))
    {
      show_edit_error (self, self->id_row, _("Số định danh cá nhân phải có đúng 12 chữ số."));
      return FALSE;
    }
  if (*birth)
    {
      GDate date;
      GDate today = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);

      if (!os_date_parse (birth, &date) || g_date_get_year (&date) < 1900 ||
          g_date_compare (&date, &today) > 0)
        {
          show_edit_error (self, self->birth_row,
                           _("Ngày sinh không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990."));
          return FALSE;
        }
      birth_iso = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                                   g_date_get_month (&date), g_date_get_day (&date));
    }
  if (*email)
    {
      const char *at = strchr (email, '@');
      const char *domain = at ? at + 1 : NULL;

      /* As the store checks a new record's address: one '@' with something before it, a
       * domain with a dot and no empty label, no blanks. */
      if (at == NULL || at == email || strchr (domain, '@') != NULL || strpbrk (email, " \t\r\n") != NULL ||
          *domain == '\0' || *domain == '.' || strchr (domain, '.') == NULL ||
          g_str_has_suffix (domain, ".") || strstr (domain, "..") != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Địa chỉ thư điện tử “%s” không hợp lệ."), email);

          show_edit_error (self, self->email_row, message);
          return FALSE;
        }
    }

  *changed = !same_text (name, os_record_get_applicant_name (record)) ||
             !same_text (id_number, os_record_get_id_number (record)) ||
             !same_text (birth_iso, os_record_get_birth_date (record)) ||
             !same_text (phone, os_record_get_phone (record)) ||
             !same_text (email, os_record_get_email (record)) ||
             !same_text (address, os_record_get_address (record)) ||
             !same_text (notes, os_record_get_notes (record)) ||
             channel != os_record_get_channel (record) ||
             delivery != os_record_get_delivery (record);

  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, id_number);
  os_record_set_birth_date (record, birth_iso ? birth_iso : "");
  os_record_set_phone (record, phone);
  os_record_set_email (record, email);
  os_record_set_address (record, address ? address : "");
  os_record_set_notes (record, notes);
  os_record_set_channel (record, channel);
  os_record_set_delivery (record, delivery);
  return TRUE;
}

static void fill (OsRecordWindow *self);
static void reload_attachments (OsRecordWindow *self);

static void
refill (OsRecordWindow *self)
{
  g_clear_handle_id (&self->refill_id, g_source_remove);
  clear_rows (self);
  fill (self);
  update_actions (self);
}

static gboolean
on_refill_idle (gpointer user_data)
{
  OsRecordWindow *self = user_data;

  self->refill_id = 0;
  refill (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refill (OsRecordWindow *self)
{
  if (self->refill_id == 0)
    self->refill_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_refill_idle, g_object_ref (self),
                                       g_object_unref);
}

gboolean
os_record_window_save_edit (OsRecordWindow *self)
{
  g_autoptr(OsRecord) edited = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean changed = FALSE;
  gboolean was_refused;

  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), FALSE);

  if (!self->editing)
    return FALSE;

  edited = os_store_load_record (self->store, os_record_get_local_id (self->record), &error);
  if (edited == NULL)
    {
      show_edit_error (self, NULL, error->message);
      return FALSE;
    }
  if (!record_is_editable (edited, NULL))
    {
      g_autofree char *why = NULL;

      record_is_editable (edited, &why);
      show_edit_error (self, NULL, why);
      return FALSE;
    }
  if (!read_form (self, edited, &changed))
    return FALSE;
  if (!changed)
    {
      os_record_window_cancel_edit (self);
      toast (self, _("Không có thay đổi nào để lưu."));
      return TRUE;
    }

  was_refused = os_store_is_enrolled (self->store) &&
                os_store_get_record_sync_state (self->store, os_record_get_id (edited)) == OS_RECORD_SYNC_REFUSED;
  if (!os_store_update_record (self->store, edited, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      /* Nothing was saved; the form keeps what was typed. */
      show_edit_error (self, NULL, error->message);
      return FALSE;
    }

  saved = os_store_load_record (self->store, os_record_get_local_id (edited), NULL);
  if (saved == NULL)
    saved = g_object_ref (edited);
  g_set_object (&self->record, saved);
  self->editing = FALSE;
  refill (self);

  if (was_refused)
    message = g_strdup_printf (_("Đã lưu hồ sơ %s. Bấm “Gửi lại” để gửi bản đã sửa lên máy chủ."),
                               os_record_get_code (self->record));
  else
    message = g_strdup_printf (_("Đã lưu thay đổi của hồ sơ %s."), os_record_get_code (self->record));
  toast (self, message);

  /* The list of records shows the new name; the engine sends the change (a record with a
   * refused change waits for "Gửi lại"). */
  g_signal_emit_by_name (self->store, "records-changed");
  poke_engine (self);
  return TRUE;
}

void
os_record_window_set_sync_engine (OsRecordWindow *self,
                                  OsSyncEngine   *engine)
{
  g_return_if_fail (OS_IS_RECORD_WINDOW (self));
  g_return_if_fail (engine == NULL || OS_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  os_record_window_begin_edit (OS_RECORD_WINDOW (widget));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  os_record_window_save_edit (OS_RECORD_WINDOW (widget));
}

static void
cancel_edit_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  os_record_window_cancel_edit (OS_RECORD_WINDOW (widget));
}

/* Escape leaves the form first, then closes the window. */
static void
escape_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);

  if (self->editing)
    os_record_window_cancel_edit (self);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Attachments ------------------------------------------------------------------- */

static void
toast (OsRecordWindow *self,
       const char     *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static const char *
mime_label (const char *mime)
{
  if (g_strcmp0 (mime, "application/pdf") == 0) return "PDF";
  if (g_strcmp0 (mime, "image/jpeg") == 0) return "JPEG";
  if (g_strcmp0 (mime, "image/png") == 0) return "PNG";
  if (g_strcmp0 (mime, "image/tiff") == 0) return "TIFF";
  return mime;
}

static void reload_attachments (OsRecordWindow *self);

static void
present_viewer (OsRecordWindow *self,
                const char     *path,
                const char     *file_name)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  OsAttachmentViewer *viewer = os_attachment_viewer_new (file, file_name);

  gtk_window_set_transient_for (GTK_WINDOW (viewer), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (viewer));
}

typedef struct
{
  OsRecordWindow *self;
  char           *sha256;
  char           *file_name;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->self);
  g_free (fetch->sha256);
  g_free (fetch->file_name);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static void
on_blob_fetched (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(Fetch) fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!os_sync_engine_fetch_blob_finish (OS_SYNC_ENGINE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (fetch->self, error->message);
      return;
    }
  path = os_blob_store_get_path (fetch->self->blobs, fetch->sha256);
  if (path == NULL)
    {
      toast (fetch->self, _("Không tìm thấy tệp trên máy này."));
      return;
    }
  present_viewer (fetch->self, path, fetch->file_name);
}

/* Opens the file in the viewer; a file another desk attached is fetched from the server
 * first (on demand, then kept in the blob store). */
static void
on_open_attachment (GtkButton      *button,
                    OsRecordWindow *self)
{
  const char *sha256 = g_object_get_data (G_OBJECT (button), "sha256");
  const char *file_name = g_object_get_data (G_OBJECT (button), "file-name");
  const gint64 *size = g_object_get_data (G_OBJECT (button), "size");
  g_autofree char *path = os_blob_store_get_path (self->blobs, sha256);
  OsSyncEngine *engine;
  Fetch *fetch;

  if (path != NULL)
    {
      present_viewer (self, path, file_name);
      return;
    }

  engine = sync_engine (self);
  if (engine == NULL || size == NULL)
    {
      toast (self, _("Không tìm thấy tệp trên máy này."));
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->sha256 = g_strdup (sha256);
  fetch->file_name = g_strdup (file_name);
  toast (self, _("Đang tải tệp từ máy chủ…"));
  os_sync_engine_fetch_blob_async (engine, sha256, *size, self->cancellable, on_blob_fetched, fetch);
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    OsRecordWindow   *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "attachment-id");
  g_autofree char *unreferenced = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0)
    return;
  if (!os_store_remove_attachment (self->store, id, &unreferenced, &error))
    {
      toast (self, error->message);
      return;
    }
  /* The file goes only when no other record's attachment names it. */
  if (unreferenced != NULL)
    os_blob_store_remove (self->blobs, unreferenced, NULL);
  reload_attachments (self);
}

static void
on_remove_attachment (GtkButton      *button,
                      OsRecordWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "file-name");
  g_autofree char *body = g_strdup_printf (_("Tệp “%s” sẽ không còn đính kèm hồ sơ này."), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Bỏ tệp đính kèm?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"), "remove", _("_Bỏ tệp"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "attachment-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "attachment-id")), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
attachment_button (const char *icon,
                   const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void
reload_attachments (OsRecordWindow *self)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->attachment_rows->len; i++)
    adw_preferences_group_remove (self->attachments_group, g_ptr_array_index (self->attachment_rows, i));
  g_ptr_array_set_size (self->attachment_rows, 0);

  attachments = os_store_list_attachments (self->store, os_record_get_local_id (self->record), &error);
  if (attachments == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < attachments->len; i++)
    {
      OsAttachment *a = g_ptr_array_index (attachments, i);
      g_autofree char *size = g_format_size (a->size);
      g_autofree char *subtitle = NULL;
      g_autofree char *open_label = g_strdup_printf (_("Mở %s"), a->file_name);
      g_autofree char *remove_label = g_strdup_printf (_("Bỏ %s"), a->file_name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *open = attachment_button ("document-open-symbolic", open_label);
      GtkWidget *remove = attachment_button ("user-trash-symbolic", remove_label);

      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d trang · %s", "%s · %d trang · %s", a->pages),
                                  mime_label (a->mime_type), a->pages, size);
      if (a->document_name != NULL && *a->document_name != '\0')
        {
          char *with_document = g_strdup_printf ("%s · %s", a->document_name, subtitle);

          g_free (subtitle);
          subtitle = with_document;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), a->file_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data_full (G_OBJECT (open), "sha256", g_strdup (a->sha256), g_free);
      g_object_set_data_full (G_OBJECT (open), "file-name", g_strdup (a->file_name), g_free);
      g_object_set_data_full (G_OBJECT (open), "size", g_memdup2 (&a->size, sizeof a->size), g_free);
      g_object_set_data_full (G_OBJECT (remove), "attachment-id", g_strdup (a->id), g_free);
      g_object_set_data_full (G_OBJECT (remove), "file-name", g_strdup (a->file_name), g_free);
      g_signal_connect (open, "clicked", G_CALLBACK (on_open_attachment), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_attachment), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->attachments_group, row);
      g_ptr_array_add (self->attachment_rows, row);
    }
}

/* Import: check the file's content, copy it into the blob store (both off the main
 * thread), then add the row. Nothing is attached when any step fails. */
typedef struct
{
  OsRecordWindow *self;
  GFile          *file;
  char           *document_name;  /* the paper it is a copy of, or "" */
  OsImportInfo   *info;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->self);
  g_object_unref (import->file);
  g_free (import->document_name);
  g_clear_pointer (&import->info, os_import_info_free);
  g_free (import);
}

static void
on_blob_stored (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Import *import = user_data;
  OsRecordWindow *self = import->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *id = NULL;
  goffset size = 0;

  if (!os_blob_store_put_file_finish (OS_BLOB_STORE (source), result, &sha256, &size, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      import_free (import);
      return;
    }

  id = os_store_add_attachment (self->store, os_record_get_local_id (self->record), import->document_name,
                                import->info->file_name, import->info->mime_type, sha256,
                                size, import->info->pages, g_get_real_time () / G_USEC_PER_SEC,
                                &error);
  if (id == NULL)
    {
      /* Keep the blob store tidy: the file may be nobody's now. */
      if (os_store_count_blob_references (self->store, sha256, NULL) == 0)
        os_blob_store_remove (self->blobs, sha256, NULL);
      toast (self, error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Đã đính kèm %s."), import->info->file_name);
      toast (self, message);
      reload_attachments (self);
    }
  import_free (import);
}

static void
on_import_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Import *import = user_data;
  g_autoptr(GError) error = NULL;

  import->info = os_import_check_file_finish (result, &error);
  if (import->info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (import->self, error->message);
      import_free (import);
      return;
    }
  os_blob_store_put_file_async (import->self->blobs, import->file, import->self->cancellable,
                                on_blob_stored, import);
}

void
os_record_window_attach_file (OsRecordWindow *self,
                              GFile          *file)
{
  os_record_window_attach_document (self, file, NULL);
}

void
os_record_window_attach_document (OsRecordWindow *self,
                                  GFile          *file,
                                  const char     *document_name)
{
  Import *import;

  g_return_if_fail (OS_IS_RECORD_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  import = g_new0 (Import, 1);
  import->self = g_object_ref (self);
  import->file = g_object_ref (file);
  import->document_name = g_strdup (document_name != NULL ? document_name : "");
  os_import_check_file_async (file, OS_IMPORT_DEFAULT_MAX_SIZE, self->cancellable,
                              on_import_checked, import);
}

static gboolean
on_drop (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         OsRecordWindow *self)
{
  GSList *files = g_value_get_boxed (value);

  for (GSList *l = files; l != NULL; l = l->next)
    os_record_window_attach_file (self, l->data);
  return files != NULL;
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     OsRecordWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          os_record_window_attach_file (self, file);
        }
    }
  g_clear_object (&self->chooser);
}

static void
attach_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("PDF và ảnh quét"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  self->chooser = os_ui_file_chooser_show (GTK_WINDOW (self), _("Đính kèm tệp"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                           _("_Đính kèm"), filter, NULL, TRUE, G_CALLBACK (on_chooser_response),
                                           self);
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  OsScanWindow *scan = os_scan_window_new (self, self->record, self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (scan), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (scan));
}

/* Process actions ------------------------------------------------------------ */

static void
present_slip (OsRecordWindow *self,
              OsSlipWindow   *slip)
{
  gtk_window_set_transient_for (GTK_WINDOW (slip), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (slip));
}

static void
print_process_slip (OsRecordWindow *self,
                    OsSlipKind      kind)
{
  g_autoptr(OsAgency) agency = os_store_dup_agency (self->store);
  g_autoptr(OsSlip) slip = NULL;

  switch (kind)
    {
    case OS_SLIP_EXTENSION:
      slip = os_slip_new_extension (self->record, agency);
      break;
    case OS_SLIP_CONTROL:
      slip = os_slip_new_control (self->record, self->definition, agency);
      break;
    case OS_SLIP_SUPPLEMENT:
    case OS_SLIP_REFUSAL:
      {
        /* Mẫu 02 / 03 print the record's reason: here the one the step just gave (a copy,
         * in memory only; the action keeps it in its entry). */
        OsProcessState *state = os_record_get_process_state (self->record);
        g_autoptr(OsRecord) copy = os_store_load_record (self->store, os_record_get_local_id (self->record), NULL);
        OsProcessEntry *last = NULL;

        for (guint i = state && state->entries ? state->entries->len : 0; i > 0 && last == NULL; i--)
          {
            OsProcessEntry *e = g_ptr_array_index (state->entries, i - 1);

            if (!e->rolled_back && e->action != OS_ACTION_ROLLBACK)
              last = e;
          }
        if (copy == NULL)
          copy = g_object_ref (self->record);
        else if (last != NULL && last->reason != NULL && *last->reason != '\0')
          os_record_set_reason (copy, last->reason);
        present_slip (self, os_slip_window_new (self->store, self->settings, copy, kind));
        return;
      }
    default:
      return;
    }
  present_slip (self, os_slip_window_new_for_slip (self->store, self->settings, slip,
                                                   os_record_get_code (self->record)));
}

/* Reads the record again (after an action, or when someone else acted first). */
static void
reload_record (OsRecordWindow *self)
{
  g_autoptr(OsRecord) fresh = os_store_load_record (self->store, os_record_get_local_id (self->record), NULL);

  if (fresh != NULL)
    g_set_object (&self->record, fresh);
  refill (self);
}

static void
on_action_applied (OsActionDialog *dialog,
                   OsRecord       *saved,
                   int             slip,
                   OsRecordWindow *self)
{
  g_autofree char *message = g_strdup_printf (_("Đã thực hiện: %s."),
                                              os_action_to_string (os_action_dialog_get_action (dialog)));

  reload_record (self);
  toast (self, message);
  /* The inbox and the list show where the record went; the engine sends the action. */
  g_signal_emit_by_name (self->store, "records-changed");
  poke_engine (self);
  if (slip >= 0)
    print_process_slip (self, slip);
}

static void
on_action_conflict (OsActionDialog *dialog,
                    OsRecordWindow *self)
{
  reload_record (self);
  os_action_dialog_set_record (dialog, self->record, self->version);
}

static void
on_action_dialog_destroy (OsRecordWindow *self)
{
  self->action_dialog = NULL;
}

OsActionDialog *
os_record_window_open_action (OsRecordWindow *self,
                              OsAction        action)
{
  guint outcomes = 0;
  gboolean offered = FALSE;

  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), NULL);

  for (guint i = 0; self->choices != NULL && i < self->choices->len; i++)
    {
      OsActionChoice *choice = &g_array_index (self->choices, OsActionChoice, i);

      if (choice->action == action)
        {
          offered = TRUE;
          outcomes = choice->outcomes;
        }
    }
  if (!offered)
    return NULL;

  if (self->action_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->action_dialog));
  self->action_dialog = os_action_dialog_new (self->store, self->record, self->version, action, outcomes);
  g_signal_connect_object (self->action_dialog, "applied", G_CALLBACK (on_action_applied), self, 0);
  g_signal_connect_object (self->action_dialog, "conflict", G_CALLBACK (on_action_conflict), self, 0);
  g_signal_connect_object (self->action_dialog, "destroy", G_CALLBACK (on_action_dialog_destroy), self,
                           G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (self->action_dialog), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (self->action_dialog));
  return self->action_dialog;
}

char **
os_record_window_dup_offered_actions (OsRecordWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->process_actions));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      if (button != NULL && gtk_widget_get_visible (child))
        g_strv_builder_add (builder, gtk_widget_get_name (button));
    }
  return g_strv_builder_end (builder);
}

OsRecord *
os_record_window_get_record (OsRecordWindow *self)
{
  g_return_val_if_fail (OS_IS_RECORD_WINDOW (self), NULL);

  return self->record;
}

/* Enter on a focused cell of the action buttons presses its button. */
static void
on_process_child_activated (GtkFlowBox      *box,
                            GtkFlowBoxChild *child,
                            OsRecordWindow  *self)
{
  GtkWidget *button = gtk_flow_box_child_get_child (child);

  if (button != NULL)
    gtk_widget_activate (button);
}

static void
process_action_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  OsAction action;

  if (os_action_from_id (g_variant_get_string (parameter, NULL), &action))
    os_record_window_open_action (self, action);
}

static void
forward_action_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  OsRecordWindow *self = OS_RECORD_WINDOW (widget);
  OsAction action = forward_action (self);

  if (action != OS_ACTION_NONE && !self->editing)
    os_record_window_open_action (self, action);
}

static void
print_control_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  print_process_slip (OS_RECORD_WINDOW (widget), OS_SLIP_CONTROL);
}

static void
print_extension_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  print_process_slip (OS_RECORD_WINDOW (widget), OS_SLIP_EXTENSION);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  os_ui_file_chooser_clear (&self->chooser, self);
  g_clear_handle_id (&self->refill_id, g_source_remove);
  if (self->action_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->action_dialog, self);
      gtk_window_destroy (GTK_WINDOW (self->action_dialog));
      self->action_dialog = NULL;
    }
  g_clear_pointer (&self->choices, g_array_unref);
  g_clear_object (&self->definition);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_RECORD_WINDOW);
  g_clear_pointer (&self->attachment_rows, g_ptr_array_unref);
  g_clear_pointer (&self->info_rows, g_ptr_array_unref);
  g_clear_object (&self->engine);
  g_clear_object (&self->blobs);
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
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, process_box);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, process_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, process_actions);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, process_hint);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, process_history_group);
  gtk_widget_class_bind_template_callback (widget_class, on_process_child_activated);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, attachments_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, print_button);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, print_menu_button);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, edit_group);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, edit_error);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, id_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, birth_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, phone_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, email_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, notes_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, channel_row);
  gtk_widget_class_bind_template_child (widget_class, OsRecordWindow, delivery_row);

  gtk_widget_class_install_action (widget_class, "record.print-slip", NULL, print_slip_action);
  gtk_widget_class_install_action (widget_class, "record.process-action", "s", process_action_action);
  gtk_widget_class_install_action (widget_class, "record.forward", NULL, forward_action_action);
  gtk_widget_class_install_action (widget_class, "record.print-control", NULL, print_control_action);
  gtk_widget_class_install_action (widget_class, "record.print-extension", NULL, print_extension_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "record.forward", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "record.forward", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "record.print-control", NULL);
  gtk_widget_class_install_action (widget_class, "record.attach", NULL, attach_action);
  gtk_widget_class_install_action (widget_class, "record.scan", NULL, scan_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "record.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "record.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "record.print-slip", NULL);
  gtk_widget_class_install_action (widget_class, "record.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "record.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "record.cancel-edit", NULL, cancel_edit_action);
  gtk_widget_class_install_action (widget_class, "record.escape", NULL, escape_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "record.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "record.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "record.escape", NULL);
}

static void
os_record_window_init (OsRecordWindow *self)
{
  GtkDropTarget *drop;

  self->attachment_rows = g_ptr_array_new ();
  self->info_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
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
  {
    /* Files live beside the database, so a desk's data stays in one folder. */
    g_autofree char *dir = g_path_get_dirname (os_store_get_path (store));
    g_autofree char *root = g_build_filename (dir, "blobs", NULL);

    self->blobs = os_blob_store_new (root);
  }
  fill (self);
  update_actions (self);
  reload_attachments (self);
  g_signal_connect_object (store, "sync-changed", G_CALLBACK (update_sync_row), self, G_CONNECT_SWAPPED);

  return self;
}
