/**
 * What one `graphql request` log line costs: `npx tsx bench/micro/logLine.ts`
 * prints microseconds per line for the gateway's logger (src/logger.ts, its
 * secrets redacted by path), for the child the request lines go through
 * (`withoutRedaction`) and for pino with no redaction, all writing
 * synchronously to /dev/null, in interleaved rounds.
 */
import { pino, type Logger } from 'pino';
import { createLogger, withoutRedaction } from '../../src/logger.js';
import { microsEach, printInterleaved } from './interleaved.js';

// The fields src/observability/requestLog.ts writes for every GraphQL request.
const LINE = {
  requestId: '3f2a9c4e-6b1d-4e8a-9c2f-1a7b5d3e9f01',
  operation: 'CustomerPage',
  sub: 'user-42',
  status: 200,
  outcome: 'ok',
  durationMs: 5.3,
  upstreamCalls: 1,
  errorCodes: [],
};

const devNull = () => pino.destination({ dest: '/dev/null', sync: true });
const loggers: [string, Logger][] = [
  ['gateway logger (redacted)', createLogger('info', false, devNull())],
  [
    'gateway request lines (withoutRedaction)',
    withoutRedaction(createLogger('info', false, devNull())),
  ],
  ['pino, no redaction', pino({ level: 'info' }, devNull())],
];

printInterleaved(
  loggers,
  (logger) => microsEach(() => logger.info(LINE, 'graphql request'), 20_000),
  'line',
);
