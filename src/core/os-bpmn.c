/* os-bpmn.c: see os-bpmn.h.
 *
 * Export writes the XML text directly (every attribute and text through
 * g_markup_escape_text). Import reads with GMarkupParseContext into a small list of nodes,
 * flows and shapes, then builds the steps (tasks) and links (flows between tasks, followed
 * through gateways and intermediate events).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "os-bpmn.h"
#include "os-error.h"
#include "os-process-layout.h"

#define NS_BPMN   "http://www.omg.org/spec/BPMN/20100524/MODEL"
#define NS_BPMNDI "http://www.omg.org/spec/BPMN/20100524/DI"
#define NS_DC     "http://www.omg.org/spec/DD/20100524/DC"
#define NS_DI     "http://www.omg.org/spec/DD/20100524/DI"
#define NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"
#define NS_OS     "urn:onestop:bpmn:1"

#define EVENT_SIZE    36.0
#define GATEWAY_SIZE  50.0

/* Export */

static gboolean
is_ncname_safe (const char *id)
{
  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* XML ids for a step's elements: "Task_s1", or "Task_n3" when the step id is not a name. */
static char *
element_id (const char *prefix,
            const char *id,
            guint       index)
{
  if (is_ncname_safe (id))
    return g_strdup_printf ("%s_%s", prefix, id);
  return g_strdup_printf ("%s_n%u", prefix, index);
}

static void
append_attr (GString    *out,
             const char *name,
             const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value ? value : "", -1);

  g_string_append_printf (out, " %s=\"%s\"", name, escaped);
}

static void
append_bounds (GString *out,
               double   x,
               double   y,
               double   width,
               double   height)
{
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];
  char bw[G_ASCII_DTOSTR_BUF_SIZE], bh[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "<dc:Bounds x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" />\n",
                          g_ascii_dtostr (bx, sizeof bx, x), g_ascii_dtostr (by, sizeof by, y),
                          g_ascii_dtostr (bw, sizeof bw, width),
                          g_ascii_dtostr (bh, sizeof bh, height));
}

static void
append_waypoint (GString *out,
                 double   x,
                 double   y)
{
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "        <di:waypoint x=\"%s\" y=\"%s\" />\n",
                          g_ascii_dtostr (bx, sizeof bx, x), g_ascii_dtostr (by, sizeof by, y));
}

typedef struct
{
  char   *id;          /* XML id */
  double  x, y, w, h;
} Box;

typedef struct
{
  char       *id;
  const char *source;  /* XML ids */
  const char *target;
  char       *name;
  const char *condition;  /* outcome id or "return", NULL for plain flows */
  const OsProcessLink *link;
} Flow;

static void
flow_clear (Flow *flow)
{
  g_free (flow->id);
  g_free (flow->name);
}

static void
box_clear (Box *box)
{
  g_free (box->id);
}

static const Box *
find_box (GArray     *boxes,
          GHashTable *index,
          const char *id)
{
  guint i = GPOINTER_TO_UINT (g_hash_table_lookup (index, id));

  return i > 0 ? &g_array_index (boxes, Box, i - 1) : NULL;
}

static void
add_box (GArray     *boxes,
         GHashTable *index,
         const char *id,
         double      x,
         double      y,
         double      w,
         double      h)
{
  Box box = { g_strdup (id), x, y, w, h };

  g_array_append_val (boxes, box);
  /* The key is the box's own string: it stays put when the array grows. */
  g_hash_table_insert (index, box.id, GUINT_TO_POINTER (boxes->len));
}

/* <incoming> then <outgoing> lines of every node, by XML id. */
static void
append_io (GString    *out,
           GHashTable *incoming,
           GHashTable *outgoing,
           const char *node_id)
{
  GString *lines;

  if ((lines = g_hash_table_lookup (incoming, node_id)) != NULL)
    g_string_append (out, lines->str);
  if ((lines = g_hash_table_lookup (outgoing, node_id)) != NULL)
    g_string_append (out, lines->str);
}

static void
add_io (GHashTable *table,
        const char *node_id,
        const char *element,
        const char *flow_id)
{
  GString *lines = g_hash_table_lookup (table, node_id);

  if (lines == NULL)
    {
      lines = g_string_new (NULL);
      g_hash_table_insert (table, (gpointer) node_id, lines);
    }
  g_string_append_printf (lines, "      <bpmn:%s>%s</bpmn:%s>\n", element, flow_id, element);
}

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

/* Whether the orthogonal path through @n @points (x, y pairs) crosses a shape other than
 * its two ends. */
static gboolean
path_hits_boxes (GArray       *boxes,
                 const Box    *source,
                 const Box    *target,
                 const double *points,
                 guint         n)
{
  for (guint b = 0; b < boxes->len; b++)
    {
      const Box *box = &g_array_index (boxes, Box, b);

      if (box == source || box == target)
        continue;
      for (guint i = 0; i + 1 < n; i++)
        {
          double x1 = MIN (points[2 * i], points[2 * i + 2]);
          double x2 = MAX (points[2 * i], points[2 * i + 2]);
          double y1 = MIN (points[2 * i + 1], points[2 * i + 3]);
          double y2 = MAX (points[2 * i + 1], points[2 * i + 3]);

          if (x2 > box->x && x1 < box->x + box->w && y2 > box->y && y1 < box->y + box->h)
            return TRUE;
        }
    }
  return FALSE;
}

