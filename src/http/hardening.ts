/**
 * What fastify answers before Apollo Server sees a request: bodies over the
 * limit, broken JSON, unknown media types, wrong methods, and requests shed
 * under overload (overload.ts). Each answer is a GraphQL-shaped JSON error
 * with the status of the contract, and never the text of an internal error.
 */
import type { IncomingMessage } from 'node:http';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
} from 'fastify';
import Negotiator from 'negotiator';
import { INTERNAL_MESSAGE } from '../errors.js';
import { GatewayOverloadedError } from './overload.js';

/** Methods GraphQL over HTTP serves (Apollo's route); every other one but OPTIONS gets 405 naming these. */
export const GRAPHQL_METHODS = ['GET', 'POST'] as const;
const ALLOWED = GRAPHQL_METHODS.join(', ');
const ANSWERED_HERE_OR_BY_APOLLO: ReadonlySet<string> = new Set([...GRAPHQL_METHODS, 'OPTIONS']);

// Apollo Server's CSRF prevention must see these "simple request" types to
// refuse them with 400 BAD_REQUEST; left to fastify they would be 415.
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** @param maxBodyBytes the body limit fastify enforces, named in the 413 message */
export function hardenGraphQL(app: FastifyInstance, maxBodyBytes: number): void {
  app.addContentTypeParser(SIMPLE_TYPES, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  app.route({
    // Every method fastify knows (TRACE and QUERY too) that /graphql does not serve.
    method: app.supportedMethods.filter((method) => !ANSWERED_HERE_OR_BY_APOLLO.has(method)),
    url: '/graphql',
    exposeHeadRoute: false,
    // Answered before fastify reads a body (PUT, PATCH and DELETE may carry
    // one), which would otherwise be parsed, or refused as 415 or 400,
    // before the method is; the connection closes rather than read it.
    onRequest: (request, reply) => {
      if (hasBody(request)) void reply.header('connection', 'close');
      void reply
        .code(405)
        .header('allow', ALLOWED)
        .send(errorBody(`Only ${ALLOWED} are allowed on /graphql.`, 'BAD_REQUEST'));
    },
    handler: () => undefined,
  });
  // Once any origin is allowed, the CORS hook answers every OPTIONS before
  // this (a preflight, or 400 for anything else); with none, OPTIONS learns
  // the methods here, and never reaches the token check or Apollo Server.
  app.route({
    method: 'OPTIONS',
    url: '/graphql',
    onRequest: refuseLargeBodies(maxBodyBytes),
    handler: async (_request, reply) =>
      reply.code(204).header('allow', `${ALLOWED}, OPTIONS`).send(),
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof GatewayOverloadedError) {
      return reply.code(error.statusCode).send(errorBody(error.message, error.code));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: withoutProperties(error) }, 'unexpected HTTP error');
      return reply.code(500).send(errorBody(INTERNAL_MESSAGE, 'INTERNAL_SERVER_ERROR'));
    }
    return reply.code(status).send(errorBody(clientMessage(error, maxBodyBytes), 'BAD_REQUEST'));
  });
}

/**
 * An `onRequest` hook for /graphql: a body announced beyond the limit is
 * refused unread with 413, whatever its method and type, and the connection
 * closes rather than take in what is still coming. fastify reads no body on
 * GET, so its own limit never applied there and the query ran; and on POST
 * it checks the type first, so a large body of a type it does not parse
 * would be 415, where the contract names 413. A route hook, so that it
 * runs after the request log and metrics have started following the request.
 */
export function refuseLargeBodies(maxBodyBytes: number): onRequestHookHandler {
  return (request, reply, done) => {
    const length = Number(request.headers['content-length']);
    if (length > maxBodyBytes) {
      refuseBody(reply, tooLarge(maxBodyBytes));
    } else if (request.method === 'GET' && length > 0) {
      // Never read either: its query would run while the body was still
      // coming, and the drain would take it for a request not yet whole.
      refuseBody(reply, GET_WITH_BODY);
    } else if (request.method === 'GET' && request.headers['transfer-encoding'] !== undefined) {
      // A GET's body of unknown length (chunked) would never be read: its
      // query would run while Node drained a body of any size. Read here,
      // any byte of it is refused; an empty one (some proxies mark every
      // GET so) lets the request on.
      awaitEmptyBody(request.raw, () => refuseBody(reply, GET_WITH_BODY), done);
    } else {
      done();
    }
  };
}

/**
 * The error as its class, message, stack and code only: its other
 * properties may hold what the caller sent (Node's URL errors carry the URL
 * as `input`). Of its own class, so the log line names it as before.
 */
function withoutProperties(error: FastifyError): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as FastifyError;
  copy.message = error.message;
  copy.stack = error.stack;
  if (error.code !== undefined) copy.code = error.code;
  return copy;
}

