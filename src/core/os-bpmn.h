/* os-bpmn.h: a process definition as BPMN 2.0 XML (OMG, namespace
 * http://www.omg.org/spec/BPMN/20100524/MODEL) with diagram interchange (BPMNDI), so standard
 * BPMN tools open it with the layout drawn in the designer, and back.
 *
 * Mapping: a start event → the start step; each step → a userTask (name; the responsible
 * role as a lane of the process's laneSet, the unit, budget and abilities as extension
 * elements in the project's namespace urn:onestop:bpmn:1); a step's several outcomes →
 * an exclusive gateway after the task with one conditioned sequence flow per outcome;
 * a step that returns the result → a flow to an end event. Import reads files written by
 * this exporter and plain BPMN drawn elsewhere (tasks of any kind become steps; gateways are
 * followed through; unknown elements are skipped; flows named or conditioned "supplement",
 * "refuse", "rework" / "bổ sung", "từ chối", "xử lý lại" take that outcome).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "os-process.h"

G_BEGIN_DECLS

char      *os_bpmn_export (OsProcess   *process,
                           gsize       *length);
/* A new draft (version 0, a fresh id unless the file carries one of ours). Malformed XML,
 * no process element or no task fail with OS_ERROR_INVALID_INPUT and a Vietnamese
 * sentence; nothing else is changed. */
OsProcess *os_bpmn_import (const char  *xml,
                           gssize       length,
                           GError     **error);

G_END_DECLS
