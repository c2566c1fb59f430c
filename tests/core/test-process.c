/* test-process.c: the process definition model (os-process): edits, JSON, checks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-error.h"
#include "os-process.h"
#include "process-demo.h"

static void
count_changed (OsProcess *process,
               guint     *count)
{
  (*count)++;
}

static void
test_model (void)
{
  g_autoptr(OsProcess) process = os_process_new ("Thử");
  g_autofree char *sid = NULL;
  g_autofree char *lid = NULL;
  guint changed = 0;
  OsProcessStep *step;
  int version = -1;
  g_autofree char *name = NULL;

  g_signal_connect (process, "changed", G_CALLBACK (count_changed), &changed);

  g_assert_cmpuint (strlen (os_process_get_id (process)), ==, 36);
  g_assert_cmpstr (os_process_get_name (process), ==, "Thử");
  g_assert_cmpint (os_process_get_version (process), ==, 0);
  g_assert_null (os_process_get_start (process));
  g_assert_cmpuint (g_strv_length ((char **) os_process_get_procedures (process)), ==, 0);

  sid = os_process_next_step_id (process);
  g_assert_cmpstr (sid, ==, "s1");
  demo_add_step (process, "s1", "Một", OS_ROLE_RECEPTION, OS_STEP_CAN_HAND_OVER, 1, 0, 0);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpstr (os_process_get_start (process), ==, "s1");   /* the first step added */
  demo_add_step (process, "s7", "Bảy", OS_ROLE_LEADER, OS_STEP_CAN_SIGN, 2, 10, 20);
  g_clear_pointer (&sid, g_free);
  sid = os_process_next_step_id (process);
  g_assert_cmpstr (sid, ==, "s8");
  demo_add_step (process, "s2", "Hai", OS_ROLE_HEAD, OS_STEP_CAN_REVIEW, 0, 0, 0);
  g_assert_cmpint (os_process_step_position (process, "s2"), ==, 2);
  g_assert_cmpstr (os_process_get_start (process), ==, "s1");

  lid = os_process_next_link_id (process);
  g_assert_cmpstr (lid, ==, "l1");
  demo_add_link (process, "l1", "s1", "s7", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l2", "s7", "s2", OS_OUTCOME_REWORK);
  demo_add_link (process, "l3", "s2", "s1", OS_OUTCOME_SUPPLEMENT);
  g_assert_cmpuint (changed, ==, 6);
  g_assert_cmpstr (os_process_find_outcome (process, "s7", OS_OUTCOME_REWORK)->id, ==, "l2");
  g_assert_null (os_process_find_outcome (process, "s7", OS_OUTCOME_ACCEPT));
  g_assert_cmpint (os_process_link_position (process, "l3"), ==, 2);

  /* Replace keeps the position. */
  step = os_process_step_copy (os_process_find_step (process, "s7"));
  g_free (step->name);
  step->name = g_strdup ("Bảy mới");
  os_process_replace_step (process, step);
  os_process_step_free (step);
  g_assert_cmpstr (os_process_find_step (process, "s7")->name, ==, "Bảy mới");
  g_assert_cmpint (os_process_step_position (process, "s7"), ==, 1);

  /* Removing a step takes its links; removing the start moves it to the first step left. */
  os_process_remove_step (process, "s1");
  g_assert_null (os_process_find_step (process, "s1"));
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 1);
  g_assert_cmpstr (((OsProcessLink *) g_ptr_array_index (os_process_get_links (process), 0))->id, ==, "l2");
  g_assert_cmpstr (os_process_get_start (process), ==, "s7");

  os_process_remove_link (process, "l2");
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 0);

  /* Properties. */
  os_process_set_name (process, "Tên khác");
  g_object_get (process, "version", &version, "name", &name, NULL);
  g_assert_cmpint (version, ==, 0);
  g_assert_cmpstr (name, ==, "Tên khác");
  os_process_set_published (process, 3, 1700000000, "Nguyễn Văn A");
  g_assert_cmpint (os_process_get_version (process), ==, 3);
  g_assert_cmpint (os_process_get_published_at (process), ==, 1700000000);
  g_assert_cmpstr (os_process_get_published_by (process), ==, "Nguyễn Văn A");

  /* Setting the same value again changes nothing. */
  changed = 0;
  os_process_set_name (process, "Tên khác");
  os_process_set_start (process, "s7");
  g_assert_cmpuint (changed, ==, 0);
}

