/* desk-test.c: see desk-test.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>

#include "desk-test.h"
#include "os-test-util.h"

void
desk_test_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
desk_test_close_windows (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, 0);
      gtk_window_destroy (window);
    }
}

gpointer
desk_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

guint
desk_test_count_toplevels (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        n++;
    }
  return n;
}

GtkWidget *
desk_test_find_widget (GtkWidget     *root,
                       DeskTestMatch  match,
                       gconstpointer  data)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (match (c, data))
        return c;
      if ((found = desk_test_find_widget (c, match, data)) != NULL)
        return found;
    }
  return NULL;
}

void
desk_test_init (int    *argc,
                char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

OsStore *
desk_test_open_store (const char  *tmpl,
                      char       **dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  OsStore *store;

  *dir = os_test_make_dir (tmpl);
  path = g_build_filename (*dir, "desk.sqlite3", NULL);
  store = os_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

void
desk_test_remove_store (OsStore **store,
                        char    **dir)
{
  g_clear_object (store);
  os_test_remove_tree (*dir);
  g_assert_false (g_file_test (*dir, G_FILE_TEST_EXISTS));
  g_clear_pointer (dir, g_free);
}

void
desk_test_show (GtkWindow *window,
                GtkWidget *child)
{
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  while (!gtk_widget_get_mapped (child))
    g_main_context_iteration (NULL, TRUE);
}

void
desk_test_fixture_open (DeskTestFixture *f,
                        const char      *tmpl)
{
  f->store = desk_test_open_store (tmpl, &f->dir);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
}

void
desk_test_fixture_close (DeskTestFixture *f)
{
  desk_test_close_windows ();
  desk_test_remove_store (&f->store, &f->dir);
}
