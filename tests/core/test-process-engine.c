/* test-process-engine.c: every action in every state (allowed and refused), who may act,
 * the clock through pauses and extensions, rollback, and desk ⇄ server agreement.
 *
 * The demo process of PROCESS-CONTRACT.md:
 *   s1 Tiếp nhận (reception; hand_over; 1) → s2 Phân công (head; assign, hand_over; 1)
 *   → s3 Thụ lý (specialist; process, pause_payment; 4) → s4 Thẩm định (head; review; 2)
 *   → s5 Ký duyệt (leader; sign; 1) → s6 Trả kết quả (reception; collect_fee, return; 0),
 *   supplement links back to s1, rework links back to s3, refuse links to s6.
 * Times are local (Asia/Ho_Chi_Minh) "yyyy-mm-dd hh:mm"; November 2026 has no holiday.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-process-engine.h"
#include "os-record-json.h"

/* ------------------------------------------------------------------------------------- */

static gint64
local (const char *text)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (7 * 3600);
  g_autoptr(GDateTime) time = NULL;
  int year, month, day, hour, minute;

  g_assert_cmpint (sscanf (text, "%d-%d-%d %d:%d", &year, &month, &day, &hour, &minute), ==, 5);
  time = g_date_time_new (zone, year, month, day, hour, minute, 0);
  return g_date_time_to_unix (time);
}

static char *
node_data (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char *
state_data (OsRecord *record)
{
  OsProcessState *state = os_record_get_process_state (record);
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (state);
  node = os_process_state_to_json (state);
  return node_data (node);
}

/* The state without its history, and the record's clock: what ROLLBACK restores. */
static char *
scalars_data (OsRecord *record)
{
  g_autoptr(JsonNode) node = os_process_state_to_json (os_record_get_process_state (record));
  g_autofree char *state = NULL;

  json_object_remove_member (json_node_get_object (node), "entries");
  state = node_data (node);
  return g_strdup_printf ("%s|%d|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT,
                          state, os_record_get_status (record), os_record_get_due_at (record),
                          os_record_get_finished_at (record), os_record_get_returned_at (record));
}

/* Everything about the record, to check a refusal changed nothing. */
static char *
record_data (OsRecord *record)
{
  g_autoptr(JsonNode) node = os_record_to_json (record, "UNIT", NULL);

  return node_data (node);
}

static void
add_step (OsProcess  *process,
          const char *id,
          const char *name,
          const char *role,
          int         budget,
          guint       abilities)
{
  OsProcessStep step = { (char *) id, (char *) name, (char *) "", (char *) role, budget, abilities, 0, 0 };

  os_process_insert_step (process, -1, &step);
}

static void
add_link (OsProcess  *process,
          const char *id,
          const char *from,
          const char *to,
          OsOutcome   outcome)
{
  OsProcessLink link = { (char *) id, (char *) from, (char *) to, outcome };

  os_process_insert_link (process, -1, &link);
}

static OsProcess *
demo_process (void)
{
  OsProcess *process = os_process_new ("Quy trình một cửa liên thông mẫu");

  add_step (process, "s1", "Tiếp nhận", OS_ROLE_RECEPTION, 1, OS_STEP_CAN_HAND_OVER);
  add_step (process, "s2", "Phân công", OS_ROLE_HEAD, 1, OS_STEP_CAN_ASSIGN | OS_STEP_CAN_HAND_OVER);
  add_step (process, "s3", "Thụ lý", OS_ROLE_SPECIALIST, 4, OS_STEP_CAN_PROCESS | OS_STEP_CAN_PAUSE_PAYMENT);
  add_step (process, "s4", "Thẩm định", OS_ROLE_HEAD, 2, OS_STEP_CAN_REVIEW);
  add_step (process, "s5", "Ký duyệt", OS_ROLE_LEADER, 1, OS_STEP_CAN_SIGN);
  add_step (process, "s6", "Trả kết quả", OS_ROLE_RECEPTION, 0, OS_STEP_CAN_COLLECT_FEE | OS_STEP_CAN_RETURN);
  add_link (process, "l1", "s1", "s2", OS_OUTCOME_ACCEPT);
  add_link (process, "l2", "s2", "s3", OS_OUTCOME_ACCEPT);
  add_link (process, "l3", "s3", "s4", OS_OUTCOME_ACCEPT);
  add_link (process, "l4", "s4", "s5", OS_OUTCOME_ACCEPT);
  add_link (process, "l5", "s5", "s6", OS_OUTCOME_ACCEPT);
  add_link (process, "l6", "s3", "s1", OS_OUTCOME_SUPPLEMENT);
  add_link (process, "l7", "s4", "s1", OS_OUTCOME_SUPPLEMENT);
  add_link (process, "l8", "s4", "s3", OS_OUTCOME_REWORK);
  add_link (process, "l9", "s5", "s3", OS_OUTCOME_REWORK);
  add_link (process, "l10", "s3", "s6", OS_OUTCOME_REFUSE);
  add_link (process, "l11", "s4", "s6", OS_OUTCOME_REFUSE);
  os_process_set_start (process, "s1");
  os_process_set_published (process, 1, local ("2026-10-01 08:00"), "Quản trị");
  return process;
}

static const char * const units[] = { "UNIT", NULL };

static OsActor *
actor (const char *username,
       const char *role)
{
  const char *roles[] = { role, NULL };

  return os_actor_new (username, username, roles, units, "desk-1");
}

/* The standalone desk's officer: every role. */
static OsActor *
officer (void)
{
  static const char * const roles[] = { OS_ROLE_RECEPTION, OS_ROLE_SPECIALIST, OS_ROLE_HEAD, OS_ROLE_LEADER, NULL };

  return os_actor_new ("can.bo", "Cán bộ", roles, units, "desk-1");
}

typedef struct
{
  OsProcess  *process;
  OsCalendar *calendar;
  OsRecord   *record;
  OsActor    *officer;
  gint64      now;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 30, -1 };

  (void) data;
  f->process = demo_process ();
  f->calendar = os_calendar_new ();
  f->officer = officer ();
  f->record = os_record_new ();
  f->now = local ("2026-11-02 08:00");   /* a Monday */
  os_record_set_time_limit (f->record, &limit);
  os_record_set_received_at (f->record, f->now);
  os_record_set_due_at (f->record, os_calendar_compute_due (f->calendar, f->now, &limit));
  g_assert_true (os_process_engine_start (f->process, f->calendar, f->record, f->officer, f->now, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  (void) data;
  g_clear_object (&f->process);
  g_clear_object (&f->calendar);
  g_clear_object (&f->record);
  g_clear_pointer (&f->officer, os_actor_free);
}

/* Whom ASSIGN requests name. */
static const char *assign_to = "nguyen.van.a";

/* A request with everything any action may need. */
static OsActionRequest *
full_request (OsAction  action,
              OsOutcome outcome,
              OsRecord *record,
              gint64    at)
{
  OsActionRequest *request = os_action_request_new (action);

  request->outcome = outcome;
  request->at = at;
  g_free (request->reason);
  request->reason = g_strdup ("Lý do ghi rõ");
  g_free (request->note);
  request->note = g_strdup ("50.000 đồng");
  if (action == OS_ACTION_ASSIGN)
    {
      g_free (request->assignee);
      request->assignee = g_strdup (assign_to);
    }
  request->new_due_at = os_record_get_due_at (record) + 2 * 86400;
  return request;
}

/* Applies and asserts success; advances the fixture's clock by 10 minutes. */
static void
act_as (Fixture       *f,
        const OsActor *who,
        OsAction       action,
        OsOutcome      outcome)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  f->now += 600;
  request = full_request (action, outcome, f->record, f->now);
  if (!os_process_engine_apply (f->process, f->calendar, f->record, who, request, &error))
    g_error ("%s refused: %s", os_action_to_id (action), error->message);
}

static void
act (Fixture  *f,
     OsAction  action,
     OsOutcome outcome)
{
  act_as (f, f->officer, action, outcome);
}

static OsProcessState *
state_of (Fixture *f)
{
  return os_record_get_process_state (f->record);
}

/* ---------------------------------------------------------------------------------------
 * Every action in every state
 * ------------------------------------------------------------------------------------- */

typedef enum
{
  ST_RECEIVED,
  ST_AT_ASSIGN,
  ST_ASSIGNED,
  ST_AT_PROCESS,
  ST_AT_REVIEW,
  ST_AT_SIGN,
  ST_AT_RETURN,
  ST_PAUSED_SUPPLEMENT,
  ST_PAUSED_PAYMENT,
  ST_RETURNED,
  ST_WITHDRAWN,
  ST_STOPPED,
  ST_EXTENDED,
  N_STATES
} TableState;

static const char * const state_names[] = {
  "received", "at-assign", "assigned", "at-process", "at-review", "at-sign", "at-return",
  "paused-supplement", "paused-payment", "returned", "withdrawn", "stopped", "extended",
};

static void
reach (Fixture    *f,
       TableState  which)
{
  switch (which)
    {
    case ST_RECEIVED:
      break;
    case ST_AT_ASSIGN:
      act (f, OS_ACTION_HAND_OVER, 0);
      break;
    case ST_ASSIGNED:
      act (f, OS_ACTION_HAND_OVER, 0);
      act (f, OS_ACTION_ASSIGN, 0);
      break;
    case ST_AT_PROCESS:
      act (f, OS_ACTION_HAND_OVER, 0);
      act (f, OS_ACTION_HAND_OVER, 0);
      break;
    case ST_AT_REVIEW:
      reach (f, ST_AT_PROCESS);
      act (f, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT);
      break;
    case ST_AT_SIGN:
      reach (f, ST_AT_REVIEW);
      act (f, OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT);
      break;
    case ST_AT_RETURN:
      reach (f, ST_AT_SIGN);
      act (f, OS_ACTION_SIGN, OS_OUTCOME_ACCEPT);
      break;
    case ST_PAUSED_SUPPLEMENT:
      reach (f, ST_AT_PROCESS);
      act (f, OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT);
      break;
    case ST_PAUSED_PAYMENT:
      reach (f, ST_AT_PROCESS);
      act (f, OS_ACTION_REQUEST_PAYMENT, 0);
      break;
    case ST_RETURNED:
      reach (f, ST_AT_RETURN);
      act (f, OS_ACTION_RETURN, 0);
      break;
    case ST_WITHDRAWN:
      reach (f, ST_AT_PROCESS);
      act (f, OS_ACTION_WITHDRAW, 0);
      break;
    case ST_STOPPED:
      reach (f, ST_AT_REVIEW);
      act (f, OS_ACTION_STOP, 0);
      break;
    case ST_EXTENDED:
      reach (f, ST_AT_PROCESS);
      act (f, OS_ACTION_EXTEND, 0);
      break;
    case N_STATES:
    default:
      g_assert_not_reached ();
    }
}

static const OsStatus state_status[] = {
  OS_STATUS_RECEIVED, OS_STATUS_PROCESSING, OS_STATUS_PROCESSING, OS_STATUS_PROCESSING,
  OS_STATUS_PROCESSING, OS_STATUS_PROCESSING, OS_STATUS_RESOLVED, OS_STATUS_SUPPLEMENT,
  OS_STATUS_PAYMENT, OS_STATUS_RETURNED, OS_STATUS_WITHDRAWN, OS_STATUS_STOPPED,
  OS_STATUS_PROCESSING,
};

/* Columns: one per action and outcome. */
typedef struct
{
  OsAction  action;
  OsOutcome outcome;
  const char *name;
} Column;

static const Column columns[] = {
  { OS_ACTION_HAND_OVER, 0, "hand_over" },
  { OS_ACTION_ASSIGN, 0, "assign" },
  { OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, "process/accept" },
  { OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT, "process/supplement" },
  { OS_ACTION_PROCESS, OS_OUTCOME_REFUSE, "process/refuse" },
  { OS_ACTION_PROCESS, OS_OUTCOME_REWORK, "process/rework" },
  { OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, "review/accept" },
  { OS_ACTION_REVIEW, OS_OUTCOME_SUPPLEMENT, "review/supplement" },
  { OS_ACTION_REVIEW, OS_OUTCOME_REFUSE, "review/refuse" },
  { OS_ACTION_REVIEW, OS_OUTCOME_REWORK, "review/rework" },
  { OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, "sign/accept" },
  { OS_ACTION_SIGN, OS_OUTCOME_SUPPLEMENT, "sign/supplement" },
  { OS_ACTION_SIGN, OS_OUTCOME_REFUSE, "sign/refuse" },
  { OS_ACTION_SIGN, OS_OUTCOME_REWORK, "sign/rework" },
  { OS_ACTION_COLLECT_FEE, 0, "collect_fee" },
  { OS_ACTION_REQUEST_PAYMENT, 0, "request_payment" },
  { OS_ACTION_RESUME, 0, "resume" },
  { OS_ACTION_RETURN, 0, "return" },
  { OS_ACTION_WITHDRAW, 0, "withdraw" },
  { OS_ACTION_STOP, 0, "stop" },
  { OS_ACTION_EXTEND, 0, "extend" },
  { OS_ACTION_ROLLBACK, 0, "rollback" },
};

#define N_COLUMNS G_N_ELEMENTS (columns)

/* 1 = allowed, 0 = refused; columns in the order above:
 *              ho as  pa ps pr pw  ra rs rr rw  sa ss sr sw  fe pay res ret wd st ext rb */
static const char expected[N_STATES][N_COLUMNS] = {
  [ST_RECEIVED]          = { 1, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  1, 1, 1, 0 },
  [ST_AT_ASSIGN]         = { 1, 1,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  1, 1, 1, 1 },
  [ST_ASSIGNED]          = { 0, 1,  1, 1, 1, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 1, 0, 0,  1, 1, 1, 1 },
  [ST_AT_PROCESS]        = { 0, 0,  1, 1, 1, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 1, 0, 0,  1, 1, 1, 1 },
  [ST_AT_REVIEW]         = { 0, 0,  0, 0, 0, 0,  1, 1, 1, 1,  0, 0, 0, 0,  0, 0, 0, 0,  1, 1, 1, 1 },
  [ST_AT_SIGN]           = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  1, 0, 0, 1,  0, 0, 0, 0,  1, 1, 1, 1 },
  [ST_AT_RETURN]         = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  1, 0, 0, 1,  1, 1, 0, 1 },
  [ST_PAUSED_SUPPLEMENT] = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 1, 0,  1, 1, 0, 1 },
  [ST_PAUSED_PAYMENT]    = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 1, 0,  1, 1, 0, 1 },
  [ST_RETURNED]          = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 1 },
  [ST_WITHDRAWN]         = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 1 },
  [ST_STOPPED]           = { 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 1 },
  [ST_EXTENDED]          = { 0, 0,  1, 1, 1, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 1, 0, 0,  1, 1, 0, 1 },
};