function hasBody(request: FastifyRequest): boolean {
  const { headers } = request;
  return Number(headers['content-length']) > 0 || headers['transfer-encoding'] !== undefined;
}

/**
 * An `onRequest` hook for /graphql: a Host header no URL can be built on
 * (`[`, a space, or none at all, which HTTP/1.0 allows) gets 400. Apollo
 * Server's fastify integration builds the request's URL on it to read the
 * query string, and would fail with a 500 instead.
 */
export const refuseUnreadableHost: onRequestHookHandler = (request, reply, done) => {
  // What the integration builds its URL on (its protocol is http or https).
  if (request.headers.host !== undefined && URL.canParse(`http://${request.hostname}/`)) {
    return done();
  }
  void reply
    .code(400)
    .send(errorBody('The Host header must name the host the request is for.', 'BAD_REQUEST'));
};

/**
 * 413, and the connection closed rather than read on. Answered from the
 * hook: the later onRequest hooks and the handler do not run (onSend and
 * onResponse do: the request is still logged and counted).
 */
function refuseBody(reply: FastifyReply, message: string): void {
  void reply.code(413).header('connection', 'close').send(errorBody(message, 'BAD_REQUEST'));
}

const GET_WITH_BODY =
  'A GET request carries its query in the URL and no body; this one sent a body.';

/**
 * `empty` once the body has ended without a byte; otherwise `sent`, at its
 * first byte or when the caller leaves first (the refusal then goes to no
 * one, so that the request is still logged and counted, not left in flight).
 */
function awaitEmptyBody(body: IncomingMessage, sent: () => void, empty: () => void): void {
  let settled = false;
  const settle = (then: () => void) => () => {
    if (settled) return;
    settled = true;
    body.pause();
    then();
  };
  body.once('data', settle(sent));
  body.once('error', settle(sent));
  body.once('close', settle(sent));
  body.once('end', settle(empty));
}

// The types a GraphQL answer goes out as (Apollo Server's own; its
// subscription-callback type has no use here, the schema has no subscriptions).
const ANSWER_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
];
// What Apollo Server weighs `text/html` against on a GET: it serves the
// landing page only when that is the type the caller prefers.
const PAGE_CHOICES = [
  ...ANSWER_TYPES,
  'multipart/mixed; deferSpec=20220824',
  'multipart/mixed; incrementalSpec=v0.2',
  'multipart/mixed',
  'text/html',
];

/**
 * The longest `Accept` negotiated (browsers send about 150 characters).
 * Negotiating parses the header once per type offered, and Apollo Server
 * negotiates again: a header as large as the header limit allows (about
 * 116 KB, 29 000 entries) would cost tens of milliseconds of CPU before the
 * caller's token is even read.
 */
const MAX_ACCEPT_CHARS = 1024;

/** Whether Apollo Server would answer this GET with its landing page, HTML being preferred. */
export function prefersLandingPage(request: FastifyRequest): boolean {
  const { accept } = request.headers;
  if (request.method !== 'GET' || !accept || accept.length > MAX_ACCEPT_CHARS) return false;
  return new Negotiator({ headers: { accept } }).mediaType(PAGE_CHOICES) === 'text/html';
}

/**
 * An `onRequest` hook for /graphql: a request whose `Accept` allows no type
 * an answer can have gets 406 before it runs. Apollo Server picks the type
 * only once the operation has run, upstream calls and all, and then refuses
 * it; GraphQL over HTTP asks to refuse "and stop processing the request".
 * A request for the landing page is left to it. An `Accept` past
 * MAX_ACCEPT_CHARS is refused with 431 unread.
 */
export const refuseUnacceptable: onRequestHookHandler = (request, reply, done) => {
  const { accept } = request.headers;
  if (!accept || request.method === 'OPTIONS' || request.landingPage) return done();
  if (accept.length > MAX_ACCEPT_CHARS) {
    void reply
      .code(431)
      .send(
        errorBody(
          `The Accept header is longer than ${MAX_ACCEPT_CHARS} characters.`,
          'BAD_REQUEST',
        ),
      );
    return;
  }
  const negotiator = new Negotiator({ headers: { accept } });
  if (negotiator.mediaType(ANSWER_TYPES) !== undefined) return done();
  void reply
    .code(406)
    .send(
      errorBody(
        'The Accept header must allow application/graphql-response+json or application/json.',
        'BAD_REQUEST',
      ),
    );
};

/** Fixed texts: fastify's own messages may quote parts of the body. */
function clientMessage(error: FastifyError, maxBodyBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge(maxBodyBytes);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body must be a JSON object with a `query`.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The Content-Type must be application/json.';
    default:
      return 'The HTTP request is malformed.';
  }
}

function tooLarge(maxBodyBytes: number): string {
  return `The request body is larger than the limit of ${maxBodyBytes} bytes.`;
}

export function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}
