/**
 * Contender "hive": Hive Gateway's runtime serving a schema that GraphQL
 * Mesh composes from the issuer's OpenAPI description (`enfuce.openapi.yaml`,
 * a copy of the shared description), over the same simulator.
 *
 * Configured as fairly as we know how:
 * - per-request dedup of identical GETs (`@graphql-mesh/plugin-deduplicate-request`),
 *   the equivalent of our per-request DataLoader cache;
 * - no response cache and no cross-request dedup (this runtime has no
 *   inbound dedup; the harness also sends a unique `x-request-id` and
 *   `x-audit-user` on every request, both forwarded upstream);
 * - `Account.parent` added as an additional field resolved through Mesh's
 *   in-context SDK, one call per parent (deduplicated per request), which is
 *   how Mesh links REST resources without a batch endpoint.
 *
 * Its packages live in `bench/node_modules` only, so they are imported by
 * name at run time and typed here by the little this file uses.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runChild } from '../lib/contenderProcess.js';
import { upstreamFromEnv } from './upstreamEnv.js';

interface ComposeCli {
  getComposedSchemaFromConfig(config: unknown, logger: unknown): Promise<string>;
}
interface OpenApiLoader {
  loadOpenAPISubgraph(name: string, options: unknown): unknown;
}
interface MeshUtils {
  DefaultLogger: new (name: string) => unknown;
}
interface GatewayRuntime {
  createGatewayRuntime(config: unknown): Parameters<typeof createServer>[1] & {
    dispose(): Promise<void> | void;
  };
}
interface DedupPlugin {
  default: () => unknown;
}

// A variable keeps TypeScript from resolving these at type-check time.
const load = <T>(name: string) => import(name) as Promise<T>;

/** `Account.parent`: declared here, resolved below through Mesh's in-context SDK. */
const PARENT_FIELD = /* GraphQL */ `
  extend type AccountSummaryV4 {
    parent: getAccountV4_response
  }
`;

interface InContextSdk {
  Enfuce: { Query: { getAccountV4(options: unknown): Promise<unknown> } };
}

// What `@resolveTo` would do, plus the null check it cannot express: a
// top-level account has no parent to fetch.
const PARENT_RESOLVER = {
  AccountSummaryV4: {
    parent: {
      selectionSet: '{ parentId }',
      resolve(root: { parentId?: unknown }, _args: unknown, context: InContextSdk, info: unknown) {
        if (root.parentId == null || root.parentId === '') return null;
        return context.Enfuce.Query.getAccountV4({
          root,
          args: { id: String(root.parentId) },
          context,
          info,
        });
      },
    },
  },
};

runChild(async () => {
  const upstream = upstreamFromEnv();
  const [{ getComposedSchemaFromConfig }, { loadOpenAPISubgraph }, { DefaultLogger }] =
    await Promise.all([
      load<ComposeCli>('@graphql-mesh/compose-cli'),
      load<OpenApiLoader>('@omnigraph/openapi'),
      load<MeshUtils>('@graphql-mesh/utils'),
    ]);
  const basic = Buffer.from(`${upstream.username}:${upstream.password}`).toString('base64');
  const supergraph = await getComposedSchemaFromConfig(
    {
      subgraphs: [
        {
          sourceHandler: loadOpenAPISubgraph('Enfuce', {
            source: fileURLToPath(new URL('enfuce.openapi.yaml', import.meta.url)),
            endpoint: upstream.url,
            operationHeaders: {
              authorization: `Basic ${basic}`,
              'x-request-id': '{context.headers.x-request-id}',
            },
            queryParams: { auditUser: '{context.headers.x-audit-user}' },
          }),
        },
      ],
    },
    new DefaultLogger('compose'),
  );

  const [{ createGatewayRuntime }, { default: useDeduplicateRequest }] = await Promise.all([
    load<GatewayRuntime>('@graphql-hive/gateway-runtime'),
    load<DedupPlugin>('@graphql-mesh/plugin-deduplicate-request'),
  ]);
  const gateway = createGatewayRuntime({
    supergraph,
    additionalTypeDefs: PARENT_FIELD,
    additionalResolvers: PARENT_RESOLVER,
    logging: false,
    landingPage: false,
    graphiql: false,
    plugins: () => [useDeduplicateRequest()],
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await gateway.dispose();
    },
  };
});
