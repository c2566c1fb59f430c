/* os-process-canvas.c: see os-process-canvas.h.
 *
 * Smoothness with many steps: the editor's ::changed is answered by comparing each step
 * with its widget (a hash lookup and a few compares per step); only widgets whose step
 * changed are touched, a moved step only queues a new allocation (children whose place did
 * not change keep theirs), and the links are one cairo node redrawn per frame. Widgets are
 * created and destroyed only for steps added or removed.
 *
 * Coordinates: the model's are canvas units; on screen a point is (ox + x·zoom, oy + y·zoom);
 * each step widget is allocated at its fixed size with that transform.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "os-process-canvas.h"
#include "os-process-layout.h"
#include "os-process-palette.h"

#define W OS_PROCESS_STEP_WIDTH
#define H OS_PROCESS_STEP_HEIGHT
#define GRID OS_PROCESS_GRID
#define ZOOM_MIN 0.25
#define ZOOM_READABLE 0.75   /* the least zoom a window opens with: step names legible */
#define ZOOM_MAX 2.5
#define LINK_HIT 7.0       /* pixels */
#define DRAG_THRESHOLD 4.0 /* pixels */

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_CONNECT,
  DRAG_PAN,
} DragMode;

struct _OsProcessCanvas
{
  GtkWidget        parent_instance;

  OsProcessEditor *editor;
  gulong           changed_id;
  gboolean         editable;
  GHashTable      *widgets;       /* step id → OsStepWidget (children) */
  double           zoom, ox, oy;
  gboolean         fit_pending;

  char            *selected_step;
  char            *selected_link;
  GHashTable      *link_problems; /* link id → message */

  DragMode         drag_mode;
  char            *drag_step;
  double           drag_step_x, drag_step_y;  /* the step's place when the drag began */
  double           drag_ox, drag_oy;          /* the pan when the drag began */
  double           press_x, press_y, pointer_x, pointer_y;
  gboolean         drag_started;
  gboolean         drag_merging;

  char            *connect_from;   /* a connection being made (drag or Ctrl+K) */
  char            *connect_target;
  gboolean         keyboard_connect;

  PangoLayout     *outcome_layouts[OS_OUTCOME_LAST + 1];
  guint            zoom_idle;

  /* Drawing caches (see the top of the file). */
  GskRenderNode   *grid_node;
  GskRenderNode   *static_node;   /* links not touching `moving` */
  GskRenderNode   *dynamic_node;  /* links touching `moving`, the connection being made */
  gboolean         static_dirty;
  gboolean         dynamic_dirty;
  char            *moving;        /* the one step the last change moved, or NULL */
  guint            links_hash;
  double           drawn_ox, drawn_oy, drawn_zoom;
  int              drawn_width, drawn_height;
};

G_DEFINE_FINAL_TYPE (OsProcessCanvas, os_process_canvas, GTK_TYPE_WIDGET)

enum { SELECTION_CHANGED, ADD_REQUESTED, RENAME_REQUESTED, ZOOM_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const GdkRGBA outcome_colors[] = {
  [OS_OUTCOME_ACCEPT]     = { 0.208, 0.518, 0.894, 1 },  /* blue 3 */
  [OS_OUTCOME_SUPPLEMENT] = { 0.902, 0.380, 0.000, 1 },  /* orange 5 */
  [OS_OUTCOME_REFUSE]     = { 0.878, 0.106, 0.141, 1 },  /* red 3 */
  [OS_OUTCOME_REWORK]     = { 0.569, 0.255, 0.675, 1 },  /* purple 3 */
};

/* The foreground colour (gtk_widget_get_color is GTK 4.10). */
static void
widget_color (GtkWidget *widget,
              GdkRGBA   *color)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}

static OsProcess *
process (OsProcessCanvas *self)
{
  return self->editor ? os_process_editor_get_process (self->editor) : NULL;
}

static double
snap (double v)
{
  return round (v / GRID) * GRID;
}

static void
to_canvas (OsProcessCanvas *self,
           double           sx,
           double           sy,
           double          *cx,
           double          *cy)
{
  *cx = (sx - self->ox) / self->zoom;
  *cy = (sy - self->oy) / self->zoom;
}

/* Everything is drawn again at the next frame. */
static void
invalidate (OsProcessCanvas *self)
{
  self->static_dirty = TRUE;
  self->dynamic_dirty = TRUE;
  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static guint
hash_links (OsProcess *p)
{
  GPtrArray *links = p ? os_process_get_links (p) : NULL;
  guint h = 17;

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);

      h = h * 31 + g_str_hash (link->id);
      h = h * 31 + g_str_hash (link->from);
      h = h * 31 + g_str_hash (link->to);
      h = h * 31 + link->outcome;
    }
  return h;
}

/* Selection --------------------------------------------------------------------- */

static void
set_selection (OsProcessCanvas *self,
               const char      *step_id,
               const char      *link_id)
{
  OsStepWidget *widget;

  if (g_strcmp0 (step_id, self->selected_step) == 0 && g_strcmp0 (link_id, self->selected_link) == 0)
    return;
  if (self->selected_step && (widget = g_hash_table_lookup (self->widgets, self->selected_step)))
    os_step_widget_set_selected (widget, FALSE);
  g_free (self->selected_step);
  g_free (self->selected_link);
  self->selected_step = g_strdup (step_id);
  self->selected_link = g_strdup (link_id);
  if (self->selected_step && (widget = g_hash_table_lookup (self->widgets, self->selected_step)))
    {
      os_step_widget_set_selected (widget, TRUE);
      /* On top of the others, for the eye and for the pointer. */
      if (gtk_widget_get_next_sibling (GTK_WIDGET (widget)) != NULL)
        gtk_widget_insert_before (GTK_WIDGET (widget), GTK_WIDGET (self), NULL);
    }
  invalidate (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

const char *
os_process_canvas_get_selected_step (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), NULL);
  return self->selected_step;
}

const char *
os_process_canvas_get_selected_link (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), NULL);
  return self->selected_link;
}

void
os_process_canvas_select_step (OsProcessCanvas *self,
                               const char      *step_id,
                               gboolean         focus)
{
  GtkWidget *widget;

  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  widget = step_id ? g_hash_table_lookup (self->widgets, step_id) : NULL;
  set_selection (self, widget ? step_id : NULL, NULL);
  if (focus && widget != NULL)
    gtk_widget_grab_focus (widget);
}

void
os_process_canvas_select_link (OsProcessCanvas *self,
                               const char      *link_id)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  if (link_id != NULL && (process (self) == NULL || os_process_find_link (process (self), link_id) == NULL))
    link_id = NULL;
  set_selection (self, NULL, link_id);
}

OsStepWidget *
os_process_canvas_get_step_widget (OsProcessCanvas *self,
                                   const char      *step_id)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), NULL);
  return step_id ? g_hash_table_lookup (self->widgets, step_id) : NULL;
}

guint
os_process_canvas_get_n_steps (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), 0);
  return g_hash_table_size (self->widgets);
}

/* Following the model --------------------------------------------------------------- */

