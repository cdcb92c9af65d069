// Runs one TM Forum conformance kit (a Postman collection) with newman, the way the
// kit's own ctk/index.js does, without touching the kit: every request gets the
// configured headers, the configured sample payloads replace the kits' POST bodies,
// and the API's base URL goes into the kit's environment. Prints the assertion summary.
//
// The kit's config.json is read (never written); what Telcare changes in it (the URL,
// the bearer token, payloads the demo data can satisfy) comes from tmf-ctk-kits.json.
//
// usage: node tmf-ctk-run.js KIT_DIR SERVER_URL TOKEN REPORT_JSON
'use strict';
const fs = require('fs');
const path = require('path');
const newman = require('newman');

const [kitDir, server, token, reportPath] = process.argv.slice(2);
const kitName = path.basename(path.resolve(kitDir));
const ours = JSON.parse(fs.readFileSync(path.join(__dirname, 'tmf-ctk-kits.json'), 'utf8'))[kitName];
if (!ours) { console.error(`unknown kit ${kitName} (see scripts/tmf-ctk-kits.json)`); process.exit(2); }
const kitConfig = path.join(kitDir, 'config.json');
const config = fs.existsSync(kitConfig) ? JSON.parse(fs.readFileSync(kitConfig, 'utf8')) : {};
config.url = server + ours.path;
config.headers = { ...(config.headers || { Accept: 'application/json', 'Content-Type': 'application/json' }),
  Authorization: `Bearer ${token}` };
config.payloads = { ...(config.payloads || {}), ...(ours.payloads || {}) };
config.environment = ours.environment || {};
const envKey = ours.envKey;
const ctk = path.join(kitDir, 'ctk');
const files = fs.readdirSync(ctk);
const collectionFile = files.find((f) => /postman_collection\.json$|testkit\.json$/.test(f));
const envFile = files.find((f) => /postman_environment\.json$/.test(f));
const collection = JSON.parse(fs.readFileSync(path.join(ctk, collectionFile), 'utf8'));
const environment = JSON.parse(fs.readFileSync(path.join(ctk, envFile), 'utf8'));

const headers = Object.entries(config.headers || {}).map(([key, value]) => ({ key, value }));
const lower = (s) => s.charAt(0).toLowerCase() + s.slice(1);

function visit(items, fn) {
  for (const item of items || []) {
    if (item.request) fn(item);
    if (item.item) visit(item.item, fn);
  }
}

// The first POST to each resource carries the configured payload (as index.js does).
const seen = new Set();
visit(collection.item, (item) => {
  item.request.header = headers.slice();
  if (item.request.method !== 'POST') return;
  const raw = typeof item.request.url === 'string' ? item.request.url : item.request.url.raw;
  for (const [resource, spec] of Object.entries(config.payloads || {})) {
    const re = new RegExp('(/|}})' + lower(resource) + '/?(\\?|$)');
    if (re.test(raw) && !seen.has(resource)) {
      seen.add(resource);
      item.request.body = { mode: 'raw', raw: JSON.stringify(spec.POST.payload) };
    }
  }
});

for (const v of environment.values) {
  if (v.key === envKey) v.value = config.url;
}
for (const [key, value] of Object.entries(config.environment || {})) {
  const found = environment.values.find((v) => v.key === key);
  if (found) found.value = value;
  else environment.values.push({ key, value, enabled: true });
}

newman.run(
  { collection, environment, insecure: true, reporters: ['cli', 'json'],
    reporter: { json: { export: reportPath } } },
  (err, summary) => {
    if (err) { console.error(err); process.exit(2); }
    const a = summary.run.stats.assertions;
    const passed = a.total - a.failed;
    console.log(`ASSERTIONS ${passed}/${a.total} passed (${a.failed} failed)`);
    process.exit(a.failed ? 1 : 0);
  }
);