static guint
listed_outcomes (GArray   *choices,
                 OsAction  action,
                 gboolean *listed)
{
  *listed = FALSE;
  for (guint i = 0; i < choices->len; i++)
    {
      OsActionChoice *choice = &g_array_index (choices, OsActionChoice, i);

      if (choice->action == action)
        {
          *listed = TRUE;
          return choice->outcomes;
        }
    }
  return 0;
}

static void
test_table (void)
{
  for (guint s = 0; s < N_STATES; s++)
    for (guint c = 0; c < N_COLUMNS; c++)
      {
        Fixture f = { 0 };
        g_autoptr(OsActionRequest) request = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GArray) choices = NULL;
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        gboolean listed, ok;
        guint outcomes;

        fixture_set_up (&f, NULL);
        reach (&f, s);
        g_assert_cmpint (os_record_get_status (f.record), ==, state_status[s]);
        g_assert_cmpint (os_process_state_status (state_of (&f), f.process), ==, state_status[s]);

        f.now += 600;
        choices = os_process_engine_list_actions (f.process, f.record, f.officer, f.now);
        outcomes = listed_outcomes (choices, columns[c].action, &listed);

        before = record_data (f.record);
        request = full_request (columns[c].action, columns[c].outcome, f.record, f.now);
        ok = os_process_engine_apply (f.process, f.calendar, f.record, f.officer, request, &error);
        after = record_data (f.record);

        if (ok != expected[s][c])
          g_error ("state %s, %s: expected %s, got %s (%s)", state_names[s], columns[c].name,
                   expected[s][c] ? "allowed" : "refused", ok ? "allowed" : "refused",
                   error ? error->message : "");
        if (ok)
          {
            g_assert_no_error (error);
            g_assert_cmpstr (before, !=, after);
          }
        else
          {
            g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
            g_assert_cmpstr (error->message, !=, "");
            g_assert_cmpstr (before, ==, after);
          }

        /* list_actions agrees with apply. */
        if (columns[c].action == OS_ACTION_PROCESS || columns[c].action == OS_ACTION_REVIEW ||
            columns[c].action == OS_ACTION_SIGN)
          {
            g_assert_cmpint (!!(outcomes & (1u << columns[c].outcome)), ==, ok);
            g_assert_cmpint (listed, ==, outcomes != 0);
          }
        else
          {
            g_assert_cmpint (listed, ==, ok);
            g_assert_cmpuint (outcomes, ==, 0);
          }

        fixture_tear_down (&f, NULL);
      }
}

/* ---------------------------------------------------------------------------------------
 * Who may act
 * ------------------------------------------------------------------------------------- */

static gboolean
try_as (Fixture       *f,
        const OsActor *who,
        OsAction       action,
        OsOutcome      outcome,
        GError       **error)
{
  g_autoptr(OsActionRequest) request = full_request (action, outcome, f->record, f->now + 600);
  g_autofree char *before = record_data (f->record);
  gboolean ok = os_process_engine_apply (f->process, f->calendar, f->record, who, request, error);

  if (!ok)
    {
      g_autofree char *after = record_data (f->record);

      g_assert_cmpstr (before, ==, after);
    }
  else
    f->now += 600;
  return ok;
}

