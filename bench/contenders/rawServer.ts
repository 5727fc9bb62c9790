/**
 * The baselines' server: `node:http` and graphql-js `execute` with a cache of
 * parsed and validated documents, nothing else. Whatever the gateway spends
 * beyond this is framework cost (fastify, Apollo Server, plugins).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  execute,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import type { RequestHeaders } from '../../src/context.js';

export interface RawServerOptions<TContext> {
  schema: GraphQLSchema;
  createContext: (headers: RequestHeaders) => Promise<TContext>;
}

export interface RawServer {
  url: string;
  close(): Promise<void>;
}

interface GraphQLBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export async function startRawServer<TContext>({
  schema,
  createContext,
}: RawServerOptions<TContext>): Promise<RawServer> {
  // Parse + validate once per distinct query text, as Apollo's document store does.
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const documentFor = (query: string): DocumentNode | readonly GraphQLError[] => {
    let cached = documents.get(query);
    if (cached === undefined) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        cached = errors.length > 0 ? errors : document;
      } catch (error) {
        cached = [error as GraphQLError];
      }
      if (documents.size > 1000) documents.clear();
      documents.set(query, cached);
    }
    return cached;
  };

  let nextId = 0;
  const server = createServer((req, res) => {
    void handle(req).then((result) => {
      const body = JSON.stringify(result);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });

  async function handle(req: IncomingMessage): Promise<ExecutionResult> {
    try {
      const body = JSON.parse(await readBody(req)) as GraphQLBody;
      const document = documentFor(body.query ?? '');
      if (!('kind' in document)) return { errors: document };
      const given = req.headers['x-request-id'];
      const contextValue = await createContext({
        authorization: req.headers.authorization,
        auditUser: header(req.headers['x-audit-user']),
        requestId: typeof given === 'string' ? given : `raw-${++nextId}`,
      });
      const result = await execute({
        schema,
        document,
        variableValues: body.variables,
        operationName: body.operationName,
        contextValue,
      });
      return result.errors ? { ...result, errors: result.errors.map(plainError) } : result;
    } catch (error) {
      return { errors: [plainError(error as GraphQLError)] };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function plainError(error: GraphQLError) {
  return {
    message: error.message,
    path: error.path,
    extensions: { code: error.extensions?.code ?? 'INTERNAL_SERVER_ERROR' },
  } as unknown as GraphQLError;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