static void
sync_steps (OsProcessCanvas *self)
{
  OsProcess *p = process (self);
  GPtrArray *steps = p ? os_process_get_steps (p) : NULL;
  const char *start = p ? os_process_get_start (p) : NULL;
  gboolean relayout = FALSE;
  gboolean structure = FALSE;
  guint moved = 0;
  const char *moved_id = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint n = steps ? steps->len : 0;
  guint links_hash;

  for (guint i = 0; i < n; i++)
    {
      const OsProcessStep *step = g_ptr_array_index (steps, i);
      OsStepWidget *widget = g_hash_table_lookup (self->widgets, step->id);

      if (widget == NULL)
        {
          widget = OS_STEP_WIDGET (os_step_widget_new (step->id));
          gtk_widget_set_parent (GTK_WIDGET (widget), GTK_WIDGET (self));
          g_hash_table_insert (self->widgets, g_strdup (step->id), widget);
          if (g_strcmp0 (step->id, self->selected_step) == 0)
            os_step_widget_set_selected (widget, TRUE);
          structure = TRUE;
        }
      if (os_step_widget_update (widget, step, g_strcmp0 (start, step->id) == 0))
        {
          relayout = TRUE;
          moved++;
          moved_id = step->id;
        }
    }

  /* Steps gone (deleted, undone). */
  if (g_hash_table_size (self->widgets) > n)
    {
      g_hash_table_iter_init (&iter, self->widgets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (p == NULL || os_process_find_step (p, key) == NULL)
          {
            gtk_widget_unparent (value);
            g_hash_table_iter_remove (&iter);
            structure = TRUE;
          }
    }

  links_hash = hash_links (p);
  if (links_hash != self->links_hash)
    {
      self->links_hash = links_hash;
      structure = TRUE;
    }

  if (self->selected_step && !g_hash_table_contains (self->widgets, self->selected_step))
    set_selection (self, NULL, NULL);
  if (self->selected_link && (p == NULL || os_process_find_link (p, self->selected_link) == NULL))
    set_selection (self, NULL, NULL);
  if (self->connect_from && !g_hash_table_contains (self->widgets, self->connect_from))
    os_process_canvas_cancel (self);

  if (relayout)
    gtk_widget_queue_allocate (GTK_WIDGET (self));

  /* One step moved and nothing else (a drag, a nudge): only its links are drawn again;
   * the others stay in a node drawn once. */
  if (!structure && moved == 1)
    {
      if (g_strcmp0 (self->moving, moved_id) != 0)
        {
          g_free (self->moving);
          self->moving = g_strdup (moved_id);
          self->static_dirty = TRUE;
        }
      self->dynamic_dirty = TRUE;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else if (structure || moved > 0)
    {
      g_clear_pointer (&self->moving, g_free);
      invalidate (self);
    }
}

static void
on_editor_changed (OsProcessEditor *editor,
                   OsProcessCanvas *self)
{
  sync_steps (self);
}

static void
clear_children (OsProcessCanvas *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      gtk_widget_unparent (value);
      g_hash_table_iter_remove (&iter);
    }
}

void
os_process_canvas_set_editor (OsProcessCanvas *self,
                              OsProcessEditor *editor)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));
  g_return_if_fail (editor == NULL || OS_IS_PROCESS_EDITOR (editor));

  if (self->editor == editor)
    return;
  os_process_canvas_cancel (self);
  if (self->editor != NULL)
    g_clear_signal_handler (&self->changed_id, self->editor);
  g_set_object (&self->editor, editor);
  clear_children (self);
  g_hash_table_remove_all (self->link_problems);
  set_selection (self, NULL, NULL);
  if (editor != NULL)
    self->changed_id = g_signal_connect (editor, "changed", G_CALLBACK (on_editor_changed), self);
  sync_steps (self);
  self->fit_pending = TRUE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

OsProcessEditor *
os_process_canvas_get_editor (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), NULL);
  return self->editor;
}

void
os_process_canvas_set_editable (OsProcessCanvas *self,
                                gboolean         editable)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));
  self->editable = editable;
}

void
os_process_canvas_set_problems (OsProcessCanvas *self,
                                GPtrArray       *problems)
{
  g_autoptr(GHashTable) by_step = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr(GHashTable) blocking = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  g_hash_table_remove_all (self->link_problems);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const OsProcessProblem *problem = g_ptr_array_index (problems, i);

      if (problem->link_id != NULL)
        {
          const char *old = g_hash_table_lookup (self->link_problems, problem->link_id);

          g_hash_table_insert (self->link_problems, g_strdup (problem->link_id),
                               old ? g_strconcat (old, "\n", problem->message, NULL) : g_strdup (problem->message));
        }
      else if (problem->step_id != NULL)
        {
          GString *text = g_hash_table_lookup (by_step, problem->step_id);

          if (text == NULL)
            g_hash_table_insert (by_step, problem->step_id, (text = g_string_new (NULL)));
          else
            g_string_append_c (text, '\n');
          g_string_append (text, problem->message);
          if (problem->blocking)
            g_hash_table_add (blocking, problem->step_id);
        }
    }

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GString *text = g_hash_table_lookup (by_step, key);

      os_step_widget_set_problem (value, text ? text->str : NULL, g_hash_table_contains (blocking, key));
    }
  g_hash_table_iter_init (&iter, by_step);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_string_free (value, TRUE);
  invalidate (self);
}

void
os_process_canvas_set_stats (OsProcessCanvas *self,
                             GHashTable      *texts,
                             const char      *worst_step)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *text = texts ? g_hash_table_lookup (texts, key) : NULL;

      if (texts != NULL && text == NULL)
        text = _("Chưa có hồ sơ");
      os_step_widget_set_stats (value, text, texts != NULL && g_strcmp0 (worst_step, key) == 0);
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Zoom and pan --------------------------------------------------------------------- */

double
os_process_canvas_get_zoom (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), 1.0);
  return self->zoom;
}

static void
zoom_around (OsProcessCanvas *self,
             double           zoom,
             double           sx,
             double           sy)
{
  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (zoom == self->zoom)
    return;
  self->ox = sx - (sx - self->ox) * zoom / self->zoom;
  self->oy = sy - (sy - self->oy) * zoom / self->zoom;
  self->zoom = zoom;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
}