static void
assert_refused (Fixture       *f,
                const OsActor *who,
                OsAction       action,
                OsOutcome      outcome,
                const char    *message)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (try_as (f, who, action, outcome, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  if (message != NULL)
    g_assert_cmpstr (error->message, ==, message);
}

static void
assert_allowed (Fixture       *f,
                const OsActor *who,
                OsAction       action,
                OsOutcome      outcome)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (try_as (f, who, action, outcome, &error));
  g_assert_no_error (error);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(OsActor) reception = actor ("le.thi.tn", OS_ROLE_RECEPTION);
  g_autoptr(OsActor) specialist = actor ("nguyen.van.a", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActor) leader = actor ("vo.van.ld", OS_ROLE_LEADER);
  g_autoptr(OsActor) admin = actor ("admin", OS_ROLE_ADMIN);
  g_autoptr(OsActor) supervisor = actor ("giam.sat", OS_ROLE_SUPERVISOR);
  g_autoptr(GArray) none = NULL;
  g_autofree char *message = NULL;

  (void) data;

  /* Reception hands over; nobody else may at the reception step. */
  message = g_strdup_printf ("Bước “Tiếp nhận” dành cho vai trò “%s”; tài khoản nguyen.van.a không có vai trò này.",
                             os_role_to_string (OS_ROLE_RECEPTION));
  assert_refused (f, specialist, OS_ACTION_HAND_OVER, 0, message);
  assert_refused (f, admin, OS_ACTION_HAND_OVER, 0, NULL);
  none = os_process_engine_list_actions (f->process, f->record, admin, f->now);
  g_assert_cmpuint (none->len, ==, 0);
  g_clear_pointer (&none, g_array_unref);
  none = os_process_engine_list_actions (f->process, f->record, supervisor, f->now);
  g_assert_cmpuint (none->len, ==, 0);
  assert_allowed (f, reception, OS_ACTION_HAND_OVER, 0);

  /* Global actions by role. */
  assert_refused (f, specialist, OS_ACTION_WITHDRAW, 0, NULL);
  assert_refused (f, reception, OS_ACTION_STOP, 0, NULL);
  assert_refused (f, specialist, OS_ACTION_EXTEND, 0, NULL);
  assert_refused (f, admin, OS_ACTION_STOP, 0, NULL);

  /* Rollback: the one who acted, or a head / leader. */
  assert_refused (f, specialist, OS_ACTION_ROLLBACK, 0, NULL);
  assert_allowed (f, reception, OS_ACTION_ROLLBACK, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s1");
  assert_allowed (f, reception, OS_ACTION_HAND_OVER, 0);

  /* The head assigns a specialist and the record moves to Thụ lý, assigned. */
  assert_refused (f, specialist, OS_ACTION_ASSIGN, 0, NULL);
  assert_allowed (f, head, OS_ACTION_ASSIGN, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  g_assert_cmpstr (state_of (f)->assignee, ==, "nguyen.van.a");
}

static void
test_signing_at_review_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(OsActor) leader = actor ("vo.van.ld", OS_ROLE_LEADER);
  g_autoptr(OsActor) specialist = actor ("nguyen.van.a", OS_ROLE_SPECIALIST);
  g_autofree char *message = NULL;

  (void) data;
  reach (f, ST_AT_REVIEW);
  assert_refused (f, leader, OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, "Bước “Thẩm định” không cho phép ký duyệt.");
  message = g_strdup_printf ("Bước “Thẩm định” dành cho vai trò “%s”; tài khoản nguyen.van.a không có vai trò này.",
                             os_role_to_string (OS_ROLE_HEAD));
  assert_refused (f, specialist, OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, message);
}

static void
test_assignee (Fixture       *f,
               gconstpointer  data)
{
  const char *co[] = { "pham.thi.b", NULL };
  g_autoptr(OsActor) assignee = actor ("nguyen.van.a", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) other = actor ("do.van.c", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) co_processor = actor ("pham.thi.b", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  act (f, OS_ACTION_HAND_OVER, 0);
  f->now += 600;
  request = full_request (OS_ACTION_ASSIGN, 0, f->record, f->now);
  request->co_processors = g_strdupv ((char **) co);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, head, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->co_processors[0], ==, "pham.thi.b");

  assert_refused (f, other, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT,
                  "Hồ sơ đã được phân công cho nguyen.van.a; chỉ người này hoặc lãnh đạo phòng mới xử lý được.");
  /* A co-processor may process, nothing else. */
  assert_refused (f, co_processor, OS_ACTION_REQUEST_PAYMENT, 0, NULL);
  assert_allowed (f, co_processor, OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_SUPPLEMENT);
  assert_allowed (f, head, OS_ACTION_ROLLBACK, 0);

  /* The assignee may; so may the head (phân công lại, then acting). */
  assert_allowed (f, head, OS_ACTION_ASSIGN, 0);   /* reassigns in place to nguyen.van.a */
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  g_assert_null (state_of (f)->co_processors);
  assert_refused (f, co_processor, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, NULL);
  assert_allowed (f, assignee, OS_ACTION_REQUEST_PAYMENT, 0);
  assert_allowed (f, assignee, OS_ACTION_RESUME, 0);
  assert_allowed (f, assignee, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s4");
  g_assert_cmpstr (state_of (f)->assignee, ==, "");
  /* Thẩm định is not assigned and cannot assign: nobody assigns there. */
  assert_refused (f, assignee, OS_ACTION_ASSIGN, 0, NULL);
}

static void
test_units (Fixture       *f,
            gconstpointer  data)
{
  OsProcessStep *step = os_process_find_step (f->process, "s2");
  g_autoptr(OsProcessStep) moved = os_process_step_copy (step);
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  const char *roles[] = { OS_ROLE_HEAD, NULL };
  const char *other_units[] = { "UNIT", "PHONG-TP", NULL };
  g_autoptr(OsActor) head_b = os_actor_new ("le.b", "Lê B", roles, other_units, "");

  (void) data;
  /* A copy of the definition (same id and version) where Phân công belongs to PHONG-TP. */
  g_free (moved->unit);
  moved->unit = g_strdup ("PHONG-TP");
  os_process_replace_step (f->process, moved);

  act (f, OS_ACTION_HAND_OVER, 0);
  g_assert_cmpstr (state_of (f)->step_unit, ==, "PHONG-TP");
  assert_refused (f, head, OS_ACTION_ASSIGN, 0,
                  "Bước “Phân công” thuộc đơn vị PHONG-TP; tài khoản tran.van.tp không thuộc đơn vị này.");
  assert_allowed (f, head_b, OS_ACTION_HAND_OVER, 0);
}

static void
test_request_checks (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) other = demo_process ();
  g_autofree char *before = record_data (f->record);
  g_autofree char *after = NULL;

  (void) data;

  /* Withdrawing needs a reason. */
  request = full_request (OS_ACTION_WITHDRAW, 0, f->record, f->now + 60);
  g_free (request->reason);
  request->reason = g_strdup ("   ");
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* Another definition (other id) is refused. */
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, f->now + 60);
  g_assert_false (os_process_engine_apply (other, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  act (f, OS_ACTION_HAND_OVER, 0);
  g_free (before);
  before = record_data (f->record);

  /* Assigning needs someone. */
  request = full_request (OS_ACTION_ASSIGN, 0, f->record, f->now + 60);
  g_free (request->assignee);
  request->assignee = g_strdup ("");
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* The extension's new date must be later. */
  request = full_request (OS_ACTION_EXTEND, 0, f->record, f->now + 60);
  request->new_due_at = os_record_get_due_at (f->record);
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* None of these refusals changed anything. */
  after = record_data (f->record);
  g_assert_cmpstr (before, ==, after);

  /* A record without a process. */
  {
    g_autoptr(OsRecord) plain = os_record_new ();
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, plain, f->officer, f->now);

    g_assert_cmpuint (choices->len, ==, 0);
    request = full_request (OS_ACTION_HAND_OVER, 0, plain, f->now);
    g_assert_false (os_process_engine_apply (f->process, f->calendar, plain, f->officer, request, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
    g_clear_error (&error);
  }
}

static void
test_fee_needs_amount (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  reach (f, ST_AT_RETURN);
  request = full_request (OS_ACTION_COLLECT_FEE, 0, f->record, f->now + 60);
  g_free (request->note);
  request->note = g_strdup ("");
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (state_of (f)->fee, ==, "");
  act (f, OS_ACTION_COLLECT_FEE, 0);
  g_assert_cmpstr (state_of (f)->fee, ==, "50.000 đồng");
  /* Once. */
  assert_refused (f, f->officer, OS_ACTION_COLLECT_FEE, 0, NULL);
}

/* ---------------------------------------------------------------------------------------
 * Results and statuses
 * ------------------------------------------------------------------------------------- */

static void
test_path_to_return (Fixture       *f,
                     gconstpointer  data)
{
  OsProcessState *state;
  gint64 finished;

  (void) data;
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_RECEIVED);
  state = state_of (f);
  g_assert_cmpstr (state->step_id, ==, "s1");
  g_assert_cmpstr (state->step_name, ==, "Tiếp nhận");
  g_assert_cmpstr (state->step_role, ==, OS_ROLE_RECEPTION);
  g_assert_cmpuint (state->entries->len, ==, 0);

  reach (f, ST_AT_SIGN);
  act (f, OS_ACTION_SIGN, OS_OUTCOME_REWORK);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_PROCESSING);
  act (f, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT);
  act (f, OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT);
  act (f, OS_ACTION_SIGN, OS_OUTCOME_ACCEPT);
  state = state_of (f);
  g_assert_cmpstr (state->step_id, ==, "s6");
  g_assert_cmpint (state->result, ==, OS_RESULT_APPROVED);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_RESOLVED);
  finished = os_record_get_finished_at (f->record);
  g_assert_cmpint (finished, ==, f->now);
  g_assert_cmpint (state->step_due_at, ==, 0);   /* Trả kết quả has no budget */

  act (f, OS_ACTION_RETURN, 0);
  state = state_of (f);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_RETURNED);
  g_assert_cmpint (os_record_get_returned_at (f->record), ==, f->now);
  g_assert_cmpint (os_record_get_finished_at (f->record), ==, finished);
  g_assert_cmpstr (state->step_id, ==, "");
  g_assert_cmpint (state->entries->len, ==, 9);
  for (guint i = 0; i < state->entries->len; i++)
    g_assert_cmpint (((OsProcessEntry *) g_ptr_array_index (state->entries, i))->seq, ==, (int) i + 1);
}

/* The papers issued with the result are recorded with the signature that issues them,
 * travel in the state's JSON, and are not recorded for an action that issues nothing. */
static void
test_issued (Fixture       *f,
             gconstpointer  data)
{
  const char *papers[] = { "Giấy khai sinh (bản chính)", "Trích lục khai sinh (bản sao)", NULL };
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(OsProcessState) copy = NULL;
  OsProcessEntry *review, *sign;

  (void) data;
  reach (f, ST_AT_REVIEW);
  f->now += 600;
  request = full_request (OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, f->record, f->now);
  request->issued = g_strdupv ((char **) papers);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_no_error (error);
  g_clear_pointer (&request, os_action_request_free);

  f->now += 600;
  request = full_request (OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, f->record, f->now);
  request->issued = g_strdupv ((char **) papers);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_no_error (error);

  review = g_ptr_array_index (state_of (f)->entries, state_of (f)->entries->len - 2);
  sign = g_ptr_array_index (state_of (f)->entries, state_of (f)->entries->len - 1);
  g_assert_cmpint (review->action, ==, OS_ACTION_REVIEW);
  g_assert_null (review->issued);
  g_assert_cmpint (sign->action, ==, OS_ACTION_SIGN);
  g_assert_nonnull (sign->issued);
  g_assert_cmpstrv (sign->issued, papers);

  node = os_process_state_to_json (state_of (f));
  copy = os_process_state_from_json (node, &error);
  g_assert_no_error (error);
  sign = g_ptr_array_index (copy->entries, copy->entries->len - 1);
  g_assert_cmpstrv (sign->issued, papers);
  review = g_ptr_array_index (copy->entries, copy->entries->len - 2);
  g_assert_null (review->issued);
}

static void
test_refused_result (Fixture       *f,
                     gconstpointer  data)
{
  OsProcessEntry *last;

  (void) data;
  reach (f, ST_AT_PROCESS);
  act (f, OS_ACTION_PROCESS, OS_OUTCOME_REFUSE);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s6");
  g_assert_cmpint (state_of (f)->result, ==, OS_RESULT_REFUSED);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_RESOLVED);
  last = g_ptr_array_index (state_of (f)->entries, state_of (f)->entries->len - 1);
  g_assert_cmpint (last->outcome, ==, OS_OUTCOME_REFUSE);
  g_assert_cmpstr (last->reason, ==, "Lý do ghi rõ");
  g_assert_cmpstr (last->from_step, ==, "s3");
  g_assert_cmpstr (last->to_step, ==, "s6");
  g_assert_cmpstr (last->actor, ==, "can.bo");
  g_assert_cmpstr (last->desk, ==, "desk-1");
}

/* ---------------------------------------------------------------------------------------
 * The clock
 * ------------------------------------------------------------------------------------- */

static void
test_calendar_working_seconds (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  GDate date;

  /* A working day: 4 h + 3.5 h. */
  g_assert_cmpint (os_calendar_working_seconds (calendar, local ("2026-11-02 00:00"), local ("2026-11-03 00:00")),
                   ==, 27000);
  /* Lunch and the evening do not count. */
  g_assert_cmpint (os_calendar_working_seconds (calendar, local ("2026-11-02 11:00"), local ("2026-11-02 14:00")),
                   ==, 3600);
  /* Friday 16:00 → Monday 08:30 over a weekend: 1 h + 1 h. */
  g_assert_cmpint (os_calendar_working_seconds (calendar, local ("2026-11-06 16:00"), local ("2026-11-09 08:30")),
                   ==, 7200);
  /* Wednesday 29/4/2026 16:00 → Monday 4/5 08:00: 30/4 and 1/5 are holidays. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, 4, 2026);
  g_assert_cmpint (os_calendar_get_day_kind (calendar, &date, NULL), ==, OS_DAY_HOLIDAY);
  g_assert_cmpint (os_calendar_working_seconds (calendar, local ("2026-04-29 16:00"), local ("2026-05-04 08:00")),
                   ==, 5400);
  g_assert_cmpint (os_calendar_working_seconds (calendar, local ("2026-11-03 00:00"), local ("2026-11-02 00:00")),
                   ==, 0);

  /* Adding: from the end of a session, on into the next one. */
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-18 17:00"), 7200), ==,
                   local ("2026-11-19 09:30"));
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-02 11:00"), 1800), ==,
                   local ("2026-11-02 11:30"));
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-02 11:00"), 1801), ==,
                   local ("2026-11-02 13:30") + 1);
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-06 16:30"), 3600), ==,
                   local ("2026-11-09 08:00"));
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-04-29 16:00"), 5400), ==,
                   local ("2026-05-04 08:00"));
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-07 10:00"), 0), ==,
                   local ("2026-11-07 10:00"));
  /* The two agree: adding what was counted lands on the end of the span. */
  g_assert_cmpint (os_calendar_add_working_seconds (calendar, local ("2026-11-06 16:00"),
                                                    os_calendar_working_seconds (calendar, local ("2026-11-06 16:00"),
                                                                                 local ("2026-11-09 08:30"))),
                   ==, local ("2026-11-09 08:30"));
}

