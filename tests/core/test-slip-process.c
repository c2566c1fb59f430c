/* test-slip-process.c: Mẫu 04 (apology and new appointment), Mẫu 05 (process control
 * slip) and Mẫu 06 (tracking book), written to PDF and read back with pdftotext/pdfinfo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <cairo-pdf.h>

#include "os-slip-process.h"
#include "os-test-util.h"
#include "slip-test.h"

static const char * const tools[] = { "pdftotext", "pdfinfo", NULL };
#define TOOLS_MISSING "poppler-utils is not installed"

#define CODE "000.00.06.H56-231027-0361"
#define APPLICANT "Nguyễn Thị Ánh Tuyết"

static OsRecord *
make_record (const char *code,
             int         day)
{
  OsRecord *record = os_record_new ();

  os_record_set_code (record, code);
  os_record_set_procedure (record, "proc-1", "1.001193.000.00.00.H29", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_applicant_name (record, APPLICANT);
  os_record_set_phone (record, "0912 345 678");
  os_record_set_address (record, "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình");
  os_record_set_sets (record, 1);
  os_record_set_officer (record, "Trần Văn Hùng");
  os_record_set_received_at (record, slip_test_instant (2023, 10, day, 8, 15));
  os_record_set_due_at (record, slip_test_instant (2023, 11, 1, 16, 30));
  os_record_set_status (record, OS_STATUS_PROCESSING);

  return record;
}

/* ONESTOP_TEST_KEEP=1 keeps the PDFs to look at. */
static void
done_with (const char *dir)
{
  if (g_getenv ("ONESTOP_TEST_KEEP") == NULL)
    os_test_remove_tree (dir);
  else
    g_test_message ("kept %s", dir);
}

static OsProcess *
make_process (void)
{
  OsProcess *process = os_process_new ("Quy trình thử");
  const struct { const char *id, *name, *role; } steps[] = {
    { "s1", "Tiếp nhận", OS_ROLE_RECEPTION },
    { "s2", "Phân công", OS_ROLE_HEAD },
    { "s3", "Thụ lý", OS_ROLE_SPECIALIST },
    { "s4", "Ký duyệt", OS_ROLE_LEADER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      OsProcessStep step = { .id = (char *) steps[i].id, .name = (char *) steps[i].name,
                             .unit = (char *) "", .role = (char *) steps[i].role,
                             .budget = 2, .abilities = OS_STEP_CAN_HAND_OVER };

      os_process_insert_step (process, -1, &step);
    }
  return process;
}

static void
add_entry (OsProcessState *state,
           OsAction        action,
           gint64          at,
           const char     *from,
           const char     *to,
           const char     *assignee,
           const char     *reason,
           gint64          step_due_at,
           gboolean        rolled_back)
{
  OsProcessEntry *entry = g_new0 (OsProcessEntry, 1);

  entry->seq = state->entries->len + 1;
  entry->action = action;
  entry->at = at;
  entry->actor = g_strdup ("hung");
  entry->actor_name = g_strdup ("Trần Văn Hùng");
  entry->desk = g_strdup ("");
  entry->from_step = g_strdup (from);
  entry->to_step = g_strdup (to);
  entry->assignee = g_strdup (assignee);
  entry->reason = g_strdup (reason);
  entry->note = g_strdup ("");
  entry->step_due_at = step_due_at;
  entry->rolled_back = rolled_back;
  entry->before = g_strdup ("");
  g_ptr_array_add (state->entries, entry);
}

static OsProcessState *
new_state (void)
{
  OsProcessState *state = os_process_state_new ();

  if (state->entries == NULL)
    state->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_entry_free);
  g_free (state->step_id);
  state->step_id = g_strdup ("s4");
  g_free (state->step_name);
  state->step_name = g_strdup ("Ký duyệt");
  return state;
}

/* Writes @slip with a plain cairo PDF surface (what the desk's export does too, through
 * os_slip_export_pdf) and returns the path. */
static char *
write_pdf (OsSlip     *slip,
           const char *dir,
           const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  double width, height;
  cairo_surface_t *surface;

  os_slip_get_page_size (slip, &width, &height);
  surface = cairo_pdf_surface_create (path, width, height);
  for (int page = 0; page < os_slip_get_n_pages (slip); page++)
    {
      cairo_t *cr = cairo_create (surface);

      os_slip_draw_page (slip, cr, page);
      cairo_show_page (cr);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
    }
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return path;
}

