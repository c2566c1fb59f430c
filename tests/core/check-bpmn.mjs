// check-bpmn.mjs [--modules NODE_MODULES_DIR] FILE.bpmn...: each file must parse with
// bpmn-moddle (the library under bpmn.io and Camunda Modeler) without a single warning, and
// every flow node must have a BPMNShape with bounds and every sequence flow a BPMNEdge with
// at least two waypoints, so standard tools open it with its layout.
// Exit 0 when all pass, 1 on the first failing file, 77 (skip) without the package.
// SPDX-License-Identifier: GPL-3.0-or-later
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
let modules = resolve(import.meta.dirname ?? '.', '..', 'server', 'node_modules');
if (args[0] === '--modules') {
  modules = args[1];
  args.splice(0, 2);
}

let BpmnModdle;
try {
  const url = pathToFileURL(join(modules, 'bpmn-moddle', 'dist', 'index.js'));
  const module = await import(url.href);
  BpmnModdle = module.BpmnModdle ?? module.default;
} catch (e) {
  console.log(`1..0 # SKIP bpmn-moddle missing: run "npm ci" in tests/server (${e.message})`);
  process.exit(77);
}

function fail(file, message) {
  console.error(`${file}: ${message}`);
  process.exit(1);
}

function flowElements(container, out) {
  for (const element of container.flowElements ?? []) {
    out.push(element);
    if (element.flowElements) flowElements(element, out);
  }
  return out;
}

for (const file of args) {
  const xml = readFileSync(file, 'utf8');
  const moddle = new BpmnModdle();
  let result;
  try {
    result = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (e) {
    fail(file, `not BPMN: ${e.message}`);
  }
  const { rootElement, warnings } = result;
  if (warnings.length > 0)
    fail(file, `warnings:\n${warnings.map((w) => `  ${w.message}`).join('\n')}`);

  const processes = (rootElement.rootElements ?? []).filter((e) => e.$instanceOf('bpmn:Process'));
  if (processes.length === 0) fail(file, 'no process');

  const shapes = new Map();
  const edges = new Map();
  for (const diagram of rootElement.diagrams ?? []) {
    for (const element of diagram.plane?.planeElement ?? []) {
      if (element.$instanceOf('bpmndi:BPMNShape')) shapes.set(element.bpmnElement, element);
      if (element.$instanceOf('bpmndi:BPMNEdge')) edges.set(element.bpmnElement, element);
    }
  }

  let nodes = 0;
  for (const proc of processes) {
    for (const element of flowElements(proc, [])) {
      if (element.$instanceOf('bpmn:FlowNode')) {
        nodes++;
        const shape = shapes.get(element);
        if (!shape) fail(file, `${element.$type} ${element.id} has no BPMNShape`);
        const b = shape.bounds;
        if (!b || !(b.width > 0) || !(b.height > 0))
          fail(file, `${element.$type} ${element.id}: BPMNShape without bounds`);
      } else if (element.$instanceOf('bpmn:SequenceFlow')) {
        if (!element.sourceRef || !element.targetRef)
          fail(file, `sequence flow ${element.id} does not connect two nodes`);
        const edge = edges.get(element);
        if (!edge || (edge.waypoint ?? []).length < 2)
          fail(file, `sequence flow ${element.id} has no BPMNEdge with waypoints`);
      }
    }
  }
  if (nodes === 0) fail(file, 'no flow node');

  // It also writes back (what a modeller does on save).
  const { xml: written } = await moddle.toXML(rootElement);
  if (!written.includes('bpmndi:BPMNShape')) fail(file, 'lost its diagram on writing');

  console.log(`ok ${file}: ${nodes} flow nodes, ${shapes.size} shapes, ${edges.size} edges`);
}