char *
os_bpmn_export (OsProcess *process,
                gsize     *length)
{
  GPtrArray *steps, *links;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) task_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gateway_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) boxes = g_array_new (FALSE, TRUE, sizeof (Box));
  g_autoptr(GHashTable) box_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) incoming = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, string_free);
  g_autoptr(GHashTable) outgoing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, string_free);
  g_autoptr(GArray) flows = g_array_new (FALSE, TRUE, sizeof (Flow));
  g_autoptr(GPtrArray) roles = g_ptr_array_new ();
  g_autofree char *process_xml_id = NULL;
  const char * const *procedures;
  OsProcessStep *start;
  double bottom = 0, top = G_MAXDOUBLE;
  char *text;

  g_return_val_if_fail (OS_IS_PROCESS (process), NULL);

  g_array_set_clear_func (boxes, (GDestroyNotify) box_clear);
  g_array_set_clear_func (flows, (GDestroyNotify) flow_clear);

  steps = os_process_get_steps (process);
  links = os_process_get_links (process);
  start = os_process_find_step (process, os_process_get_start (process));
  process_xml_id = element_id ("Process", os_process_get_id (process), 0);

  /* Elements and their boxes. */
  for (guint i = 0; i < steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (steps, i);
      guint n_out = 0;
      char *gateway = NULL;

      for (guint j = 0; j < links->len; j++)
        if (g_str_equal (((OsProcessLink *) g_ptr_array_index (links, j))->from, step->id))
          n_out++;
      if (step->abilities & OS_STEP_CAN_RETURN)
        n_out++;

      g_ptr_array_add (task_ids, element_id ("Task", step->id, i));
      add_box (boxes, box_index, g_ptr_array_index (task_ids, i), step->x, step->y,
               OS_PROCESS_STEP_WIDTH, OS_PROCESS_STEP_HEIGHT);
      if (n_out > 1)
        {
          gateway = element_id ("Gateway", step->id, i);
          add_box (boxes, box_index, gateway, step->x + OS_PROCESS_STEP_WIDTH + 5,
                   step->y + (OS_PROCESS_STEP_HEIGHT - GATEWAY_SIZE) / 2,
                   GATEWAY_SIZE, GATEWAY_SIZE);
        }
      g_ptr_array_add (gateway_ids, gateway);
      bottom = MAX (bottom, step->y + OS_PROCESS_STEP_HEIGHT);
      top = MIN (top, step->y);

      if (*step->role != '\0')
        {
          gboolean seen = FALSE;
          for (guint j = 0; j < roles->len; j++)
            seen = seen || g_str_equal (g_ptr_array_index (roles, j), step->role);
          if (!seen)
            g_ptr_array_add (roles, step->role);
        }
    }

  /* Flows: start → start step; task → its gateway; one per link; returns → an end event. */
  if (start != NULL)
    {
      int pos = os_process_step_position (process, start->id);
      Flow flow = { g_strdup ("Flow_start"), "StartEvent_1",
                    g_ptr_array_index (task_ids, pos), NULL, NULL, NULL };

      add_box (boxes, box_index, "StartEvent_1", start->x - 90,
               start->y + (OS_PROCESS_STEP_HEIGHT - EVENT_SIZE) / 2, EVENT_SIZE, EVENT_SIZE);
      g_array_append_val (flows, flow);
    }
  for (guint i = 0; i < steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (steps, i);
      const char *task = g_ptr_array_index (task_ids, i);
      const char *gateway = g_ptr_array_index (gateway_ids, i);
      const char *source = gateway ? gateway : task;

      if (gateway != NULL)
        {
          Flow flow = { g_strdup_printf ("Flow_%s_out", task), task, gateway, NULL, NULL, NULL };
          g_array_append_val (flows, flow);
        }
      for (guint j = 0; j < links->len; j++)
        {
          OsProcessLink *link = g_ptr_array_index (links, j);
          Flow flow = { NULL, source, NULL, NULL, os_outcome_to_id (link->outcome), link };
          int to;

          if (!g_str_equal (link->from, step->id))
            continue;
          to = os_process_step_position (process, link->to);
          if (to < 0)
            continue;
          flow.id = element_id ("Flow", link->id, j + 1000000);
          flow.target = g_ptr_array_index (task_ids, to);
          flow.name = g_strdup (os_outcome_to_string (link->outcome));
          g_array_append_val (flows, flow);
        }
      if (step->abilities & OS_STEP_CAN_RETURN)
        {
          g_autofree char *end = g_strdup_printf ("EndEvent_%s", task);
          const Box *from = find_box (boxes, box_index, source);
          Flow flow = { g_strdup_printf ("Flow_%s_end", task), source, NULL,
                        g_strdup (os_step_ability_to_string (OS_STEP_CAN_RETURN)),
                        gateway ? "return" : NULL, NULL };

          /* In the gap before the next column: right of a task, under a gateway (which
           * already fills the gap's width). */
          if (gateway == NULL)
            add_box (boxes, box_index, end, from->x + from->w + 12,
                     from->y + (from->h - EVENT_SIZE) / 2, EVENT_SIZE, EVENT_SIZE);
          else
            add_box (boxes, box_index, end, from->x + (from->w - EVENT_SIZE) / 2,
                     from->y + from->h + 12, EVENT_SIZE, EVENT_SIZE);
          flow.target = find_box (boxes, box_index, end)->id;
          g_array_append_val (flows, flow);
        }
    }

  /* The text. */
  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append (out, "<bpmn:definitions xmlns:bpmn=\"" NS_BPMN "\" xmlns:bpmndi=\"" NS_BPMNDI
                   "\" xmlns:dc=\"" NS_DC "\" xmlns:di=\"" NS_DI "\" xmlns:xsi=\"" NS_XSI
                   "\" xmlns:os=\"" NS_OS "\" id=\"Definitions_1\" targetNamespace=\"" NS_OS
                   "\" exporter=\"onestop\" exporterVersion=\"" PACKAGE_VERSION "\">\n");
  g_string_append_printf (out, "  <bpmn:process id=\"%s\"", process_xml_id);
  append_attr (out, "name", os_process_get_name (process));
  g_string_append (out, " isExecutable=\"false\">\n");

  g_string_append (out, "    <bpmn:extensionElements>\n      <os:process");
  append_attr (out, "id", os_process_get_id (process));
  g_string_append_printf (out, " version=\"%d\" />\n", os_process_get_version (process));
  procedures = os_process_get_procedures (process);
  for (guint i = 0; procedures[i]; i++)
    {
      g_string_append (out, "      <os:procedure");
      append_attr (out, "id", procedures[i]);
      g_string_append (out, " />\n");
    }
  g_string_append (out, "    </bpmn:extensionElements>\n");

  if (roles->len > 0)
    {
      g_string_append (out, "    <bpmn:laneSet id=\"LaneSet_1\">\n");
      for (guint r = 0; r < roles->len; r++)
        {
          const char *role = g_ptr_array_index (roles, r);

          g_string_append_printf (out, "      <bpmn:lane id=\"Lane_%u\"", r + 1);
          append_attr (out, "name", os_role_to_string (role));
          g_string_append (out, ">\n        <bpmn:extensionElements><os:role");
          append_attr (out, "id", role);
          g_string_append (out, " /></bpmn:extensionElements>\n");
          for (guint i = 0; i < steps->len; i++)
            {
              OsProcessStep *step = g_ptr_array_index (steps, i);
              if (g_str_equal (step->role, role))
                g_string_append_printf (out, "        <bpmn:flowNodeRef>%s</bpmn:flowNodeRef>\n",
                                        (char *) g_ptr_array_index (task_ids, i));
            }
          g_string_append (out, "      </bpmn:lane>\n");
        }
      g_string_append (out, "    </bpmn:laneSet>\n");
    }

  for (guint f = 0; f < flows->len; f++)
    {
      Flow *flow = &g_array_index (flows, Flow, f);

      add_io (incoming, flow->target, "incoming", flow->id);
      add_io (outgoing, flow->source, "outgoing", flow->id);
    }

  if (start != NULL)
    {
      g_string_append (out, "    <bpmn:startEvent id=\"StartEvent_1\"");
      append_attr (out, "name", _("Tiếp nhận hồ sơ"));
      g_string_append (out, ">\n");
      append_io (out, incoming, outgoing, "StartEvent_1");
      g_string_append (out, "    </bpmn:startEvent>\n");
    }

  for (guint i = 0; i < steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (steps, i);
      const char *task = g_ptr_array_index (task_ids, i);
      const char *gateway = g_ptr_array_index (gateway_ids, i);
      g_autoptr(GString) abilities = g_string_new (NULL);

      for (guint bit = 0; bit < 8; bit++)
        if (step->abilities & (1u << bit))
          {
            if (abilities->len > 0)
              g_string_append_c (abilities, ' ');
            g_string_append (abilities, os_step_ability_to_id (1u << bit));
          }

      g_string_append_printf (out, "    <bpmn:userTask id=\"%s\"", task);
      append_attr (out, "name", step->name);
      g_string_append (out, ">\n      <bpmn:extensionElements>\n        <os:step");
      append_attr (out, "id", step->id);
      append_attr (out, "role", step->role);
      append_attr (out, "unit", step->unit);
      g_string_append_printf (out, " budget=\"%d\"", step->budget);
      append_attr (out, "abilities", abilities->str);
      g_string_append (out, " />\n      </bpmn:extensionElements>\n");
      append_io (out, incoming, outgoing, task);
      g_string_append (out, "    </bpmn:userTask>\n");

      if (gateway != NULL)
        {
          g_string_append_printf (out, "    <bpmn:exclusiveGateway id=\"%s\">\n", gateway);
          append_io (out, incoming, outgoing, gateway);
          g_string_append (out, "    </bpmn:exclusiveGateway>\n");
        }
      if (step->abilities & OS_STEP_CAN_RETURN)
        {
          g_autofree char *end = g_strdup_printf ("EndEvent_%s", task);

          g_string_append_printf (out, "    <bpmn:endEvent id=\"%s\"", end);
          append_attr (out, "name", _("Đã trả kết quả"));
          g_string_append (out, ">\n");
          append_io (out, incoming, outgoing, end);
          g_string_append (out, "    </bpmn:endEvent>\n");
        }
    }

  for (guint f = 0; f < flows->len; f++)
    {
      Flow *flow = &g_array_index (flows, Flow, f);

      g_string_append_printf (out, "    <bpmn:sequenceFlow id=\"%s\" sourceRef=\"%s\" targetRef=\"%s\"",
                              flow->id, flow->source, flow->target);
      if (flow->name != NULL)
        append_attr (out, "name", flow->name);
      if (flow->link == NULL && flow->condition == NULL)
        {
          g_string_append (out, " />\n");
          continue;
        }
      g_string_append (out, ">\n");
      if (flow->link != NULL)
        {
          g_string_append (out, "      <bpmn:extensionElements><os:link");
          append_attr (out, "id", flow->link->id);
          append_attr (out, "outcome", os_outcome_to_id (flow->link->outcome));
          g_string_append (out, " /></bpmn:extensionElements>\n");
        }
      if (flow->condition != NULL && !g_str_equal (flow->source, flow->target) &&
          find_box (boxes, box_index, flow->source) != NULL && g_str_has_prefix (flow->source, "Gateway_"))
        g_string_append_printf (out, "      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">"
                                "outcome == '%s'</bpmn:conditionExpression>\n", flow->condition);
      g_string_append (out, "    </bpmn:sequenceFlow>\n");
    }
  g_string_append (out, "  </bpmn:process>\n");

  /* Diagram interchange. */
  g_string_append_printf (out, "  <bpmndi:BPMNDiagram id=\"BPMNDiagram_1\">\n"
                          "    <bpmndi:BPMNPlane id=\"BPMNPlane_1\" bpmnElement=\"%s\">\n",
                          process_xml_id);
  for (guint b = 0; b < boxes->len; b++)
    {
      Box *box = &g_array_index (boxes, Box, b);

      g_string_append_printf (out, "      <bpmndi:BPMNShape id=\"%s_di\" bpmnElement=\"%s\"%s>\n        ",
                              box->id, box->id,
                              g_str_has_prefix (box->id, "Gateway_") ? " isMarkerVisible=\"true\"" : "");
      append_bounds (out, box->x, box->y, box->w, box->h);
      g_string_append (out, "      </bpmndi:BPMNShape>\n");
    }
  bottom += 40;
  top = (top == G_MAXDOUBLE ? 0 : top) - 40;
  for (guint f = 0; f < flows->len; f++)
    {
      Flow *flow = &g_array_index (flows, Flow, f);
      const Box *s = find_box (boxes, box_index, flow->source);
      const Box *t = find_box (boxes, box_index, flow->target);

      g_string_append_printf (out, "      <bpmndi:BPMNEdge id=\"%s_di\" bpmnElement=\"%s\">\n",
                              flow->id, flow->id);
      double sy = s->y + s->h / 2, ty = t->y + t->h / 2;
      double mx = s->x + s->w + (t->x - s->x - s->w) / 2;
      double gx = s->x + s->w / 2;
      gboolean from_gateway = g_str_has_prefix (flow->source, "Gateway_");

      if (t->y >= s->y + s->h && t->x + t->w / 2 == gx)
        {
          /* Straight down (the end event under a gateway). */
          append_waypoint (out, gx, s->y + s->h);
          append_waypoint (out, gx, t->y);
        }
      else if (from_gateway && t->x >= s->x + s->w && sy != ty &&
               !path_hits_boxes (boxes, s, t, (double[]) { gx, ty < sy ? s->y : s->y + s->h,
                                                           gx, ty, t->x, ty }, 3))
        {
          /* Out of a gateway's top or bottom corner, then across to the target. */
          append_waypoint (out, gx, ty < sy ? s->y : s->y + s->h);
          append_waypoint (out, gx, ty);
          append_waypoint (out, t->x, ty);
        }
      else if (t->x >= s->x + s->w &&
          !path_hits_boxes (boxes, s, t, (double[]) { s->x + s->w, sy, mx, sy, mx, ty, t->x, ty }, 4))
        {
          /* Forward with nothing in the way: right side of the source to the left side of
           * the target. */
          append_waypoint (out, s->x + s->w, sy);
          if (sy != ty)
            {
              append_waypoint (out, mx, sy);
              append_waypoint (out, mx, ty);
            }
          append_waypoint (out, t->x, ty);
        }
      else if (t->x >= s->x + s->w)
        {
          /* Forward over other shapes (a refusal skipping steps): above everything. */
          append_waypoint (out, s->x + s->w / 2, s->y);
          append_waypoint (out, s->x + s->w / 2, top);
          append_waypoint (out, t->x + t->w / 2, top);
          append_waypoint (out, t->x + t->w / 2, t->y);
          top -= 12;
        }
      else
        {
          /* Backward or same column: under everything, bottom to bottom. */
          append_waypoint (out, s->x + s->w / 2, s->y + s->h);
          append_waypoint (out, s->x + s->w / 2, bottom);
          append_waypoint (out, t->x + t->w / 2, bottom);
          append_waypoint (out, t->x + t->w / 2, t->y + t->h);
          bottom += 12;
        }
      g_string_append (out, "      </bpmndi:BPMNEdge>\n");
    }
  g_string_append (out, "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");

  if (length)
    *length = out->len;
  text = g_string_free (g_steal_pointer (&out), FALSE);
  return text;
}

