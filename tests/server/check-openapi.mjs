// check-openapi.mjs OPENAPI.yaml LOG.jsonl...: every logged answer of the server tests
// ({"method","path","status","body"} per line, path below /api/v1 as in the spec) must be
// a status its operation documents, and its body must match that response's schema.
// SPDX-License-Identifier: GPL-3.0-or-later
import { readFileSync, existsSync } from 'node:fs';

// The packages come from `npm ci` in tests/server (.ci/setup); without them, skip (77).
let parse, Ajv, addFormats;
try {
  ({ parse } = await import('yaml'));
  Ajv = (await import('ajv')).default;
  addFormats = (await import('ajv-formats')).default;
} catch (e) {
  console.log(`1..0 # SKIP node packages missing: run "npm ci" in tests/server (${e.message})`);
  process.exit(77);
}

const [specPath, ...logs] = process.argv.slice(2);
const spec = parse(readFileSync(specPath, 'utf8'));

// OpenAPI 3.0 schemas are JSON Schema with a few extra keywords; refs point into the spec.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi.json', components: spec.components }, 'openapi.json');

function resolve(obj) {
  while (obj && obj.$ref) {
    const path = obj.$ref.replace(/^#\//, '').split('/');
    obj = path.reduce((o, k) => o[k], spec);
  }
  return obj;
}

function rewriteRefs(schema) {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (schema && typeof schema === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(schema)) {
      out[k] = k === '$ref' ? 'openapi.json' + v : rewriteRefs(v);
    }
    return out;
  }
  return schema;
}

const validators = new Map();
let checked = 0;
let failures = 0;
const seen = new Set();

for (const log of logs) {
  if (!existsSync(log)) {
    console.log(`# ${log}: no log (its test did not run)`);
    continue;
  }
  const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) {
    const { method, path, status, body } = JSON.parse(line);
    const where = `${method} ${path} ${status}`;
    const op = spec.paths[path]?.[method.toLowerCase()];
    checked++;
    if (!op) {
      console.log(`not ok - ${where}: no such operation in the spec`);
      failures++;
      continue;
    }
    const response = resolve(op.responses[String(status)]);
    if (!response) {
      console.log(`not ok - ${where}: status not documented`);
      failures++;
      continue;
    }
    const media = response.content?.['application/json'];
    if (!media) {
      if (body !== null && body !== '') {
        console.log(`not ok - ${where}: documented without a body, got ${body.slice(0, 200)}`);
        failures++;
      }
      seen.add(where);
      continue;
    }
    let value;
    try {
      value = JSON.parse(body);
    } catch (e) {
      console.log(`not ok - ${where}: body is not JSON: ${String(body).slice(0, 200)}`);
      failures++;
      continue;
    }
    const key = `${path} ${method} ${status}`;
    if (!validators.has(key)) validators.set(key, ajv.compile(rewriteRefs(media.schema)));
    const validate = validators.get(key);
    if (!validate(value)) {
      console.log(`not ok - ${where}: ${ajv.errorsText(validate.errors)}\n#   ${body.slice(0, 300)}`);
      failures++;
      continue;
    }
    seen.add(where);
  }
}

for (const w of [...seen].sort()) console.log(`# conforms: ${w}`);
console.log(`# ${checked} answers checked, ${failures} not conforming`);
if (checked === 0) {
  console.log('no answers were logged');
  process.exit(1);
}
process.exit(failures === 0 ? 0 : 1);
