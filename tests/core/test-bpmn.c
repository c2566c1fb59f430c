/* test-bpmn.c: BPMN 2.0 export and import of process definitions (os-bpmn).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-bpmn.h"
#include "os-error.h"
#include "process-demo.h"

static guint
count_substrings (const char *haystack,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
assert_same_definition (OsProcess *a,
                        OsProcess *b)
{
  GPtrArray *sa = os_process_get_steps (a), *sb = os_process_get_steps (b);
  GPtrArray *la = os_process_get_links (a), *lb = os_process_get_links (b);

  g_assert_cmpstr (os_process_get_id (a), ==, os_process_get_id (b));
  g_assert_cmpstr (os_process_get_name (a), ==, os_process_get_name (b));
  g_assert_cmpstr (os_process_get_start (a), ==, os_process_get_start (b));
  g_assert_true (g_strv_equal (os_process_get_procedures (a), os_process_get_procedures (b)));
  g_assert_cmpuint (sa->len, ==, sb->len);
  for (guint i = 0; i < sa->len; i++)
    {
      OsProcessStep *x = g_ptr_array_index (sa, i), *y = g_ptr_array_index (sb, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->unit, ==, y->unit);
      g_assert_cmpstr (x->role, ==, y->role);
      g_assert_cmpint (x->budget, ==, y->budget);
      g_assert_cmpuint (x->abilities, ==, y->abilities);
      g_assert_cmpfloat (x->x, ==, y->x);
      g_assert_cmpfloat (x->y, ==, y->y);
    }
  g_assert_cmpuint (la->len, ==, lb->len);
  for (guint i = 0; i < la->len; i++)
    {
      OsProcessLink *x = g_ptr_array_index (la, i);
      OsProcessLink *y = os_process_find_link (b, x->id);

      g_assert_nonnull (y);
      g_assert_cmpstr (x->from, ==, y->from);
      g_assert_cmpstr (x->to, ==, y->to);
      g_assert_cmpint (x->outcome, ==, y->outcome);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(OsProcess) back = NULL;
  g_autoptr(OsProcess) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcessStep) step = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *xml2 = NULL;
  gsize length = 0;

  /* Characters XML must escape, a unit, a fractional position, a published version. */
  step = os_process_step_copy (os_process_find_step (process, "s4"));
  g_free (step->name);
  step->name = g_strdup ("Thẩm định <hồ sơ> & \"ý kiến\"");
  g_free (step->unit);
  step->unit = g_strdup ("000.00.12.H01");
  step->x = 720.5;
  step->y = 96;
  os_process_replace_step (process, step);
  os_process_set_name (process, "Quy trình & <mẫu>");
  os_process_set_published (process, 4, 1763900000, "Admin");

  xml = os_bpmn_export (process, &length);
  g_assert_nonnull (xml);
  g_assert_cmpuint (length, ==, strlen (xml));
  g_assert_true (g_str_has_prefix (xml, "<?xml"));
  g_assert_nonnull (strstr (xml, "http://www.omg.org/spec/BPMN/20100524/MODEL"));
  g_assert_cmpuint (count_substrings (xml, "<bpmn:userTask "), ==, 6);
  g_assert_cmpuint (count_substrings (xml, "<bpmn:startEvent "), ==, 1);
  g_assert_cmpuint (count_substrings (xml, "<bpmn:endEvent "), ==, 1);
  /* Thụ lý, Thẩm định, Ký duyệt have several outcomes: a gateway each. */
  g_assert_cmpuint (count_substrings (xml, "<bpmn:exclusiveGateway "), ==, 3);
  g_assert_cmpuint (count_substrings (xml, "<bpmndi:BPMNShape "), ==, 6 + 3 + 2);
  g_assert_cmpuint (count_substrings (xml, "<bpmndi:BPMNEdge "), ==,
                    count_substrings (xml, "<bpmn:sequenceFlow "));
  g_assert_nonnull (strstr (xml, "<dc:Bounds x=\"720.5\" y=\"96\" width=\"180\" height=\"72\" />"));
  g_assert_nonnull (strstr (xml, "<di:waypoint"));
  g_assert_nonnull (strstr (xml, "Thẩm định &lt;hồ sơ&gt; &amp; &quot;ý kiến&quot;"));
  g_assert_nonnull (strstr (xml, "<bpmn:lane "));
  g_assert_nonnull (strstr (xml, "outcome == 'rework'"));

  back = os_bpmn_import (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpint (os_process_get_version (back), ==, 0);   /* a draft again */
  assert_same_definition (process, back);

  /* Export of the import is the same text (but the version). */
  os_process_set_version (back, 4);
  xml2 = os_bpmn_export (back, NULL);
  g_assert_cmpstr (xml2, ==, xml);

  /* Length is honoured. */
  again = os_bpmn_import (xml, length, &error);
  g_assert_no_error (error);
  assert_same_definition (process, again);
}