/* Import */

typedef enum
{
  NODE_TASK,
  NODE_START,
  NODE_END,
  NODE_OTHER,     /* gateways, intermediate events: followed through */
} NodeKind;

typedef struct
{
  char     *id;
  NodeKind  kind;
  char     *name;
  guint     process;       /* which <process> it belongs to */
  /* Ours (os:step), when present. */
  gboolean  has_step;
  char     *step_id, *role, *unit, *abilities;
  int       budget;
  gboolean  has_bounds;
  double    x, y;
} Node;

typedef struct
{
  char *id;
  char *source, *target;
  char *name;
  GString *condition;
  char *link_id;           /* os:link */
  char *outcome;
} SeqFlow;

typedef struct
{
  GPtrArray  *ns_ours;     /* prefixes bound to NS_OS ("" for the default namespace) */
  GPtrArray  *stack;       /* local names of open elements */
  GPtrArray  *nodes;       /* Node */
  GPtrArray  *flows;       /* SeqFlow */
  GHashTable *bounds;      /* bpmnElement → double[4] */
  GPtrArray  *procedures;
  GPtrArray  *lane_refs;   /* Node ids of the open lane */
  char       *lane_name;
  char       *lane_role;
  GHashTable *lane_of;     /* node id → lane role id or name */
  GHashTable *node_of;     /* node id → Node, once read */
  GHashTable *flows_from;  /* source id → GPtrArray of SeqFlow, once read */
  guint       roots;       /* top-level elements seen */
  guint       processes;   /* <process> elements seen */
  guint       in_process;  /* its number while inside one, else 0 */
  char       *process_name;
  char       *process_id;  /* from os:process */
  Node       *node;        /* open flow node */
  SeqFlow    *flow;        /* open sequence flow */
  gboolean    in_condition;
  gboolean    in_flow_node_ref;
  GString    *text;
  char       *shape_element;
} Reader;