void
os_process_canvas_set_zoom (OsProcessCanvas *self,
                            double           zoom)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));
  self->fit_pending = FALSE;
  zoom_around (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
               gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

/* Zooms so that every step shows, but not below @floor: a process too wide to be read
 * whole (a window opening on it) starts readable at its left end instead, the rest a pan
 * away. */
static void
fit (OsProcessCanvas *self,
     int              width,
     int              height,
     double           floor)
{
  OsProcess *p = process (self);
  GPtrArray *steps = p ? os_process_get_steps (p) : NULL;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  const double margin = 48;

  if (steps == NULL || steps->len == 0 || width <= 0 || height <= 0)
    {
      self->zoom = 1.0;
      self->ox = self->oy = GRID;
      return;
    }
  for (guint i = 0; i < steps->len; i++)
    {
      const OsProcessStep *step = g_ptr_array_index (steps, i);

      x0 = MIN (x0, step->x);
      y0 = MIN (y0, step->y);
      x1 = MAX (x1, step->x + W);
      y1 = MAX (y1, step->y + H + 40); /* room for the overlay's badge and back links */
    }
  x0 -= margin; y0 -= margin; x1 += margin; y1 += margin;
  self->zoom = CLAMP (MIN (width / (x1 - x0), height / (y1 - y0)), MAX (floor, ZOOM_MIN), 1.25);
  self->ox = (width - (x1 - x0) * self->zoom) / 2 - x0 * self->zoom;
  self->oy = (height - (y1 - y0) * self->zoom) / 2 - y0 * self->zoom;
  if ((x1 - x0) * self->zoom > width)
    self->ox = -x0 * self->zoom;
  if ((y1 - y0) * self->zoom > height)
    self->oy = -y0 * self->zoom;
}

void
os_process_canvas_zoom_fit (OsProcessCanvas *self)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    {
      self->fit_pending = TRUE;
      return;
    }
  fit (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)), ZOOM_MIN);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
}

/* Layout and drawing ------------------------------------------------------------------ */

static void
os_process_canvas_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 500;
}

static gboolean
emit_zoom_changed (gpointer user_data)
{
  OsProcessCanvas *self = user_data;

  self->zoom_idle = 0;
  g_signal_emit (self, signals[ZOOM_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
os_process_canvas_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  GHashTableIter iter;
  gpointer value;

  if (self->fit_pending)
    {
      self->fit_pending = FALSE;
      fit (self, width, height, ZOOM_READABLE);
      /* Not from inside an allocation: listeners may resize labels. */
      if (self->zoom_idle == 0)
        self->zoom_idle = g_idle_add (emit_zoom_changed, self);
    }

  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GtkWidget *child = value;
      double x, y;
      int min;
      GskTransform *transform;

      os_step_widget_get_position (value, &x, &y);
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, -1, &min, NULL, NULL, NULL);
      transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (self->ox + x * self->zoom,
                                                                     self->oy + y * self->zoom));
      transform = gsk_transform_scale (transform, self->zoom, self->zoom);
      gtk_widget_allocate (child, (int) W, (int) H, -1, transform);
    }
}

/* A link's curve, in canvas units. */
typedef struct
{
  double x0, y0, x1, y1, x2, y2, x3, y3;
} Curve;

static gboolean
link_curve (OsProcessCanvas     *self,
            const OsProcessLink *link,
            Curve               *c)
{
  OsStepWidget *from = g_hash_table_lookup (self->widgets, link->from);
  OsStepWidget *to = g_hash_table_lookup (self->widgets, link->to);
  double ax, ay, bx, by;

  if (from == NULL || to == NULL)
    return FALSE;
  os_step_widget_get_position (from, &ax, &ay);
  os_step_widget_get_position (to, &bx, &by);

  if (link->from == link->to || g_strcmp0 (link->from, link->to) == 0)
    {
      /* A loop over the top (a problem the checks report). */
      *c = (Curve) { ax + W * 0.7, ay, ax + W * 0.9, ay - 50, ax + W * 0.1, ay - 50, ax + W * 0.3, ay };
    }
  else if (bx >= ax + W * 2 && fabs (by - ay) < H)
    {
      /* Forward past the steps in between: an arc over them. */
      double rise = 36 + 0.10 * (bx - ax);

      *c = (Curve) { ax + W * 0.6, ay, ax + W * 0.6, MIN (ay, by) - rise,
                     bx + W * 0.4, MIN (ay, by) - rise, bx + W * 0.4, by };
    }
  else if (bx >= ax + W * 0.75)
    {
      double d = MAX (30, (bx - ax - W) / 2);

      *c = (Curve) { ax + W, ay + H / 2, ax + W + d, ay + H / 2, bx - d, by + H / 2, bx, by + H / 2 };
    }
  else if (fabs (bx - ax) < W * 0.75 && by >= ay + H)
    {
      double d = MAX (20, (by - ay - H) / 2);

      *c = (Curve) { ax + W / 2, ay + H, ax + W / 2, ay + H + d, bx + W / 2, by - d, bx + W / 2, by };
    }
  else if (fabs (bx - ax) < W * 0.75 && by + H <= ay)
    {
      double d = MAX (20, (ay - by - H) / 2);

      *c = (Curve) { ax + W / 2, ay, ax + W / 2, ay - d, bx + W / 2, by + H + d, bx + W / 2, by + H };
    }
  else
    {
      /* Backwards: under both steps. */
      double drop = 48 + 0.12 * fabs (bx - ax);

      *c = (Curve) { ax + W * 0.4, ay + H, ax + W * 0.4, MAX (ay, by) + H + drop,
                     bx + W * 0.6, MAX (ay, by) + H + drop, bx + W * 0.6, by + H };
    }
  return TRUE;
}

static void
curve_point (const Curve *c,
             double       t,
             double      *x,
             double      *y)
{
  double u = 1 - t;

  *x = u * u * u * c->x0 + 3 * u * u * t * c->x1 + 3 * u * t * t * c->x2 + t * t * t * c->x3;
  *y = u * u * u * c->y0 + 3 * u * u * t * c->y1 + 3 * u * t * t * c->y2 + t * t * t * c->y3;
}

static void
draw_arrow_head (cairo_t *cr,
                 double   x,
                 double   y,
                 double   from_x,
                 double   from_y,
                 double   size)
{
  double angle = atan2 (y - from_y, x - from_x);

  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - size * cos (angle - 0.45), y - size * sin (angle - 0.45));
  cairo_line_to (cr, x - size * cos (angle + 0.45), y - size * sin (angle + 0.45));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static PangoLayout *
outcome_layout (OsProcessCanvas *self,
                OsOutcome        outcome)
{
  if (self->outcome_layouts[outcome] == NULL)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
      self->outcome_layouts[outcome] = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                      os_outcome_to_string (outcome));
      pango_layout_set_attributes (self->outcome_layouts[outcome], attrs);
      pango_attr_list_unref (attrs);
    }
  return self->outcome_layouts[outcome];
}

static gboolean
touches (const OsProcessLink *link,
         const char          *step_id)
{
  return step_id != NULL && (g_strcmp0 (link->from, step_id) == 0 || g_strcmp0 (link->to, step_id) == 0);
}

/* The links that touch @only (all when NULL), but none that touch @exclude; then the
 * connection being made when @connection. */
