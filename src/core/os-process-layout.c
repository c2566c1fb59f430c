/* os-process-layout.c: see os-process-layout.h.
 *
 * Layered drawing (Sugiyama style, kept small): forward links are accept and refuse links
 * minus the ones closing a cycle (found depth-first from the start); a step's column is the
 * longest path to it from the start; each column's order comes from a few barycentre sweeps
 * (down, then up); columns are centred vertically and everything sits on the grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "os-process-layout.h"

#define GAP_X    60.0    /* STEP_WIDTH + GAP_X = 240 = 10 grid cells */
#define GAP_Y    48.0    /* STEP_HEIGHT + GAP_Y = 120 = 5 grid cells */
#define MARGIN   48.0
#define SWEEPS   4

void
os_step_place_clear (OsStepPlace *place)
{
  g_clear_pointer (&place->step_id, g_free);
}

static int
step_index (GHashTable *index,
            const char *id)
{
  gpointer value;

  if (id != NULL && g_hash_table_lookup_extended (index, id, NULL, &value))
    return GPOINTER_TO_INT (value);
  return -1;
}

static gboolean
is_forward_kind (OsOutcome outcome)
{
  return outcome == OS_OUTCOME_ACCEPT || outcome == OS_OUTCOME_REFUSE;
}

/* Depth-first from @v: records tree/forward edges (not back edges) and a post-order. */
static void
dfs (guint       v,
     GArray    **adjacency,
     guint8     *state,   /* 0 new, 1 on stack, 2 done */
     GArray     *edges,
     GArray     *postorder)
{
  state[v] = 1;
  for (guint i = 0; i < adjacency[v]->len; i++)
    {
      guint w = g_array_index (adjacency[v], guint, i);

      if (state[w] == 1)
        continue;                   /* closes a cycle: not a forward edge */
      g_array_append_val (edges, v);
      g_array_append_val (edges, w);
      if (state[w] == 0)
        dfs (w, adjacency, state, edges, postorder);
    }
  state[v] = 2;
  g_array_append_val (postorder, v);
}

typedef struct
{
  guint  step;
  double key;
  double old;
} Sortable;

static int
compare_sortable (gconstpointer a,
                  gconstpointer b)
{
  const Sortable *sa = a, *sb = b;

  if (sa->key != sb->key)
    return sa->key < sb->key ? -1 : 1;
  if (sa->old != sb->old)
    return sa->old < sb->old ? -1 : 1;
  return sa->step < sb->step ? -1 : sa->step > sb->step;
}