static void
node_free (Node *node)
{
  g_free (node->id);
  g_free (node->name);
  g_free (node->step_id);
  g_free (node->role);
  g_free (node->unit);
  g_free (node->abilities);
  g_free (node);
}

static void
seq_flow_free (SeqFlow *flow)
{
  g_free (flow->id);
  g_free (flow->source);
  g_free (flow->target);
  g_free (flow->name);
  g_string_free (flow->condition, TRUE);
  g_free (flow->link_id);
  g_free (flow->outcome);
  g_free (flow);
}

/* The attribute @wanted, unprefixed first, else with any prefix (xsi:type → "type"). */
static const char *
attr (const char **names,
      const char **values,
      const char  *wanted)
{
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (names[i], wanted))
      return values[i];
  for (guint i = 0; names[i]; i++)
    {
      const char *colon = strchr (names[i], ':');

      if (colon && !g_str_has_prefix (names[i], "xmlns") && g_str_equal (colon + 1, wanted))
        return values[i];
    }
  return NULL;
}

static gboolean
is_ours (Reader     *reader,
         const char *element)
{
  const char *colon = strchr (element, ':');
  g_autofree char *prefix = colon ? g_strndup (element, colon - element) : g_strdup ("");

  for (guint i = 0; i < reader->ns_ours->len; i++)
    if (g_str_equal (g_ptr_array_index (reader->ns_ours, i), prefix))
      return TRUE;
  return FALSE;
}

