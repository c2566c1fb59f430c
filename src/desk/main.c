/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "os-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OsApplication) app = NULL;

  const char *localedir = g_getenv ("ONESTOP_LOCALEDIR");  /* translations in a build tree */

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = os_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