static void
test_step_deadlines (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  /* Tiếp nhận (1 session) entered Monday 08:00: due Monday 17:00. */
  g_assert_cmpint (state_of (f)->step_entered_at, ==, local ("2026-11-02 08:00"));
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-02 17:00"));
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-02 08:30")), ==, OS_STEP_TIMING_AHEAD);
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-02 14:00")), ==,
                   OS_STEP_TIMING_ON_SCHEDULE);
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-02 17:01")), ==, OS_STEP_TIMING_BEHIND);

  /* Handed over Monday 09:00 to Phân công, then Thụ lý (4 sessions) entered Monday 09:00:
   * Mon AM, Mon PM, Tue AM, Tue PM, Wed AM → Wednesday 11:30. */
  f->now = local ("2026-11-02 08:50");
  act (f, OS_ACTION_HAND_OVER, 0);
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-02 17:00"));
  f->now = local ("2026-11-02 08:50");
  act (f, OS_ACTION_HAND_OVER, 0);
  g_assert_cmpint (state_of (f)->step_entered_at, ==, local ("2026-11-02 09:00"));
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-04 11:30"));
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-04 10:00")), ==,
                   OS_STEP_TIMING_ON_SCHEDULE);
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-03 16:00")), ==, OS_STEP_TIMING_AHEAD);

  /* The hand-off's punctuality against the step left (Mẫu 05). */
  g_assert_cmpint (os_process_punctuality (local ("2026-11-03 10:00"), local ("2026-11-04 11:30")), ==,
                   OS_DUE_STATE_EARLY);
  g_assert_cmpint (os_process_punctuality (local ("2026-11-04 10:00"), local ("2026-11-04 11:30")), ==,
                   OS_DUE_STATE_ON_TIME);
  g_assert_cmpint (os_process_punctuality (local ("2026-11-04 11:31"), local ("2026-11-04 11:30")), ==,
                   OS_DUE_STATE_LATE);
  g_assert_cmpint (os_process_punctuality (local ("2026-11-04 11:31"), 0), ==, OS_DUE_STATE_NONE);

  /* The entry keeps the deadline of the step it left. */
  f->now = local ("2026-11-05 09:50");
  act (f, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT);
  {
    OsProcessEntry *last = g_ptr_array_index (state_of (f)->entries, state_of (f)->entries->len - 1);

    g_assert_cmpint (last->step_due_at, ==, local ("2026-11-04 11:30"));
    g_assert_cmpint (os_process_punctuality (last->at, last->step_due_at), ==, OS_DUE_STATE_LATE);
  }
  /* Thẩm định (2 sessions) from Thursday 10:00: Thu AM, Thu PM, Fri AM → Friday 11:30. */
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-06 11:30"));
  /* The calendar wrote it into the request. */
  f->now = local ("2026-11-06 16:00");
  request = full_request (OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, f->record, f->now);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  /* Ký duyệt (1 session) from Friday 16:00: Fri PM, Mon AM → Monday 11:30. */
  g_assert_cmpint (request->step_due_at, ==, local ("2026-11-09 11:30"));
  g_assert_cmpint (request->due_at, ==, os_record_get_due_at (f->record));
}

static void
test_pause_over_weekend (Fixture       *f,
                         gconstpointer  data)
{
  gint64 step_due, due;

  (void) data;
  reach (f, ST_AT_PROCESS);
  os_record_set_due_at (f->record, local ("2026-11-18 17:00"));
  step_due = state_of (f)->step_due_at;

  f->now = local ("2026-11-06 15:50");
  act (f, OS_ACTION_REQUEST_PAYMENT, 0);   /* Friday 16:00 */
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_PAYMENT);
  g_assert_cmpint (state_of (f)->pause, ==, OS_PAUSE_PAYMENT);
  g_assert_cmpint (state_of (f)->paused_at, ==, local ("2026-11-06 16:00"));
  g_assert_cmpstr (state_of (f)->paused_step, ==, "s3");
  g_assert_cmpint (os_process_state_timing (state_of (f), local ("2026-11-20 16:00")), ==, OS_STEP_TIMING_NONE);

  f->now = local ("2026-11-09 08:20");
  act (f, OS_ACTION_RESUME, 0);            /* Monday 08:30: 2 working hours paused */
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_PROCESSING);
  g_assert_cmpint (state_of (f)->pause, ==, OS_PAUSE_NONE);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  due = os_record_get_due_at (f->record);
  g_assert_cmpint (due, ==, local ("2026-11-19 09:30"));
  g_assert_cmpint (state_of (f)->step_due_at, ==, os_calendar_add_working_seconds (f->calendar, step_due, 7200));
  g_assert_cmpint (state_of (f)->step_due_at, !=, step_due);
  g_assert_cmpint (state_of (f)->supplements, ==, 0);
}

static void
test_pause_over_holiday (Fixture       *f,
                         gconstpointer  data)
{
  Fixture g = { 0 };
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 30, -1 };
  g_autoptr(GError) error = NULL;
  gint64 entered;

  (void) f;
  (void) data;
  g.process = demo_process ();
  g.calendar = os_calendar_new ();
  g.officer = officer ();
  g.record = os_record_new ();
  g.now = local ("2026-04-27 08:00");
  os_record_set_time_limit (g.record, &limit);
  g_assert_true (os_process_engine_start (g.process, g.calendar, g.record, g.officer, g.now, &error));
  reach (&g, ST_ASSIGNED);
  os_record_set_due_at (g.record, local ("2026-05-15 17:00"));
  /* Thụ lý entered on Monday 27/4, the day off making up for Giỗ Tổ (Sunday 26/4): counted
   * from Tuesday morning, over 30/4 and 1/5: Tue AM, Tue PM, Wed AM, Wed PM, Mon 4/5 AM. */
  entered = state_of (&g)->step_entered_at;
  g_assert_cmpint (entered, ==, local ("2026-04-27 08:20"));
  g_assert_cmpint (state_of (&g)->step_due_at, ==, local ("2026-05-04 11:30"));

  g.now = local ("2026-04-29 15:50");
  act (&g, OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT);   /* Wednesday 16:00 */
  g_assert_cmpint (os_record_get_status (g.record), ==, OS_STATUS_SUPPLEMENT);
  g_assert_cmpstr (state_of (&g)->step_id, ==, "s1");   /* back to reception along the link */
  g_assert_cmpstr (state_of (&g)->paused_step, ==, "s3");
  g_assert_cmpint (state_of (&g)->step_due_at, ==, 0);   /* the clock stands */
  g_assert_cmpint (state_of (&g)->supplements, ==, 1);

  g.now = local ("2026-05-04 07:50");
  act (&g, OS_ACTION_RESUME, 0);                         /* Monday 08:00: 1.5 working hours */
  g_assert_cmpstr (state_of (&g)->step_id, ==, "s3");
  g_assert_cmpint (os_record_get_status (g.record), ==, OS_STATUS_PROCESSING);
  /* 17:00 + 1 h 30 → the next Monday 09:00. */
  g_assert_cmpint (os_record_get_due_at (g.record), ==, local ("2026-05-18 09:00"));
  /* Thụ lý comes back as it stood, assigned, its deadline moved by the same 1 h 30:
   * Monday 11:30 → 15:00. */
  g_assert_cmpstr (state_of (&g)->assignee, ==, "nguyen.van.a");
  g_assert_cmpint (state_of (&g)->step_entered_at, ==, entered);
  g_assert_cmpint (state_of (&g)->step_due_at, ==, local ("2026-05-04 15:00"));

  /* A second supplement request is counted. */
  act (&g, OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT);
  g_assert_cmpint (state_of (&g)->supplements, ==, 2);
  act (&g, OS_ACTION_RESUME, 0);
  act (&g, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT);
  act (&g, OS_ACTION_REVIEW, OS_OUTCOME_SUPPLEMENT);
  g_assert_cmpint (state_of (&g)->supplements, ==, 3);
  g_assert_cmpstr (state_of (&g)->paused_step, ==, "s4");
  act (&g, OS_ACTION_RESUME, 0);
  g_assert_cmpstr (state_of (&g)->step_id, ==, "s4");

  fixture_tear_down (&g, NULL);
}

static void
test_extension (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  gint64 due = local ("2026-11-20 17:00");
  gint64 new_due = local ("2026-11-25 17:00");

  (void) data;
  reach (f, ST_AT_PROCESS);
  os_record_set_due_at (f->record, due);

  /* On the due date itself: too late. */
  request = full_request (OS_ACTION_EXTEND, 0, f->record, local ("2026-11-20 08:00"));
  request->new_due_at = new_due;
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==, "Chỉ được gia hạn trước ngày hẹn trả (20/11/2026).");
  g_clear_error (&error);
  {
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, f->record, f->officer,
                                                                local ("2026-11-20 08:00"));
    gboolean listed;

    listed_outcomes (choices, OS_ACTION_EXTEND, &listed);
    g_assert_false (listed);
  }

  /* The day before: allowed. */
  request->at = local ("2026-11-19 16:59");
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_due_at (f->record), ==, new_due);
  g_assert_cmpint (request->due_at, ==, new_due);
  g_assert_true (state_of (f)->extended);
  g_assert_cmpint (state_of (f)->original_due_at, ==, due);
  g_assert_cmpstr (state_of (f)->extension_reason, ==, "Lý do ghi rõ");
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_PROCESSING);

  /* Once only. */
  request->at = local ("2026-11-20 09:00");
  request->new_due_at = new_due + 86400;
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==, "Hồ sơ đã được gia hạn một lần; không thể gia hạn thêm.");
  g_assert_cmpint (os_record_get_due_at (f->record), ==, new_due);

  /* Rolled back, the extension can be used again. */
  f->now = local ("2026-11-20 09:00");
  act (f, OS_ACTION_ROLLBACK, 0);
  g_assert_false (state_of (f)->extended);
  g_assert_cmpint (state_of (f)->original_due_at, ==, 0);
  g_assert_cmpint (os_record_get_due_at (f->record), ==, due);
}

