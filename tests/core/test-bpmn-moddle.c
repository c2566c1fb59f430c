/* test-bpmn-moddle.c: the exported BPMN opens in the standard toolchain. Exports processes
 * to temporary files and runs check-bpmn.mjs (bpmn-moddle, the model under bpmn.io and
 * Camunda Modeler) on them: no warning, a shape for every flow node, an edge for every flow.
 *
 * Arguments: --node=PATH --check=PATH/check-bpmn.mjs --modules=PATH/node_modules
 * Skipped (77) when bpmn-moddle is not installed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "os-bpmn.h"
#include "process-demo.h"

static char *node_path;
static char *check_path;
static char *modules_path;

/* Exit status of check-bpmn.mjs on @xml; 77 = skip. */
static int
run_check (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bpmn-XXXXXX", &error);
  g_autofree char *file = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  g_assert_no_error (error);
  file = g_build_filename (dir, "process.bpmn", NULL);
  g_assert_true (g_file_set_contents (file, xml, -1, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { node_path, check_path, "--modules", modules_path, file, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
  }
  g_test_message ("stdout: %s", out);
  g_test_message ("stderr: %s", err);
  g_unlink (file);
  g_rmdir (dir);

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}

static gboolean
skip_if_missing (int status)
{
  if (status == 77)
    {
      g_test_skip ("bpmn-moddle is not installed (npm ci in tests/server)");
      return TRUE;
    }
  return FALSE;
}

static void
test_demo (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autofree char *xml = os_bpmn_export (process, NULL);
  int status = run_check (xml);

  if (skip_if_missing (status))
    return;
  g_assert_cmpint (status, ==, 0);
}

static void
test_imported_and_tidied (void)
{
  /* Drawn elsewhere without a diagram, imported, exported again. */
  static const char foreign[] =
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
    "targetNamespace=\"x\"><process id=\"p\" name=\"Khác\">"
    "<startEvent id=\"s\"/><sequenceFlow id=\"f0\" sourceRef=\"s\" targetRef=\"a\"/>"
    "<task id=\"a\" name=\"A &amp; B\"/><sequenceFlow id=\"f1\" sourceRef=\"a\" targetRef=\"g\"/>"
    "<exclusiveGateway id=\"g\"/>"
    "<sequenceFlow id=\"f2\" sourceRef=\"g\" targetRef=\"b\"/>"
    "<sequenceFlow id=\"f3\" sourceRef=\"g\" targetRef=\"a\" name=\"bổ sung\"/>"
    "<task id=\"b\" name=\"C\"/><sequenceFlow id=\"f4\" sourceRef=\"b\" targetRef=\"e\"/>"
    "<endEvent id=\"e\"/></process></definitions>";
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = os_bpmn_import (foreign, -1, &error);
  g_autofree char *xml = NULL;
  int status;

  g_assert_no_error (error);
  xml = os_bpmn_export (process, NULL);
  status = run_check (xml);
  if (skip_if_missing (status))
    return;
  g_assert_cmpint (status, ==, 0);
}

static void
test_checker_catches_missing_shape (void)
{
  /* The checker itself must fail on a flow node drawn nowhere. */
  static const char no_shape[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
    "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
    "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" id=\"d\" targetNamespace=\"x\">"
    "<bpmn:process id=\"p\"><bpmn:task id=\"t1\"/><bpmn:task id=\"t2\"/></bpmn:process>"
    "<bpmndi:BPMNDiagram id=\"dg\"><bpmndi:BPMNPlane id=\"pl\" bpmnElement=\"p\">"
    "<bpmndi:BPMNShape id=\"t1_di\" bpmnElement=\"t1\"><dc:Bounds x=\"0\" y=\"0\" width=\"10\" height=\"10\"/>"
    "</bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>";
  static const char unknown_element[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\" "
    "targetNamespace=\"x\"><bpmn:process id=\"p\"><bpmn:taskk id=\"t1\"/></bpmn:process>"
    "</bpmn:definitions>";
  int status = run_check (no_shape);

  if (skip_if_missing (status))
    return;
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpint (run_check (unknown_element), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--node="))
        node_path = argv[i] + strlen ("--node=");
      else if (g_str_has_prefix (argv[i], "--check="))
        check_path = argv[i] + strlen ("--check=");
      else if (g_str_has_prefix (argv[i], "--modules="))
        modules_path = argv[i] + strlen ("--modules=");
    }
  if (node_path == NULL || check_path == NULL || modules_path == NULL)
    {
      g_printerr ("usage: %s --node=PATH --check=PATH --modules=PATH\n", argv[0]);
      return 2;
    }

  g_test_add_func ("/bpmn-moddle/demo", test_demo);
  g_test_add_func ("/bpmn-moddle/imported", test_imported_and_tidied);
  g_test_add_func ("/bpmn-moddle/checker-catches-missing-shape", test_checker_catches_missing_shape);

  return g_test_run ();
}