static void
draw_links (OsProcessCanvas *self,
            cairo_t         *cr,
            const char      *only,
            const char      *exclude,
            gboolean         connection)
{
  OsProcess *p = process (self);
  GPtrArray *links = os_process_get_links (p);
  GdkRGBA fg;

  widget_color (GTK_WIDGET (self), &fg);
  cairo_translate (cr, self->ox, self->oy);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint i = 0; i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);

      if ((only != NULL && !touches (link, only)) || touches (link, exclude))
        continue;
      const GdkRGBA *color = &outcome_colors[MIN (link->outcome, OS_OUTCOME_LAST)];
      gboolean selected = g_strcmp0 (link->id, self->selected_link) == 0;
      gboolean problem = g_hash_table_contains (self->link_problems, link->id);
      Curve c;
      double mx, my;

      if (!link_curve (self, link, &c))
        continue;

      if (selected)
        {
          cairo_set_source_rgba (cr, color->red, color->green, color->blue, 0.25);
          cairo_set_line_width (cr, 9);
          cairo_move_to (cr, c.x0, c.y0);
          cairo_curve_to (cr, c.x1, c.y1, c.x2, c.y2, c.x3, c.y3);
          cairo_stroke (cr);
        }
      gdk_cairo_set_source_rgba (cr, color);
      cairo_set_line_width (cr, selected ? 3 : 2);
      if (problem)
        cairo_set_dash (cr, (double[]) { 6, 4 }, 2, 0);
      cairo_move_to (cr, c.x0, c.y0);
      cairo_curve_to (cr, c.x1, c.y1, c.x2, c.y2, c.x3, c.y3);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      draw_arrow_head (cr, c.x3, c.y3, c.x2, c.y2, 10);

      /* The outcome's label on the curve, on a pill of the window's background. */
      if (self->zoom >= 0.5 && (link->outcome != OS_OUTCOME_ACCEPT || problem))
        {
          PangoLayout *layout = outcome_layout (self, link->outcome);
          int lw, lh;

          curve_point (&c, 0.5, &mx, &my);
          pango_layout_get_pixel_size (layout, &lw, &lh);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
          cairo_rectangle (cr, mx - lw / 2.0 - 4, my - lh / 2.0 - 1, lw + 8, lh + 2);
          cairo_fill (cr);
          gdk_cairo_set_source_rgba (cr, color);
          cairo_move_to (cr, mx - lw / 2.0, my - lh / 2.0);
          pango_cairo_show_layout (cr, layout);
          if (problem)
            {
              cairo_set_source_rgb (cr, 0.878, 0.106, 0.141);
              cairo_arc (cr, mx + lw / 2.0 + 12, my, 7, 0, 2 * G_PI);
              cairo_fill (cr);
              cairo_set_source_rgb (cr, 1, 1, 1);
              cairo_rectangle (cr, mx + lw / 2.0 + 11, my - 4, 2, 5);
              cairo_rectangle (cr, mx + lw / 2.0 + 11, my + 2.5, 2, 2);
              cairo_fill (cr);
            }
        }
    }

  /* The connection being made. */
  if (connection && self->connect_from != NULL)
    {
      OsStepWidget *from = g_hash_table_lookup (self->widgets, self->connect_from);
      OsStepWidget *to = self->connect_target ? g_hash_table_lookup (self->widgets, self->connect_target) : NULL;
      double ax, ay, tx, ty;

      if (from != NULL)
        {
          os_step_widget_get_position (from, &ax, &ay);
          if (to != NULL)
            {
              os_step_widget_get_position (to, &tx, &ty);
              ty += H / 2;
            }
          else
            to_canvas (self, self->pointer_x, self->pointer_y, &tx, &ty);
          cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
          cairo_set_line_width (cr, 2);
          cairo_set_dash (cr, (double[]) { 5, 4 }, 2, 0);
          cairo_move_to (cr, ax + W - 10, ay + H / 2);
          cairo_line_to (cr, tx, ty);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          draw_arrow_head (cr, tx, ty, ax + W - 10, ay + H / 2, 10);
        }
    }
}

/* Where the moving step's links and the connection being made are, on screen; FALSE when
 * there is nothing to draw there. */
static gboolean
dynamic_bounds (OsProcessCanvas *self,
                graphene_rect_t *bounds)
{
  GPtrArray *links = os_process_get_links (process (self));
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  const double margin = 80; /* arrow heads, labels and their badges, in pixels */
  gboolean any = FALSE;

#define GROW(px, py) G_STMT_START { \
    double sx_ = self->ox + (px) * self->zoom, sy_ = self->oy + (py) * self->zoom; \
    x0 = MIN (x0, sx_); y0 = MIN (y0, sy_); x1 = MAX (x1, sx_); y1 = MAX (y1, sy_); any = TRUE; \
  } G_STMT_END

  for (guint i = 0; self->moving != NULL && i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);
      Curve c;

      if (!touches (link, self->moving) || !link_curve (self, link, &c))
        continue;
      GROW (c.x0, c.y0);
      GROW (c.x1, c.y1);
      GROW (c.x2, c.y2);
      GROW (c.x3, c.y3);
    }
  if (self->connect_from != NULL)
    {
      OsStepWidget *from = g_hash_table_lookup (self->widgets, self->connect_from);
      OsStepWidget *to = self->connect_target ? g_hash_table_lookup (self->widgets, self->connect_target) : NULL;
      double x, y;

      if (from != NULL)
        {
          os_step_widget_get_position (from, &x, &y);
          GROW (x, y);
          GROW (x + W, y + H);
        }
      if (to != NULL)
        {
          os_step_widget_get_position (to, &x, &y);
          GROW (x + W / 2, y + H / 2);
        }
      else
        {
          to_canvas (self, self->pointer_x, self->pointer_y, &x, &y);
          GROW (x, y);
        }
    }
#undef GROW
  if (!any)
    return FALSE;
  x0 = MAX (x0 - margin, 0);
  y0 = MAX (y0 - margin, 0);
  x1 = MIN (x1 + margin, gtk_widget_get_width (GTK_WIDGET (self)));
  y1 = MIN (y1 + margin, gtk_widget_get_height (GTK_WIDGET (self)));
  if (x1 <= x0 || y1 <= y0)
    return FALSE;
  graphene_rect_init (bounds, floor (x0), floor (y0), ceil (x1 - x0), ceil (y1 - y0));
  return TRUE;
}

/* Which colour is which outcome, bottom left. */
static void
draw_legend (OsProcessCanvas *self,
             GtkSnapshot     *snapshot,
             int              height)
{
  double x = 12, y = height - 12 - 18 * (OS_OUTCOME_LAST + 1);
  GdkRGBA fg, bg = { 1, 1, 1, 0.85 };
  int widest = 0;

  widget_color (GTK_WIDGET (self), &fg);
  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    {
      int lw, lh;

      pango_layout_get_pixel_size (outcome_layout (self, o), &lw, &lh);
      widest = MAX (widest, lw);
    }
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (x - 6, y - 6, widest + 44, 18 * (OS_OUTCOME_LAST + 1) + 8));
  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    {
      gtk_snapshot_append_color (snapshot, &outcome_colors[o], &GRAPHENE_RECT_INIT (x, y + 7, 22, 3));
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 30, y));
      gtk_snapshot_append_layout (snapshot, outcome_layout (self, o), &fg);
      gtk_snapshot_restore (snapshot);
      y += 18;
    }
}

