/* test-inbox.c: the inbox page ("Việc cần xử lý"), the record window's process section
 * and the action dialog, in a real (Xvfb) window, on the demo data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "os-action-dialog.h"
#include "os-datetime.h"
#include "os-demo.h"
#include "os-error.h"
#include "os-inbox-page.h"
#include "os-record-window.h"
#include "os-slip-window.h"
#include "os-store-process.h"
#include "desk-test.h"
#include "os-test-util.h"

typedef DeskTestFixture Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  desk_test_fixture_open (f, "onestop-inbox-XXXXXX");
  g_assert_true (os_demo_populate (f->store, 300, 20, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  desk_test_fixture_close (f);
}

static OsInboxPage *
show_inbox (Fixture *f)
{
  GtkWidget *page = g_object_new (OS_TYPE_INBOX_PAGE, NULL);

  os_inbox_page_set_store (OS_INBOX_PAGE (page), f->store);
  desk_test_show (GTK_WINDOW (f->window), page);
  return OS_INBOX_PAGE (page);
}

/* An actor with only @role, in the demo agency's unit. */
static void
act_as (Fixture    *f,
        const char *role)
{
  const OsActor *standalone = os_store_get_actor (f->store);
  const char *roles[] = { role, NULL };
  g_autoptr(OsActor) actor = os_actor_new ("test-officer", "Cán bộ thử", roles,
                                           (const char * const *) standalone->units, "desk-test");

  os_store_set_actor (f->store, actor);
}

static gboolean
model_has (GListModel *model,
           const char *record_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);

      if (g_strcmp0 (os_record_get_id (record), record_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The first record of the inbox whose engine actions include @action. */
static OsRecord *
find_with_action (Fixture    *f,
                  GListModel *model,
                  OsAction    action)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
      OsProcessState *state = os_record_get_process_state (record);
      g_autoptr(OsProcess) definition = os_store_load_process (f->store, state->process_id,
                                                               state->process_version, NULL);
      g_autoptr(GArray) choices = os_process_engine_list_actions (definition, record,
                                                                  os_store_get_actor (f->store),
                                                                  g_get_real_time () / G_USEC_PER_SEC);

      for (guint j = 0; choices != NULL && j < choices->len; j++)
        if (g_array_index (choices, OsActionChoice, j).action == action)
          return g_steal_pointer (&record);
    }
  return NULL;
}

static OsRecordWindow *
open_record (Fixture  *f,
             OsRecord *record)
{
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);

  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  desk_test_iterate ();
  return window;
}

/* The first record of @page offering @action (in *@record), opened in its window (in
 * *@window) with the dialog of @action. */
static OsActionDialog *
open_action (Fixture         *f,
             OsInboxPage     *page,
             OsAction         action,
             OsRecord       **record,
             OsRecordWindow **window)
{
  OsActionDialog *dialog;

  *record = find_with_action (f, os_inbox_page_get_model (page), action);
  g_assert_nonnull (*record);
  *window = open_record (f, *record);
  dialog = os_record_window_open_action (*window, action);
  g_assert_nonnull (dialog);
  return dialog;
}

static void
test_inbox_lists_waiting (Fixture       *f,
                          gconstpointer  data)
{
  OsInboxPage *page = show_inbox (f);
  GListModel *model = os_inbox_page_get_model (page);
  guint n = g_list_model_get_n_items (model);

  /* The standalone officer holds every role: every record under way waits here. */
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, ==, MIN (500, os_store_count_inbox (f->store, os_store_get_actor (f->store))));
  g_assert_cmpuint (os_inbox_page_get_count (page), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
      OsProcessState *state = os_record_get_process_state (record);

      g_assert_nonnull (state);
      g_assert_nonnull (state->step_id);
      g_assert_cmpstr (state->step_id, !=, "");
    }

  /* A leader sees only what waits at the signing step. */
  act_as (f, OS_ROLE_LEADER);
  os_inbox_page_reload (page);
  g_assert_cmpuint (os_inbox_page_get_count (page), <, n);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);

      g_assert_cmpstr (os_record_get_process_state (record)->step_role, ==, OS_ROLE_LEADER);
    }

  /* Nobody's inbox: the empty state. */
  act_as (f, OS_ROLE_SUPERVISOR);
  os_inbox_page_reload (page);
  g_assert_cmpuint (os_inbox_page_get_count (page), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (page), OS_TYPE_INBOX_PAGE, "stack"))),
                   ==, "empty");
}

