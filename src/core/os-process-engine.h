/* os-process-engine.h: where a record stands in its process, and the actions that move it.
 *
 * Pure rules, no storage: the desk (through OsStore) and the server (src/server, which
 * links libonestop-rules) run the same code, so an action the desk accepted offline is
 * judged the same way by the server when it arrives.
 *
 * The clock: with an OsCalendar (the desk), the engine computes the step deadline of the
 * step entered and, on resume, the due date moved by the working time paused, and writes
 * them into the request (`step_due_at`, `due_at`); the request travels in the outbox with
 * them. Without a calendar (the server), the engine takes those two values from the request,
 * checked against bounds the desk's calendar always keeps:
 *   - a step deadline (step of b sessions, entered at `at`) within
 *     [at, at + ((b + 1) / 2 + 1) days × 7/5 + 14 days] (weekends, Tết);
 *   - on RESUME, the due date and the step deadline never earlier than before (0 stays 0),
 *     and later by at most the wall time paused (at − paused_at) + 14 days: the working
 *     time added never exceeds the wall time paused, but adding it may cross nights, a
 *     weekend or Tết;
 * so both sides end in exactly the same state. On both sides: `at` is never before the
 * previous entry's `at` (or the record's received_at when there is none): a backdated
 * action is refused; an EXTEND's new due date lies within one year after the current one;
 * every instant of a request, state or record lies in [OS_INSTANT_MIN, OS_INSTANT_MAX]
 * (os-datetime.h; JSON outside it does not parse).
 *
 * National status (DOMAIN.md) always follows from the state (os_process_state_status):
 *   returned → 10; withdrawn → 7; stopped → 8; paused for a supplement → 5, for a payment → 6;
 *   at a step that can return with the result ready → 9; at the start step before any action
 *   → 2; anywhere else → 4.
 *
 * Who may act (OsActor): the step's role, and its unit when set ("" = the record's unit:
 * any of the actor's units). Once a step is assigned, only the assignee, a co-processor for
 * PROCESS — each of them only while holding the step's role — or a department head /
 * leader of that unit may act there. Admins are not implicitly allowed. Global actions,
 * each also only by a member of the current step's unit: WITHDRAW (reception, head,
 * leader), STOP (head, leader), EXTEND (reception, head, leader; once; only until the day
 * before the due date), ROLLBACK (the one who took the last action, or a head/leader; the
 * last action only; a member of the unit of the step where that action was taken, or of
 * the step the record stands at now).
 *
 * Assignment: ASSIGN at a step not yet assigned that can assign and has an "accept" link
 * (the demo's "Phân công") is the first assignment: the record moves on along that link,
 * assigned to the chosen user. ASSIGN at a step not yet assigned that can assign without
 * such a link sets the assignee in place. ASSIGN at any step already assigned (phân công
 * lại) is for a department head / leader of that step's unit only, and changes the
 * assignee (and co-processors) in place: the record does not move. No other move takes
 * an assignee from the request, unless the actor is a head / leader of the unit of the
 * step entered (a pre-assignment); any other request naming one is refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "os-calendar.h"
#include "os-process.h"
#include "os-record.h"

G_BEGIN_DECLS

/* Values are stable: they are stored and synced (as ids, see os_action_to_id). */
typedef enum
{
  OS_ACTION_NONE = 0,
  OS_ACTION_HAND_OVER,        /* chuyển xử lý (outcome accept) */
  OS_ACTION_ASSIGN,           /* phân công (may move the record, see above) / phân công lại (in place) */
  OS_ACTION_PROCESS,          /* xử lý: accept / supplement / refuse */
  OS_ACTION_REVIEW,           /* thẩm định: accept / rework / supplement / refuse */
  OS_ACTION_SIGN,             /* ký duyệt: accept / rework */
  OS_ACTION_COLLECT_FEE,      /* thu phí (amount in `note`) */
  OS_ACTION_REQUEST_PAYMENT,  /* yêu cầu thực hiện nghĩa vụ tài chính: pause (status 6) */
  OS_ACTION_RESUME,           /* supplement received / payment made: the clock runs again */
  OS_ACTION_RETURN,           /* trả kết quả (status 10) */
  OS_ACTION_WITHDRAW,         /* công dân rút hồ sơ (status 7; reason) */
  OS_ACTION_STOP,             /* dừng xử lý (status 8; reason) */
  OS_ACTION_EXTEND,           /* xin lỗi và gia hạn (Mẫu 04; reason, new due date; once) */
  OS_ACTION_ROLLBACK,         /* thu hồi the last action (reason) */
} OsAction;

#define OS_ACTION_LAST OS_ACTION_ROLLBACK

