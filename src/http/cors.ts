/**
 * Which browser origins may call /graphql, and with what.
 *
 * Callers prove who they are with a bearer token they attach themselves,
 * never with cookies, so no origin is sent credentials (no
 * `Access-Control-Allow-Credentials`): a page can use a token it holds, but
 * can never ride on something the browser adds on its own. Origins are an
 * exact allow-list: the configured ones, plus Apollo Studio's while
 * introspection is on, so people can explore the gateway from Studio's
 * Sandbox. The gateway's own Sandbox page is same-origin and needs none.
 */
import type { FastifyCorsOptions } from '@fastify/cors';

/** Where Apollo Studio and its hosted Sandbox run. */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

/**
 * Request headers a cross-origin caller may send: the token, JSON, Apollo's
 * CSRF-prevention headers (which Studio and Apollo Client send), Apollo
 * client awareness, the gateway's own request and audit headers, and W3C
 * trace context, which a browser app traced with OpenTelemetry adds.
 */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-audit-user',
  'traceparent',
  'tracestate',
];

export interface CorsPolicyOptions {
  /** Origins always allowed, exactly as browsers send them (`https://app.example.com`). @default [] */
  origins?: readonly string[];
  /** Whether introspection is on; Apollo Studio is allowed only then. @default false */
  introspection?: boolean;
}

export function corsPolicy(options: CorsPolicyOptions = {}): FastifyCorsOptions {
  const origins = [
    ...(options.origins ?? []),
    ...(options.introspection ? [APOLLO_STUDIO_ORIGIN] : []),
  ];
  return {
    origin: origins.length === 0 ? false : origins,
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    // Retry-After, so a browser app can back off as a 429 or 503 asks.
    exposedHeaders: ['x-request-id', 'retry-after'],
    // Browsers cap this (Chrome at 2 hours); 10 minutes keeps policy changes prompt.
    maxAge: 600,
  };
}
