/* desk-test.h: widget helpers the desk's in-process tests share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-store.h"

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

/* For main(): GSettings in memory, no accessibility bus, then gtk_test_init() and
 * adw_init(). */
void       desk_test_init            (int           *argc,
                                      char        ***argv);
/* A new store in a new temporary folder made from @tmpl ("name-XXXXXX"), whose path is
 * returned in @dir; fails the test if either cannot be made. */
OsStore   *desk_test_open_store      (const char    *tmpl,
                                      char         **dir);
/* Drops *@store, removes *@dir and all it holds (asserting it is gone) and frees it. */
void       desk_test_remove_store    (OsStore      **store,
                                      char         **dir);
/* What the page tests start from: a fresh store in its own folder and a 1200 × 800
 * window, not yet shown. */
typedef struct
{
  char      *dir;
  OsStore   *store;
  GtkWidget *window;
} DeskTestFixture;

/* Opens the store (in a folder made from @tmpl) and makes the window. */
void       desk_test_fixture_open    (DeskTestFixture *f,
                                      const char      *tmpl);
/* Closes every window and removes the store with its folder. */
void       desk_test_fixture_close   (DeskTestFixture *f);
/* Puts @child in @window, presents it and runs the main context until @child is mapped. */
void       desk_test_show            (GtkWindow     *window,
                                      GtkWidget     *child);

G_END_DECLS