/* ---------------------------------------------------------------------------------------
 * Rollback
 * ------------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  TableState  from;
  OsAction    action;
  OsOutcome   outcome;
} Move;

static const Move moves[] = {
  { "hand-over", ST_RECEIVED, OS_ACTION_HAND_OVER, 0 },
  { "assign-move", ST_AT_ASSIGN, OS_ACTION_ASSIGN, 0 },
  { "reassign", ST_ASSIGNED, OS_ACTION_ASSIGN, 0 },
  { "process-accept", ST_AT_PROCESS, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT },
  { "process-supplement", ST_AT_PROCESS, OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT },
  { "process-refuse", ST_AT_PROCESS, OS_ACTION_PROCESS, OS_OUTCOME_REFUSE },
  { "review-rework", ST_AT_REVIEW, OS_ACTION_REVIEW, OS_OUTCOME_REWORK },
  { "review-supplement", ST_AT_REVIEW, OS_ACTION_REVIEW, OS_OUTCOME_SUPPLEMENT },
  { "sign-accept", ST_AT_SIGN, OS_ACTION_SIGN, OS_OUTCOME_ACCEPT },
  { "sign-rework", ST_AT_SIGN, OS_ACTION_SIGN, OS_OUTCOME_REWORK },
  { "collect-fee", ST_AT_RETURN, OS_ACTION_COLLECT_FEE, 0 },
  { "request-payment", ST_AT_PROCESS, OS_ACTION_REQUEST_PAYMENT, 0 },
  { "resume-payment", ST_PAUSED_PAYMENT, OS_ACTION_RESUME, 0 },
  { "resume-supplement", ST_PAUSED_SUPPLEMENT, OS_ACTION_RESUME, 0 },
  { "return", ST_AT_RETURN, OS_ACTION_RETURN, 0 },
  { "withdraw", ST_PAUSED_SUPPLEMENT, OS_ACTION_WITHDRAW, 0 },
  { "stop", ST_AT_SIGN, OS_ACTION_STOP, 0 },
  { "extend", ST_AT_PROCESS, OS_ACTION_EXTEND, 0 },
};

static void
test_rollback (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      Fixture f = { 0 };
      g_autofree char *before = NULL;
      g_autofree char *moved = NULL;
      g_autofree char *after = NULL;
      g_autoptr(GError) error = NULL;
      OsProcessState *state;
      OsProcessEntry *undone, *rollback;
      guint len;

      g_test_message ("rollback of %s", moves[i].name);
      fixture_set_up (&f, NULL);
      reach (&f, moves[i].from);
      before = scalars_data (f.record);
      len = state_of (&f)->entries->len;

      assign_to = moves[i].action == OS_ACTION_ASSIGN ? "pham.thi.b" : "nguyen.van.a";
      act (&f, moves[i].action, moves[i].outcome);
      assign_to = "nguyen.van.a";
      moved = scalars_data (f.record);
      g_assert_cmpstr (moved, !=, before);

      act (&f, OS_ACTION_ROLLBACK, 0);
      after = scalars_data (f.record);
      g_assert_cmpstr (after, ==, before);

      state = state_of (&f);
      g_assert_cmpuint (state->entries->len, ==, len + 2);
      undone = g_ptr_array_index (state->entries, len);
      rollback = g_ptr_array_index (state->entries, len + 1);
      g_assert_true (undone->rolled_back);
      g_assert_cmpint (undone->action, ==, moves[i].action);
      g_assert_cmpint (rollback->action, ==, OS_ACTION_ROLLBACK);
      g_assert_false (rollback->rolled_back);
      g_assert_cmpstr (rollback->reason, ==, "Lý do ghi rõ");

      /* The next rollback undoes the action before (if any). */
      if (len > 0)
        {
          OsProcessEntry *previous = g_ptr_array_index (state->entries, len - 1);

          g_assert_false (previous->rolled_back);
          act (&f, OS_ACTION_ROLLBACK, 0);
          g_assert_true (((OsProcessEntry *) g_ptr_array_index (state_of (&f)->entries, len - 1))->rolled_back);
        }
      else
        {
          g_autoptr(OsActionRequest) request = full_request (OS_ACTION_ROLLBACK, 0, f.record, f.now + 60);

          g_assert_false (os_process_engine_apply (f.process, f.calendar, f.record, f.officer, request, &error));
          g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
          g_assert_cmpstr (error->message, ==, "Chưa có thao tác nào để thu hồi.");
        }
      fixture_tear_down (&f, NULL);
    }
}

static void
test_rollback_bad_snapshot (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  OsProcessEntry *entry;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  (void) data;
  act (f, OS_ACTION_HAND_OVER, 0);
  entry = g_ptr_array_index (state_of (f)->entries, 0);
  g_free (entry->before);
  entry->before = g_strdup ("{\"state\": 3");
  before = record_data (f->record);
  request = full_request (OS_ACTION_ROLLBACK, 0, f->record, f->now + 60);
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  after = record_data (f->record);
  g_assert_cmpstr (before, ==, after);
}

/* ---------------------------------------------------------------------------------------
 * Desk and server
 * ------------------------------------------------------------------------------------- */

typedef struct
{
  OsAction  action;
  OsOutcome outcome;
  const char *at;
} Step;

static const Step journey[] = {
  { OS_ACTION_HAND_OVER, 0, "2026-11-02 09:00" },
  { OS_ACTION_ASSIGN, 0, "2026-11-02 10:00" },
  { OS_ACTION_REQUEST_PAYMENT, 0, "2026-11-03 15:00" },
  { OS_ACTION_RESUME, 0, "2026-11-05 09:10" },
  { OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT, "2026-11-06 16:00" },
  { OS_ACTION_RESUME, 0, "2026-11-10 08:00" },
  { OS_ACTION_EXTEND, 0, "2026-11-10 09:00" },
  { OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, "2026-11-11 14:00" },
  { OS_ACTION_REVIEW, OS_OUTCOME_REWORK, "2026-11-12 08:00" },
  { OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, "2026-11-12 10:00" },
  { OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, "2026-11-13 10:00" },
  { OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, "2026-11-16 07:00" },
  { OS_ACTION_COLLECT_FEE, 0, "2026-11-16 13:00" },
  { OS_ACTION_RETURN, 0, "2026-11-16 14:00" },
  { OS_ACTION_ROLLBACK, 0, "2026-11-16 14:05" },
  { OS_ACTION_RETURN, 0, "2026-11-16 14:10" },
};

static void
test_server_agrees (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(OsRecord) server = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(GError) error = NULL;
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 30, -1 };
  OsProcessStep *s1;

  (void) data;
  /* The desk starts the record; the server gets it through the record JSON. */
  g_assert_cmpint (state_of (f)->step_due_at, !=, 0);
  copy = os_record_to_json (f->record, "UNIT", NULL);
  server = os_record_new_from_json (copy, &error);
  g_assert_no_error (error);
  os_record_set_time_limit (server, &limit);
  s1 = os_process_find_step (f->process, "s1");
  g_assert_nonnull (s1);

  for (guint i = 0; i < G_N_ELEMENTS (journey); i++)
    {
      g_autoptr(OsActionRequest) desk = full_request (journey[i].action, journey[i].outcome, f->record,
                                                      local (journey[i].at));
      g_autoptr(OsActionRequest) sent = NULL;
      g_autoptr(JsonNode) wire = NULL;
      g_autofree char *wire_text = NULL;
      g_autofree char *desk_state = NULL;
      g_autofree char *server_state = NULL;
      g_autoptr(JsonNode) parsed = NULL;

      g_test_message ("journey %u: %s", i, os_action_to_id (journey[i].action));
      g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, desk, &error));
      g_assert_no_error (error);

      /* Through the outbox: JSON text and back. */
      wire = os_action_request_to_json (desk);
      wire_text = node_data (wire);
      parsed = json_from_string (wire_text, &error);
      g_assert_no_error (error);
      sent = os_action_request_from_json (parsed, &error);
      g_assert_no_error (error);

      g_assert_true (os_process_engine_apply (f->process, NULL, server, f->officer, sent, &error));
      g_assert_no_error (error);

      desk_state = state_data (f->record);
      server_state = state_data (server);
      g_assert_cmpstr (desk_state, ==, server_state);
      g_assert_cmpint (os_record_get_status (f->record), ==, os_record_get_status (server));
      g_assert_cmpint (os_record_get_due_at (f->record), ==, os_record_get_due_at (server));
      g_assert_cmpint (os_record_get_finished_at (f->record), ==, os_record_get_finished_at (server));
      g_assert_cmpint (os_record_get_returned_at (f->record), ==, os_record_get_returned_at (server));
    }
  g_assert_cmpint (os_record_get_status (server), ==, OS_STATUS_RETURNED);
  {
    g_autoptr(JsonNode) a = os_record_to_json (f->record, "UNIT", NULL);
    g_autoptr(JsonNode) b = os_record_to_json (server, "UNIT", NULL);
    g_autofree char *ta = node_data (a);
    g_autofree char *tb = node_data (b);

    g_assert_cmpstr (ta, ==, tb);
  }
}

