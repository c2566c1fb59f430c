/* os-process-layout.h: the designer's "tidy up": steps in layers from the start step along
 * the forward links (rework and supplement links point back and are ignored for layering),
 * left to right, crossings reduced by the barycentre heuristic, on a grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "os-process.h"

G_BEGIN_DECLS

#define OS_PROCESS_STEP_WIDTH   180.0   /* a step's box on the canvas, in canvas units */
#define OS_PROCESS_STEP_HEIGHT   72.0
#define OS_PROCESS_GRID          24.0

typedef struct
{
  char   *step_id;
  double  x, y;
} OsStepPlace;

/* New positions for every step of @process (an array of OsStepPlace, in step order);
 * @process itself is not changed. Unreachable steps go in a last column. */
GArray *os_process_layout_compute (OsProcess *process);
void    os_step_place_clear       (OsStepPlace *place);

G_END_DECLS