static void
test_record_offers_engine_actions (Fixture       *f,
                                   gconstpointer  data)
{
  OsInboxPage *page = show_inbox (f);
  GListModel *model = os_inbox_page_get_model (page);
  guint checked = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model) && checked < 12; i += 7, checked++)
    {
      g_autoptr(OsRecord) record = g_list_model_get_item (model, i);
      OsProcessState *state = os_record_get_process_state (record);
      g_autoptr(OsProcess) definition = os_store_load_process (f->store, state->process_id,
                                                               state->process_version, NULL);
      g_autoptr(GArray) choices = os_process_engine_list_actions (definition, record, os_store_get_actor (f->store),
                                                                  g_get_real_time () / G_USEC_PER_SEC);
      OsRecordWindow *window = open_record (f, record);
      g_auto(GStrv) offered = os_record_window_dup_offered_actions (window);

      g_assert_nonnull (choices);
      g_assert_cmpuint (g_strv_length (offered), ==, choices->len);
      for (guint j = 0; j < choices->len; j++)
        g_assert_cmpstr (offered[j], ==, os_action_to_id (g_array_index (choices, OsActionChoice, j).action));
      /* An action the engine does not offer opens nothing. */
      if (!g_strv_contains ((const char * const *) offered, "extend"))
        g_assert_null (os_record_window_open_action (window, OS_ACTION_EXTEND));
      gtk_window_destroy (GTK_WINDOW (window));
    }
  g_assert_cmpuint (checked, >, 0);

  /* A leader's record at the signing step offers signing with its outcomes. */
  act_as (f, OS_ROLE_LEADER);
  os_inbox_page_reload (page);
  {
    g_autoptr(OsRecord) record = find_with_action (f, model, OS_ACTION_SIGN);
    OsRecordWindow *window;
    g_auto(GStrv) offered = NULL;
    OsActionDialog *dialog;

    g_assert_nonnull (record);
    window = open_record (f, record);
    offered = os_record_window_dup_offered_actions (window);
    g_assert_true (g_strv_contains ((const char * const *) offered, "sign"));
    g_assert_false (g_strv_contains ((const char * const *) offered, "assign"));
    g_assert_false (g_strv_contains ((const char * const *) offered, "return"));
    dialog = os_record_window_open_action (window, OS_ACTION_SIGN);
    g_assert_nonnull (dialog);
    g_assert_true (os_action_dialog_field_visible (dialog, "outcome"));
    g_assert_true (os_action_dialog_set_outcome (dialog, OS_OUTCOME_ACCEPT));
    g_assert_false (os_action_dialog_set_outcome (dialog, OS_OUTCOME_SUPPLEMENT));
    g_assert_false (os_action_dialog_field_visible (dialog, "reason"));
    g_assert_true (os_action_dialog_set_outcome (dialog, OS_OUTCOME_REWORK));
    /* Sending back asks why, and refuses without it. */
    g_assert_true (os_action_dialog_field_visible (dialog, "reason"));
    g_assert_false (os_action_dialog_apply (dialog));
    g_assert_cmpstr (os_action_dialog_get_error (dialog), ==, "Hãy ghi rõ lý do.");
  }
}

static void
test_action_moves_record (Fixture       *f,
                          gconstpointer  data)
{
  OsInboxPage *page;
  GListModel *model;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) saved = NULL;
  OsRecordWindow *window;
  OsActionDialog *dialog;
  guint before;
  const char *id;

  act_as (f, OS_ROLE_LEADER);
  page = show_inbox (f);
  model = os_inbox_page_get_model (page);
  before = os_inbox_page_get_count (page);
  dialog = open_action (f, page, OS_ACTION_SIGN, &record, &window);
  id = os_record_get_id (record);
  g_assert_true (os_action_dialog_set_outcome (dialog, OS_OUTCOME_ACCEPT));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_true (os_action_dialog_apply (dialog));
  /* Done: the dialog closed itself. */
  desk_test_iterate ();
  g_assert_null (dialog);

  /* Signed: at the return step (reception), no longer the leader's. */
  saved = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  g_assert_nonnull (saved);
  g_assert_cmpstr (os_record_get_process_state (saved)->step_role, ==, OS_ROLE_RECEPTION);
  g_assert_cmpstr (os_record_get_process_state (os_record_window_get_record (window))->step_id, ==,
                   os_record_get_process_state (saved)->step_id);

  /* The inbox follows the store's records-changed (debounced). */
  while (os_inbox_page_get_count (page) == before)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (os_inbox_page_get_count (page), ==, before - 1);
  g_assert_false (model_has (model, id));
}

