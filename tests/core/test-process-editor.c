/* test-process-editor.c: undoable commands of the process designer (os-process-editor).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-process-editor.h"
#include "os-process-layout.h"
#include "process-demo.h"

static char *
snapshot (OsProcessEditor *editor)
{
  return os_process_to_data (os_process_editor_get_process (editor));
}

/* Undoes everything and checks each state against the recorded ones, then redoes it all. */
static void
assert_undo_redo (OsProcessEditor *editor,
                  GPtrArray       *states)   /* states[0] before the first command */
{
  for (guint i = states->len - 1; i > 0; i--)
    {
      g_autofree char *now = NULL;

      g_assert_true (os_process_editor_undo (editor));
      now = snapshot (editor);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i - 1));
    }
  g_assert_false (os_process_editor_can_undo (editor));
  g_assert_false (os_process_editor_undo (editor));
  for (guint i = 1; i < states->len; i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (os_process_editor_redo (editor));
      now = snapshot (editor);
      g_assert_cmpstr (now, ==, g_ptr_array_index (states, i));
    }
  g_assert_false (os_process_editor_can_redo (editor));
}

static void
count (gpointer  object,
       guint    *counter)
{
  (*counter)++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *counter)
{
  (*counter)++;
}

static void
test_every_command (void)
{
  g_autoptr(OsProcess) process = os_process_new ("Mới");
  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(OsProcessStep) edited = NULL;
  g_autoptr(OsProcessLink) link = NULL;
  const char *procedures[] = { "p1", "p2", NULL };
  const char *a, *b, *c, *l1, *l2;
  char *ida, *idb, *idc;
  guint changed = 0;

  g_signal_connect (editor, "changed", G_CALLBACK (count), &changed);
  g_assert_true (os_process_editor_get_process (editor) == process);
  g_ptr_array_add (states, snapshot (editor));

  a = os_process_editor_add_step (editor, "Tiếp nhận", OS_ROLE_RECEPTION, OS_STEP_CAN_HAND_OVER, 1, 0, 0);
  ida = g_strdup (a);
  g_assert_cmpstr (ida, ==, "s1");
  g_assert_cmpstr (os_process_get_start (process), ==, "s1");
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: thêm bước");
  g_ptr_array_add (states, snapshot (editor));
  b = os_process_editor_add_step (editor, "Thụ lý", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 4, 240, 0);
  idb = g_strdup (b);
  g_ptr_array_add (states, snapshot (editor));
  c = os_process_editor_add_step (editor, "Trả kết quả", OS_ROLE_RECEPTION, OS_STEP_CAN_RETURN, 1, 480, 0);
  idc = g_strdup (c);
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_move_step (editor, idb, 250, 30, FALSE));
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: di chuyển bước");
  g_assert_false (os_process_editor_move_step (editor, idb, 250, 30, FALSE));   /* no change */
  g_assert_false (os_process_editor_move_step (editor, "zz", 1, 1, FALSE));
  g_ptr_array_add (states, snapshot (editor));

  edited = os_process_step_copy (os_process_find_step (process, idb));
  g_free (edited->name);
  edited->name = g_strdup ("Thụ lý hồ sơ");
  edited->budget = 6;
  edited->abilities |= OS_STEP_CAN_PAUSE_PAYMENT;
  edited->x = 9999;   /* ignored: moving is its own command */
  g_assert_true (os_process_editor_set_step (editor, edited));
  g_assert_false (os_process_editor_set_step (editor, edited));
  g_assert_cmpfloat (os_process_find_step (process, idb)->x, ==, 250);
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: sửa bước");
  g_ptr_array_add (states, snapshot (editor));

  l1 = os_process_editor_connect (editor, ida, idb, OS_OUTCOME_ACCEPT);
  g_assert_cmpstr (l1, ==, "l1");
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: nối bước");
  g_ptr_array_add (states, snapshot (editor));
  l2 = os_process_editor_connect (editor, idb, idc, OS_OUTCOME_ACCEPT);
  g_assert_cmpstr (l2, ==, "l2");
  g_ptr_array_add (states, snapshot (editor));
  g_assert_null (os_process_editor_connect (editor, idb, idb, OS_OUTCOME_REFUSE));
  g_assert_null (os_process_editor_connect (editor, idb, "zz", OS_OUTCOME_REFUSE));

  /* A second accept from b retargets the first: one command, no new link. */
  g_assert_null (os_process_editor_connect (editor, idb, ida, OS_OUTCOME_ACCEPT));
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 2);
  g_assert_cmpstr (os_process_find_link (process, "l2")->to, ==, ida);
  g_ptr_array_add (states, snapshot (editor));

  link = os_process_link_copy (os_process_find_link (process, "l2"));
  g_free (link->to);
  link->to = g_strdup (idc);
  link->outcome = OS_OUTCOME_REFUSE;
  g_assert_true (os_process_editor_set_link (editor, link));
  g_assert_false (os_process_editor_set_link (editor, link));
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: sửa đường nối");
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_set_start (editor, idb));
  g_assert_false (os_process_editor_set_start (editor, idb));
  g_assert_false (os_process_editor_set_start (editor, "zz"));
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_rename (editor, "Quy trình A"));
  g_assert_false (os_process_editor_rename (editor, "Quy trình A"));
  g_assert_cmpstr (os_process_get_name (process), ==, "Quy trình A");
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_set_procedures (editor, procedures));
  g_assert_false (os_process_editor_set_procedures (editor, procedures));
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_remove_link (editor, "l1"));
  g_assert_false (os_process_editor_remove_link (editor, "l1"));
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: xoá đường nối");
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_tidy (editor));
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: sắp xếp lại");
  g_ptr_array_add (states, snapshot (editor));

  g_assert_true (os_process_editor_remove_step (editor, idb));   /* the start, with l2 */
  g_assert_false (os_process_editor_remove_step (editor, idb));
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: xoá bước");
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 0);
  g_ptr_array_add (states, snapshot (editor));

  g_assert_cmpuint (changed, ==, states->len - 1);
  assert_undo_redo (editor, states);
  g_assert_cmpuint (changed, ==, 3 * (states->len - 1));
  g_assert_cmpstr (os_process_editor_get_redo_label (editor), ==, "Làm lại");

  /* A new command after undo forgets the redo stack. */
  g_assert_true (os_process_editor_undo (editor));
  g_assert_true (os_process_editor_can_redo (editor));
  g_assert_cmpstr (os_process_editor_get_redo_label (editor), ==, "Làm lại: xoá bước");
  os_process_editor_rename (editor, "Khác");
  g_assert_false (os_process_editor_can_redo (editor));

  g_free (ida);
  g_free (idb);
  g_free (idc);
}

