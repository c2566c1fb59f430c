/* process-demo.h: the demo-like six-step process the process tests share (header only).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "os-process.h"

static inline void
demo_add_step (OsProcess  *process,
               const char *id,
               const char *name,
               const char *role,
               guint       abilities,
               int         budget,
               double      x,
               double      y)
{
  OsProcessStep step = { (char *) id, (char *) name, (char *) "", (char *) role, budget,
                         abilities, x, y };

  os_process_insert_step (process, -1, &step);
}

static inline void
demo_add_link (OsProcess  *process,
               const char *id,
               const char *from,
               const char *to,
               OsOutcome   outcome)
{
  OsProcessLink link = { (char *) id, (char *) from, (char *) to, outcome };

  os_process_insert_link (process, -1, &link);
}

/* Tiếp nhận → Phân công → Thụ lý → Thẩm định → Ký duyệt → Trả kết quả, with supplement
 * links back to reception, rework links back to Thụ lý, refuse links to Trả kết quả.
 * Budgets 1+1+10+2+1+1 = 16 sessions along the longest path. */
static inline OsProcess *
demo_process_new (void)
{
  OsProcess *process = os_process_new ("Quy trình một cửa liên thông mẫu");
  const char *procedures[] = { "proc-1", "proc-2", NULL };

  os_process_set_procedures (process, procedures);
  demo_add_step (process, "s1", "Tiếp nhận", OS_ROLE_RECEPTION, OS_STEP_CAN_HAND_OVER, 1, 0, 0);
  demo_add_step (process, "s2", "Phân công", OS_ROLE_HEAD,
                 OS_STEP_CAN_ASSIGN | OS_STEP_CAN_HAND_OVER, 1, 240, 0);
  demo_add_step (process, "s3", "Thụ lý", OS_ROLE_SPECIALIST,
                 OS_STEP_CAN_PROCESS | OS_STEP_CAN_PAUSE_PAYMENT, 10, 480, 0);
  demo_add_step (process, "s4", "Thẩm định", OS_ROLE_HEAD, OS_STEP_CAN_REVIEW, 2, 720, 0);
  demo_add_step (process, "s5", "Ký duyệt", OS_ROLE_LEADER, OS_STEP_CAN_SIGN, 1, 960, 0);
  demo_add_step (process, "s6", "Trả kết quả", OS_ROLE_RECEPTION,
                 OS_STEP_CAN_COLLECT_FEE | OS_STEP_CAN_RETURN, 1, 1200, 0);
  demo_add_link (process, "l1", "s1", "s2", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l2", "s2", "s3", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l3", "s3", "s4", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l4", "s4", "s5", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l5", "s5", "s6", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l6", "s3", "s1", OS_OUTCOME_SUPPLEMENT);
  demo_add_link (process, "l7", "s4", "s1", OS_OUTCOME_SUPPLEMENT);
  demo_add_link (process, "l8", "s4", "s3", OS_OUTCOME_REWORK);
  demo_add_link (process, "l9", "s5", "s3", OS_OUTCOME_REWORK);
  demo_add_link (process, "l10", "s3", "s6", OS_OUTCOME_REFUSE);
  demo_add_link (process, "l11", "s4", "s6", OS_OUTCOME_REFUSE);
  return process;
}