static void
test_labels (void)
{
  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    {
      OsOutcome back = 99;

      g_assert_true (os_outcome_from_id (os_outcome_to_id (o), &back));
      g_assert_cmpint (back, ==, o);
      g_assert_cmpstr (os_outcome_to_string (o), !=, "");
    }
  g_assert_false (os_outcome_from_id ("maybe", NULL));
  g_assert_cmpstr (os_outcome_to_id (OS_OUTCOME_SUPPLEMENT), ==, "supplement");
  g_assert_cmpstr (os_outcome_to_string (OS_OUTCOME_REFUSE), ==, "Từ chối giải quyết");
  g_assert_cmpstr (os_step_ability_to_id (OS_STEP_CAN_PAUSE_PAYMENT), ==, "pause_payment");
  g_assert_cmpstr (os_step_ability_to_id (OS_STEP_CAN_HAND_OVER), ==, "hand_over");
  g_assert_cmpstr (os_step_ability_to_string (OS_STEP_CAN_SIGN), ==, "Ký duyệt");
  g_assert_cmpstr (os_role_to_string (OS_ROLE_SPECIALIST), ==, "Chuyên viên");
  g_assert_cmpstr (os_role_to_string ("other"), ==, "other");
}

static void
test_json_round_trip (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcess) back = NULL;
  g_autoptr(OsProcess) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *again = NULL;
  g_autofree char *copied = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object, *step, *link;

  os_process_set_published (process, 2, 1763900000, "Trần Thị B");
  os_process_set_start (process, "s1");
  data = os_process_to_data (process);

  /* The contract's member names and ids. */
  node = json_from_string (data, &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, os_process_get_id (process));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "start"), ==, "s1");
  g_assert_cmpint (json_object_get_int_member (object, "published_at"), ==, 1763900000);
  g_assert_cmpstr (json_object_get_string_member (object, "published_by"), ==, "Trần Thị B");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "procedures")), ==, 2);
  step = json_array_get_object_element (json_object_get_array_member (object, "steps"), 2);
  g_assert_cmpstr (json_object_get_string_member (step, "role"), ==, "specialist");
  g_assert_cmpint (json_object_get_int_member (step, "budget"), ==, 10);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (step, "abilities"), 0), ==, "process");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (step, "abilities"), 1), ==, "pause_payment");
  g_assert_cmpfloat (json_object_get_double_member (step, "x"), ==, 480);
  link = json_array_get_object_element (json_object_get_array_member (object, "links"), 7);
  g_assert_cmpstr (json_object_get_string_member (link, "outcome"), ==, "rework");
  g_assert_cmpstr (json_object_get_string_member (link, "from"), ==, "s4");

  back = os_process_new_from_data (data, &error);
  g_assert_no_error (error);
  again = os_process_to_data (back);
  g_assert_cmpstr (again, ==, data);
  g_assert_cmpstr (os_process_get_published_by (back), ==, "Trần Thị B");

  copy = os_process_copy (process);
  copied = os_process_to_data (copy);
  g_assert_cmpstr (copied, ==, data);
  g_assert_true (copy != process);
  g_assert_true (os_process_get_steps (copy)->pdata[0] != os_process_get_steps (process)->pdata[0]);

  /* Integers are accepted where numbers go; start absent = the first step. */
  {
    g_autoptr(OsProcess) small = os_process_new_from_data (
      "{\"id\":\"p\",\"name\":\"N\",\"steps\":[{\"id\":\"a\",\"name\":\"A\",\"x\":1.5,\"y\":2}]}",
      &error);
    g_assert_no_error (error);
    g_assert_cmpstr (os_process_get_start (small), ==, "a");
    g_assert_cmpfloat (os_process_find_step (small, "a")->x, ==, 1.5);
    g_assert_cmpfloat (os_process_find_step (small, "a")->y, ==, 2.0);
    g_assert_cmpstr (os_process_find_step (small, "a")->role, ==, "");
  }
}