static void
os_process_canvas_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double cell = GRID * self->zoom;
  GdkRGBA fg;

  widget_color (widget, &fg);

  /* Pan, zoom or size changed: every cache is stale. */
  if (self->drawn_ox != self->ox || self->drawn_oy != self->oy || self->drawn_zoom != self->zoom ||
      self->drawn_width != width || self->drawn_height != height)
    {
      self->drawn_ox = self->ox;
      self->drawn_oy = self->oy;
      self->drawn_zoom = self->zoom;
      self->drawn_width = width;
      self->drawn_height = height;
      self->static_dirty = self->dynamic_dirty = TRUE;
      g_clear_pointer (&self->grid_node, gsk_render_node_unref);
    }

  /* Dots on the grid: one dot repeated. */
  if (self->grid_node == NULL && cell >= 8)
    {
      GtkSnapshot *grid = gtk_snapshot_new ();
      GdkRGBA dot = { fg.red, fg.green, fg.blue, 0.18 };
      double sx = fmod (self->ox, cell), sy = fmod (self->oy, cell);

      if (sx > 0) sx -= cell;
      if (sy > 0) sy -= cell;
      gtk_snapshot_push_repeat (grid, &GRAPHENE_RECT_INIT (0, 0, width, height),
                                &GRAPHENE_RECT_INIT (sx, sy, cell, cell));
      gtk_snapshot_append_color (grid, &dot, &GRAPHENE_RECT_INIT (sx, sy, 1.5, 1.5));
      gtk_snapshot_pop (grid);
      self->grid_node = gtk_snapshot_free_to_node (grid);
    }
  if (self->grid_node != NULL && cell >= 8)
    gtk_snapshot_append_node (snapshot, self->grid_node);

  if (process (self) != NULL && self->static_dirty)
    {
      GtkSnapshot *links = gtk_snapshot_new ();
      cairo_t *cr = gtk_snapshot_append_cairo (links, &GRAPHENE_RECT_INIT (0, 0, width, height));

      draw_links (self, cr, NULL, self->moving, FALSE);
      cairo_destroy (cr);
      g_clear_pointer (&self->static_node, gsk_render_node_unref);
      self->static_node = gtk_snapshot_free_to_node (links);
      self->static_dirty = FALSE;
    }
  if (process (self) != NULL && self->dynamic_dirty)
    {
      graphene_rect_t bounds;

      g_clear_pointer (&self->dynamic_node, gsk_render_node_unref);
      if (dynamic_bounds (self, &bounds))
        {
          GtkSnapshot *links = gtk_snapshot_new ();
          cairo_t *cr = gtk_snapshot_append_cairo (links, &bounds);

          draw_links (self, cr, self->moving ? self->moving : "", NULL, TRUE);
          cairo_destroy (cr);
          self->dynamic_node = gtk_snapshot_free_to_node (links);
        }
      self->dynamic_dirty = FALSE;
    }
  if (self->static_node != NULL)
    gtk_snapshot_append_node (snapshot, self->static_node);
  if (self->dynamic_node != NULL)
    gtk_snapshot_append_node (snapshot, self->dynamic_node);

  /* Under the steps: a step dragged there stays visible. */
  if (process (self) != NULL && os_process_get_links (process (self))->len > 0)
    draw_legend (self, snapshot, height);

  /* In child order: the selected step was moved last, on top (as gtk_widget_pick sees it). */
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);

  if (process (self) != NULL && g_hash_table_size (self->widgets) == 0)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget,
        _("Kéo một bước từ bảng bên trái vào đây, hoặc nhấn Insert"));
      GdkRGBA dim = { fg.red, fg.green, fg.blue, 0.55 };
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - lw) / 2.0, (height - lh) / 2.0));
      gtk_snapshot_append_layout (snapshot, layout, &dim);
      gtk_snapshot_restore (snapshot);
      g_object_unref (layout);
    }
}

/* Hit testing ---------------------------------------------------------------------- */

static OsStepWidget *
step_at (OsProcessCanvas *self,
         double           x,
         double           y,
         GtkWidget      **picked)
{
  GtkWidget *widget = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  if (picked != NULL)
    *picked = widget;
  while (widget != NULL && widget != GTK_WIDGET (self))
    {
      if (OS_IS_STEP_WIDGET (widget))
        return OS_STEP_WIDGET (widget);
      widget = gtk_widget_get_parent (widget);
    }
  return NULL;
}

static const char *
link_at (OsProcessCanvas *self,
         double           sx,
         double           sy)
{
  OsProcess *p = process (self);
  GPtrArray *links = p ? os_process_get_links (p) : NULL;
  double x, y, best = LINK_HIT / self->zoom;
  const char *found = NULL;

  to_canvas (self, sx, sy, &x, &y);
  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);
      Curve c;
      double px, py;

      if (!link_curve (self, link, &c))
        continue;
      curve_point (&c, 0, &px, &py);
      for (int k = 1; k <= 24; k++)
        {
          double qx, qy, dx, dy, len2, t, d;

          curve_point (&c, k / 24.0, &qx, &qy);
          dx = qx - px;
          dy = qy - py;
          len2 = dx * dx + dy * dy;
          t = len2 > 0 ? CLAMP (((x - px) * dx + (y - py) * dy) / len2, 0, 1) : 0;
          d = hypot (x - (px + t * dx), y - (py + t * dy));
          if (d < best)
            {
              best = d;
              found = link->id;
            }
          px = qx;
          py = qy;
        }
    }
  return found;
}

/* Connecting ------------------------------------------------------------------------ */

/* Whether a step with @abilities can ever give @outcome (os-process.h: process gives
 * accept / supplement / refuse; review also rework; sign accept / rework). */
static gboolean
outcome_usable (guint     abilities,
                OsOutcome outcome)
{
  switch (outcome)
    {
    case OS_OUTCOME_ACCEPT:
      return TRUE;
    case OS_OUTCOME_SUPPLEMENT:
    case OS_OUTCOME_REFUSE:
      return (abilities & (OS_STEP_CAN_PROCESS | OS_STEP_CAN_REVIEW)) != 0;
    case OS_OUTCOME_REWORK:
      return (abilities & (OS_STEP_CAN_REVIEW | OS_STEP_CAN_SIGN)) != 0;
    default:
      return FALSE;
    }
}

/* Accept, or the next outcome not taken yet that the step can give; else the next not
 * taken; else accept (its link is retargeted). */
static OsOutcome
free_outcome (OsProcessCanvas *self,
              const char      *from)
{
  OsProcessStep *step = os_process_find_step (process (self), from);
  guint abilities = step ? step->abilities : 0;

  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    if (outcome_usable (abilities, o) && os_process_find_outcome (process (self), from, o) == NULL)
      return o;
  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    if (os_process_find_outcome (process (self), from, o) == NULL)
      return o;
  return OS_OUTCOME_ACCEPT;
}

static const char *
connect_steps (OsProcessCanvas *self,
               const char      *from,
               const char      *to)
{
  OsOutcome outcome;
  OsProcessLink *existing;
  const char *link_id;

  if (from == NULL || to == NULL || g_strcmp0 (from, to) == 0 || !self->editable)
    return NULL;
  outcome = free_outcome (self, from);
  existing = os_process_find_outcome (process (self), from, outcome);
  if (existing != NULL && g_strcmp0 (existing->to, to) == 0)
    return NULL;
  link_id = os_process_editor_connect (self->editor, from, to, outcome);
  if (link_id == NULL)
    {
      /* The existing link for that outcome was retargeted. */
      existing = os_process_find_outcome (process (self), from, outcome);
      link_id = existing ? existing->id : NULL;
    }
  if (link_id != NULL)
    set_selection (self, NULL, link_id);
  return link_id;
}

