/* os-store-process.h: process definitions, actions on records, the inbox and the step
 * statistics in the desk's store (migration 0006). Implemented in os-store-process.c on
 * top of os-store-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "os-process-engine.h"
#include "os-store.h"

G_BEGIN_DECLS

/* Who works on this store now (the logged-in officer; on a standalone desk, the officer of
 * the settings with every role and the agency as unit). Reception and actions are taken
 * as this actor. The store keeps a copy. */
void        os_store_set_actor               (OsStore          *self,
                                              const OsActor    *actor);
const OsActor *os_store_get_actor            (OsStore          *self);

/* Definitions. Drafts (version 0) are saved in place; publishing makes version max + 1
 * (a standalone desk), or stores the version the server published (os_sync_engine). */
gboolean    os_store_save_process_draft      (OsStore          *self,
                                              OsProcess        *draft,
                                              GError          **error);
gboolean    os_store_delete_process_draft    (OsStore          *self,
                                              const char       *process_id,
                                              GError          **error);
/* Validates (os_process_validate), then stores a copy as the next version and drops the
 * draft. Returns the published copy. */
OsProcess  *os_store_publish_process         (OsStore          *self,
                                              OsProcess        *draft,
                                              GError          **error);
/* A version published elsewhere (the server's feed of definitions); idempotent. */
gboolean    os_store_put_process_version     (OsStore          *self,
                                              OsProcess        *published,
                                              GError          **error);
/* @version 0 = the draft, -1 = the latest published. */
OsProcess  *os_store_load_process            (OsStore          *self,
                                              const char       *process_id,
                                              int               version,
                                              GError          **error);
/* One OsProcess per process: its draft if it has one, else its latest version; by name. */
GPtrArray  *os_store_list_processes          (OsStore          *self,
                                              GError          **error);
/* The latest published process listing @procedure_id, or NULL. */
OsProcess  *os_store_find_process_for_procedure (OsStore       *self,
                                              const char       *procedure_id);
/* The highest published version number of definitions known, for the server's ETag. */
gint64      os_store_get_processes_version   (OsStore          *self);

/* Applies @request to the record @record_id (UUID) as the store's actor, in one
 * transaction: record, process columns, record_steps, a history event and an `action`
 * outbox row (payload {process_id, process_version, request}). @expected_version: the
 * record version the officer saw when choosing the action; if the record moved since (a
 * pulled change), nothing is written and OS_ERROR_CONFLICT says so; the request is not
 * consumed, so the dialog can keep what was typed. Engine refusals are
 * OS_ERROR_ACTION_REFUSED. Returns the record as saved. */
OsRecord   *os_store_apply_action            (OsStore          *self,
                                              const char       *record_id,
                                              gint64            expected_version,
                                              OsActionRequest  *request,
                                              GError          **error);
/* The version of a record as the desk has it (what to pass as @expected_version). */
gint64      os_store_get_record_version      (OsStore          *self,
                                              const char       *record_id);

/* Records waiting for @actor (assigned to them or to them as a co-processor, or unassigned
 * at a step of their role and unit), most urgent first: overdue and behind-schedule first,
 * then by the nearer of the step deadline and the due date; then results ready to hand
 * back; paused records last. At most @limit. OsRecord items with their process state. */
GPtrArray  *os_store_list_inbox              (OsStore          *self,
                                              const OsActor    *actor,
                                              guint             limit,
                                              GError          **error);
gint64      os_store_count_inbox             (OsStore          *self,
                                              const OsActor    *actor);

/* What really happens at each step of a published process (the designer's overlay). */
typedef struct
{
  char   *step_id;
  int     now;          /* records at the step now */
  int     late;         /* of those, past the step's deadline at @now */
  int     samples;      /* finished stays counted below */
  gint64  median;       /* seconds spent at the step (finished stays), 0 = no sample */
  gint64  p90;
} OsStepStats;

void        os_step_stats_clear              (OsStepStats      *stats);
/* One OsStepStats per step that has records (array with clear func). The stays are
 * record_steps: an action later rolled back still ends its stay and starts one at the
 * step it moved to; the ROLLBACK ends that one and takes the record back into the stay
 * the action had ended, which goes on from when it began (one stay, not two). */
GArray     *os_store_process_stats           (OsStore          *self,
                                              const char       *process_id,
                                              int               version,
                                              gint64            now,
                                              GError          **error);

/* Records received in [@from, @to) in tracking-book order (Mẫu 06). */
GPtrArray  *os_store_list_book               (OsStore          *self,
                                              gint64            from,
                                              gint64            to,
                                              GError          **error);

G_END_DECLS