const char *os_action_to_string  (OsAction action);      /* translated verb: "Chuyển xử lý" */
const char *os_action_to_id      (OsAction action);      /* "hand_over", … */
gboolean    os_action_from_id    (const char *id, OsAction *action);

/* Why the clock stands still. */
typedef enum
{
  OS_PAUSE_NONE = 0,
  OS_PAUSE_SUPPLEMENT,   /* status 5 */
  OS_PAUSE_PAYMENT,      /* status 6 */
} OsPause;

/* The result once the work is done. */
typedef enum
{
  OS_RESULT_NONE = 0,
  OS_RESULT_APPROVED,    /* reached a return step by "accept" */
  OS_RESULT_REFUSED,     /* reached it by "refuse": a written refusal is handed back */
} OsResult;

/* A step against its own budget (DOMAIN.md: "its own behind-schedule state"). */
typedef enum
{
  OS_STEP_TIMING_NONE = 0,     /* no budget, or not at a step */
  OS_STEP_TIMING_AHEAD,        /* more than one session left */
  OS_STEP_TIMING_ON_SCHEDULE,  /* in the step's last session */
  OS_STEP_TIMING_BEHIND,       /* past the step's deadline */
} OsStepTiming;

const char *os_step_timing_to_string (OsStepTiming timing);  /* translated */

/* How a hand-off went against the step's deadline (Mẫu 05 "early / on time / late"),
 * same rule as a finished record's due state: earlier day / the due day / past the moment. */
OsDueState  os_process_punctuality   (gint64 at,
                                      gint64 step_due_at);

/* Who acts. */
typedef struct
{
  char  *username;
  char  *full_name;
  char **roles;      /* OS_ROLE_* */
  char **units;      /* agency codes of the units the actor belongs to */
  char  *desk;       /* desk id or name, recorded with the action ("" if unknown) */
} OsActor;

#define OS_TYPE_ACTOR (os_actor_get_type ())
GType    os_actor_get_type (void) G_GNUC_CONST;
OsActor *os_actor_new      (const char         *username,
                            const char         *full_name,
                            const char * const *roles,
                            const char * const *units,
                            const char         *desk);
OsActor *os_actor_copy     (const OsActor *actor);
void     os_actor_free     (OsActor       *actor);
gboolean os_actor_has_role (const OsActor *actor,
                            const char    *role);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsActor, os_actor_free)

/* One action asked for. The caller fills what the action needs (see
 * os_process_engine_needs); the engine fills `step_due_at` and `due_at` when it has a
 * calendar. Serialised into the outbox as the `action` mutation's `request` member. */
typedef struct
{
  OsAction   action;
  OsOutcome  outcome;         /* PROCESS, REVIEW, SIGN; ignored otherwise */
  gint64     at;              /* when, on the desk (UTC seconds) */
  char      *assignee;        /* ASSIGN: username; other moves: a pre-assignment, by a head/leader only */
  char     **co_processors;   /* ASSIGN: usernames, or NULL */
  char      *reason;          /* supplement, refuse, rework, withdraw, stop, extend, rollback */
  char      *note;            /* free note; COLLECT_FEE: the amount as typed */
  char     **issued;          /* documents issued with the result (SIGN/RETURN), or NULL */
  gint64     new_due_at;      /* EXTEND: the new due moment chosen */
  /* Computed (desk) or given (server): */
  gint64     step_due_at;     /* deadline of the step entered, 0 = none */
  gint64     due_at;          /* the record's due moment after the action */
} OsActionRequest;

#define OS_TYPE_ACTION_REQUEST (os_action_request_get_type ())
GType            os_action_request_get_type  (void) G_GNUC_CONST;
OsActionRequest *os_action_request_new       (OsAction action);
OsActionRequest *os_action_request_copy      (const OsActionRequest *request);
void             os_action_request_free      (OsActionRequest       *request);
JsonNode        *os_action_request_to_json   (const OsActionRequest *request);
/* Wrong types fail with OS_ERROR_PROTOCOL; an instant outside [OS_INSTANT_MIN,
 * OS_INSTANT_MAX] with OS_ERROR_INVALID_INPUT. */
OsActionRequest *os_action_request_from_json (JsonNode              *node,
                                              GError               **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsActionRequest, os_action_request_free)

/* One line of the record's process history: an action taken. */
typedef struct
{
  int        seq;             /* 1, 2, … in order */
  OsAction   action;
  OsOutcome  outcome;
  gint64     at;
  char      *actor;           /* username */
  char      *actor_name;      /* full name, for the slips */
  char      *desk;
  char      *from_step;       /* step ids ("" = none) */
  char      *to_step;
  char      *assignee;        /* who holds the record after it, if anyone */
  char      *reason;
  char      *note;
  gint64     step_due_at;     /* the deadline of from_step when the action was taken */
  gboolean   rolled_back;     /* undone by a later ROLLBACK */
  char      *before;          /* JSON of the state before the action (for ROLLBACK) */
  char     **issued;          /* papers issued with the result (SIGN, RETURN), or NULL */
} OsProcessEntry;

