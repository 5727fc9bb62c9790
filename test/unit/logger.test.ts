import { describe, expect, it } from 'vitest';
import { createLogger, withoutRedaction } from '../../src/logger.js';

function capture() {
  const written: Record<string, unknown>[] = [];
  const logger = createLogger('info', false, {
    write: (line: string) => void written.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, last: () => written.at(-1)! };
}

describe('the logger', () => {
  it('redacts secrets at the top level, one and two levels down, and in error causes', () => {
    const { logger, last } = capture();
    logger.info(
      {
        token: 'top-secret',
        config: { password: 'nested-secret', keep: 'visible' },
        req: { headers: { authorization: 'Bearer header-secret', accept: 'application/json' } },
        upstream: { request: { authorization: 'Basic deep-secret' } },
        err: { message: 'failed', cause: { headers: { authorization: 'Basic cause-secret' } } },
      },
      'careless line',
    );

    expect(last()).toMatchObject({
      token: '[redacted]',
      config: { password: '[redacted]', keep: 'visible' },
      req: { headers: { authorization: '[redacted]', accept: 'application/json' } },
      upstream: { request: { authorization: '[redacted]' } },
      err: { message: 'failed', cause: { headers: '[redacted]' } },
    });
    expect(JSON.stringify(last())).not.toMatch(/secret/);
  });

  it.each(['authorization', 'cookie', 'password', 'token', 'secret', 'jwtSecret', 'cursorSecret'])(
    'redacts %s at the top level and one level down',
    (name) => {
      const { logger, last } = capture();
      logger.info({ [name]: 'canary-top', config: { [name]: 'canary-nested' } }, 'line');
      expect(last()).toMatchObject({ [name]: '[redacted]', config: { [name]: '[redacted]' } });
      expect(JSON.stringify(last())).not.toContain('canary');
    },
  );

  it('redacts headers in either casing, API keys, and the request details kept on errors', () => {
    const { logger, last } = capture();
    logger.info(
      {
        req: {
          headers: { Authorization: 'Bearer canary', 'x-api-key': 'canary', Cookie: 'canary' },
        },
        upstream: { request: { headers: { Authorization: 'Basic canary' } } },
        err: {
          message: 'failed',
          options: { headers: { authorization: 'Basic canary' } },
          headers: { authorization: 'Basic canary' },
          cause: { options: { path: '/account/canary' } },
        },
      },
      'line',
    );
    expect(last()).toMatchObject({
      req: { headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' } },
      err: { message: 'failed', options: '[redacted]', headers: '[redacted]' },
    });
    expect(JSON.stringify(last())).not.toContain('canary');
  });

  it('redacts the request details on a real Error and its cause, through the error serializer', () => {
    const { logger, last } = capture();
    const cause = Object.assign(new Error('socket hang up'), {
      options: { headers: { authorization: 'Basic canary' } },
      headers: { authorization: 'Basic canary' },
    });
    const err = Object.assign(new Error('request failed', { cause }), {
      options: { path: '/account/canary' },
      headers: { Authorization: 'Basic canary' },
    });
    logger.error({ err }, 'line');
    expect(last()).toMatchObject({
      err: {
        message: 'request failed: socket hang up',
        options: '[redacted]',
        headers: '[redacted]',
      },
    });
    expect(JSON.stringify(last())).not.toContain('canary');
  });

  it('redacts cookies in a request or response', () => {
    const { logger, last } = capture();
    logger.info(
      {
        req: { headers: { cookie: 'sid=canary' } },
        res: { headers: { 'set-cookie': 'sid=canary' } },
      },
      'line',
    );
    expect(JSON.stringify(last())).not.toContain('canary');
  });

  it('writes picked fields unredacted through withoutRedaction, keeping the bindings', () => {
    const { logger, last } = capture();
    const lines = withoutRedaction(logger.child({ worker: 2 }));

    lines.info(
      { requestId: 'r-1', status: 200, errorCodes: ['BAD_USER_INPUT'] },
      'graphql request',
    );
    expect(last()).toMatchObject({
      worker: 2,
      requestId: 'r-1',
      status: 200,
      errorCodes: ['BAD_USER_INPUT'],
      msg: 'graphql request',
    });

    // No redaction at all: only picked plain fields may go through it.
    lines.info({ token: 'written as is' }, 'plain');
    expect(last()).toMatchObject({ token: 'written as is' });

    // The parent keeps its redaction.
    logger.info({ config: { secret: 'still-hidden' } }, 'after');
    expect(last()).toMatchObject({ config: { secret: '[redacted]' } });
  });
});