static void
test_remove_step_restores_links (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
  g_autofree char *before = snapshot (editor);
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *redone = NULL;

  /* Thụ lý has six links, spread over the list. */
  g_assert_true (os_process_editor_remove_step (editor, "s3"));
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 11 - 6);
  after = snapshot (editor);
  g_assert_true (os_process_editor_undo (editor));
  undone = snapshot (editor);
  g_assert_cmpstr (undone, ==, before);     /* same links at the same positions */
  g_assert_cmpint (os_process_link_position (process, "l10"), ==, 9);
  g_assert_true (os_process_editor_redo (editor));
  redone = snapshot (editor);
  g_assert_cmpstr (redone, ==, after);

  /* The start step: the start comes back with it. */
  g_assert_true (os_process_editor_remove_step (editor, "s1"));
  g_assert_cmpstr (os_process_get_start (process), ==, "s2");
  g_assert_true (os_process_editor_undo (editor));
  g_assert_cmpstr (os_process_get_start (process), ==, "s1");
  g_assert_cmpint (os_process_step_position (process, "s1"), ==, 0);
}

static void
test_merge_moves (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
  g_autofree char *before = snapshot (editor);
  g_autofree char *now = NULL;

  /* One drag: many moves, one command. */
  for (int i = 1; i <= 20; i++)
    g_assert_true (os_process_editor_move_step (editor, "s2", 240 + i, i * 2, TRUE));
  g_assert_cmpfloat (os_process_find_step (process, "s2")->x, ==, 260);
  /* Another step does not merge into it. */
  g_assert_true (os_process_editor_move_step (editor, "s3", 500, 10, TRUE));
  g_assert_true (os_process_editor_undo (editor));
  g_assert_cmpfloat (os_process_find_step (process, "s3")->x, ==, 480);
  g_assert_cmpfloat (os_process_find_step (process, "s2")->x, ==, 260);
  g_assert_true (os_process_editor_undo (editor));
  g_assert_false (os_process_editor_can_undo (editor));
  now = snapshot (editor);
  g_assert_cmpstr (now, ==, before);

  /* merge FALSE: two commands. */
  g_assert_true (os_process_editor_move_step (editor, "s2", 10, 10, FALSE));
  g_assert_true (os_process_editor_move_step (editor, "s2", 20, 20, FALSE));
  g_assert_true (os_process_editor_undo (editor));
  g_assert_cmpfloat (os_process_find_step (process, "s2")->x, ==, 10);
}

