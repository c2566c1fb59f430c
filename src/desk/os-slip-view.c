/* os-slip-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-slip-view.h"

#define MARGIN 24.0

struct _OsSlipView
{
  GtkWidget  parent_instance;

  OsSlip    *slip;
};

G_DEFINE_FINAL_TYPE (OsSlipView, os_slip_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SLIP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Pages are shown at one pixel per point, so A4 fits a laptop screen's width. */
static void
os_slip_view_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  OsSlipView *self = OS_SLIP_VIEW (widget);
  double width = 0, height = 0;
  int n_pages = 0;

  if (self->slip != NULL)
    {
      os_slip_get_page_size (self->slip, &width, &height);
      n_pages = os_slip_get_n_pages (self->slip);
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int) (width + 2 * MARGIN);
  else
    *minimum = *natural = (int) (n_pages * (height + MARGIN) + MARGIN);
}

static void
os_slip_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  OsSlipView *self = OS_SLIP_VIEW (widget);
  double width, height, x;
  int n_pages;

  if (self->slip == NULL)
    return;

  os_slip_get_page_size (self->slip, &width, &height);
  n_pages = os_slip_get_n_pages (self->slip);
  x = MAX (MARGIN, (gtk_widget_get_width (widget) - width) / 2);

  for (int page = 0; page < n_pages; page++)
    {
      double y = MARGIN + page * (height + MARGIN);
      graphene_rect_t bounds = GRAPHENE_RECT_INIT (x, y, width, height);
      GskRoundedRect outline;
      GdkRGBA shadow = { 0, 0, 0, 0.25 };
      GdkRGBA white = { 1, 1, 1, 1 };
      cairo_t *cr;

      gsk_rounded_rect_init_from_rect (&outline, &bounds, 0);
      gtk_snapshot_append_outset_shadow (snapshot, &outline, &shadow, 0, 2, 1, 6);
      gtk_snapshot_append_color (snapshot, &white, &bounds);

      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      cairo_translate (cr, x, y);
      os_slip_draw_page (self->slip, cr, page);
      cairo_destroy (cr);
    }
}

static void
os_slip_view_dispose (GObject *object)
{
  OsSlipView *self = (OsSlipView *) object;

  g_clear_object (&self->slip);

  G_OBJECT_CLASS (os_slip_view_parent_class)->dispose (object);
}

static void
os_slip_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OsSlipView *self = OS_SLIP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SLIP:
      g_value_set_object (value, self->slip);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_slip_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  OsSlipView *self = OS_SLIP_VIEW (object);

  switch (prop_id)
    {
    case PROP_SLIP:
      os_slip_view_set_slip (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_slip_view_class_init (OsSlipViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_slip_view_dispose;
  object_class->get_property = os_slip_view_get_property;
  object_class->set_property = os_slip_view_set_property;
  widget_class->measure = os_slip_view_measure;
  widget_class->snapshot = os_slip_view_snapshot;

  properties[PROP_SLIP] =
    g_param_spec_object ("slip", NULL, NULL, OS_TYPE_SLIP,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
os_slip_view_init (OsSlipView *self)
{
}

GtkWidget *
os_slip_view_new (void)
{
  return g_object_new (OS_TYPE_SLIP_VIEW, NULL);
}

OsSlip *
os_slip_view_get_slip (OsSlipView *self)
{
  g_return_val_if_fail (OS_IS_SLIP_VIEW (self), NULL);
  return self->slip;
}

void
os_slip_view_set_slip (OsSlipView *self,
                       OsSlip     *slip)
{
  g_return_if_fail (OS_IS_SLIP_VIEW (self));

  if (!g_set_object (&self->slip, slip))
    return;

  if (slip != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    os_slip_get_title (slip), -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLIP]);
}