static void
set_target (OsProcessCanvas *self,
            const char      *step_id)
{
  OsStepWidget *widget;

  if (g_strcmp0 (self->connect_target, step_id) == 0)
    return;
  if (self->connect_target && (widget = g_hash_table_lookup (self->widgets, self->connect_target)))
    os_step_widget_set_target (widget, FALSE);
  g_free (self->connect_target);
  self->connect_target = g_strdup (step_id);
  if (self->connect_target && (widget = g_hash_table_lookup (self->widgets, self->connect_target)))
    {
      os_step_widget_set_target (widget, TRUE);
      /* Screen readers follow the focus: the target takes it while choosing. */
      gtk_widget_grab_focus (GTK_WIDGET (widget));
    }
  self->dynamic_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The nearest step from @from in @direction (centres; a cone of ±60°), or NULL. */
static const char *
nearest_step (OsProcessCanvas *self,
              const char      *from,
              GtkDirectionType direction,
              const char      *skip)
{
  OsStepWidget *origin = g_hash_table_lookup (self->widgets, from);
  double ox, oy, best = G_MAXDOUBLE;
  const char *found = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (origin == NULL)
    return NULL;
  os_step_widget_get_position (origin, &ox, &oy);
  g_hash_table_iter_init (&iter, self->widgets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double x, y, dx, dy, along, across, score;

      if (value == origin || g_strcmp0 (key, skip) == 0)
        continue;
      os_step_widget_get_position (value, &x, &y);
      dx = x - ox;
      dy = y - oy;
      switch (direction)
        {
        case GTK_DIR_RIGHT: along = dx;  across = dy; break;
        case GTK_DIR_LEFT:  along = -dx; across = dy; break;
        case GTK_DIR_DOWN:  along = dy;  across = dx; break;
        case GTK_DIR_UP:    along = -dy; across = dx; break;
        default:            along = hypot (dx, dy); across = 0; break;
        }
      if (along <= 0 || fabs (across) > along * 1.8 + H)
        continue;
      score = along + 2 * fabs (across);
      if (score < best)
        {
          best = score;
          found = key;
        }
    }
  return found;
}

gboolean
os_process_canvas_begin_connect (OsProcessCanvas *self)
{
  const char *target;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);

  if (self->selected_step == NULL || !self->editable || g_hash_table_size (self->widgets) < 2)
    return FALSE;
  os_process_canvas_cancel (self);
  self->connect_from = g_strdup (self->selected_step);
  self->keyboard_connect = TRUE;
  target = nearest_step (self, self->connect_from, GTK_DIR_RIGHT, NULL);
  if (target == NULL)
    target = nearest_step (self, self->connect_from, GTK_DIR_DOWN, NULL);
  if (target == NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->widgets);
      while (target == NULL && g_hash_table_iter_next (&iter, &key, NULL))
        if (g_strcmp0 (key, self->connect_from) != 0)
          target = key;
    }
  set_target (self, target);
  return TRUE;
}

gboolean
os_process_canvas_move_target (OsProcessCanvas *self,
                               GtkDirectionType direction)
{
  const char *next;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);

  if (self->connect_target == NULL)
    return FALSE;
  next = nearest_step (self, self->connect_target, direction, self->connect_from);
  if (next == NULL)
    return FALSE;
  set_target (self, next);
  return TRUE;
}

gboolean
os_process_canvas_is_connecting (OsProcessCanvas *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);
  return self->connect_from != NULL;
}

const char *
os_process_canvas_finish_connect (OsProcessCanvas *self)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *link_id;
  OsStepWidget *widget;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), NULL);

  if (self->connect_from == NULL)
    return NULL;
  from = g_strdup (self->connect_from);
  to = g_strdup (self->connect_target);
  os_process_canvas_cancel (self);
  link_id = connect_steps (self, from, to);
  /* The focus goes back to where the connection started. */
  if ((widget = g_hash_table_lookup (self->widgets, from)) != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (widget));
      if (link_id != NULL)
        set_selection (self, NULL, link_id);
    }
  return link_id;
}

void
os_process_canvas_cancel (OsProcessCanvas *self)
{
  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  set_target (self, NULL);
  g_clear_pointer (&self->connect_from, g_free);
  self->keyboard_connect = FALSE;
  if (self->drag_mode == DRAG_CONNECT)
    self->drag_mode = DRAG_NONE;
  self->dynamic_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Keyboard ------------------------------------------------------------------------ */

gboolean
os_process_canvas_move_focus (OsProcessCanvas *self,
                              GtkDirectionType direction)
{
  const char *next;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);

  if (self->selected_step == NULL)
    {
      /* The start step, else any. */
      const char *start = process (self) ? os_process_get_start (process (self)) : NULL;

      if (start != NULL && g_hash_table_contains (self->widgets, start))
        next = start;
      else
        {
          next = NULL;
          g_hash_table_iter_init (&iter, self->widgets);
          if (g_hash_table_iter_next (&iter, &key, NULL))
            next = key;
        }
    }
  else
    next = nearest_step (self, self->selected_step, direction, NULL);
  if (next == NULL)
    return FALSE;
  os_process_canvas_select_step (self, next, TRUE);
  return TRUE;
}

gboolean
os_process_canvas_nudge (OsProcessCanvas *self,
                         int              dx,
                         int              dy)
{
  OsProcessStep *step;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);

  if (self->selected_step == NULL || !self->editable ||
      (step = os_process_find_step (process (self), self->selected_step)) == NULL)
    return FALSE;
  return os_process_editor_move_step (self->editor, step->id, snap (step->x) + dx * GRID,
                                      snap (step->y) + dy * GRID, FALSE);
}

gboolean
os_process_canvas_delete_selection (OsProcessCanvas *self)
{
  g_autofree char *step = NULL;
  g_autofree char *link = NULL;
  const char *next = NULL;

  g_return_val_if_fail (OS_IS_PROCESS_CANVAS (self), FALSE);

  if (!self->editable || self->editor == NULL)
    return FALSE;
  step = g_strdup (self->selected_step);
  link = g_strdup (self->selected_link);
  if (step != NULL)
    {
      /* The focus moves to a neighbour, not out of the canvas. */
      next = nearest_step (self, step, GTK_DIR_LEFT, NULL);
      if (next == NULL)
        next = nearest_step (self, step, GTK_DIR_RIGHT, NULL);
      next = next ? g_strdup (next) : NULL;
      if (!os_process_editor_remove_step (self->editor, step))
        {
          g_free ((char *) next);
          return FALSE;
        }
      if (next != NULL)
        os_process_canvas_select_step (self, next, TRUE);
      else
        gtk_widget_grab_focus (GTK_WIDGET (self));
      g_free ((char *) next);
      return TRUE;
    }
  if (link != NULL)
    return os_process_editor_remove_link (self->editor, link);
  return FALSE;
}