GArray *
os_process_layout_compute (OsProcess *process)
{
  GPtrArray *steps, *links;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GArray) edges = NULL;
  g_autoptr(GArray) postorder = NULL;
  g_autofree guint8 *state = NULL;
  g_autofree int *layer = NULL;
  g_autofree double *order = NULL;
  g_autofree GArray **adjacency = NULL;
  g_autofree GPtrArray **columns = NULL;
  GArray *places;
  guint n;
  int start, max_layer = -1, last_layer;
  guint tallest = 0;

  g_return_val_if_fail (OS_IS_PROCESS (process), NULL);

  steps = os_process_get_steps (process);
  links = os_process_get_links (process);
  n = steps->len;
  places = g_array_sized_new (FALSE, TRUE, sizeof (OsStepPlace), n);
  g_array_set_clear_func (places, (GDestroyNotify) os_step_place_clear);
  if (n == 0)
    return places;

  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index, ((OsProcessStep *) g_ptr_array_index (steps, i))->id,
                         GINT_TO_POINTER (i));

  adjacency = g_new0 (GArray *, n);
  for (guint i = 0; i < n; i++)
    adjacency[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (links, i);
      int from = step_index (index, link->from), to = step_index (index, link->to);

      if (from >= 0 && to >= 0 && from != to && is_forward_kind (link->outcome))
        {
          guint t = (guint) to;
          g_array_append_val (adjacency[from], t);
        }
    }

  /* Forward edges and a topological order of what the start reaches. */
  state = g_new0 (guint8, n);
  edges = g_array_new (FALSE, FALSE, sizeof (guint));
  postorder = g_array_new (FALSE, FALSE, sizeof (guint));
  start = step_index (index, os_process_get_start (process));
  if (start >= 0)
    dfs ((guint) start, adjacency, state, edges, postorder);

  /* Longest path layering in topological order (reverse post-order). */
  layer = g_new (int, n);
  for (guint i = 0; i < n; i++)
    layer[i] = -1;
  if (start >= 0)
    layer[start] = 0;
  for (guint k = postorder->len; k > 0; k--)
    {
      guint v = g_array_index (postorder, guint, k - 1);

      for (guint e = 0; e < edges->len; e += 2)
        if (g_array_index (edges, guint, e) == v)
          {
            guint w = g_array_index (edges, guint, e + 1);
            layer[w] = MAX (layer[w], layer[v] + 1);
          }
      max_layer = MAX (max_layer, layer[v]);
    }
  last_layer = max_layer + 1;
  for (guint i = 0; i < n; i++)
    if (layer[i] < 0)
      layer[i] = last_layer;
  max_layer = last_layer;

  /* Columns, first in step order. */
  columns = g_new0 (GPtrArray *, max_layer + 1);
  for (int l = 0; l <= max_layer; l++)
    columns[l] = g_ptr_array_new ();
  order = g_new0 (double, n);
  for (guint i = 0; i < n; i++)
    {
      order[i] = columns[layer[i]]->len;
      g_ptr_array_add (columns[layer[i]], GUINT_TO_POINTER (i));
    }

  /* Barycentre sweeps over every link between different columns (back links included:
   * they still pull related steps together). */
  for (int sweep = 0; sweep < SWEEPS; sweep++)
    {
      gboolean down = sweep % 2 == 0;

      for (int step = 0; step <= max_layer; step++)
        {
          int l = down ? step : max_layer - step;
          GPtrArray *column = columns[l];
          g_autoptr(GArray) sortable = g_array_new (FALSE, FALSE, sizeof (Sortable));

          for (guint i = 0; i < column->len; i++)
            {
              guint v = GPOINTER_TO_UINT (g_ptr_array_index (column, i));
              const char *id = ((OsProcessStep *) g_ptr_array_index (steps, v))->id;
              double sum = 0;
              guint count = 0;
              Sortable s = { v, order[v], order[v] };

              for (guint j = 0; j < links->len; j++)
                {
                  OsProcessLink *link = g_ptr_array_index (links, j);
                  int other = -1;

                  if (g_strcmp0 (link->from, id) == 0)
                    other = step_index (index, link->to);
                  else if (g_strcmp0 (link->to, id) == 0)
                    other = step_index (index, link->from);
                  if (other < 0 || layer[other] == l)
                    continue;
                  if (down ? layer[other] < l : layer[other] > l)
                    {
                      sum += order[other];
                      count++;
                    }
                }
              if (count > 0)
                s.key = sum / count;
              g_array_append_val (sortable, s);
            }
          g_array_sort (sortable, compare_sortable);
          for (guint i = 0; i < sortable->len; i++)
            {
              Sortable *s = &g_array_index (sortable, Sortable, i);
              g_ptr_array_index (column, i) = GUINT_TO_POINTER (s->step);
              order[s->step] = i;
            }
        }
    }

  for (int l = 0; l <= max_layer; l++)
    tallest = MAX (tallest, columns[l]->len);

  g_array_set_size (places, n);
  for (int l = 0; l <= max_layer; l++)
    {
      GPtrArray *column = columns[l];
      double offset = (tallest - column->len) * (OS_PROCESS_STEP_HEIGHT + GAP_Y) / 2.0;

      offset = round (offset / OS_PROCESS_GRID) * OS_PROCESS_GRID;
      for (guint i = 0; i < column->len; i++)
        {
          guint v = GPOINTER_TO_UINT (g_ptr_array_index (column, i));
          OsStepPlace *place = &g_array_index (places, OsStepPlace, v);

          place->step_id = g_strdup (((OsProcessStep *) g_ptr_array_index (steps, v))->id);
          place->x = MARGIN + l * (OS_PROCESS_STEP_WIDTH + GAP_X);
          place->y = MARGIN + offset + i * (OS_PROCESS_STEP_HEIGHT + GAP_Y);
        }
      g_ptr_array_unref (column);
    }

  for (guint i = 0; i < n; i++)
    g_array_unref (adjacency[i]);

  return places;
}