/* As drawn in another modeller: default namespace, no extensions, no diagram, gateways,
 * an inclusive split, a manual task, conditions and names in two languages. */
static const char foreign[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"\n"
  "             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
  "             id=\"defs\" targetNamespace=\"http://example.org\">\n"
  "  <collaboration id=\"c\"><participant id=\"pp\" processRef=\"P1\" /></collaboration>\n"
  "  <process id=\"P1\" name=\"Cấp phép xây dựng\" isExecutable=\"true\">\n"
  "    <laneSet id=\"ls\">\n"
  "      <lane id=\"lane1\" name=\"Chuyên viên\"><flowNodeRef>T2</flowNodeRef></lane>\n"
  "      <lane id=\"lane2\" name=\"leader\"><flowNodeRef>T3</flowNodeRef></lane>\n"
  "    </laneSet>\n"
  "    <startEvent id=\"S\" />\n"
  "    <sequenceFlow id=\"f0\" sourceRef=\"S\" targetRef=\"T1\" />\n"
  "    <task id=\"T1\" name=\"Nhận hồ sơ\" />\n"
  "    <sequenceFlow id=\"f1\" sourceRef=\"T1\" targetRef=\"T2\" />\n"
  "    <userTask id=\"T2\" name=\"Xem xét\"><documentation>x &amp; y</documentation></userTask>\n"
  "    <sequenceFlow id=\"f2\" sourceRef=\"T2\" targetRef=\"G1\" />\n"
  "    <exclusiveGateway id=\"G1\" name=\"Hợp lệ?\" />\n"
  "    <sequenceFlow id=\"f3\" sourceRef=\"G1\" targetRef=\"T3\" name=\"Đạt\" />\n"
  "    <sequenceFlow id=\"f4\" sourceRef=\"G1\" targetRef=\"T1\" name=\"Yêu cầu bổ sung\" />\n"
  "    <sequenceFlow id=\"f5\" sourceRef=\"G1\" targetRef=\"G2\">\n"
  "      <conditionExpression xsi:type=\"tFormalExpression\"><![CDATA[${decision == 'refuse'}]]></conditionExpression>\n"
  "    </sequenceFlow>\n"
  "    <inclusiveGateway id=\"G2\" />\n"
  "    <sequenceFlow id=\"f6\" sourceRef=\"G2\" targetRef=\"T4\" />\n"
  "    <manualTask id=\"T3\" name=\"Ký giấy phép\" />\n"
  "    <sequenceFlow id=\"f7\" sourceRef=\"T3\" targetRef=\"T2\" name=\"Xử lý lại\" />\n"
  "    <sequenceFlow id=\"f8\" sourceRef=\"T3\" targetRef=\"T4\" />\n"
  "    <serviceTask id=\"T4\" name=\"Trả kết quả\" />\n"
  "    <sequenceFlow id=\"f9\" sourceRef=\"T4\" targetRef=\"E\" />\n"
  "    <endEvent id=\"E\" />\n"
  "    <textAnnotation id=\"note\"><text>ghi chú</text></textAnnotation>\n"
  "  </process>\n"
  "</definitions>\n";

static OsProcessLink *
link_between (OsProcess  *process,
              const char *from,
              const char *to)
{
  GPtrArray *links = os_process_get_links (process);

  for (guint i = 0; i < links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (links, i);
      if (g_str_equal (link->from, from) && g_str_equal (link->to, to))
        return link;
    }
  return NULL;
}

static const char *
step_named (OsProcess  *process,
            const char *name)
{
  GPtrArray *steps = os_process_get_steps (process);

  for (guint i = 0; i < steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (steps, i);
      if (g_str_equal (step->name, name))
        return step->id;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_foreign (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = os_bpmn_import (foreign, -1, &error);
  const char *t1, *t2, *t3, *t4;
  OsProcessLink *link;
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (process);
  g_assert_cmpstr (os_process_get_name (process), ==, "Cấp phép xây dựng");
  g_assert_cmpint (os_process_get_version (process), ==, 0);
  g_assert_cmpuint (strlen (os_process_get_id (process)), ==, 36);   /* a fresh UUID */
  g_assert_cmpuint (os_process_get_steps (process)->len, ==, 4);

  t1 = step_named (process, "Nhận hồ sơ");
  t2 = step_named (process, "Xem xét");
  t3 = step_named (process, "Ký giấy phép");
  t4 = step_named (process, "Trả kết quả");
  g_assert_cmpstr (os_process_get_start (process), ==, t1);

  /* Lanes named by a role (label or id) give it. */
  g_assert_cmpstr (os_process_find_step (process, t2)->role, ==, OS_ROLE_SPECIALIST);
  g_assert_cmpstr (os_process_find_step (process, t3)->role, ==, OS_ROLE_LEADER);
  g_assert_cmpstr (os_process_find_step (process, t1)->role, ==, "");

  link = link_between (process, t1, t2);
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_ACCEPT);
  link = link_between (process, t2, t3);       /* through the gateway */
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_ACCEPT);
  link = link_between (process, t2, t1);
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_SUPPLEMENT);
  link = link_between (process, t2, t4);       /* through two gateways, by its condition */
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_REFUSE);
  link = link_between (process, t3, t2);
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_REWORK);
  g_assert_true (os_process_find_step (process, t3)->abilities & OS_STEP_CAN_REVIEW);
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 6);

  /* The task before the end event returns the result. */
  g_assert_true (os_process_find_step (process, t4)->abilities & OS_STEP_CAN_RETURN);
  g_assert_false (os_process_find_step (process, t2)->abilities & OS_STEP_CAN_RETURN);

  /* No diagram in the file: laid out, left to right. */
  g_assert_cmpfloat (os_process_find_step (process, t2)->x, >, os_process_find_step (process, t1)->x);
  g_assert_cmpfloat (os_process_find_step (process, t4)->x, >, os_process_find_step (process, t3)->x);

  /* An id of ours that is not a UUID is not taken. */
  {
    g_autoptr(OsProcess) other = os_bpmn_import (
      "<definitions xmlns:os=\"urn:onestop:bpmn:1\"><process id=\"p\"><extensionElements>"
      "<os:process id=\"abc\" version=\"3\"/></extensionElements><task id=\"t\" name=\"X\"/>"
      "</process></definitions>", -1, &error);
    g_assert_no_error (error);
    g_assert_true (g_uuid_string_is_valid (os_process_get_id (other)));
    g_assert_cmpint (os_process_get_version (other), ==, 0);
    g_assert_cmpstr (os_process_find_step (other, "s1")->name, ==, "X");
  }

  /* It checks like any draft: only the roles are missing. */
  problems = os_process_check (process, NULL, NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      OsProcessProblem *problem = g_ptr_array_index (problems, i);
      g_test_message ("%s", problem->message);
      g_assert_cmpint (problem->kind, ==, OS_PROCESS_PROBLEM_NOBODY);
    }
}