#define OS_TYPE_PROCESS_ENTRY (os_process_entry_get_type ())
GType           os_process_entry_get_type (void) G_GNUC_CONST;
OsProcessEntry *os_process_entry_copy     (const OsProcessEntry *entry);
void            os_process_entry_free     (OsProcessEntry       *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsProcessEntry, os_process_entry_free)

/* Where a record stands in its process. Owned by its OsRecord
 * (os_record_get_process_state); NULL for a record that follows no process. */
struct _OsProcessState
{
  char      *process_id;
  int        process_version;
  char      *step_id;          /* "" once finished */
  char      *step_name;        /* copies of the step's, for lists and inbox queries */
  char      *step_unit;
  char      *step_role;
  char      *assignee;         /* "" = the step's unit/role as a whole */
  char     **co_processors;
  gint64     step_entered_at;
  gint64     step_due_at;      /* 0 = the step has no budget */
  OsPause    pause;
  gint64     paused_at;
  char      *paused_step;      /* the step that asked for the supplement / payment */
  int        supplements;      /* supplement requests so far (> 1 counts as overdue nationally) */
  gboolean   extended;         /* the one extension was used */
  gint64     original_due_at;  /* due date before the extension, 0 = not extended */
  char      *extension_reason;
  char      *fee;              /* collected fee as typed, "" = none */
  OsResult   result;
  GPtrArray *entries;          /* OsProcessEntry, oldest first */
};

#define OS_TYPE_PROCESS_STATE (os_process_state_get_type ())
GType           os_process_state_get_type  (void) G_GNUC_CONST;
OsProcessState *os_process_state_new       (void);
OsProcessState *os_process_state_copy      (const OsProcessState *state);
void            os_process_state_free      (OsProcessState       *state);
/* The `process` member of the record JSON (data/openapi.yaml `ProcessState`). Wrong types
 * and instants (its own or its entries') outside [OS_INSTANT_MIN, OS_INSTANT_MAX] fail
 * with OS_ERROR_PROTOCOL. */
JsonNode       *os_process_state_to_json   (const OsProcessState *state);
OsProcessState *os_process_state_from_json (JsonNode             *node,
                                            GError              **error);
OsStatus        os_process_state_status    (const OsProcessState *state,
                                            OsProcess            *definition);
OsStepTiming    os_process_state_timing    (const OsProcessState *state,
                                            gint64                now);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsProcessState, os_process_state_free)

/* Puts a record just received on @definition's start step (state, step deadline from
 * @calendar, status 2). The definition must be published and valid. */
gboolean    os_process_engine_start   (OsProcess        *definition,
                                       OsCalendar       *calendar,
                                       OsRecord         *record,
                                       const OsActor    *actor,
                                       gint64            at,
                                       GError          **error);

/* The actions @actor may take on @record now, each with the outcomes it may choose
 * (bit 1 << OsOutcome; 0 for actions without an outcome). */
typedef struct
{
  OsAction action;
  guint    outcomes;
} OsActionChoice;

GArray     *os_process_engine_list_actions (OsProcess     *definition,
                                            OsRecord      *record,
                                            const OsActor *actor,
                                            gint64         now);

/* What the dialog for @action must ask. */
typedef enum
{
  OS_NEEDS_NOTHING      = 0,
  OS_NEEDS_ASSIGNEE     = 1 << 0,
  OS_NEEDS_OUTCOME      = 1 << 1,
  OS_NEEDS_REASON       = 1 << 2,  /* always for refuse/supplement/rework outcomes too */
  OS_NEEDS_NEW_DUE_DATE = 1 << 3,
  OS_NEEDS_AMOUNT       = 1 << 4,
  OS_NEEDS_ISSUED       = 1 << 5,
} OsActionNeeds;

OsActionNeeds os_process_engine_needs     (OsAction       action,
                                           OsOutcome      outcome);

/* Applies @request to @record (its process state, status, due, finished and returned
 * instants) or changes nothing and fails with OS_ERROR_ACTION_REFUSED and a Vietnamese
 * sentence saying why (not allowed at this step, not this user's, missing reason, no
 * link for that outcome, extension already used or too late, backdated, a computed value
 * out of bounds, …). @calendar NULL: take the computed values from @request (server),
 * within the bounds above. */
gboolean    os_process_engine_apply   (OsProcess        *definition,
                                       OsCalendar       *calendar,
                                       OsRecord         *record,
                                       const OsActor    *actor,
                                       OsActionRequest  *request,
                                       GError          **error);

G_END_DECLS
