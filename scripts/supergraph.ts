/**
 * `npm run supergraph`: prints this subgraph's SDL (what `_service { sdl }`
 * answers) on stdout and writes what a router needs to serve it, so the
 * output can be piped (`npm run -s supergraph > enfuce.graphql`) while the
 * files land in `--out`:
 *
 *   enfuce.graphql      the subgraph SDL, for `rover supergraph compose`
 *   supergraph.yaml     rover's composition config (Apollo Router, GraphOS)
 *   supergraph.graphql  this subgraph composed alone, ready for Apollo Router
 *                       (`--supergraph`) or Hive Gateway (`supergraph:`)
 *   router.yaml         Apollo Router config that forwards the caller's token
 *   gateway.config.ts   Hive Gateway config that does the same
 *
 * Options: --routing-url URL (where routers reach this gateway, default
 * http://localhost:4000/graphql), --name NAME (subgraph name, default
 * enfuce), --out DIR (default deploy/supergraph).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { createSchema } from '../src/schema.js';

/** Stops with one line saying what was wrong, as the gateway does at start. */
function fail(message: string): never {
  process.stderr.write(`npm run supergraph: ${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    'routing-url': { type: 'string', default: 'http://localhost:4000/graphql' },
    name: { type: 'string', default: 'enfuce' },
    out: { type: 'string', default: 'deploy/supergraph' },
  },
});
const routingUrl = values['routing-url'];
const name = values.name;
if (!/^[A-Za-z][\w-]*$/.test(name)) {
  fail(`--name must be a letter followed by letters, digits, _ or - (got "${name}").`);
}
if (!URL.canParse(routingUrl) || !/^https?:$/.test(new URL(routingUrl).protocol)) {
  fail(`--routing-url must be an absolute http(s) URL (got "${routingUrl}").`);
}
const out = resolve(values.out);

const sdl = printSubgraphSchema(createSchema());
const composition = composeServices([{ name, typeDefs: parse(sdl), url: routingUrl }]);
if (composition.errors) {
  fail(`this subgraph does not compose: ${composition.errors.map((e) => e.message).join('; ')}`);
}
const compositionVersion = (
  JSON.parse(
    readFileSync(
      new URL('../node_modules/@apollo/composition/package.json', import.meta.url),
      'utf8',
    ),
  ) as { version: string }
).version;

const GENERATED = 'Written by `npm run supergraph`; edit the options there, not this file.';

const files: Record<string, string> = {
  [`${name}.graphql`]: sdl.endsWith('\n') ? sdl : `${sdl}\n`,

  'supergraph.yaml':
    `# ${GENERATED}\n# rover supergraph compose --config supergraph.yaml > supergraph.graphql\n` +
    stringify({
      federation_version: `=${compositionVersion}`,
      subgraphs: { [name]: { routing_url: routingUrl, schema: { file: `./${name}.graphql` } } },
    }),

  'supergraph.graphql': `${composition.supergraphSdl.trimEnd()}\n`,

  'router.yaml':
    `# ${GENERATED}\n# router --config router.yaml --supergraph supergraph.graphql\n` +
    `# The gateway authorizes every record itself, so the caller's token must\n` +
    `# reach it on every subgraph fetch, _entities included. With W3C trace\n` +
    `# context on, the router joins the caller's trace and hands the gateway\n` +
    `# its own span as the parent (traceparent). The router redacts subgraph\n` +
    `# errors by default, codes and all; the gateway's carry fixed messages and\n` +
    `# the contract's codes, which clients match on, so they pass through.\n` +
    `# The router waits longer than the gateway's own request deadline\n` +
    `# (REQUEST_TIMEOUT_MS, 30 s by default), so a slow issuer's fields come\n` +
    `# back with the gateway's UPSTREAM_TIMEOUT and the rest of the answer,\n` +
    `# not as the router's timeout of the whole fetch.\n` +
    stringify({
      supergraph: { listen: '0.0.0.0:4100' },
      traffic_shaping: { router: { timeout: '40s' }, all: { timeout: '35s' } },
      include_subgraph_errors: { subgraphs: { [name]: true } },
      telemetry: { exporters: { tracing: { propagation: { trace_context: true } } } },
      headers: {
        subgraphs: {
          [name]: {
            request: [
              { propagate: { named: 'authorization' } },
              { propagate: { named: 'x-request-id' } },
            ],
          },
        },
      },
    }),

  'gateway.config.ts': `// ${GENERATED}
// npm i @graphql-hive/gateway@2 && npx hive-gateway supergraph   (reads gateway.config.ts and supergraph.graphql here)
import { defineConfig } from '@graphql-hive/gateway';

export const gatewayConfig = defineConfig({
  supergraph: './supergraph.graphql',
  port: 4100,
  propagateHeaders: {
    // The gateway authorizes every record itself, so the caller's token must
    // reach it on every subgraph fetch, _entities included.
    fromClientToSubgraphs({ request, subgraphName }) {
      if (subgraphName !== ${JSON.stringify(name)}) return;
      return {
        authorization: request.headers.get('authorization'),
        'x-request-id': request.headers.get('x-request-id'),
        // Without Hive's own tracing, the caller's trace context goes on as is.
        traceparent: request.headers.get('traceparent'),
        tracestate: request.headers.get('tracestate'),
      };
    },
  },
});
`,
};

mkdirSync(out, { recursive: true });
const written: Record<string, string> = {};
for (const [file, text] of Object.entries(files)) {
  // Formatted with the repository's prettier settings wherever `--out` points,
  // so the committed copies pass `format:check`.
  const settings = await resolveConfig(fileURLToPath(new URL(`../${file}`, import.meta.url)));
  written[file] = await format(text, { ...settings, filepath: file });
  writeFileSync(join(out, file), written[file]);
  process.stderr.write(`wrote ${join(values.out, file)}\n`);
}
process.stdout.write(written[`${name}.graphql`]!);