static const char *
local_name (const char *element)
{
  const char *colon = strrchr (element, ':');
  return colon ? colon + 1 : element;
}

static gboolean
is_task (const char *name)
{
  static const char * const tasks[] = {
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask",
    "sendTask", "receiveTask", "subProcess", "callActivity", "adHocSubProcess",
    "transaction", NULL
  };
  return g_strv_contains (tasks, name);
}

static gboolean
is_passthrough_node (const char *name)
{
  static const char * const others[] = {
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "complexGateway",
    "eventBasedGateway", "intermediateCatchEvent", "intermediateThrowEvent", NULL
  };
  return g_strv_contains (others, name);
}

static void
reader_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  Reader *reader = user_data;
  const char *name = local_name (element);
  const char *parent = reader->stack->len > 0 ?
    g_ptr_array_index (reader->stack, reader->stack->len - 1) : NULL;

  for (guint i = 0; names[i]; i++)
    if (g_str_equal (values[i], NS_OS))
      {
        if (g_str_equal (names[i], "xmlns"))
          g_ptr_array_add (reader->ns_ours, g_strdup (""));
        else if (g_str_has_prefix (names[i], "xmlns:"))
          g_ptr_array_add (reader->ns_ours, g_strdup (names[i] + 6));
      }

  if (reader->stack->len == 0)
    {
      if (reader->roots++ > 0 || !g_str_equal (name, "definitions"))
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Tệp BPMN không đọc được: tệp phải có đúng một phần tử gốc definitions."));
          return;
        }
    }

  g_ptr_array_add (reader->stack, g_strdup (name));

  if (is_ours (reader, element))
    {
      if (g_str_equal (name, "process") && reader->in_process)
        {
          g_free (reader->process_id);
          reader->process_id = g_strdup (attr (names, values, "id"));
        }
      else if (g_str_equal (name, "procedure") && reader->in_process)
        g_ptr_array_add (reader->procedures, g_strdup (attr (names, values, "id")));
      else if (g_str_equal (name, "role") && reader->lane_name != NULL)
        {
          g_free (reader->lane_role);
          reader->lane_role = g_strdup (attr (names, values, "id"));
        }
      else if (g_str_equal (name, "step") && reader->node != NULL)
        {
          const char *budget = attr (names, values, "budget");
          Node *node = reader->node;

          node->has_step = TRUE;
          g_free (node->step_id);
          node->step_id = g_strdup (attr (names, values, "id"));
          g_free (node->role);
          node->role = g_strdup (attr (names, values, "role"));
          g_free (node->unit);
          node->unit = g_strdup (attr (names, values, "unit"));
          g_free (node->abilities);
          node->abilities = g_strdup (attr (names, values, "abilities"));
          node->budget = budget ? (int) CLAMP (g_ascii_strtoll (budget, NULL, 10), 0, 10000) : 0;
        }
      else if (g_str_equal (name, "link") && reader->flow != NULL)
        {
          g_free (reader->flow->link_id);
          reader->flow->link_id = g_strdup (attr (names, values, "id"));
          g_free (reader->flow->outcome);
          reader->flow->outcome = g_strdup (attr (names, values, "outcome"));
        }
      return;
    }

  if (g_str_equal (name, "process"))
    {
      reader->in_process = ++reader->processes;
      if (reader->process_name == NULL && attr (names, values, "name") != NULL)
        reader->process_name = g_strdup (attr (names, values, "name"));
      return;
    }

  if (g_str_equal (name, "BPMNShape"))
    {
      g_free (reader->shape_element);
      reader->shape_element = g_strdup (attr (names, values, "bpmnElement"));
      return;
    }
  if (g_str_equal (name, "Bounds") && parent && g_str_equal (parent, "BPMNShape") &&
      reader->shape_element != NULL)
    {
      const char *x = attr (names, values, "x"), *y = attr (names, values, "y");
      double *xy;

      if (x == NULL || y == NULL)
        return;
      xy = g_new (double, 2);
      xy[0] = g_ascii_strtod (x, NULL);
      xy[1] = g_ascii_strtod (y, NULL);
      g_hash_table_replace (reader->bounds, g_strdup (reader->shape_element), xy);
      return;
    }

  if (!reader->in_process)
    return;

  if (g_str_equal (name, "lane"))
    {
      g_free (reader->lane_name);
      reader->lane_name = g_strdup (attr (names, values, "name") ? attr (names, values, "name") : "");
      g_clear_pointer (&reader->lane_role, g_free);
      g_ptr_array_set_size (reader->lane_refs, 0);
      return;
    }
  if (g_str_equal (name, "flowNodeRef") && reader->lane_name != NULL)
    {
      reader->in_flow_node_ref = TRUE;
      g_string_truncate (reader->text, 0);
      return;
    }

  if (is_task (name) || is_passthrough_node (name) || g_str_equal (name, "startEvent") ||
      g_str_equal (name, "endEvent"))
    {
      const char *id = attr (names, values, "id");
      Node *node;

      if (id == NULL || reader->node != NULL)
        return;    /* tasks inside a subprocess: the subprocess stands for them */
      node = g_new0 (Node, 1);
      node->id = g_strdup (id);
      node->name = g_strdup (attr (names, values, "name"));
      node->process = reader->in_process;
      node->kind = is_task (name) ? NODE_TASK :
                   g_str_equal (name, "startEvent") ? NODE_START :
                   g_str_equal (name, "endEvent") ? NODE_END : NODE_OTHER;
      g_ptr_array_add (reader->nodes, node);
      reader->node = node;
      return;
    }

  if (g_str_equal (name, "sequenceFlow") && reader->node == NULL)
    {
      const char *id = attr (names, values, "id");
      const char *source = attr (names, values, "sourceRef");
      const char *target = attr (names, values, "targetRef");
      SeqFlow *flow;

      if (id == NULL || source == NULL || target == NULL)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Tệp BPMN không đọc được: một luồng (sequenceFlow) thiếu điểm đầu hoặc điểm cuối."));
          return;
        }
      flow = g_new0 (SeqFlow, 1);
      flow->id = g_strdup (id);
      flow->source = g_strdup (source);
      flow->target = g_strdup (target);
      flow->name = g_strdup (attr (names, values, "name"));
      flow->condition = g_string_new (NULL);
      g_ptr_array_add (reader->flows, flow);
      reader->flow = flow;
      return;
    }

  if (g_str_equal (name, "conditionExpression") && reader->flow != NULL)
    reader->in_condition = TRUE;
}