static void
test_extension (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsRecord) record = make_record (CODE, 27);
  g_autoptr(OsSlip) slip = NULL;
  OsProcessState *state = new_state ();

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  state->extended = TRUE;
  state->original_due_at = slip_test_instant (2023, 11, 1, 16, 30);
  state->extension_reason = g_strdup ("Cần xác minh thêm thông tin tại nơi cư trú");
  os_record_set_due_at (record, slip_test_instant (2023, 11, 8, 16, 30));
  os_record_take_process_state (record, state);

  slip = os_slip_new_extension (record, agency);
  g_assert_cmpint (os_slip_get_kind (slip), ==, OS_SLIP_EXTENSION);
  g_assert_cmpstr (os_slip_get_title (slip), ==, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
  g_assert_cmpint (os_slip_get_n_pages (slip), ==, 1);

  dir = os_test_make_dir ("slip-process-XXXXXX");
  path = g_build_filename (dir, "mau-04.pdf", NULL);
  g_assert_true (os_slip_export_pdf (slip, path, NULL));
  g_assert_cmpint (slip_test_pdf_pages (path), ==, 1);
  text = slip_test_pdf_text (path, 0, FALSE);
  g_assert_nonnull (strstr (text, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"));
  g_assert_nonnull (strstr (text, CODE));
  g_assert_nonnull (strstr (text, "Đăng ký khai sinh"));
  g_assert_nonnull (strstr (text, "27/10/2023"));        /* received */
  g_assert_nonnull (strstr (text, "01/11/2023"));        /* original due date */
  g_assert_nonnull (strstr (text, "08/11/2023"));        /* the new one */
  g_assert_nonnull (strstr (text, "Cần xác minh thêm thông tin"));
  g_assert_nonnull (strstr (text, "THỦ TRƯỞNG CƠ QUAN"));
  done_with (dir);
}

static void
test_control (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsRecord) record = make_record (CODE, 27);
  g_autoptr(OsProcess) process = make_process ();
  g_autoptr(OsSlip) slip = NULL;
  OsProcessState *state = new_state ();
  gint64 due = slip_test_instant (2023, 10, 28, 17, 0);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  /* Early (the day before), on time (that day), late (the day after), a rolled-back
   * hand-off and its roll-back (no rows), an assignment (a row). */
  add_entry (state, OS_ACTION_HAND_OVER, slip_test_instant (2023, 10, 27, 9, 5), "s1", "s2", "", "", due, FALSE);
  add_entry (state, OS_ACTION_ASSIGN, slip_test_instant (2023, 10, 28, 10, 40), "s2", "s3", "lan", "", due, FALSE);
  add_entry (state, OS_ACTION_PROCESS, slip_test_instant (2023, 10, 29, 15, 20), "s3", "s4", "", "", due, TRUE);
  add_entry (state, OS_ACTION_ROLLBACK, slip_test_instant (2023, 10, 29, 15, 30), "s4", "s3", "", "Nhầm", 0, FALSE);
  add_entry (state, OS_ACTION_PROCESS, slip_test_instant (2023, 10, 30, 14, 0), "s3", "s4", "", "", due, FALSE);
  /* The papers issued with the last one show in its notes. */
  {
    OsProcessEntry *last = g_ptr_array_index (state->entries, state->entries->len - 1);
    const char *papers[] = { "Giấy khai sinh", NULL };

    last->issued = g_strdupv ((char **) papers);
  }
  os_record_take_process_state (record, state);

  slip = os_slip_new_control (record, process, agency);
  g_assert_cmpstr (os_slip_get_title (slip), ==, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");

  dir = os_test_make_dir ("slip-process-XXXXXX");
  path = write_pdf (slip, dir, "mau-05.pdf");
  text = slip_test_pdf_text (path, 0, FALSE);
  g_assert_nonnull (strstr (text, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"));
  g_assert_nonnull (strstr (text, CODE));
  g_assert_nonnull (strstr (text, APPLICANT));
  /* One row per hand-off: three times. */
  g_assert_cmpint (slip_test_count (text, "27/10/2023 09:05"), ==, 1);
  g_assert_cmpint (slip_test_count (text, "28/10/2023 10:40"), ==, 1);
  g_assert_cmpint (slip_test_count (text, "30/10/2023 14:00"), ==, 1);
  g_assert_cmpint (slip_test_count (text, "29/10/2023 15:20"), ==, 0);
  g_assert_cmpint (slip_test_count (text, "29/10/2023 15:30"), ==, 0);
  g_assert_cmpint (slip_test_count (text, "Sớm hạn"), ==, 1);
  g_assert_nonnull (strstr (text, "Đúng hạn"));
  g_assert_nonnull (strstr (text, "Quá hạn"));
  g_assert_nonnull (strstr (text, "Thụ lý"));
  g_assert_nonnull (strstr (text, "lan"));
  g_assert_nonnull (strstr (text, "Người giao ký"));
  g_assert_nonnull (strstr (text, "Giấy tờ trả:"));
  g_assert_nonnull (strstr (text, "Giấy khai sinh"));
  g_assert_cmpint (slip_test_pdf_pages (path), ==, 1);
  done_with (dir);
}

static void
test_control_continues (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *last = NULL;
  g_autofree char *all = NULL;
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsRecord) record = make_record (CODE, 27);
  g_autoptr(OsProcess) process = make_process ();
  g_autoptr(OsSlip) slip = NULL;
  OsProcessState *state = new_state ();
  int pages;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  for (int i = 0; i < 40; i++)
    add_entry (state, OS_ACTION_REVIEW, slip_test_instant (2023, 10, 27, 8, 0) + i * 600,
               i % 2 ? "s3" : "s4", i % 2 ? "s4" : "s3", "", "Trả lại để xử lý lại", 0, FALSE);
  os_record_take_process_state (record, state);

  slip = os_slip_new_control (record, process, agency);
  pages = os_slip_get_n_pages (slip);
  g_assert_cmpint (pages, >, 1);
  dir = os_test_make_dir ("slip-process-XXXXXX");
  path = write_pdf (slip, dir, "mau-05-long.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, pages);
  all = slip_test_pdf_text (path, 0, FALSE);
  /* Every hand-off once (10-minute steps from 08:00), the headings on every page. */
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *when = g_strdup_printf ("27/10/2023 %02d:%02d", 8 + i / 6, (i % 6) * 10);
      g_assert_cmpint (slip_test_count (all, when), ==, 1);
    }
  g_assert_cmpint (slip_test_count (all, "Người giao ký"), ==, pages);
  last = slip_test_pdf_text (path, pages, FALSE);
  g_assert_nonnull (strstr (last, "(tiếp theo)"));
  g_assert_nonnull (strstr (last, CODE));
  done_with (dir);
}

static void
test_book (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *all = NULL;
  g_autofree char *second = NULL;
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(OsSlip) slip = NULL;
  double width, height;
  int pages;

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    return;

  for (int i = 0; i < 60; i++)
    {
      g_autofree char *code = g_strdup_printf ("000.00.06.H56-2310%02d-%04d", 1 + i % 28, i + 1);

      g_ptr_array_add (records, make_record (code, 1 + i % 28));
    }
  slip = os_slip_new_book (records, slip_test_instant (2023, 10, 1, 0, 0), slip_test_instant (2023, 11, 1, 0, 0), agency);
  g_assert_cmpstr (os_slip_get_title (slip), ==, "SỔ THEO DÕI HỒ SƠ");
  os_slip_get_page_size (slip, &width, &height);
  g_assert_cmpfloat (width, >, height);   /* landscape */
  pages = os_slip_get_n_pages (slip);
  g_assert_cmpint (pages, >, 1);

  dir = os_test_make_dir ("slip-process-XXXXXX");
  path = g_build_filename (dir, "mau-06.pdf", NULL);
  g_assert_true (os_slip_export_pdf (slip, path, NULL));
  g_assert_cmpint (slip_test_pdf_pages (path), ==, pages);
  all = slip_test_pdf_text (path, 0, FALSE);
  g_assert_nonnull (strstr (all, "SỔ THEO DÕI HỒ SƠ"));
  g_assert_nonnull (strstr (all, "Từ ngày 01/10/2023 đến ngày 31/10/2023"));
  for (int i = 0; i < 60; i++)
    {
      g_autofree char *code = g_strdup_printf ("-%04d", i + 1);
      g_assert_cmpint (slip_test_count (all, code), ==, 1);
    }
  /* The headings repeat on every page. */
  g_assert_cmpint (slip_test_count (all, "Lĩnh vực"), ==, pages);
  second = slip_test_pdf_text (path, 2, FALSE);
  g_assert_nonnull (strstr (second, "(tiếp theo)"));
  g_assert_nonnull (strstr (second, "Mã hồ sơ"));
  done_with (dir);
}

static void
test_hand_off_rule (void)
{
  OsProcessEntry entry = { .action = OS_ACTION_HAND_OVER, .from_step = (char *) "s1", .to_step = (char *) "s2" };

  g_assert_true (os_process_entry_is_hand_off (&entry));
  entry.rolled_back = TRUE;
  g_assert_false (os_process_entry_is_hand_off (&entry));
  entry.rolled_back = FALSE;
  entry.action = OS_ACTION_COLLECT_FEE;
  entry.to_step = (char *) "s1";
  g_assert_false (os_process_entry_is_hand_off (&entry));
  entry.action = OS_ACTION_ASSIGN;
  g_assert_true (os_process_entry_is_hand_off (&entry));
  g_assert_cmpstr (os_process_punctuality_to_string (100, 0), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slip-process/extension", test_extension);
  g_test_add_func ("/slip-process/control", test_control);
  g_test_add_func ("/slip-process/control-continues", test_control_continues);
  g_test_add_func ("/slip-process/book", test_book);
  g_test_add_func ("/slip-process/hand-off-rule", test_hand_off_rule);

  return g_test_run ();
}