static void
test_server_checks (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  (void) data;
  before = record_data (f->record);

  /* Entering a step with a budget needs its deadline, not before the action. */
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 09:00"));
  request->step_due_at = 0;
  g_assert_false (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->step_due_at = local ("2026-11-02 08:59");
  g_assert_false (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  after = record_data (f->record);
  g_assert_cmpstr (before, ==, after);
  request->step_due_at = local ("2026-11-02 17:00");
  g_assert_true (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-02 17:00"));
  g_clear_pointer (&request, os_action_request_free);

  /* A resume may not bring the due date forward. */
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 10:00"));
  request->step_due_at = local ("2026-11-04 11:30");
  g_assert_true (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_clear_pointer (&request, os_action_request_free);
  request = full_request (OS_ACTION_REQUEST_PAYMENT, 0, f->record, local ("2026-11-02 11:00"));
  g_assert_true (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_clear_pointer (&request, os_action_request_free);
  g_free (before);
  before = record_data (f->record);
  request = full_request (OS_ACTION_RESUME, 0, f->record, local ("2026-11-03 11:00"));
  request->due_at = os_record_get_due_at (f->record) - 60;
  request->step_due_at = local ("2026-11-05 11:30");
  g_assert_false (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  /* … nor the step's deadline. */
  request->due_at = os_record_get_due_at (f->record) + 3600;
  request->step_due_at = local ("2026-11-04 11:00");
  g_assert_false (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_free (after);
  after = record_data (f->record);
  g_assert_cmpstr (before, ==, after);
  request->step_due_at = local ("2026-11-05 11:30");
  g_assert_true (os_process_engine_apply (f->process, NULL, f->record, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f)->step_due_at, ==, local ("2026-11-05 11:30"));
}

/* ---------------------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------------------- */

static void
test_ids (void)
{
  for (guint a = OS_ACTION_HAND_OVER; a <= OS_ACTION_LAST; a++)
    {
      OsAction back = OS_ACTION_NONE;

      g_assert_true (os_action_from_id (os_action_to_id (a), &back));
      g_assert_cmpint (back, ==, a);
      g_assert_cmpstr (os_action_to_string (a), !=, "");
    }
  g_assert_false (os_action_from_id ("none", NULL));
  g_assert_false (os_action_from_id ("fly", NULL));
  g_assert_false (os_action_from_id (NULL, NULL));
  g_assert_cmpstr (os_action_to_id (OS_ACTION_REQUEST_PAYMENT), ==, "request_payment");

  g_assert_cmpint (os_process_engine_needs (OS_ACTION_ASSIGN, 0), ==, OS_NEEDS_ASSIGNEE);
  g_assert_cmpint (os_process_engine_needs (OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT), ==, OS_NEEDS_OUTCOME);
  g_assert_cmpint (os_process_engine_needs (OS_ACTION_PROCESS, OS_OUTCOME_SUPPLEMENT), ==,
                   OS_NEEDS_OUTCOME | OS_NEEDS_REASON);
  g_assert_cmpint (os_process_engine_needs (OS_ACTION_EXTEND, 0), ==, OS_NEEDS_REASON | OS_NEEDS_NEW_DUE_DATE);
  g_assert_cmpint (os_process_engine_needs (OS_ACTION_COLLECT_FEE, 0), ==, OS_NEEDS_AMOUNT);
  g_assert_cmpint (os_process_engine_needs (OS_ACTION_HAND_OVER, 0), ==, OS_NEEDS_NOTHING);
}

static void
test_request_json (void)
{
  g_autoptr(OsActionRequest) request = os_action_request_new (OS_ACTION_REVIEW);
  g_autoptr(OsActionRequest) back = NULL;
  g_autoptr(OsActionRequest) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonObject *object;

  request->outcome = OS_OUTCOME_REWORK;
  request->at = 1793000000;
  request->co_processors = g_strsplit ("a,b", ",", -1);
  request->issued = g_strsplit ("Giấy khai sinh", ",", -1);
  g_free (request->reason);
  request->reason = g_strdup ("Thiếu chữ ký");
  request->new_due_at = 5;
  request->step_due_at = 6;
  request->due_at = 7;

  node = os_action_request_to_json (request);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "action"), ==, "review");
  g_assert_cmpstr (json_object_get_string_member (object, "outcome"), ==, "rework");
  g_assert_cmpint (json_object_get_int_member (object, "due_at"), ==, 7);

  back = os_action_request_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->action, ==, OS_ACTION_REVIEW);
  g_assert_cmpint (back->outcome, ==, OS_OUTCOME_REWORK);
  g_assert_cmpstr (back->co_processors[1], ==, "b");
  g_assert_cmpstr (back->issued[0], ==, "Giấy khai sinh");
  copy = os_action_request_copy (back);
  node2 = os_action_request_to_json (copy);
  a = node_data (node);
  b = node_data (node2);
  g_assert_cmpstr (a, ==, b);
}

static void
test_request_json_bad (void)
{
  static const char * const bad[] = {
    "[]",
    "{}",
    "{\"action\": \"fly\"}",
    "{\"action\": 3}",
    "{\"action\": \"none\"}",
    "{\"action\": \"process\", \"outcome\": \"maybe\"}",
    "{\"action\": \"process\", \"at\": \"monday\"}",
    "{\"action\": \"process\", \"at\": 1.5}",
    "{\"action\": \"assign\", \"assignee\": 42}",
    "{\"action\": \"assign\", \"co_processors\": \"a\"}",
    "{\"action\": \"assign\", \"co_processors\": [\"a\", 1]}",
    "{\"action\": \"sign\", \"issued\": [null]}",
    "{\"action\": \"extend\", \"new_due_at\": true}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OsActionRequest) request = os_action_request_from_json (node, &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (request);
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
    }

  {
    g_autoptr(JsonNode) node = json_from_string ("{\"action\": \"withdraw\"}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OsActionRequest) request = os_action_request_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpint (request->action, ==, OS_ACTION_WITHDRAW);
    g_assert_cmpint (request->outcome, ==, OS_OUTCOME_ACCEPT);
    g_assert_cmpstr (request->reason, ==, "");
    g_assert_null (request->co_processors);
  }
}

static void
test_state_json (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(OsProcessState) back = NULL;
  g_autoptr(OsProcessState) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonObject *object;
  static const char * const members[] = {
    "process_id", "process_version", "step_id", "step_name", "step_unit", "step_role", "assignee",
    "co_processors", "step_entered_at", "step_due_at", "pause", "paused_at", "paused_step",
    "supplements", "extended", "original_due_at", "extension_reason", "fee", "result", "entries",
  };
  static const char * const entry_members[] = {
    "seq", "action", "outcome", "at", "actor", "actor_name", "desk", "from_step", "to_step",
    "assignee", "reason", "note", "step_due_at", "rolled_back", "before",
  };

  (void) data;
  reach (f, ST_PAUSED_SUPPLEMENT);
  act (f, OS_ACTION_RESUME, 0);
  act (f, OS_ACTION_EXTEND, 0);
  act (f, OS_ACTION_ROLLBACK, 0);

  node = os_process_state_to_json (state_of (f));
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (members));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    g_assert_true (json_object_has_member (object, members[i]));
  g_assert_cmpstr (json_object_get_string_member (object, "pause"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (object, "result"), ==, "none");
  {
    JsonArray *entries = json_object_get_array_member (object, "entries");
    JsonObject *first = json_array_get_object_element (entries, 0);

    g_assert_cmpuint (json_object_get_size (first), ==, G_N_ELEMENTS (entry_members));
    for (guint i = 0; i < G_N_ELEMENTS (entry_members); i++)
      g_assert_true (json_object_has_member (first, entry_members[i]));
    g_assert_cmpstr (json_object_get_string_member (first, "action"), ==, "hand_over");
  }

  back = os_process_state_from_json (node, &error);
  g_assert_no_error (error);
  copy = os_process_state_copy (back);
  node2 = os_process_state_to_json (copy);
  a = node_data (node);
  b = node_data (node2);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpint (os_process_state_status (copy, f->process), ==, os_record_get_status (f->record));
}

static void
test_state_json_bad (void)
{
  static const char * const bad[] = {
    "3",
    "{\"step_id\": 3}",
    "{\"pause\": \"lunch\"}",
    "{\"result\": \"maybe\"}",
    "{\"extended\": 1}",
    "{\"supplements\": -1}",
    "{\"co_processors\": {}}",
    "{\"entries\": [3]}",
    "{\"entries\": [{\"action\": \"assign\", \"outcome\": \"later\"}]}",
    "{\"entries\": [{\"action\": \"assign\", \"before\": {}}]}",
    "{\"entries\": [{\"action\": \"assign\", \"seq\": \"1\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(OsProcessState) state = os_process_state_from_json (node, &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (state);
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
    }

  {
    g_autoptr(JsonNode) node = json_from_string ("{}", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(OsProcessState) state = os_process_state_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (state->step_id, ==, "");
    g_assert_cmpint (state->pause, ==, OS_PAUSE_NONE);
    g_assert_cmpuint (state->entries->len, ==, 0);
  }
}

static void
test_start_refused (void)
{
  g_autoptr(OsProcess) draft = demo_process ();
  g_autoptr(OsProcess) empty = os_process_new ("Trống");
  g_autoptr(OsRecord) record = os_record_new ();
  g_autoptr(OsActor) who = officer ();
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  g_autoptr(GError) error = NULL;

  os_process_set_published (draft, 0, 0, "");
  g_assert_false (os_process_engine_start (draft, calendar, record, who, 1793000000, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  os_process_set_published (empty, 1, 0, "");
  g_assert_false (os_process_engine_start (empty, calendar, record, who, 1793000000, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_null (os_record_get_process_state (record));
}

/* ---------------------------------------------------------------------------------------
 * Review 5: who may assign, time bounds, units of global actions, instants
 * ------------------------------------------------------------------------------------- */

/* A request as the server gets it: a step deadline a day after the action unless told. */
static OsActionRequest *
server_request (OsAction    action,
                OsOutcome   outcome,
                OsRecord   *record,
                gint64      at,
                const char *assignee)
{
  OsActionRequest *request = full_request (action, outcome, record, at);

  request->step_due_at = at + 86400;
  request->due_at = os_record_get_due_at (record);
  if (assignee != NULL)
    {
      g_free (request->assignee);
      request->assignee = g_strdup (assignee);
    }
  return request;
}

/* Applies on the server (no calendar); on refusal asserts nothing changed. */
static gboolean
server_apply (Fixture         *f,
              const OsActor   *who,
              OsActionRequest *request,
              GError         **error)
{
  g_autofree char *before = record_data (f->record);
  gboolean ok = os_process_engine_apply (f->process, NULL, f->record, who, request, error);

  if (!ok)
    {
      g_autofree char *after = record_data (f->record);

      g_assert_cmpstr (before, ==, after);
    }
  return ok;
}

/* The reviewer's sequence (finding 1): a specialist pre-assigns every step to himself and
 * signs his own record. Every way in is refused on the server. */
static void
test_self_assignment (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OsActor) reception = actor ("le.tan", OS_ROLE_RECEPTION);
  g_autoptr(OsActor) sv1 = actor ("sv1", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gint64 at = f->now;

  (void) data;

  /* hand_over accept as le.tan(reception) assignee=sv1: refused. */
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, at += 600, "sv1");
  g_assert_false (server_apply (f, reception, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "Chỉ lãnh đạo của đơn vị phụ trách bước “Phân công” mới được giao trước người xử lý khi "
                   "chuyển xử lý; hãy dùng thao tác phân công.");
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);
  /* Co-processors are a pre-assignment too. */
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, at, NULL);
  request->co_processors = g_strsplit ("sv1", ",", -1);
  g_assert_false (server_apply (f, reception, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* Handed over plainly: Phân công, nobody's. */
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, at, NULL);
  g_assert_true (server_apply (f, reception, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  g_assert_cmpstr (state_of (f)->assignee, ==, "");
  g_clear_pointer (&request, os_action_request_free);

  /* assign accept as sv1(specialist): refused (the head's step). */
  request = server_request (OS_ACTION_ASSIGN, 0, f->record, at += 600, "sv1");
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  /* The head assigns sv1: Thụ lý, sv1's. */
  g_assert_true (server_apply (f, head, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  g_assert_cmpstr (state_of (f)->assignee, ==, "sv1");
  g_clear_pointer (&request, os_action_request_free);

  /* process accept as sv1 assignee=sv1: refused; without the assignee it goes on. */
  request = server_request (OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, f->record, at += 600, "sv1");
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);
  request = server_request (OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, f->record, at, NULL);
  g_assert_true (server_apply (f, sv1, request, &error));
  g_assert_cmpstr (state_of (f)->step_id, ==, "s4");
  g_assert_cmpstr (state_of (f)->assignee, ==, "");
  g_clear_pointer (&request, os_action_request_free);

  /* review accept / sign accept as sv1: refused, with or without an assignee. */
  request = server_request (OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, f->record, at += 600, "sv1");
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);
  request = server_request (OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, f->record, at, NULL);
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* Even an assignment made by a head (a pre-assignment of Ký duyệt to sv1) does not give
   * the leader's step to a specialist: the assignee must hold the step's role. */
  request = server_request (OS_ACTION_REVIEW, OS_OUTCOME_ACCEPT, f->record, at, "sv1");
  g_assert_true (server_apply (f, head, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s5");
  g_assert_cmpstr (state_of (f)->assignee, ==, "sv1");
  g_clear_pointer (&request, os_action_request_free);
  request = server_request (OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, f->record, at += 600, "sv1");
  message = g_strdup_printf ("Bước “Ký duyệt” dành cho vai trò “%s”; tài khoản sv1 không có vai trò này.",
                             os_role_to_string (OS_ROLE_LEADER));
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);
  request = server_request (OS_ACTION_SIGN, OS_OUTCOME_ACCEPT, f->record, at, NULL);
  g_assert_false (server_apply (f, sv1, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  {
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, f->record, sv1, at);
    gboolean listed;

    listed_outcomes (choices, OS_ACTION_SIGN, &listed);
    g_assert_false (listed);
  }
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_PROCESSING);
  g_assert_cmpint (state_of (f)->result, ==, OS_RESULT_NONE);
}

/* A co-processor may process only while holding the step's role. */
static void
test_co_processor_role (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActor) clerk = actor ("pham.thi.b", OS_ROLE_RECEPTION);
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  act (f, OS_ACTION_HAND_OVER, 0);
  f->now += 600;
  request = full_request (OS_ACTION_ASSIGN, 0, f->record, f->now);
  request->co_processors = g_strsplit ("pham.thi.b", ",", -1);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, head, request, &error));
  g_assert_no_error (error);
  assert_refused (f, clerk, OS_ACTION_PROCESS, OS_OUTCOME_ACCEPT, NULL);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
}

/* Finding 12: ASSIGN at a step already assigned reassigns in place, by a head / leader of
 * the step's unit only; the first ASSIGN at Phân công still moves the record on. */
static void
test_reassign_in_place (Fixture       *f,
                        gconstpointer  data)
{
  OsProcessStep *step = os_process_find_step (f->process, "s2");
  g_autoptr(OsProcessStep) moved = os_process_step_copy (step);
  const char *head_roles[] = { OS_ROLE_HEAD, NULL };
  const char *both[] = { "UNIT", "PHONG-TP", NULL };
  const char *tp[] = { "PHONG-TP", NULL };
  const char *desk_roles[] = { OS_ROLE_RECEPTION, OS_ROLE_HEAD, NULL };
  g_autoptr(OsActor) head_b = os_actor_new ("le.b", "Lê B", head_roles, both, "");
  g_autoptr(OsActor) desk_head = os_actor_new ("tp.tiep.nhan", "TP", desk_roles, both, "");
  g_autoptr(OsActor) head_c = os_actor_new ("ho.c", "Hồ C", head_roles, tp, "");
  g_autoptr(OsActor) head_unit = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActor) reception = actor ("le.thi.tn", OS_ROLE_RECEPTION);
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  guint entries;

  (void) data;
  g_free (moved->unit);
  moved->unit = g_strdup ("PHONG-TP");
  os_process_replace_step (f->process, moved);

  /* The officer (a head of UNIT) hands over with a pre-assignment to Phân công of PHONG-TP:
   * not a head of that unit, refused. */
  f->now += 600;
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, f->now);
  g_free (request->assignee);
  request->assignee = g_strdup ("ho.c");
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* Plainly: Phân công, nobody's. head_b assigns at Phân công not yet assigned: the first
   * assignment moves the record on to Thụ lý. */
  act (f, OS_ACTION_HAND_OVER, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  f->now += 600;
  request = full_request (OS_ACTION_ASSIGN, 0, f->record, f->now);
  g_free (request->assignee);
  request->assignee = g_strdup ("nguyen.van.a");
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, head_b, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  g_clear_pointer (&request, os_action_request_free);
  assert_allowed (f, head_b, OS_ACTION_ROLLBACK, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  assert_allowed (f, head_b, OS_ACTION_ROLLBACK, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s1");

  /* A head of PHONG-TP at the reception hands over with a pre-assignment: Phân công is ho.c's. */
  f->now += 600;
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, f->now);
  g_free (request->assignee);
  request->assignee = g_strdup ("ho.c");
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, desk_head, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  g_assert_cmpstr (state_of (f)->assignee, ==, "ho.c");
  g_clear_pointer (&request, os_action_request_free);
  entries = state_of (f)->entries->len;

  /* A second ASSIGN: reassigns in place, the record stays at Phân công. */
  f->now += 600;
  request = full_request (OS_ACTION_ASSIGN, 0, f->record, f->now);
  g_free (request->assignee);
  request->assignee = g_strdup ("le.b");
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, head_b, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  g_assert_cmpstr (state_of (f)->assignee, ==, "le.b");
  g_assert_cmpuint (state_of (f)->entries->len, ==, entries + 1);
  g_clear_pointer (&request, os_action_request_free);

  /* Not by a head outside the unit, nor by anyone outside it. */
  assert_refused (f, head_unit, OS_ACTION_ASSIGN, 0,
                  "Bước “Phân công” thuộc đơn vị PHONG-TP; tài khoản tran.van.tp không thuộc đơn vị này.");
  assert_refused (f, reception, OS_ACTION_ASSIGN, 0, NULL);
  /* head_c (PHONG-TP only) may: in place again. */
  assert_allowed (f, head_c, OS_ACTION_ASSIGN, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  g_assert_cmpstr (state_of (f)->assignee, ==, assign_to);
  /* And then hand it over as a head of the unit. */
  assert_allowed (f, head_c, OS_ACTION_HAND_OVER, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
}

/* Finding 12 on the demo's Phân công with a non-manager assignee: the assignee (who holds
 * the step's role by the rules) cannot move the record by ASSIGN; a head reassigns. */
static void
test_reassign_not_by_assignee (Fixture       *f,
                               gconstpointer  data)
{
  OsProcessStep *step = os_process_find_step (f->process, "s2");
  g_autoptr(OsProcessStep) changed = os_process_step_copy (step);
  g_autoptr(OsActor) specialist = actor ("do.van.c", OS_ROLE_SPECIALIST);
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  /* A variant where specialists distribute the work at Phân công. */
  g_free (changed->role);
  changed->role = g_strdup (OS_ROLE_SPECIALIST);
  os_process_replace_step (f->process, changed);
  /* The officer (a head of the record's unit) hands over, pre-assigning Phân công. */
  f->now += 600;
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, f->now);
  g_free (request->assignee);
  request->assignee = g_strdup ("do.van.c");
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->assignee, ==, "do.van.c");

  assert_refused (f, specialist, OS_ACTION_ASSIGN, 0,
                  "Hồ sơ đã được phân công cho do.van.c; chỉ lãnh đạo phòng hoặc lãnh đạo đơn vị mới phân công lại được.");
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  /* The assignee may still hand over. */
  {
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, f->record, specialist, f->now);
    gboolean listed;

    listed_outcomes (choices, OS_ACTION_ASSIGN, &listed);
    g_assert_false (listed);
    listed_outcomes (choices, OS_ACTION_HAND_OVER, &listed);
    g_assert_true (listed);
  }
  assert_allowed (f, head, OS_ACTION_ASSIGN, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  g_assert_cmpstr (state_of (f)->assignee, ==, assign_to);
}

/* Finding 5: WITHDRAW, STOP, EXTEND and ROLLBACK only by members of the record's unit. */
static void
test_global_actions_units (Fixture       *f,
                           gconstpointer  data)
{
  OsProcessStep *step = os_process_find_step (f->process, "s3");
  g_autoptr(OsProcessStep) moved = os_process_step_copy (step);
  const char *head_roles[] = { OS_ROLE_HEAD, NULL };
  const char *tp[] = { "PHONG-TP", NULL };
  g_autoptr(OsActor) head_tp = os_actor_new ("le.b", "Lê B", head_roles, tp, "");
  g_autoptr(OsActor) head = actor ("tran.van.tp", OS_ROLE_HEAD);
  g_autoptr(OsActor) leader = actor ("vo.van.ld", OS_ROLE_LEADER);
  g_autoptr(OsActor) reception = actor ("le.thi.tn", OS_ROLE_RECEPTION);
  const char *message = "Bước “Thụ lý” thuộc đơn vị PHONG-TP; tài khoản tran.van.tp không thuộc đơn vị này.";

  (void) data;
  g_free (moved->unit);
  moved->unit = g_strdup ("PHONG-TP");
  os_process_replace_step (f->process, moved);
  reach (f, ST_AT_PROCESS);
  g_assert_cmpstr (state_of (f)->step_unit, ==, "PHONG-TP");

  assert_refused (f, head, OS_ACTION_WITHDRAW, 0, message);
  assert_refused (f, head, OS_ACTION_STOP, 0, message);
  assert_refused (f, head, OS_ACTION_EXTEND, 0, message);
  assert_refused (f, leader, OS_ACTION_STOP, 0, NULL);
  assert_refused (f, reception, OS_ACTION_WITHDRAW, 0, NULL);
  {
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, f->record, head, f->now);

    /* Only the rollback of the hand-over taken at Phân công (unit ""). */
    g_assert_cmpuint (choices->len, ==, 1);
    g_assert_cmpint (g_array_index (choices, OsActionChoice, 0).action, ==, OS_ACTION_ROLLBACK);
  }

  /* The last action (hand-over at Phân công, unit "") may be rolled back by a head of UNIT. */
  assert_allowed (f, head, OS_ACTION_ROLLBACK, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s2");
  act (f, OS_ACTION_HAND_OVER, 0);

  /* A head of PHONG-TP acts at Thụ lý; a head of UNIT alone may not roll that back. */
  assert_allowed (f, head_tp, OS_ACTION_EXTEND, 0);
  assert_refused (f, head, OS_ACTION_ROLLBACK, 0, message);
  assert_allowed (f, head_tp, OS_ACTION_WITHDRAW, 0);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_WITHDRAWN);
  /* Finished: the unit of the step where the withdrawal was taken. */
  assert_refused (f, head, OS_ACTION_ROLLBACK, 0, message);
  assert_allowed (f, head_tp, OS_ACTION_ROLLBACK, 0);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");
  assert_allowed (f, head_tp, OS_ACTION_STOP, 0);
  g_assert_cmpint (os_record_get_status (f->record), ==, OS_STATUS_STOPPED);
}

/* Finding 4: `at` never before the previous entry (or the reception). */
static void
test_backdated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  /* Before the reception (08:00), on both sides. */
  request = full_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 07:59"));
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "Thời điểm thao tác (02/11/2026 07:59) sớm hơn lúc tiếp nhận hồ sơ (02/11/2026 08:00); "
                   "không thể ghi lùi thời gian. Hãy kiểm tra ngày giờ của máy tính này.");
  g_clear_error (&error);
  request->step_due_at = local ("2026-11-02 17:00");
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 09:00"), NULL);
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_clear_pointer (&request, os_action_request_free);

  /* Before the previous action: refused; at the same moment: fine. */
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 08:59"), NULL);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==,
                   "Thời điểm thao tác (02/11/2026 08:59) sớm hơn thao tác trước đó của hồ sơ (02/11/2026 09:00); "
                   "không thể ghi lùi thời gian. Hãy kiểm tra ngày giờ của máy tính này.");
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  /* A return backdated before the due date, or an extension backdated ten years: refused. */
  request = server_request (OS_ACTION_EXTEND, 0, f->record, local ("2016-11-02 09:00"), NULL);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_clear_pointer (&request, os_action_request_free);

  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, local ("2026-11-02 09:00"), NULL);
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (f)->step_id, ==, "s3");

  /* A rollback too. */
  g_clear_pointer (&request, os_action_request_free);
  request = server_request (OS_ACTION_ROLLBACK, 0, f->record, local ("2026-11-02 08:30"), NULL);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
}

/* Finding 4: a step deadline from the desk lies in [at, at + ((b+1)/2 + 1) × 7/5 + 14 days]. */
static void
test_server_step_due_bound (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  gint64 at = local ("2026-11-02 09:00");
  /* Phân công: 1 session → (1 + 1) / 2 + 1 = 2 days × 7/5 + 14 days. */
  gint64 max2 = at + 2 * 86400 * 7 / 5 + 14 * 86400;
  /* Thụ lý: 4 sessions → (4 + 1) / 2 + 1 = 3 days × 7/5 + 14 days. */
  gint64 max3;
  g_autofree char *text = NULL;

  (void) data;
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, at, NULL);
  request->step_due_at = max2 + 1;
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  text = g_strdup_printf ("Hạn xử lý của bước “Phân công” không thể sau %s.", "19/11/2026 04:12");
  g_assert_cmpstr (error->message, ==, text);
  g_clear_error (&error);
  /* The far future the reviewer found (finding 4): refused too. */
  request->step_due_at = OS_INSTANT_MAX;
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->step_due_at = max2;
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f)->step_due_at, ==, max2);
  g_clear_pointer (&request, os_action_request_free);

  at += 3600;
  max3 = at + 3 * 86400 * 7 / 5 + 14 * 86400;
  request = server_request (OS_ACTION_HAND_OVER, 0, f->record, at, NULL);
  request->step_due_at = max3 + 1;
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->step_due_at = max3;
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_assert_no_error (error);
}