static void
reader_end (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  Reader *reader = user_data;
  g_autofree char *name = NULL;

  if (reader->stack->len == 0)
    return;
  name = g_ptr_array_steal_index (reader->stack, reader->stack->len - 1);
  if (is_ours (reader, element))
    return;

  if (g_str_equal (name, "process"))
    reader->in_process = 0;
  else if (g_str_equal (name, "BPMNShape"))
    g_clear_pointer (&reader->shape_element, g_free);
  else if (g_str_equal (name, "flowNodeRef") && reader->in_flow_node_ref)
    {
      reader->in_flow_node_ref = FALSE;
      g_ptr_array_add (reader->lane_refs, g_strstrip (g_strdup (reader->text->str)));
    }
  else if (g_str_equal (name, "lane") && reader->lane_name != NULL)
    {
      /* Lanes usually come before the nodes they list: remembered by node id. */
      for (guint i = 0; i < reader->lane_refs->len; i++)
        g_hash_table_replace (reader->lane_of, g_strdup (g_ptr_array_index (reader->lane_refs, i)),
                              g_strdup (reader->lane_role ? reader->lane_role : reader->lane_name));
      g_clear_pointer (&reader->lane_name, g_free);
      g_clear_pointer (&reader->lane_role, g_free);
    }
  else if (reader->node != NULL && g_str_equal (name, local_name (element)) &&
           (is_task (name) || is_passthrough_node (name) || g_str_equal (name, "startEvent") ||
            g_str_equal (name, "endEvent")))
    {
      /* Only the element that opened it closes it (a nested task inside a subprocess
       * was never opened as a node). */
      Node *last = g_ptr_array_index (reader->nodes, reader->nodes->len - 1);
      gboolean nested = FALSE;

      for (guint i = 0; i < reader->stack->len; i++)
        if (is_task (g_ptr_array_index (reader->stack, i)))
          nested = TRUE;
      if (!nested && last == reader->node)
        reader->node = NULL;
    }
  else if (g_str_equal (name, "sequenceFlow"))
    reader->flow = NULL;
  else if (g_str_equal (name, "conditionExpression"))
    reader->in_condition = FALSE;
}

static void
reader_text (GMarkupParseContext  *context,
             const char           *text,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  Reader *reader = user_data;

  if (reader->in_condition && reader->flow != NULL)
    g_string_append_len (reader->flow->condition, text, length);
  else if (reader->in_flow_node_ref)
    g_string_append_len (reader->text, text, length);
}

static Node *
find_node (Reader     *reader,
           const char *id)
{
  return g_hash_table_lookup (reader->node_of, id);
}

static gboolean
text_has (const char *text,
          const char *needle)
{
  g_autofree char *folded = NULL;
  g_autofree char *folded_needle = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  folded_needle = g_utf8_casefold (needle, -1);
  return strstr (folded, folded_needle) != NULL;
}

/* The outcome a flow stands for, or -1 when it says nothing. */
static int
flow_outcome (SeqFlow *flow)
{
  OsOutcome outcome;
  const char *texts[] = { flow->name, flow->condition->str };

  if (flow->outcome != NULL && os_outcome_from_id (flow->outcome, &outcome))
    return outcome;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      if (text_has (texts[i], "supplement") || text_has (texts[i], "bổ sung"))
        return OS_OUTCOME_SUPPLEMENT;
      if (text_has (texts[i], "refuse") || text_has (texts[i], "từ chối") ||
          text_has (texts[i], "reject"))
        return OS_OUTCOME_REFUSE;
      if (text_has (texts[i], "rework") || text_has (texts[i], "xử lý lại"))
        return OS_OUTCOME_REWORK;
    }
  return -1;
}

typedef struct
{
  Node *target;      /* a task, or NULL for an end event */
  int   outcome;
  SeqFlow *flow;     /* the last flow on the way */
} Reach;