static void
test_conflict_keeps_input (Fixture       *f,
                           gconstpointer  data)
{
  OsInboxPage *page = show_inbox (f);
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsActionRequest) other = NULL;
  g_autoptr(OsRecord) moved = NULL;
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window;
  OsActionDialog *dialog;
  gint64 version;

  dialog = open_action (f, page, OS_ACTION_WITHDRAW, &record, &window);
  g_assert_true (os_action_dialog_field_visible (dialog, "reason"));
  os_action_dialog_set_field (dialog, "reason", "Công dân xin rút hồ sơ để bổ sung sau");

  /* Someone else acts first (as a pulled change would): the record moves on. */
  version = os_store_get_record_version (f->store, os_record_get_id (record));
  other = os_action_request_new (OS_ACTION_STOP);
  other->at = g_get_real_time () / G_USEC_PER_SEC;
  other->reason = g_strdup ("Dừng theo yêu cầu của cơ quan có thẩm quyền");
  moved = os_store_apply_action (f->store, os_record_get_id (record), version, other, &error);
  g_assert_no_error (error);
  g_assert_nonnull (moved);

  g_assert_false (os_action_dialog_apply (dialog));
  g_assert_nonnull (strstr (os_action_dialog_get_error (dialog), "Người khác vừa xử lý hồ sơ này trước bạn"));
  /* What was typed is still there; the window shows the record as it is now. */
  g_assert_cmpstr (os_action_dialog_get_field (dialog, "reason"), ==, "Công dân xin rút hồ sơ để bổ sung sau");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (os_record_get_status (os_record_window_get_record (window)), ==, OS_STATUS_STOPPED);
  {
    g_autoptr(OsRecord) stored = os_store_load_record (f->store, os_record_get_local_id (record), NULL);

    g_assert_cmpint (os_record_get_status (stored), ==, OS_STATUS_STOPPED);
  }

  /* Redone on the record as it stands: the engine says why not. */
  g_assert_false (os_action_dialog_apply (dialog));
  g_assert_nonnull (os_action_dialog_get_error (dialog));
  g_assert_null (strstr (os_action_dialog_get_error (dialog), "Người khác vừa xử lý hồ sơ này trước bạn"));
}

static void
test_extend_offers_apology (Fixture       *f,
                            gconstpointer  data)
{
  OsInboxPage *page = show_inbox (f);
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autofree char *new_due = NULL;
  OsRecordWindow *window;
  OsActionDialog *dialog;
  OsSlipWindow *slip;
  OsProcessState *state;
  GDate date;

  dialog = open_action (f, page, OS_ACTION_EXTEND, &record, &window);
  g_assert_true (os_action_dialog_field_visible (dialog, "new-due"));
  g_assert_true (os_action_dialog_field_visible (dialog, "reason"));
  g_assert_true (os_action_dialog_field_visible (dialog, "print"));
  g_assert_false (os_action_dialog_field_visible (dialog, "outcome"));
  g_assert_false (os_action_dialog_field_visible (dialog, "assignee"));

  os_action_dialog_set_field (dialog, "reason", "Cần xác minh thêm tại nơi cư trú");
  os_action_dialog_set_field (dialog, "new-due", "31/02/2026");
  g_assert_false (os_action_dialog_apply (dialog));
  g_assert_nonnull (strstr (os_action_dialog_get_error (dialog), "dd/mm/yyyy"));

  date = os_datetime_local_date (os_record_get_due_at (record));
  g_date_add_days (&date, 7);
  new_due = os_date_format (&date);
  os_action_dialog_set_field (dialog, "new-due", new_due);
  g_assert_true (os_action_dialog_apply (dialog));
  desk_test_iterate ();

  saved = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  state = os_record_get_process_state (saved);
  g_assert_true (state->extended);
  g_assert_cmpint (state->original_due_at, ==, os_record_get_due_at (record));
  g_assert_cmpint (os_record_get_due_at (saved), >, os_record_get_due_at (record));
  /* Mẫu 04 offered (the switch is on by default): its preview is open. */
  slip = desk_test_find_toplevel (OS_TYPE_SLIP_WINDOW);
  g_assert_nonnull (slip);
  g_assert_cmpint (os_slip_get_kind (os_slip_window_get_slip (slip)), ==, OS_SLIP_EXTENSION);
}