static void
test_group (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
  g_autofree char *before = snapshot (editor);
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;
  char *id;

  os_process_editor_begin_group (editor, "dán");
  id = g_strdup (os_process_editor_add_step (editor, "Bản sao", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 1, 50, 300));
  os_process_editor_begin_group (editor, "bên trong");    /* nested: joins the outer one */
  os_process_editor_connect (editor, "s2", id, OS_OUTCOME_REFUSE);
  os_process_editor_connect (editor, id, "s6", OS_OUTCOME_ACCEPT);
  os_process_editor_end_group (editor);
  g_assert_false (os_process_editor_can_undo (editor));   /* still open */
  os_process_editor_move_step (editor, id, 60, 300, TRUE);
  os_process_editor_end_group (editor);

  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: dán");
  after = snapshot (editor);
  g_assert_true (os_process_editor_undo (editor));
  now = snapshot (editor);
  g_assert_cmpstr (now, ==, before);
  g_assert_false (os_process_editor_can_undo (editor));
  g_assert_true (os_process_editor_redo (editor));
  g_clear_pointer (&now, g_free);
  now = snapshot (editor);
  g_assert_cmpstr (now, ==, after);
  g_assert_cmpfloat (os_process_find_step (process, id)->x, ==, 60);

  /* An empty group leaves nothing. */
  os_process_editor_begin_group (editor, "rỗng");
  os_process_editor_end_group (editor);
  g_assert_cmpstr (os_process_editor_get_undo_label (editor), ==, "Hoàn tác: dán");
  g_free (id);
}

static void
test_dirty (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
  guint dirty_notes = 0, undo_notes = 0;
  gboolean dirty = TRUE;
  g_autofree char *label = NULL;

  g_signal_connect (editor, "notify::dirty", G_CALLBACK (count_notify), &dirty_notes);
  g_signal_connect (editor, "notify::can-undo", G_CALLBACK (count_notify), &undo_notes);

  g_assert_false (os_process_editor_is_dirty (editor));
  os_process_editor_rename (editor, "A");
  g_assert_true (os_process_editor_is_dirty (editor));
  g_assert_cmpuint (dirty_notes, ==, 1);
  g_assert_cmpuint (undo_notes, ==, 1);
  g_object_get (editor, "dirty", &dirty, "undo-label", &label, NULL);
  g_assert_true (dirty);
  g_assert_cmpstr (label, ==, "Hoàn tác: đổi tên quy trình");

  os_process_editor_mark_saved (editor);
  g_assert_false (os_process_editor_is_dirty (editor));
  g_assert_cmpuint (dirty_notes, ==, 2);

  /* A move after saving does not merge into a saved command; undo back to saved = clean. */
  os_process_editor_move_step (editor, "s1", 5, 5, TRUE);
  g_assert_true (os_process_editor_is_dirty (editor));
  os_process_editor_move_step (editor, "s1", 6, 6, TRUE);
  os_process_editor_mark_saved (editor);
  os_process_editor_move_step (editor, "s1", 7, 7, TRUE);   /* not merged into the saved one */
  g_assert_true (os_process_editor_is_dirty (editor));
  os_process_editor_undo (editor);
  g_assert_false (os_process_editor_is_dirty (editor));
  g_assert_cmpfloat (os_process_find_step (process, "s1")->x, ==, 6);
  os_process_editor_undo (editor);
  g_assert_true (os_process_editor_is_dirty (editor));
  os_process_editor_redo (editor);
  g_assert_false (os_process_editor_is_dirty (editor));

  /* Undo past the save, then something else: dirty for good. */
  os_process_editor_undo (editor);
  os_process_editor_rename (editor, "B");
  g_assert_true (os_process_editor_is_dirty (editor));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process-editor/every-command", test_every_command);
  g_test_add_func ("/process-editor/remove-step-restores-links", test_remove_step_restores_links);
  g_test_add_func ("/process-editor/merge-moves", test_merge_moves);
  g_test_add_func ("/process-editor/group", test_group);
  g_test_add_func ("/process-editor/dirty", test_dirty);

  return g_test_run ();
}
