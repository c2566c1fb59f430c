/* os-process-designer.h: the process designer window (an admin's): palette, canvas, the
 * selection's properties, the problems of the process as drawn; undo/redo, zoom, tidy-up,
 * the "Thực tế" overlay on the published version, BPMN export/import and publishing.
 * Drafts are saved to the store shortly after each edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-process-canvas.h"
#include "os-store-process.h"
#include "os-sync-engine.h"

G_BEGIN_DECLS

#define OS_TYPE_PROCESS_DESIGNER (os_process_designer_get_type ())
G_DECLARE_FINAL_TYPE (OsProcessDesigner, os_process_designer, OS, PROCESS_DESIGNER, AdwWindow)

/* @engine: the sync engine when the desk works with a server (publishing goes through it),
 * NULL on a standalone desk (publishing is local). Opens the first process of the store, or
 * a new one. */
OsProcessDesigner *os_process_designer_new          (OsStore           *store,
                                                     OsSyncEngine      *engine);
/* Shows @process: a draft is edited in place; a published version is copied to a draft. */
void               os_process_designer_set_process  (OsProcessDesigner *self,
                                                     OsProcess         *process);
/* Loads @process_id's draft, else its latest version. */
gboolean           os_process_designer_open         (OsProcessDesigner *self,
                                                     const char        *process_id,
                                                     GError           **error);
OsProcessEditor   *os_process_designer_get_editor   (OsProcessDesigner *self);
OsProcessCanvas   *os_process_designer_get_canvas   (OsProcessDesigner *self);
/* The problems shown (OsProcessProblem), after the pending check if any. */
GPtrArray         *os_process_designer_get_problems (OsProcessDesigner *self);
/* Saves the draft now if it changed. */
gboolean           os_process_designer_save         (OsProcessDesigner *self,
                                                     GError           **error);

G_END_DECLS