/* As Camunda Modeler saves it: a collaboration with a pool and lanes, the "bpmn2" prefix,
 * a diagram with shapes for everything, a boundary event, a parallel split at the start. */
static const char modeler[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<bpmn2:definitions xmlns:bpmn2=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
  "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
  "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" "
  "xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" "
  "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"Defs\" "
  "targetNamespace=\"http://bpmn.io/schema/bpmn\" exporter=\"Camunda Modeler\" exporterVersion=\"5.0.0\">\n"
  "  <bpmn2:collaboration id=\"Collab\">\n"
  "    <bpmn2:participant id=\"Pool\" name=\"UBND xã\" processRef=\"Proc\" />\n"
  "  </bpmn2:collaboration>\n"
  "  <bpmn2:process id=\"Proc\" name=\"Đăng ký khai sinh\" isExecutable=\"false\">\n"
  "    <bpmn2:laneSet id=\"Lanes\">\n"
  "      <bpmn2:lane id=\"L1\" name=\"Tiếp nhận (một cửa)\"><bpmn2:flowNodeRef>A</bpmn2:flowNodeRef>"
  "<bpmn2:flowNodeRef>D</bpmn2:flowNodeRef></bpmn2:lane>\n"
  "      <bpmn2:lane id=\"L2\" name=\"Công chức tư pháp\"><bpmn2:flowNodeRef>B</bpmn2:flowNodeRef></bpmn2:lane>\n"
  "    </bpmn2:laneSet>\n"
  "    <bpmn2:startEvent id=\"S\"><bpmn2:outgoing>f0</bpmn2:outgoing></bpmn2:startEvent>\n"
  "    <bpmn2:userTask id=\"A\" name=\"Nhận hồ sơ\" camunda:assignee=\"x\">"
  "<bpmn2:extensionElements><camunda:properties><camunda:property name=\"a\" value=\"b\"/>"
  "</camunda:properties></bpmn2:extensionElements></bpmn2:userTask>\n"
  "    <bpmn2:userTask id=\"B\" name=\"Kiểm tra\" />\n"
  "    <bpmn2:boundaryEvent id=\"Timer\" attachedToRef=\"B\"><bpmn2:timerEventDefinition /></bpmn2:boundaryEvent>\n"
  "    <bpmn2:exclusiveGateway id=\"G\" />\n"
  "    <bpmn2:userTask id=\"D\" name=\"Trả giấy khai sinh\" />\n"
  "    <bpmn2:endEvent id=\"E\" />\n"
  "    <bpmn2:sequenceFlow id=\"f0\" sourceRef=\"S\" targetRef=\"A\" />\n"
  "    <bpmn2:sequenceFlow id=\"f1\" sourceRef=\"A\" targetRef=\"B\" />\n"
  "    <bpmn2:sequenceFlow id=\"f2\" sourceRef=\"B\" targetRef=\"G\" />\n"
  "    <bpmn2:sequenceFlow id=\"f3\" sourceRef=\"G\" targetRef=\"D\" name=\"Đạt\" />\n"
  "    <bpmn2:sequenceFlow id=\"f4\" sourceRef=\"G\" targetRef=\"D\" name=\"Không đạt: từ chối\" />\n"
  "    <bpmn2:sequenceFlow id=\"f5\" sourceRef=\"D\" targetRef=\"E\" />\n"
  "    <bpmn2:sequenceFlow id=\"f6\" sourceRef=\"Timer\" targetRef=\"D\" />\n"
  "  </bpmn2:process>\n"
  "  <bpmndi:BPMNDiagram id=\"Dia\">\n"
  "    <bpmndi:BPMNPlane id=\"Plane\" bpmnElement=\"Collab\">\n"
  "      <bpmndi:BPMNShape id=\"Pool_di\" bpmnElement=\"Pool\" isHorizontal=\"true\">"
  "<dc:Bounds x=\"100\" y=\"50\" width=\"900\" height=\"400\" /></bpmndi:BPMNShape>\n"
  "      <bpmndi:BPMNShape id=\"S_di\" bpmnElement=\"S\"><dc:Bounds x=\"160\" y=\"100\" width=\"36\" height=\"36\" /></bpmndi:BPMNShape>\n"
  "      <bpmndi:BPMNShape id=\"A_di\" bpmnElement=\"A\"><dc:Bounds x=\"250\" y=\"78\" width=\"100\" height=\"80\" />"
  "<bpmndi:BPMNLabel><dc:Bounds x=\"1\" y=\"2\" width=\"3\" height=\"4\" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>\n"
  "      <bpmndi:BPMNShape id=\"B_di\" bpmnElement=\"B\"><dc:Bounds x=\"420\" y=\"278.5\" width=\"100\" height=\"80\" /></bpmndi:BPMNShape>\n"
  "      <bpmndi:BPMNShape id=\"D_di\" bpmnElement=\"D\"><dc:Bounds x=\"700\" y=\"78\" width=\"100\" height=\"80\" /></bpmndi:BPMNShape>\n"
  "      <bpmndi:BPMNEdge id=\"f1_di\" bpmnElement=\"f1\"><di:waypoint x=\"350\" y=\"118\" /><di:waypoint x=\"420\" y=\"318\" /></bpmndi:BPMNEdge>\n"
  "    </bpmndi:BPMNPlane>\n"
  "  </bpmndi:BPMNDiagram>\n"
  "</bpmn2:definitions>\n";

static void
test_modeler (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = os_bpmn_import (modeler, -1, &error);
  OsProcessStep *a, *b, *d;
  OsProcessLink *link;

  g_assert_no_error (error);
  g_assert_cmpstr (os_process_get_name (process), ==, "Đăng ký khai sinh");
  g_assert_cmpuint (os_process_get_steps (process)->len, ==, 3);
  a = os_process_find_step (process, step_named (process, "Nhận hồ sơ"));
  b = os_process_find_step (process, step_named (process, "Kiểm tra"));
  d = os_process_find_step (process, step_named (process, "Trả giấy khai sinh"));
  g_assert_cmpstr (os_process_get_start (process), ==, a->id);

  /* Positions from the diagram (the task's bounds, not its label's). */
  g_assert_cmpfloat (a->x, ==, 250);
  g_assert_cmpfloat (a->y, ==, 78);
  g_assert_cmpfloat (b->x, ==, 420);
  g_assert_cmpfloat (b->y, ==, 278.5);

  /* Lanes: a role label gives the role, an unknown lane name none. */
  g_assert_cmpstr (a->role, ==, OS_ROLE_RECEPTION);
  g_assert_cmpstr (d->role, ==, OS_ROLE_RECEPTION);
  g_assert_cmpstr (b->role, ==, "");

  /* The gateway's two branches to the same task: accept and refuse. */
  link = link_between (process, a->id, b->id);
  g_assert_nonnull (link);
  g_assert_cmpint (link->outcome, ==, OS_OUTCOME_ACCEPT);
  g_assert_nonnull (os_process_find_outcome (process, b->id, OS_OUTCOME_ACCEPT));
  g_assert_nonnull (os_process_find_outcome (process, b->id, OS_OUTCOME_REFUSE));
  g_assert_cmpstr (os_process_find_outcome (process, b->id, OS_OUTCOME_REFUSE)->to, ==, d->id);
  g_assert_cmpuint (os_process_get_links (process)->len, ==, 3);
  g_assert_true (d->abilities & OS_STEP_CAN_RETURN);
}

static void
test_malformed (void)
{
  static const char * const bad[] = {
    "",
    "not xml at all",
    "<definitions><process id=\"p\"><task id=\"t\"></process></definitions>",
    "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"></definitions>",
    "<definitions><process id=\"p\"><startEvent id=\"s\" /></process></definitions>",
    "<definitions><process id=\"p\"><task id=\"t\" /><sequenceFlow id=\"f\" sourceRef=\"t\" />"
    "</process></definitions>",
    "<definitions><process id=\"p\"><task id=\"t\" name=\"a &bogus; b\" /></process></definitions>",
    "<definitions><process id=\"p\"><task id=\"t\" /></process></definitions><extra/>",
    "<process id=\"p\"><task id=\"t\" /></process>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OsProcess) process = os_bpmn_import (bad[i], -1, &error);

      g_test_message ("input %u", i);
      g_assert_null (process);
      g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
      g_assert_true (g_str_has_prefix (error->message, "Tệp BPMN") ||
                     g_str_has_prefix (error->message, "Quy trình trong tệp BPMN"));
    }

  /* Cut short at any point: an error, never a crash. */
  {
    g_autoptr(OsProcess) process = demo_process_new ();
    g_autofree char *xml = os_bpmn_export (process, NULL);
    gsize len = strlen (xml);

    for (gsize cut = 0; cut < len - 30; cut += 97)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(OsProcess) partial = os_bpmn_import (xml, cut, &error);

        g_assert_null (partial);
        g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bpmn/round-trip", test_round_trip);
  g_test_add_func ("/bpmn/foreign", test_foreign);
  g_test_add_func ("/bpmn/modeler", test_modeler);
  g_test_add_func ("/bpmn/malformed", test_malformed);

  return g_test_run ();
}
