/* os-process-editor.h: every change the designer makes to a draft, as an undoable command.
 *
 * The canvas and the side panel never touch the OsProcess directly: drops, drags, key
 * presses and edits build commands here, so all of them undo and redo the same way and are
 * unit-tested without a display (TESTING.md, "Drag and drop"). Consecutive moves of the
 * same step (one pointer drag delivers many) merge into one command when @merge is TRUE.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "os-process.h"

G_BEGIN_DECLS

#define OS_TYPE_PROCESS_EDITOR (os_process_editor_get_type ())
G_DECLARE_FINAL_TYPE (OsProcessEditor, os_process_editor, OS, PROCESS_EDITOR, GObject)

/* Edits @process (a draft) in place. Properties: "process", "can-undo", "can-redo",
 * "undo-label", "redo-label" (translated, "Hoàn tác: di chuyển bước"), "dirty" (changed
 * since the last os_process_editor_mark_saved). Signal ::changed () after every command,
 * undo and redo. */
OsProcessEditor *os_process_editor_new          (OsProcess       *process);
OsProcess       *os_process_editor_get_process  (OsProcessEditor *self);

/* Returns the new step's id (owned by the process). @abilities and @role from the
 * palette entry the admin dragged. */
const char *os_process_editor_add_step          (OsProcessEditor *self,
                                                 const char      *name,
                                                 const char      *role,
                                                 guint            abilities,
                                                 int              budget,
                                                 double           x,
                                                 double           y);
gboolean    os_process_editor_move_step         (OsProcessEditor *self,
                                                 const char      *step_id,
                                                 double           x,
                                                 double           y,
                                                 gboolean         merge);
gboolean    os_process_editor_remove_step       (OsProcessEditor *self,
                                                 const char      *step_id);
/* Replaces a step's properties (name, unit, role, budget, abilities; id kept). */
gboolean    os_process_editor_set_step          (OsProcessEditor *self,
                                                 const OsProcessStep *step);
gboolean    os_process_editor_set_start         (OsProcessEditor *self,
                                                 const char      *step_id);
/* Returns the new link's id, or NULL when a link for that outcome already leaves @from
 * (the existing one is retargeted instead: one command) or @from == @to. */
const char *os_process_editor_connect           (OsProcessEditor *self,
                                                 const char      *from,
                                                 const char      *to,
                                                 OsOutcome        outcome);
gboolean    os_process_editor_set_link          (OsProcessEditor *self,
                                                 const OsProcessLink *link);
gboolean    os_process_editor_remove_link       (OsProcessEditor *self,
                                                 const char      *link_id);
gboolean    os_process_editor_rename            (OsProcessEditor *self,
                                                 const char      *name);
gboolean    os_process_editor_set_procedures    (OsProcessEditor *self,
                                                 const char * const *procedure_ids);
/* Tidy-up: lays every step out (os-process-layout.h) as one undoable command. */
gboolean    os_process_editor_tidy              (OsProcessEditor *self);

/* Several commands as one undo step (e.g. a paste). Nesting is allowed. */
void        os_process_editor_begin_group       (OsProcessEditor *self,
                                                 const char      *label);
void        os_process_editor_end_group         (OsProcessEditor *self);

gboolean    os_process_editor_can_undo          (OsProcessEditor *self);
gboolean    os_process_editor_can_redo          (OsProcessEditor *self);
const char *os_process_editor_get_undo_label    (OsProcessEditor *self);
const char *os_process_editor_get_redo_label    (OsProcessEditor *self);
gboolean    os_process_editor_undo              (OsProcessEditor *self);
gboolean    os_process_editor_redo              (OsProcessEditor *self);
gboolean    os_process_editor_is_dirty          (OsProcessEditor *self);
void        os_process_editor_mark_saved        (OsProcessEditor *self);

G_END_DECLS
