/* os-process.h: a process definition (quy trình): the steps a record goes through after
 * reception and the connections between them, as an admin draws them in the designer.
 *
 * A definition is a draft (version 0) while it is edited and immutable once published
 * (version ≥ 1): records keep the version they started with. It serialises to the JSON
 * object `ProcessDefinition` of data/openapi.yaml (os_process_to_json / _new_from_json).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "os-types.h"

G_BEGIN_DECLS

/* What a step may do (the designer's check boxes). Values are stable: they are stored. */
typedef enum
{
  OS_STEP_CAN_HAND_OVER     = 1 << 0, /* chuyển xử lý: send on along the "accept" link */
  OS_STEP_CAN_ASSIGN        = 1 << 1, /* phân công (and reassign), with co-processors */
  OS_STEP_CAN_PROCESS       = 1 << 2, /* xử lý: accept / request supplement / refuse */
  OS_STEP_CAN_REVIEW        = 1 << 3, /* thẩm định: accept / rework / supplement / refuse */
  OS_STEP_CAN_SIGN          = 1 << 4, /* ký duyệt: accept / rework */
  OS_STEP_CAN_COLLECT_FEE   = 1 << 5, /* thu phí, lệ phí */
  OS_STEP_CAN_RETURN        = 1 << 6, /* trả kết quả */
  OS_STEP_CAN_PAUSE_PAYMENT = 1 << 7, /* yêu cầu thực hiện nghĩa vụ tài chính (clock paused) */
} OsStepAbilities;

#define OS_STEP_ABILITIES_ALL 0xff

/* Which outcome of an action takes a link. Values are stable: they are stored. */
typedef enum
{
  OS_OUTCOME_ACCEPT = 0,      /* đồng ý, chuyển tiếp */
  OS_OUTCOME_SUPPLEMENT = 1,  /* yêu cầu bổ sung hồ sơ (Mẫu 02; pauses the clock) */
  OS_OUTCOME_REFUSE = 2,      /* từ chối giải quyết */
  OS_OUTCOME_REWORK = 3,      /* trả lại để xử lý lại */
} OsOutcome;

#define OS_OUTCOME_LAST OS_OUTCOME_REWORK

/* Roles a step can be given; the server's user roles (src/server/os-admin.c). */
#define OS_ROLE_RECEPTION  "reception"
#define OS_ROLE_SPECIALIST "specialist"
#define OS_ROLE_HEAD       "department_head"
#define OS_ROLE_LEADER     "leader"
#define OS_ROLE_SUPERVISOR "supervisor"
#define OS_ROLE_ADMIN      "admin"

typedef struct
{
  char  *id;         /* stable inside the definition ("s1", "s2", …) */
  char  *name;       /* "Thẩm định hồ sơ" */
  char  *unit;       /* responsible unit's agency code; "" = the unit that received the record */
  char  *role;       /* one of OS_ROLE_*; "" = nobody yet (a problem the checks report) */
  int    budget;     /* time budget in sessions (half working days); 0 = none of its own */
  guint  abilities;  /* OsStepAbilities */
  double x, y;       /* top-left corner on the designer's canvas, in canvas units */
} OsProcessStep;

typedef struct
{
  char      *id;       /* stable inside the definition ("l1", …) */
  char      *from;     /* step ids */
  char      *to;
  OsOutcome  outcome;
} OsProcessLink;

#define OS_TYPE_PROCESS_STEP (os_process_step_get_type ())
#define OS_TYPE_PROCESS_LINK (os_process_link_get_type ())
GType          os_process_step_get_type (void) G_GNUC_CONST;
GType          os_process_link_get_type (void) G_GNUC_CONST;
OsProcessStep *os_process_step_copy     (const OsProcessStep *step);
void           os_process_step_free     (OsProcessStep       *step);
OsProcessLink *os_process_link_copy     (const OsProcessLink *link);
void           os_process_link_free     (OsProcessLink       *link);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsProcessStep, os_process_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsProcessLink, os_process_link_free)

const char *os_outcome_to_string        (OsOutcome outcome);   /* translated label */
const char *os_outcome_to_id            (OsOutcome outcome);   /* "accept", "supplement", … */
gboolean    os_outcome_from_id          (const char *id, OsOutcome *outcome);
const char *os_role_to_string           (const char *role);    /* translated label */
const char *os_step_ability_to_string   (OsStepAbilities ability); /* one flag, translated */
const char *os_step_ability_to_id       (OsStepAbilities ability); /* "hand_over", … */

#define OS_TYPE_PROCESS (os_process_get_type ())
G_DECLARE_FINAL_TYPE (OsProcess, os_process, OS, PROCESS, GObject)

/* A new empty draft with a fresh UUID v7 id. */
OsProcess  *os_process_new                (const char   *name);
OsProcess  *os_process_new_from_json      (JsonNode     *node,
                                           GError      **error);
OsProcess  *os_process_new_from_data      (const char   *json,
                                           GError      **error);
JsonNode   *os_process_to_json            (OsProcess    *self);
char       *os_process_to_data            (OsProcess    *self);
/* A deep copy (the designer publishes a copy; the editor keeps working on its draft). */
OsProcess  *os_process_copy               (OsProcess    *self);

const char *os_process_get_id             (OsProcess    *self);
const char *os_process_get_name           (OsProcess    *self);
void        os_process_set_name           (OsProcess    *self,
                                           const char   *name);
