/* os-step-widget.h: one step on the process canvas: a focusable card with the step's name,
 * role and budget, a connector handle on its right edge, a problem badge and (overlay
 * "Thực tế") a badge of what really happens there. Its accessible name reads like
 * "Bước Thẩm định, Lãnh đạo phòng, 2 ngày".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-process.h"

G_BEGIN_DECLS

/* A budget in sessions as working days: "2 ngày", "1,5 ngày". */
char *os_process_budget_to_string (int sessions);

#define OS_TYPE_STEP_WIDGET (os_step_widget_get_type ())
G_DECLARE_FINAL_TYPE (OsStepWidget, os_step_widget, OS, STEP_WIDGET, GtkWidget)

GtkWidget  *os_step_widget_new           (const char          *step_id);
const char *os_step_widget_get_step_id   (OsStepWidget        *self);
/* The accessible name ("Bước Thẩm định, Lãnh đạo phòng, 1 ngày"). */
const char *os_step_widget_get_label     (OsStepWidget        *self);
gboolean    os_step_widget_has_problem   (OsStepWidget        *self);
/* The overlay badge's text, or NULL. */
const char *os_step_widget_get_stats     (OsStepWidget        *self);
/* Shows @step; touches only what changed. Returns TRUE when the position changed. */
gboolean    os_step_widget_update        (OsStepWidget        *self,
                                          const OsProcessStep *step,
                                          gboolean             is_start);
void        os_step_widget_get_position  (OsStepWidget        *self,
                                          double              *x,
                                          double              *y);
/* @message NULL: no problem. */
void        os_step_widget_set_problem   (OsStepWidget        *self,
                                          const char          *message,
                                          gboolean             blocking);
/* @text NULL: no overlay. @worst: the step that holds everything up. */
void        os_step_widget_set_stats     (OsStepWidget        *self,
                                          const char          *text,
                                          gboolean             worst);
void        os_step_widget_set_selected  (OsStepWidget        *self,
                                          gboolean             selected);
void        os_step_widget_set_target    (OsStepWidget        *self,
                                          gboolean             target);
/* TRUE when @widget (a pick result) is this step's connector handle. */
gboolean    os_step_widget_is_handle     (OsStepWidget        *self,
                                          GtkWidget           *widget);

G_END_DECLS