/* Finding 4: a resume moves the due date and the step deadline later by at most the wall
 * time paused plus a fortnight, never earlier, and a due date of 0 stays 0. The desk's own
 * values always pass, even when they move far more than the time paused. */
static void
test_server_resume_bound (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OsRecord) server = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(OsActionRequest) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 due = local ("2026-11-06 16:55");   /* Friday */
  gint64 paused_at = local ("2026-11-02 16:00");
  gint64 at = local ("2026-11-02 16:10");     /* ten minutes paused */
  gint64 wall = at - paused_at;
  gint64 old_step_due;

  (void) data;
  reach (f, ST_AT_PROCESS);
  os_record_set_due_at (f->record, due);
  request = full_request (OS_ACTION_REQUEST_PAYMENT, 0, f->record, paused_at);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_clear_pointer (&request, os_action_request_free);
  old_step_due = state_of (f)->step_due_at;
  copy = os_record_to_json (f->record, "UNIT", NULL);
  server = os_record_new_from_json (copy, &error);
  g_assert_no_error (error);

  /* The desk: 10 working minutes added to Friday 16:55 → Monday 07:35, 62 h later. */
  request = full_request (OS_ACTION_RESUME, 0, f->record, at);
  g_assert_true (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_cmpint (request->due_at, ==, local ("2026-11-09 07:35"));
  g_assert_cmpint (request->due_at - due, >, wall);
  /* … which the server accepts, and agrees. */
  sent = os_action_request_copy (request);
  g_clear_pointer (&request, os_action_request_free);

  before = record_data (server);
  request = os_action_request_copy (sent);
  request->due_at = due + wall + 14 * 86400 + 1;
  g_assert_false (os_process_engine_apply (f->process, NULL, server, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==, "Khi tiếp tục xử lý, ngày hẹn trả không thể lùi quá 20/11/2026 17:05.");
  g_clear_error (&error);
  request->due_at = G_GINT64_CONSTANT (4611686018427387903);
  g_assert_false (os_process_engine_apply (f->process, NULL, server, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->due_at = due - 1;
  g_assert_false (os_process_engine_apply (f->process, NULL, server, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->due_at = sent->due_at;
  request->step_due_at = old_step_due + wall + 14 * 86400 + 1;
  g_assert_false (os_process_engine_apply (f->process, NULL, server, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->step_due_at = old_step_due - 1;
  g_assert_false (os_process_engine_apply (f->process, NULL, server, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  after = record_data (server);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (os_process_engine_apply (f->process, NULL, server, f->officer, sent, &error));
  g_assert_no_error (error);
  {
    g_autofree char *desk_state = state_data (f->record);
    g_autofree char *server_state = state_data (server);

    g_assert_cmpstr (desk_state, ==, server_state);
    g_assert_cmpint (os_record_get_due_at (server), ==, os_record_get_due_at (f->record));
  }
}

/* A record without a due date: a resume on the server may not give it one. */
static void
test_server_resume_no_due (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  reach (f, ST_PAUSED_PAYMENT);
  os_record_set_due_at (f->record, 0);
  request = full_request (OS_ACTION_RESUME, 0, f->record, f->now + 600);
  request->step_due_at = state_of (f)->step_due_at;
  request->due_at = f->now + 86400;
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->due_at = 0;
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_due_at (f->record), ==, 0);
}

/* Finding 4: an extension within one year of the current due date, on both sides. */
static void
test_extension_bound (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  gint64 due = local ("2026-11-20 17:00");

  (void) data;
  reach (f, ST_AT_PROCESS);
  os_record_set_due_at (f->record, due);
  request = full_request (OS_ACTION_EXTEND, 0, f->record, f->now + 600);
  request->new_due_at = local ("2027-11-20 17:01");
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_assert_cmpstr (error->message, ==, "Chỉ được gia hạn tối đa một năm: ngày hẹn trả mới không thể sau 20/11/2027.");
  g_clear_error (&error);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->new_due_at = G_GINT64_CONSTANT (4611686018427387903);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->new_due_at = local ("2027-11-20 17:00");
  g_assert_true (server_apply (f, f->officer, request, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_due_at (f->record), ==, local ("2027-11-20 17:00"));
}

/* Finding 6: instants out of range never reach GDateTime (tests abort on a GLib critical). */
static void
test_instants_out_of_range (Fixture       *f,
                            gconstpointer  data)
{
  static const char * const bad_requests[] = {
    "{\"action\": \"extend\", \"at\": -1}",
    "{\"action\": \"extend\", \"at\": 253402300800}",
    "{\"action\": \"extend\", \"at\": 4611686018427387903}",
    "{\"action\": \"extend\", \"new_due_at\": 9223372036854775807}",
    "{\"action\": \"resume\", \"due_at\": 4611686018427387903}",
    "{\"action\": \"resume\", \"due_at\": -9223372036854775808}",
    "{\"action\": \"hand_over\", \"step_due_at\": 253402300800}",
  };
  static const char * const bad_states[] = {
    "{\"step_due_at\": 253402300800}",
    "{\"step_entered_at\": -1}",
    "{\"paused_at\": 4611686018427387903}",
    "{\"original_due_at\": -9223372036854775808}",
    "{\"entries\": [{\"action\": \"assign\", \"at\": -5}]}",
    "{\"entries\": [{\"action\": \"assign\", \"step_due_at\": 9223372036854775807}]}",
  };
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (bad_requests); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad_requests[i], NULL);
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(OsActionRequest) parsed = os_action_request_from_json (node, &parse_error);

      g_test_message ("%s", bad_requests[i]);
      g_assert_null (parsed);
      g_assert_error (parse_error, OS_ERROR, OS_ERROR_INVALID_INPUT);
    }
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"action\": \"extend\", \"at\": 253402300799, \"new_due_at\": 0}", NULL);
    g_autoptr(OsActionRequest) parsed = os_action_request_from_json (node, &error);

    g_assert_no_error (error);
    g_assert_cmpint (parsed->at, ==, OS_INSTANT_MAX);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_states); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad_states[i], NULL);
      g_autoptr(GError) parse_error = NULL;
      g_autoptr(OsProcessState) state = os_process_state_from_json (node, &parse_error);

      g_test_message ("%s", bad_states[i]);
      g_assert_null (state);
      g_assert_error (parse_error, OS_ERROR, OS_ERROR_PROTOCOL);
    }

  /* The reviewer's poc2: extend at G_MAXINT64 / 2, in memory (no JSON on the way). */
  reach (f, ST_AT_PROCESS);
  request = full_request (OS_ACTION_EXTEND, 0, f->record, G_MAXINT64 / 2);
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  g_assert_false (os_process_engine_apply (f->process, f->calendar, f->record, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  request->at = f->now + 600;
  request->new_due_at = G_MININT64;
  g_assert_false (server_apply (f, f->officer, request, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
  g_clear_error (&error);
  {
    g_autoptr(GArray) choices = os_process_engine_list_actions (f->process, f->record, f->officer, G_MAXINT64 / 2);

    g_assert_nonnull (choices);
  }
  /* The state's own helpers, on a deadline far out of range. */
  state_of (f)->step_due_at = G_MAXINT64 / 2;
  g_assert_cmpint (os_process_state_timing (state_of (f), G_MAXINT64 / 2 - 1), ==, OS_STEP_TIMING_ON_SCHEDULE);
  g_assert_cmpint (os_process_state_timing (state_of (f), G_MININT64), ==, OS_STEP_TIMING_AHEAD);
  g_assert_cmpint (os_process_punctuality (G_MAXINT64 / 2, G_MAXINT64), ==, OS_DUE_STATE_ON_TIME);
  g_assert_cmpint (os_process_punctuality (G_MININT64, G_MAXINT64), ==, OS_DUE_STATE_EARLY);

  /* A rollback snapshot with an instant out of range is refused like any bad snapshot. */
  state_of (f)->step_due_at = local ("2026-11-04 11:30");
  {
    OsProcessEntry *last = g_ptr_array_index (state_of (f)->entries, state_of (f)->entries->len - 1);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *object;

    g_assert_true (json_parser_load_from_data (parser, last->before, -1, NULL));
    object = json_node_get_object (json_parser_get_root (parser));
    json_object_set_int_member (object, "due_at", G_MAXINT64 / 2);
    g_free (last->before);
    last->before = node_data (json_parser_get_root (parser));
    g_clear_pointer (&request, os_action_request_free);
    request = full_request (OS_ACTION_ROLLBACK, 0, f->record, f->now + 600);
    g_assert_false (server_apply (f, f->officer, request, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED);
    g_assert_cmpstr (error->message, ==, "Không đọc được trạng thái trước thao tác; không thể thu hồi.");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/process-engine/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/process-engine/table", test_table);
  ADD ("roles", test_roles);
  ADD ("sign-at-review", test_signing_at_review_refused);
  ADD ("assignee", test_assignee);
  ADD ("issued", test_issued);
  ADD ("units", test_units);
  ADD ("request-checks", test_request_checks);
  ADD ("fee", test_fee_needs_amount);
  ADD ("path-to-return", test_path_to_return);
  ADD ("refused-result", test_refused_result);
  g_test_add_func ("/process-engine/calendar-working-seconds", test_calendar_working_seconds);
  ADD ("step-deadlines", test_step_deadlines);
  ADD ("pause-over-weekend", test_pause_over_weekend);
  ADD ("pause-over-holiday", test_pause_over_holiday);
  ADD ("extension", test_extension);
  g_test_add_func ("/process-engine/rollback", test_rollback);
  ADD ("rollback-bad-snapshot", test_rollback_bad_snapshot);
  ADD ("server-agrees", test_server_agrees);
  ADD ("server-checks", test_server_checks);
  g_test_add_func ("/process-engine/ids", test_ids);
  g_test_add_func ("/process-engine/request-json", test_request_json);
  g_test_add_func ("/process-engine/request-json-bad", test_request_json_bad);
  ADD ("state-json", test_state_json);
  g_test_add_func ("/process-engine/state-json-bad", test_state_json_bad);
  g_test_add_func ("/process-engine/start-refused", test_start_refused);
  ADD ("self-assignment", test_self_assignment);
  ADD ("co-processor-role", test_co_processor_role);
  ADD ("reassign-in-place", test_reassign_in_place);
  ADD ("reassign-not-by-assignee", test_reassign_not_by_assignee);
  ADD ("global-actions-units", test_global_actions_units);
  ADD ("backdated", test_backdated);
  ADD ("server-step-due-bound", test_server_step_due_bound);
  ADD ("server-resume-bound", test_server_resume_bound);
  ADD ("server-resume-no-due", test_server_resume_no_due);
  ADD ("extension-bound", test_extension_bound);
  ADD ("instants-out-of-range", test_instants_out_of_range);

  return g_test_run ();
}
