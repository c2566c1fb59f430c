/* desk-test.h: widget helpers the desk's in-process tests share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef gboolean (*DeskTestMatch) (GtkWidget     *widget,
                                   gconstpointer  data);

/* Runs the default main context until nothing is ready. */
void       desk_test_iterate         (void);
/* Destroys every toplevel window. */
void       desk_test_close_windows   (void);
/* The first toplevel window of @type, or NULL. */
gpointer   desk_test_find_toplevel   (GType          type);
/* How many toplevel windows are of @type. */
guint      desk_test_count_toplevels (GType          type);
/* The first widget below @root (depth first, @root itself not included) that @match
 * accepts with @data, or NULL. */
GtkWidget *desk_test_find_widget     (GtkWidget     *root,
                                      DeskTestMatch  match,
                                      gconstpointer  data);

G_END_DECLS
