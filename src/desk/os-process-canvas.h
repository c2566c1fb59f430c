/* os-process-canvas.h: the process designer's drawing surface. Steps are child widgets
 * (OsStepWidget, focusable, with accessible names); links are drawn as arrows in the
 * outcome's colour with its label. Every gesture and key builds OsProcessEditor commands:
 * drop a palette kind (its id as a string) to add a step, drag a step to move it (on the
 * grid), drag from a step's handle to another step to connect them, drag empty space to
 * pan, Ctrl+scroll to zoom, Delete to remove the selection.
 *
 * Keyboard: Tab enters the canvas on the selected step; arrows move the focus (and the
 * selection) to the nearest step that way; Alt+arrows move the focused step by a grid cell;
 * Ctrl+K starts a connection from it, arrows choose the target, Enter connects, Esc
 * cancels; Insert adds a step (::add-requested); F2 asks to rename (::rename-requested).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-process-editor.h"
#include "os-step-widget.h"

G_BEGIN_DECLS

#define OS_TYPE_PROCESS_CANVAS (os_process_canvas_get_type ())
G_DECLARE_FINAL_TYPE (OsProcessCanvas, os_process_canvas, OS, PROCESS_CANVAS, GtkWidget)

GtkWidget       *os_process_canvas_new               (void);
void             os_process_canvas_set_editor        (OsProcessCanvas *self,
                                                      OsProcessEditor *editor);
OsProcessEditor *os_process_canvas_get_editor        (OsProcessCanvas *self);
/* Read-only: the overlay shows a published version; edits are refused. */
void             os_process_canvas_set_editable      (OsProcessCanvas *self,
                                                      gboolean         editable);

/* The selection: one step, one link, or nothing. */
const char      *os_process_canvas_get_selected_step (OsProcessCanvas *self);
const char      *os_process_canvas_get_selected_link (OsProcessCanvas *self);
void             os_process_canvas_select_step       (OsProcessCanvas *self,
                                                      const char      *step_id,
                                                      gboolean         focus);
void             os_process_canvas_select_link       (OsProcessCanvas *self,
                                                      const char      *link_id);
/* Removes the selected step or link (one command). */
gboolean         os_process_canvas_delete_selection  (OsProcessCanvas *self);

OsStepWidget    *os_process_canvas_get_step_widget   (OsProcessCanvas *self,
                                                      const char      *step_id);
guint            os_process_canvas_get_n_steps       (OsProcessCanvas *self);
/* Where a new step goes: right of the selected step, or the middle of the view; on the grid. */
void             os_process_canvas_get_free_spot     (OsProcessCanvas *self,
                                                      double          *x,
                                                      double          *y);

/* Keyboard connection (Ctrl+K): from the selected step; arrows move the target. */
gboolean         os_process_canvas_begin_connect     (OsProcessCanvas *self);
gboolean         os_process_canvas_move_target       (OsProcessCanvas *self,
                                                      GtkDirectionType direction);
/* Connects to the target; returns the link made or retargeted, NULL when nothing was done. */
const char      *os_process_canvas_finish_connect    (OsProcessCanvas *self);
void             os_process_canvas_cancel            (OsProcessCanvas *self);
gboolean         os_process_canvas_is_connecting     (OsProcessCanvas *self);
/* Moves the focus (and selection) to the nearest step in @direction. */
gboolean         os_process_canvas_move_focus        (OsProcessCanvas *self,
                                                      GtkDirectionType direction);
/* Moves the selected step by (@dx, @dy) grid cells (one command). */
gboolean         os_process_canvas_nudge             (OsProcessCanvas *self,
                                                      int              dx,
                                                      int              dy);

double           os_process_canvas_get_zoom          (OsProcessCanvas *self);
void             os_process_canvas_set_zoom          (OsProcessCanvas *self,
                                                      double           zoom);
void             os_process_canvas_zoom_fit          (OsProcessCanvas *self);

/* The checks' problems (OsProcessProblem items), marked on steps and links. */
void             os_process_canvas_set_problems      (OsProcessCanvas *self,
                                                      GPtrArray       *problems);
/* Overlay "Thực tế": step id → badge text (NULL: overlay off); @worst_step highlighted. */
void             os_process_canvas_set_stats         (OsProcessCanvas *self,
                                                      GHashTable      *texts,
                                                      const char      *worst_step);

G_END_DECLS