static void
test_json_malformed (void)
{
  static const char * const bad[] = {
    "",
    "not json",
    "[]",
    "42",
    "{}",                                                   /* no id */
    "{\"id\":5}",
    "{\"id\":\"\"}",
    "{\"id\":\"p\",\"name\":3}",
    "{\"id\":\"p\",\"version\":\"1\"}",
    "{\"id\":\"p\",\"version\":-1}",
    "{\"id\":\"p\",\"version\":1.5}",
    "{\"id\":\"p\",\"steps\":{}}",
    "{\"id\":\"p\",\"steps\":[3]}",
    "{\"id\":\"p\",\"steps\":[{\"name\":\"x\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"budget\":\"2\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"budget\":-2}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"x\":\"left\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"abilities\":\"sign\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"abilities\":[\"fly\"]}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"abilities\":[1]}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"a\"}]}",  /* duplicate step id */
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":\"c\",\"outcome\":\"accept\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"z\",\"to\":\"b\",\"outcome\":\"accept\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":\"b\",\"outcome\":\"maybe\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":\"b\",\"outcome\":0}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":\"b\"}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
    "\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":\"b\",\"outcome\":\"accept\"},"
    "{\"id\":\"l\",\"from\":\"b\",\"to\":\"a\",\"outcome\":\"accept\"}]}",  /* duplicate link id */
    "{\"id\":\"p\",\"procedures\":[1]}",
    "{\"id\":\"p\",\"procedures\":\"a\"}",
    "{\"id\":\"p\",\"start\":1}",
    "{\"id\":\"p\",\"published_at\":\"today\"}",
    "{\"id\":\"p\",\"published_by\":[]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\",\"role\":true}]}",
    "{\"id\":\"p\",\"steps\":[{\"id\":\"a\"}],\"links\":[{\"id\":\"l\",\"from\":\"a\",\"to\":{},\"outcome\":\"accept\"}]}",
    "{\"id\":\"p\",\"links\":[\"l1\"]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OsProcess) process = os_process_new_from_data (bad[i], &error);

      g_test_message ("input %u: %s", i, bad[i]);
      g_assert_null (process);
      g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_prefix (error->message, "Quy trình không đọc được"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_assert_null (os_process_new_from_json (NULL, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  }
}

/* Problems of @kind in @problems. */
static guint
count_kind (GPtrArray            *problems,
            OsProcessProblemKind  kind,
            OsProcessProblem    **first)
{
  guint n = 0;

  for (guint i = 0; i < problems->len; i++)
    {
      OsProcessProblem *problem = g_ptr_array_index (problems, i);
      if (problem->kind == kind)
        {
          if (n++ == 0 && first)
            *first = problem;
        }
    }
  return n;
}

static void
assert_blocking_first (GPtrArray *problems)
{
  gboolean seen_non_blocking = FALSE;

  for (guint i = 0; i < problems->len; i++)
    {
      OsProcessProblem *problem = g_ptr_array_index (problems, i);
      if (!problem->blocking)
        seen_non_blocking = TRUE;
      else
        g_assert_false (seen_non_blocking);
      g_assert_nonnull (problem->message);
      g_assert_cmpstr (problem->message, !=, "");
    }
}

static void
replace_abilities (OsProcess  *process,
                   const char *step_id,
                   guint       abilities)
{
  g_autoptr(OsProcessStep) step = os_process_step_copy (os_process_find_step (process, step_id));

  step->abilities = abilities;
  os_process_replace_step (process, step);
}

static void
test_check_clean (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = os_process_check (process, NULL, NULL);
  g_autoptr(GError) error = NULL;
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 16, -1 };
  const char * const takers[] = { "|reception", "|specialist", "|department_head", "|leader", NULL };

  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_true (os_process_validate (process, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_process_longest_budget (process), ==, 16);

  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = os_process_check (process, &limit, takers);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_check_empty_and_start (void)
{
  g_autoptr(OsProcess) process = os_process_new ("Trống");
  g_autoptr(GPtrArray) problems = os_process_check (process, NULL, NULL);
  g_autoptr(GError) error = NULL;
  OsProcessProblem *problem = NULL;

  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_EMPTY, &problem), ==, 1);
  g_assert_true (problem->blocking);
  g_assert_false (os_process_validate (process, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Quy trình chưa có bước nào.");
  g_clear_object (&process);
  g_clear_pointer (&problems, g_ptr_array_unref);

  process = demo_process_new ();
  os_process_set_start (process, "nowhere");
  problems = os_process_check (process, NULL, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NO_START, &problem), ==, 1);
  g_assert_true (problem->blocking);
  g_assert_cmpint (os_process_longest_budget (process), ==, 0);
}

static void
test_check_unreachable (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  OsProcessProblem *problem = NULL;

  /* Thẩm định is only entered from Thụ lý; cut that: Ký duyệt goes with it. */
  os_process_remove_link (process, "l3");
  problems = os_process_check (process, NULL, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_UNREACHABLE, &problem), ==, 2);
  g_assert_cmpstr (problem->step_id, ==, "s4");
  g_assert_cmpstr (problem->message, ==,
                   "Bước “Thẩm định” không có cách nào đến được từ bước bắt đầu.");
  g_assert_true (problem->blocking);
  assert_blocking_first (problems);
  g_assert_false (os_process_validate (process, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
}

static void
test_check_dead_end_and_return (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  OsProcessProblem *problem = NULL;

  /* Ký duyệt loses its accept link: only rework is left, and it cannot return. */
  os_process_remove_link (process, "l5");
  problems = os_process_check (process, NULL, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_DEAD_END, &problem), ==, 1);
  g_assert_cmpstr (problem->step_id, ==, "s5");
  g_assert_true (strstr (problem->message, "Ký duyệt") != NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Nobody returns the result. */
  g_clear_object (&process);
  process = demo_process_new ();
  replace_abilities (process, "s6", OS_STEP_CAN_COLLECT_FEE);
  problems = os_process_check (process, NULL, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NO_RETURN, &problem), ==, 1);
  g_assert_true (problem->blocking);
  /* And Trả kết quả is now a dead end too. */
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_DEAD_END, &problem), ==, 1);
  g_assert_cmpstr (problem->step_id, ==, "s6");
}

static void
test_check_nobody (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(OsProcessStep) step = NULL;
  OsProcessProblem *problem = NULL;
  const char * const takers[] = { "|reception", "|specialist", "UBND|department_head", NULL };
  const char * const all[] = { "|reception", "|specialist", "|department_head", "X|leader", NULL };

  /* Only the takers fail: a warning, not blocking. Ký duyệt (leader) has no taker; the
   * department head steps (any unit) match "UBND|department_head". */
  problems = os_process_check (process, NULL, takers);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NOBODY, &problem), ==, 1);
  g_assert_cmpstr (problem->step_id, ==, "s5");
  g_assert_false (problem->blocking);
  g_assert_true (os_process_validate (process, NULL));
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = os_process_check (process, NULL, all);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NOBODY, NULL), ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* A step of a named unit needs that unit (or any unit). */
  step = os_process_step_copy (os_process_find_step (process, "s5"));
  g_free (step->unit);
  step->unit = g_strdup ("Y");
  os_process_replace_step (process, step);
  problems = os_process_check (process, NULL, all);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NOBODY, NULL), ==, 1);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* No role at all: blocking. */
  g_free (step->role);
  step->role = g_strdup ("");
  os_process_replace_step (process, step);
  problems = os_process_check (process, NULL, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NOBODY, &problem), ==, 1);
  g_assert_true (problem->blocking);
  g_assert_false (os_process_validate (process, NULL));
}