/* 0 for a draft. */
int         os_process_get_version        (OsProcess    *self);
void        os_process_set_version        (OsProcess    *self,
                                           int           version);
gint64      os_process_get_published_at   (OsProcess    *self);
const char *os_process_get_published_by   (OsProcess    *self);
void        os_process_set_published      (OsProcess    *self,
                                           int           version,
                                           gint64        at,
                                           const char   *by);
/* The procedures (catalogue ids) whose records take this process. */
const char * const *os_process_get_procedures (OsProcess  *self);
void        os_process_set_procedures     (OsProcess    *self,
                                           const char * const *procedure_ids);
/* Where reception places a new record; defaults to the first step added. */
const char *os_process_get_start          (OsProcess    *self);
void        os_process_set_start          (OsProcess    *self,
                                           const char   *step_id);

/* Steps and links, in insertion order; the arrays belong to the process. */
GPtrArray  *os_process_get_steps          (OsProcess    *self);
GPtrArray  *os_process_get_links          (OsProcess    *self);
OsProcessStep *os_process_find_step       (OsProcess    *self,
                                           const char   *step_id);
OsProcessLink *os_process_find_link       (OsProcess    *self,
                                           const char   *link_id);
/* The link leaving @step_id for @outcome, or NULL. */
OsProcessLink *os_process_find_outcome    (OsProcess    *self,
                                           const char   *step_id,
                                           OsOutcome     outcome);
/* An id not used yet by a step ("s7") or a link ("l3"). */
char       *os_process_next_step_id       (OsProcess    *self);
char       *os_process_next_link_id       (OsProcess    *self);

/* Low-level edits; they emit ::changed. The designer goes through OsProcessEditor
 * (os-process-editor.h), which makes each one undoable. @position -1 appends. */
void        os_process_insert_step        (OsProcess    *self,
                                           int           position,
                                           const OsProcessStep *step);
/* Removes the step and every link touching it. */
void        os_process_remove_step        (OsProcess    *self,
                                           const char   *step_id);
void        os_process_replace_step       (OsProcess    *self,
                                           const OsProcessStep *step);
void        os_process_insert_link        (OsProcess    *self,
                                           int           position,
                                           const OsProcessLink *link);
void        os_process_remove_link        (OsProcess    *self,
                                           const char   *link_id);
void        os_process_replace_link       (OsProcess    *self,
                                           const OsProcessLink *link);
int         os_process_step_position      (OsProcess    *self,
                                           const char   *step_id);
int         os_process_link_position      (OsProcess    *self,
                                           const char   *link_id);

/* What the checks find, explained for the admin (translated), pointing at a step or a
 * link so the designer can mark it in place. */
typedef enum
{
  OS_PROCESS_PROBLEM_EMPTY,            /* no step at all */
  OS_PROCESS_PROBLEM_NO_START,         /* the start step is missing */
  OS_PROCESS_PROBLEM_UNREACHABLE,      /* no path from the start reaches the step */
  OS_PROCESS_PROBLEM_DEAD_END,         /* no way on, and the step cannot return the result */
  OS_PROCESS_PROBLEM_NO_RETURN,        /* no step can return the result */
  OS_PROCESS_PROBLEM_NOBODY,           /* the step has no role, or no known user can take it */
  OS_PROCESS_PROBLEM_OVER_BUDGET,      /* the longest path's budgets exceed the procedure's time */
  OS_PROCESS_PROBLEM_DUPLICATE_OUTCOME,/* two links leave a step for the same outcome */
  OS_PROCESS_PROBLEM_OUTCOME_UNUSABLE, /* a link's outcome is one the step can never give */
  OS_PROCESS_PROBLEM_SELF_LINK,        /* a link from a step to itself */
  OS_PROCESS_PROBLEM_NO_NAME,          /* a step without a name */
} OsProcessProblemKind;

typedef struct
{
  OsProcessProblemKind kind;
  gboolean  blocking;     /* TRUE: publishing is refused while it stands */
  char     *step_id;      /* or NULL */
  char     *link_id;      /* or NULL */
  char     *message;      /* Vietnamese (translated) sentence for the admin */
} OsProcessProblem;

#define OS_TYPE_PROCESS_PROBLEM (os_process_problem_get_type ())
GType             os_process_problem_get_type (void) G_GNUC_CONST;
OsProcessProblem *os_process_problem_copy     (const OsProcessProblem *problem);
void              os_process_problem_free     (OsProcessProblem       *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsProcessProblem, os_process_problem_free)

/* Checks the definition as drawn. @limit (nullable): the tightest time limit of the
 * procedures it serves, for the budget check. @takers (nullable): "UNIT|ROLE" pairs some
 * known user holds ("|ROLE" for any unit); NULL skips that half of the NOBODY check.
 * Returns OsProcessProblem items (never NULL), blocking ones first. */
GPtrArray  *os_process_check              (OsProcess          *self,
                                           const OsTimeLimit  *limit,
                                           const char * const *takers);
/* TRUE when nothing blocking stands; otherwise OS_ERROR_INVALID_INPUT with the first problem. */
gboolean    os_process_validate           (OsProcess          *self,
                                           GError            **error);

/* Sum of step budgets along the longest path from the start, links that loop back (rework,
 * supplement) left out, in sessions. Linear in steps + links. */
int         os_process_longest_budget     (OsProcess          *self);

G_END_DECLS