void
os_process_canvas_get_free_spot (OsProcessCanvas *self,
                                 double          *x,
                                 double          *y)
{
  OsStepWidget *widget;

  g_return_if_fail (OS_IS_PROCESS_CANVAS (self));

  if (self->selected_step && (widget = g_hash_table_lookup (self->widgets, self->selected_step)))
    {
      os_step_widget_get_position (widget, x, y);
      *x = snap (*x + W + 2 * GRID);
      *y = snap (*y);
    }
  else
    {
      to_canvas (self, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                 gtk_widget_get_height (GTK_WIDGET (self)) / 2.0, x, y);
      *x = snap (*x - W / 2);
      *y = snap (*y - H / 2);
    }

  /* Not on top of another step: further down until free. */
  for (int tries = 0; tries < 50; tries++)
    {
      GHashTableIter iter;
      gpointer value;
      gboolean taken = FALSE;

      g_hash_table_iter_init (&iter, self->widgets);
      while (!taken && g_hash_table_iter_next (&iter, NULL, &value))
        {
          double sx, sy;

          os_step_widget_get_position (value, &sx, &sy);
          taken = fabs (sx - *x) < W && fabs (sy - *y) < H + GRID;
        }
      if (!taken)
        break;
      *y += H + 2 * GRID;
    }
}

static void
direction_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  GtkDirectionType direction = g_variant_get_int32 (parameter);

  if (self->keyboard_connect)
    os_process_canvas_move_target (self, direction);
  else if (!os_process_canvas_move_focus (self, direction))
    gtk_widget_error_bell (widget);
}

static void
nudge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  int dx, dy;

  g_variant_get (parameter, "(ii)", &dx, &dy);
  if (!os_process_canvas_nudge (self, dx, dy))
    gtk_widget_error_bell (widget);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  if (!os_process_canvas_begin_connect (OS_PROCESS_CANVAS (widget)))
    gtk_widget_error_bell (widget);
}

static void
enter_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);

  if (self->keyboard_connect)
    os_process_canvas_finish_connect (self);
  else if (self->selected_step != NULL)
    g_signal_emit (self, signals[RENAME_REQUESTED], 0);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  g_autofree char *from = g_strdup (self->connect_from);

  if (from != NULL)
    {
      os_process_canvas_cancel (self);
      os_process_canvas_select_step (self, from, TRUE);
    }
  else if (self->selected_link != NULL)
    set_selection (self, NULL, NULL);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (!os_process_canvas_delete_selection (OS_PROCESS_CANVAS (widget)))
    gtk_widget_error_bell (widget);
}

static void
insert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  double x, y;

  os_process_canvas_get_free_spot (self, &x, &y);
  g_signal_emit (self, signals[ADD_REQUESTED], 0, x, y);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[RENAME_REQUESTED], 0);
}

/* Pointer ----------------------------------------------------------------------- */

static void
on_drag_begin (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               OsProcessCanvas *self)
{
  GtkWidget *picked = NULL;
  OsStepWidget *step = step_at (self, x, y, &picked);

  self->press_x = self->pointer_x = x;
  self->press_y = self->pointer_y = y;
  self->drag_started = FALSE;
  self->drag_merging = FALSE;
  g_clear_pointer (&self->drag_step, g_free);

  if (step != NULL)
    {
      const char *id = os_step_widget_get_step_id (step);

      os_process_canvas_cancel (self);
      os_process_canvas_select_step (self, id, TRUE);
      self->drag_step = g_strdup (id);
      os_step_widget_get_position (step, &self->drag_step_x, &self->drag_step_y);
      self->drag_mode = os_step_widget_is_handle (step, picked) && self->editable ? DRAG_CONNECT : DRAG_MOVE;
      if (self->drag_mode == DRAG_CONNECT)
        self->connect_from = g_strdup (id);
    }
  else
    {
      self->drag_mode = DRAG_PAN;
      self->drag_ox = self->ox;
      self->drag_oy = self->oy;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag  *gesture,
                double           dx,
                double           dy,
                OsProcessCanvas *self)
{
  self->pointer_x = self->press_x + dx;
  self->pointer_y = self->press_y + dy;
  if (!self->drag_started && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->drag_started = TRUE;

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      if (self->editable)
        {
          double x = snap (self->drag_step_x + dx / self->zoom);
          double y = snap (self->drag_step_y + dy / self->zoom);
          OsProcessStep *step = os_process_find_step (process (self), self->drag_step);

          if (step != NULL && (step->x != x || step->y != y))
            {
              os_process_editor_move_step (self->editor, self->drag_step, x, y, self->drag_merging);
              self->drag_merging = TRUE;
            }
        }
      break;

    case DRAG_CONNECT:
      {
        OsStepWidget *target = step_at (self, self->pointer_x, self->pointer_y, NULL);
        const char *id = target ? os_step_widget_get_step_id (target) : NULL;

        if (g_strcmp0 (id, self->connect_from) == 0)
          id = NULL;
        /* No focus grab while dragging: only the highlight. */
        if (g_strcmp0 (self->connect_target, id) != 0)
          {
            OsStepWidget *old = self->connect_target ? g_hash_table_lookup (self->widgets, self->connect_target) : NULL;

            if (old != NULL)
              os_step_widget_set_target (old, FALSE);
            g_free (self->connect_target);
            self->connect_target = g_strdup (id);
            if (target != NULL && id != NULL)
              os_step_widget_set_target (target, TRUE);
          }
        self->dynamic_dirty = TRUE;
        gtk_widget_queue_draw (GTK_WIDGET (self));
      }
      break;

    case DRAG_PAN:
      self->ox = self->drag_ox + dx;
      self->oy = self->drag_oy + dy;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static void
on_drag_end (GtkGestureDrag  *gesture,
             double           dx,
             double           dy,
             OsProcessCanvas *self)
{
  DragMode mode = self->drag_mode;

  self->drag_mode = DRAG_NONE;
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (mode == DRAG_CONNECT)
    {
      g_autofree char *from = g_strdup (self->connect_from);
      g_autofree char *to = g_strdup (self->connect_target);

      os_process_canvas_cancel (self);
      if (self->drag_started && to != NULL)
        connect_steps (self, from, to);
    }
  else if (mode == DRAG_PAN && !self->drag_started)
    {
      /* A click on empty space or on a link. */
      const char *link = link_at (self, self->press_x, self->press_y);

      os_process_canvas_cancel (self);
      gtk_widget_grab_focus (GTK_WIDGET (self));
      set_selection (self, NULL, link);
    }
  g_clear_pointer (&self->drag_step, g_free);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                OsProcessCanvas  *self)
{
  if (self->drag_mode == DRAG_CONNECT)
    os_process_canvas_cancel (self);
  self->drag_mode = DRAG_NONE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           OsProcessCanvas          *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (state & GDK_CONTROL_MASK)
    {
      double x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      double y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
      GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
      double ex, ey;

      if (event != NULL && gdk_event_get_position (event, &ex, &ey))
        {
          graphene_point_t p;

          if (gtk_widget_compute_point (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self))), GTK_WIDGET (self),
                                        &GRAPHENE_POINT_INIT (ex, ey), &p))
            {
              x = p.x;
              y = p.y;
            }
        }
      self->fit_pending = FALSE;
      zoom_around (self, self->zoom * pow (1.1, -dy), x, y);
      return TRUE;
    }
  /* Without Ctrl the wheel pans (Shift: sideways). */
  if (state & GDK_SHIFT_MASK)
    {
      double t = dx;
      dx = dy;
      dy = t;
    }
  self->ox -= dx * 40;
  self->oy -= dy * 40;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
on_drop (GtkDropTarget   *target,
         const GValue    *value,
         double           x,
         double           y,
         OsProcessCanvas *self)
{
  const OsStepKind *kind;
  double cx, cy;
  const char *id;

  if (!G_VALUE_HOLDS_STRING (value) || self->editor == NULL || !self->editable)
    return FALSE;
  kind = os_step_kind_lookup (g_value_get_string (value));
  if (kind == NULL)
    return FALSE;
  to_canvas (self, x, y, &cx, &cy);
  id = os_step_kind_add (kind, self->editor, snap (cx - W / 2), snap (cy - H / 2));
  if (id == NULL)
    return FALSE;
  os_process_canvas_select_step (self, id, TRUE);
  return TRUE;
}

/* Focus: Tab enters on the selected step and leaves the canvas; arrows go step to step. */
static gboolean
os_process_canvas_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkWidget *target = NULL;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return FALSE;
  if (focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget)))
    return FALSE;
  if (self->selected_step != NULL)
    target = g_hash_table_lookup (self->widgets, self->selected_step);
  if (target == NULL && process (self) != NULL && os_process_get_start (process (self)) != NULL)
    target = g_hash_table_lookup (self->widgets, os_process_get_start (process (self)));
  if (target == NULL)
    target = widget;
  return gtk_widget_grab_focus (target);
}