/* Follows flows from @from_id through non-task nodes; @outcome: what the path says so far. */
static void
follow (Reader     *reader,
        const char *from_id,
        int         outcome,
        GHashTable *seen,
        GArray     *reaches)
{
  if (g_hash_table_contains (seen, from_id))
    return;
  g_hash_table_add (seen, (gpointer) from_id);

  GPtrArray *flows = g_hash_table_lookup (reader->flows_from, from_id);

  for (guint i = 0; flows != NULL && i < flows->len; i++)
    {
      SeqFlow *flow = g_ptr_array_index (flows, i);
      Node *target;
      int this_outcome;

      target = find_node (reader, flow->target);
      if (target == NULL)
        continue;
      this_outcome = flow_outcome (flow);
      if (outcome >= 0 && this_outcome < 0)
        this_outcome = outcome;

      if (target->kind == NODE_TASK)
        {
          Reach reach = { target, this_outcome, flow };
          g_array_append_val (reaches, reach);
        }
      else if (target->kind == NODE_END)
        {
          Reach reach = { NULL, this_outcome, flow };
          g_array_append_val (reaches, reach);
        }
      else if (target->kind == NODE_OTHER)
        follow (reader, target->id, this_outcome, seen, reaches);
    }
}

static char *
role_from_lane (const char *lane)
{
  static const char * const roles[] = {
    OS_ROLE_RECEPTION, OS_ROLE_SPECIALIST, OS_ROLE_HEAD, OS_ROLE_LEADER,
    OS_ROLE_SUPERVISOR, OS_ROLE_ADMIN, NULL
  };

  if (lane == NULL)
    return g_strdup ("");
  for (guint i = 0; roles[i]; i++)
    if (g_str_equal (lane, roles[i]) || g_str_equal (lane, os_role_to_string (roles[i])))
      return g_strdup (roles[i]);
  return g_strdup ("");
}