static void
test_check_budget (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  OsProcessProblem *problem = NULL;
  OsTimeLimit sessions = { OS_TIME_UNIT_SESSIONS, 15, -1 };
  OsTimeLimit days = { OS_TIME_UNIT_CALENDAR_DAYS, 8, -1 };       /* 16 sessions */
  OsTimeLimit short_days = { OS_TIME_UNIT_CALENDAR_DAYS, 7, -1 }; /* 14 */
  OsTimeLimit same_day = { OS_TIME_UNIT_SAME_DAY, 0, 960 };        /* 2 */

  problems = os_process_check (process, &sessions, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, &problem), ==, 1);
  g_assert_false (problem->blocking);
  g_assert_true (strstr (problem->message, "16") != NULL);
  g_assert_true (strstr (problem->message, "15") != NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);

  problems = os_process_check (process, &days, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, NULL), ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = os_process_check (process, &short_days, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, NULL), ==, 1);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = os_process_check (process, &same_day, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, NULL), ==, 1);
  g_assert_true (os_process_validate (process, NULL));

  /* Loops counted once; a longer branch wins. */
  demo_add_step (process, "s9", "Lấy ý kiến", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 20, 0, 0);
  demo_add_link (process, "l20", "s2", "s9", OS_OUTCOME_REFUSE);
  g_assert_cmpint (os_process_longest_budget (process), ==, 1 + 1 + 20);
  demo_add_link (process, "l21", "s9", "s3", OS_OUTCOME_ACCEPT);
  g_assert_cmpint (os_process_longest_budget (process), ==, 16 + 20);
}