static void
os_process_canvas_set_focus_child (GtkWidget *widget,
                                   GtkWidget *child)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);

  GTK_WIDGET_CLASS (os_process_canvas_parent_class)->set_focus_child (widget, child);
  /* The selection follows the focus (but not while choosing a connection's target). */
  if (child != NULL && OS_IS_STEP_WIDGET (child) && !self->keyboard_connect)
    {
      const char *id = os_step_widget_get_step_id (OS_STEP_WIDGET (child));

      if (g_strcmp0 (id, self->selected_step) != 0)
        set_selection (self, id, NULL);
    }
}

static void
os_process_canvas_css_changed (GtkWidget         *widget,
                               GtkCssStyleChange *change)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (widget);

  GTK_WIDGET_CLASS (os_process_canvas_parent_class)->css_changed (widget, change);
  for (guint i = 0; i <= OS_OUTCOME_LAST; i++)
    g_clear_object (&self->outcome_layouts[i]);
  invalidate (self);
}

static void
os_process_canvas_dispose (GObject *object)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (object);

  if (self->editor != NULL)
    g_clear_signal_handler (&self->changed_id, self->editor);
  g_clear_object (&self->editor);
  g_clear_handle_id (&self->zoom_idle, g_source_remove);
  g_clear_pointer (&self->grid_node, gsk_render_node_unref);
  g_clear_pointer (&self->static_node, gsk_render_node_unref);
  g_clear_pointer (&self->dynamic_node, gsk_render_node_unref);
  if (self->widgets != NULL)
    clear_children (self);
  for (guint i = 0; i <= OS_OUTCOME_LAST; i++)
    g_clear_object (&self->outcome_layouts[i]);
  G_OBJECT_CLASS (os_process_canvas_parent_class)->dispose (object);
}

static void
os_process_canvas_finalize (GObject *object)
{
  OsProcessCanvas *self = OS_PROCESS_CANVAS (object);

  g_clear_pointer (&self->widgets, g_hash_table_unref);
  g_clear_pointer (&self->link_problems, g_hash_table_unref);
  g_free (self->selected_step);
  g_free (self->selected_link);
  g_free (self->drag_step);
  g_free (self->connect_from);
  g_free (self->connect_target);
  g_free (self->moving);
  G_OBJECT_CLASS (os_process_canvas_parent_class)->finalize (object);
}

static void
os_process_canvas_class_init (OsProcessCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct { guint key; GtkDirectionType dir; int dx, dy; } arrows[] = {
    { GDK_KEY_Left, GTK_DIR_LEFT, -1, 0 }, { GDK_KEY_Right, GTK_DIR_RIGHT, 1, 0 },
    { GDK_KEY_Up, GTK_DIR_UP, 0, -1 }, { GDK_KEY_Down, GTK_DIR_DOWN, 0, 1 },
  };

  object_class->dispose = os_process_canvas_dispose;
  object_class->finalize = os_process_canvas_finalize;
  widget_class->measure = os_process_canvas_measure;
  widget_class->size_allocate = os_process_canvas_size_allocate;
  widget_class->snapshot = os_process_canvas_snapshot;
  widget_class->focus = os_process_canvas_focus;
  widget_class->set_focus_child = os_process_canvas_set_focus_child;
  widget_class->css_changed = os_process_canvas_css_changed;
  gtk_widget_class_set_css_name (widget_class, "processcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  /* ::selection-changed: a step, a link or nothing was selected. */
  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* ::add-requested (x, y): Insert: add the palette's kind there. */
  signals[ADD_REQUESTED] = g_signal_new ("add-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /* ::rename-requested: F2 or Enter on a step: edit its name. */
  signals[RENAME_REQUESTED] = g_signal_new ("rename-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* ::zoom-changed: the zoom changed (keys, wheel, fit). */
  signals[ZOOM_CHANGED] = g_signal_new ("zoom-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "canvas.focus-direction", "i", direction_action);
  gtk_widget_class_install_action (widget_class, "canvas.nudge", "(ii)", nudge_action);
  gtk_widget_class_install_action (widget_class, "canvas.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "canvas.enter", NULL, enter_action);
  gtk_widget_class_install_action (widget_class, "canvas.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "canvas.insert", NULL, insert_action);
  gtk_widget_class_install_action (widget_class, "canvas.rename", NULL, rename_action);
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    {
      gtk_widget_class_add_binding_action (widget_class, arrows[i].key, 0, "canvas.focus-direction", "i", arrows[i].dir);
      gtk_widget_class_add_binding_action (widget_class, arrows[i].key, GDK_ALT_MASK, "canvas.nudge", "(ii)",
                                           arrows[i].dx, arrows[i].dy);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "canvas.connect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "canvas.enter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "canvas.enter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "canvas.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "canvas.insert", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Insert, 0, "canvas.insert", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "canvas.rename", NULL);
}

static void
os_process_canvas_init (OsProcessCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);

  self->widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->link_problems = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->zoom = 1.0;
  self->ox = self->oy = GRID;
  self->editable = TRUE;
  self->static_dirty = self->dynamic_dirty = TRUE;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sơ đồ quy trình"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Mũi tên: chuyển giữa các bước; Alt+mũi tên: di chuyển bước; Ctrl+K: nối; "
                                    "Insert: thêm bước; Delete: xóa; F2: đổi tên"), -1);
}

GtkWidget *
os_process_canvas_new (void)
{
  return g_object_new (OS_TYPE_PROCESS_CANVAS, NULL);
}