static void
test_supplement_prints_reason (Fixture       *f,
                               gconstpointer  data)
{
  static const char * const tools[] = { "pdftotext", NULL };
  OsInboxPage *page;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window;
  OsActionDialog *dialog;
  OsSlipWindow *slip;

  if (!os_test_have_tools (tools, "poppler-utils is not installed"))
    return;

  /* The standalone officer (every role: a head may act on an assigned step). */
  page = show_inbox (f);
  dialog = open_action (f, page, OS_ACTION_PROCESS, &record, &window);
  g_assert_true (os_action_dialog_set_outcome (dialog, OS_OUTCOME_SUPPLEMENT));
  g_assert_true (os_action_dialog_field_visible (dialog, "reason"));
  g_assert_true (os_action_dialog_field_visible (dialog, "print"));
  os_action_dialog_set_field (dialog, "reason", "Thiếu bản sao giấy chứng nhận quyền sử dụng đất");
  g_assert_true (os_action_dialog_apply (dialog));
  desk_test_iterate ();

  /* Paused for the supplement (status 5), out of the specialist's hands. */
  saved = os_store_load_record (f->store, os_record_get_local_id (record), NULL);
  g_assert_cmpint (os_record_get_status (saved), ==, OS_STATUS_SUPPLEMENT);
  g_assert_cmpint (os_record_get_process_state (saved)->pause, ==, OS_PAUSE_SUPPLEMENT);

  /* Mẫu 02 is open, with the reason the specialist gave. */
  slip = desk_test_find_toplevel (OS_TYPE_SLIP_WINDOW);
  g_assert_nonnull (slip);
  g_assert_cmpint (os_slip_get_kind (os_slip_window_get_slip (slip)), ==, OS_SLIP_SUPPLEMENT);
  path = g_build_filename (f->dir, "mau-02.pdf", NULL);
  g_assert_true (os_slip_export_pdf (os_slip_window_get_slip (slip), path, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { "pdftotext", path, "-", NULL };
    g_autofree char *raw = os_test_run_tool (argv);
    g_auto(GStrv) words = g_strsplit_set (raw, " \t\r\n\f", -1);
    g_autofree char *joined = NULL;
    GString *all = g_string_new (NULL);

    for (int i = 0; words[i] != NULL; i++)
      if (*words[i] != '\0')
        g_string_append_printf (all, "%s%s", all->len ? " " : "", words[i]);
    joined = g_string_free (all, FALSE);
    text = g_utf8_normalize (joined, -1, G_NORMALIZE_NFC);
  }
  g_assert_nonnull (strstr (text, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"));
  g_assert_nonnull (strstr (text, "Thiếu bản sao giấy chứng nhận quyền sử dụng đất"));
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add ("/inbox/lists-waiting", Fixture, NULL, fixture_set_up, test_inbox_lists_waiting, fixture_tear_down);
  g_test_add ("/inbox/record-offers-engine-actions", Fixture, NULL, fixture_set_up,
              test_record_offers_engine_actions, fixture_tear_down);
  g_test_add ("/inbox/action-moves-record", Fixture, NULL, fixture_set_up, test_action_moves_record, fixture_tear_down);
  g_test_add ("/inbox/extend-offers-apology", Fixture, NULL, fixture_set_up, test_extend_offers_apology,
              fixture_tear_down);
  g_test_add ("/inbox/supplement-prints-reason", Fixture, NULL, fixture_set_up, test_supplement_prints_reason,
              fixture_tear_down);
  g_test_add ("/inbox/conflict-keeps-input", Fixture, NULL, fixture_set_up, test_conflict_keeps_input, fixture_tear_down);

  return g_test_run ();
}