static void
test_check_links (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  OsProcessProblem *problem = NULL;

  demo_add_link (process, "d1", "s1", "s3", OS_OUTCOME_ACCEPT);   /* second accept of s1 */
  demo_add_link (process, "d2", "s1", "s4", OS_OUTCOME_REWORK);   /* reception cannot rework */
  demo_add_link (process, "d3", "s2", "s2", OS_OUTCOME_REFUSE);   /* self link */
  demo_add_link (process, "d4", "s5", "s1", OS_OUTCOME_SUPPLEMENT); /* signing cannot ask */
  demo_add_link (process, "d5", "s6", "s1", OS_OUTCOME_ACCEPT);   /* return step cannot accept */
  problems = os_process_check (process, NULL, NULL);

  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_DUPLICATE_OUTCOME, &problem), ==, 1);
  g_assert_cmpstr (problem->link_id, ==, "d1");
  g_assert_cmpstr (problem->step_id, ==, "s1");
  g_assert_true (problem->blocking);

  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_SELF_LINK, &problem), ==, 1);
  g_assert_cmpstr (problem->link_id, ==, "d3");

  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OUTCOME_UNUSABLE, &problem), ==, 3);
  g_assert_cmpstr (problem->link_id, ==, "d2");
  g_assert_true (strstr (problem->message, "Tiếp nhận") != NULL);
  assert_blocking_first (problems);
}

static void
test_check_no_name (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(OsProcessStep) step = os_process_step_copy (os_process_find_step (process, "s2"));
  OsProcessProblem *problem = NULL;
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 1, -1 };

  g_free (step->name);
  step->name = g_strdup ("   ");
  os_process_replace_step (process, step);
  problems = os_process_check (process, &limit, NULL);
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_NO_NAME, &problem), ==, 1);
  g_assert_cmpstr (problem->step_id, ==, "s2");
  g_assert_true (problem->blocking);
  /* Blocking first even though the budget warning exists too. */
  g_assert_cmpuint (count_kind (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, NULL), ==, 1);
  assert_blocking_first (problems);
  g_assert_true (((OsProcessProblem *) g_ptr_array_index (problems, problems->len - 1))->kind ==
                 OS_PROCESS_PROBLEM_OVER_BUDGET);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/model", test_model);
  g_test_add_func ("/process/labels", test_labels);
  g_test_add_func ("/process/json/round-trip", test_json_round_trip);
  g_test_add_func ("/process/json/malformed", test_json_malformed);
  g_test_add_func ("/process/check/clean", test_check_clean);
  g_test_add_func ("/process/check/empty-and-start", test_check_empty_and_start);
  g_test_add_func ("/process/check/unreachable", test_check_unreachable);
  g_test_add_func ("/process/check/dead-end-and-return", test_check_dead_end_and_return);
  g_test_add_func ("/process/check/nobody", test_check_nobody);
  g_test_add_func ("/process/check/budget", test_check_budget);
  g_test_add_func ("/process/check/links", test_check_links);
  g_test_add_func ("/process/check/no-name", test_check_no_name);

  return g_test_run ();
}