OsProcess *
os_bpmn_import (const char  *xml,
                gssize       length,
                GError     **error)
{
  static const GMarkupParser parser = { reader_start, reader_end, reader_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(OsProcess) process = NULL;
  g_autoptr(GHashTable) step_of = NULL;   /* node id → step id */
  g_autoptr(GHashTable) used_link_ids = NULL;
  Reader reader = { 0 };
  guint chosen = 0;
  gboolean all_bounds = TRUE;
  OsProcess *result = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (xml == NULL)
    xml = "";
  if (length < 0)
    length = strlen (xml);

  reader.ns_ours = g_ptr_array_new_with_free_func (g_free);
  reader.stack = g_ptr_array_new_with_free_func (g_free);
  reader.nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  reader.flows = g_ptr_array_new_with_free_func ((GDestroyNotify) seq_flow_free);
  reader.bounds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  reader.procedures = g_ptr_array_new_with_free_func (g_free);
  reader.lane_refs = g_ptr_array_new_with_free_func (g_free);
  reader.lane_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  reader.text = g_string_new (NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &reader, NULL);
  if (length == 0 ||
      !g_markup_parse_context_parse (context, xml, length, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error))
    {
      if (local_error != NULL && local_error->domain == OS_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        {
          int line = 0;
          g_markup_parse_context_get_position (context, &line, NULL);
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Tệp BPMN không đọc được: nội dung XML bị hỏng (dòng %d)."), line);
        }
      goto out;
    }

  reader.node_of = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < reader.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (reader.nodes, i);
      if (!g_hash_table_contains (reader.node_of, node->id))
        g_hash_table_insert (reader.node_of, node->id, node);
    }
  reader.flows_from = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < reader.flows->len; i++)
    {
      SeqFlow *flow = g_ptr_array_index (reader.flows, i);
      GPtrArray *from = g_hash_table_lookup (reader.flows_from, flow->source);

      if (from == NULL)
        {
          from = g_ptr_array_new ();
          g_hash_table_insert (reader.flows_from, flow->source, from);
        }
      g_ptr_array_add (from, flow);
    }

  if (reader.processes == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Tệp BPMN không có quy trình nào (thiếu phần tử process)."));
      goto out;
    }

  /* The first process with a task. */
  for (guint i = 0; i < reader.nodes->len && chosen == 0; i++)
    {
      Node *node = g_ptr_array_index (reader.nodes, i);
      if (node->kind == NODE_TASK)
        chosen = node->process;
    }
  if (chosen == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Quy trình trong tệp BPMN không có công việc (task) nào để làm thành bước."));
      goto out;
    }

  process = os_process_new (reader.process_name ? reader.process_name : _("Quy trình nhập từ BPMN"));
  if (reader.process_id != NULL && g_uuid_string_is_valid (reader.process_id))
    {
      OsProcess *with_id = g_object_new (OS_TYPE_PROCESS, "id", reader.process_id,
                                         "name", os_process_get_name (process), NULL);
      g_object_unref (process);
      process = with_id;
    }
  g_ptr_array_add (reader.procedures, NULL);
  os_process_set_procedures (process, (const char * const *) reader.procedures->pdata);

  /* Steps. */
  step_of = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < reader.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (reader.nodes, i);
      OsProcessStep step = { 0 };
      g_autofree char *id = NULL;
      g_autofree char *role = NULL;
      double *xy;

      if (node->kind != NODE_TASK || node->process != chosen)
        continue;
      if (node->has_step && node->step_id && *node->step_id &&
          os_process_find_step (process, node->step_id) == NULL)
        id = g_strdup (node->step_id);
      else
        id = os_process_next_step_id (process);

      if (node->has_step && node->role != NULL)
        role = g_strdup (node->role);
      else
        role = role_from_lane (g_hash_table_lookup (reader.lane_of, node->id));

      step.id = id;
      step.name = node->name ? node->name : (char *) "";
      step.role = role;
      step.unit = node->has_step && node->unit ? node->unit : (char *) "";
      step.budget = node->budget;
      if (node->has_step && node->abilities != NULL)
        {
          g_auto(GStrv) words = g_strsplit (node->abilities, " ", -1);
          for (guint w = 0; words[w]; w++)
            for (guint bit = 0; bit < 8; bit++)
              if (g_strcmp0 (os_step_ability_to_id (1u << bit), words[w]) == 0)
                step.abilities |= 1u << bit;
        }
      else
        step.abilities = OS_STEP_CAN_HAND_OVER | OS_STEP_CAN_PROCESS;

      xy = g_hash_table_lookup (reader.bounds, node->id);
      if (xy != NULL)
        {
          step.x = xy[0];
          step.y = xy[1];
        }
      else
        all_bounds = FALSE;
      os_process_insert_step (process, -1, &step);
      g_hash_table_insert (step_of, node->id, g_strdup (id));
    }

  /* Links, and the steps that reach an end event. */
  used_link_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < reader.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (reader.nodes, i);
      const char *from = g_hash_table_lookup (step_of, node->id);
      g_autoptr(GHashTable) seen = NULL;
      g_autoptr(GArray) reaches = NULL;

      if (from == NULL)
        continue;
      seen = g_hash_table_new (g_str_hash, g_str_equal);
      reaches = g_array_new (FALSE, FALSE, sizeof (Reach));
      follow (&reader, node->id, -1, seen, reaches);

      for (guint r = 0; r < reaches->len; r++)
        {
          Reach *reach = &g_array_index (reaches, Reach, r);
          OsProcessLink link = { 0 };
          OsProcessStep *step;
          g_autofree char *link_id = NULL;
          const char *to;
          gboolean duplicate = FALSE;
          GPtrArray *links;

          if (reach->target == NULL)
            {
              step = os_process_find_step (process, from);
              if (!node->has_step && !(step->abilities & OS_STEP_CAN_RETURN))
                {
                  g_autoptr(OsProcessStep) changed = os_process_step_copy (step);
                  changed->abilities |= OS_STEP_CAN_RETURN;
                  os_process_replace_step (process, changed);
                }
              continue;
            }
          to = g_hash_table_lookup (step_of, reach->target->id);
          if (to == NULL)
            continue;
          link.outcome = reach->outcome >= 0 ? (OsOutcome) reach->outcome : OS_OUTCOME_ACCEPT;
          links = os_process_get_links (process);
          for (guint l = 0; l < links->len; l++)
            {
              OsProcessLink *other = g_ptr_array_index (links, l);
              if (g_str_equal (other->from, from) && g_str_equal (other->to, to) &&
                  other->outcome == link.outcome)
                duplicate = TRUE;
            }
          if (duplicate)
            continue;

          if (reach->flow->link_id != NULL && *reach->flow->link_id != '\0' &&
              os_process_find_link (process, reach->flow->link_id) == NULL)
            link_id = g_strdup (reach->flow->link_id);
          else
            link_id = os_process_next_link_id (process);
          link.id = link_id;
          link.from = (char *) from;
          link.to = (char *) to;
          os_process_insert_link (process, -1, &link);

          /* A plain task giving an outcome gets the ability that gives it. */
          step = os_process_find_step (process, from);
          if (!node->has_step)
            {
              guint need = link.outcome == OS_OUTCOME_REWORK ? OS_STEP_CAN_REVIEW : 0;
              if (need != 0 && !(step->abilities & need))
                {
                  g_autoptr(OsProcessStep) changed = os_process_step_copy (step);
                  changed->abilities |= need;
                  os_process_replace_step (process, changed);
                }
            }
        }
    }

  /* The start: where the start event leads (first one in the chosen process). */
  for (guint i = 0; i < reader.nodes->len; i++)
    {
      Node *node = g_ptr_array_index (reader.nodes, i);
      g_autoptr(GHashTable) seen = NULL;
      g_autoptr(GArray) reaches = NULL;

      if (node->kind != NODE_START || node->process != chosen)
        continue;
      seen = g_hash_table_new (g_str_hash, g_str_equal);
      reaches = g_array_new (FALSE, FALSE, sizeof (Reach));
      follow (&reader, node->id, -1, seen, reaches);
      for (guint r = 0; r < reaches->len; r++)
        {
          Reach *reach = &g_array_index (reaches, Reach, r);
          if (reach->target != NULL && g_hash_table_lookup (step_of, reach->target->id))
            {
              os_process_set_start (process, g_hash_table_lookup (step_of, reach->target->id));
              break;
            }
        }
      break;
    }

  /* Drawn without a diagram (or only part of one): lay it all out. */
  if (!all_bounds)
    {
      g_autoptr(GArray) places = os_process_layout_compute (process);

      for (guint i = 0; i < places->len; i++)
        {
          OsStepPlace *place = &g_array_index (places, OsStepPlace, i);
          g_autoptr(OsProcessStep) step = os_process_step_copy (os_process_find_step (process, place->step_id));

          step->x = place->x;
          step->y = place->y;
          os_process_replace_step (process, step);
        }
    }

  os_process_set_version (process, 0);
  result = g_steal_pointer (&process);

out:
  g_ptr_array_unref (reader.ns_ours);
  g_ptr_array_unref (reader.stack);
  g_ptr_array_unref (reader.nodes);
  g_ptr_array_unref (reader.flows);
  g_hash_table_unref (reader.bounds);
  g_ptr_array_unref (reader.procedures);
  g_ptr_array_unref (reader.lane_refs);
  g_hash_table_unref (reader.lane_of);
  g_clear_pointer (&reader.node_of, g_hash_table_unref);
  g_clear_pointer (&reader.flows_from, g_hash_table_unref);
  g_free (reader.lane_name);
  g_free (reader.lane_role);
  g_free (reader.process_name);
  g_free (reader.process_id);
  g_free (reader.shape_element);
  g_string_free (reader.text, TRUE);
  return result;
}
