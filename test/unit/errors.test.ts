import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  BadUserInputError,
  ForbiddenError,
  INTERNAL_MESSAGE,
  UnauthenticatedError,
  createFormatError,
} from '../../src/errors.js';
import {
  UpstreamResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../src/upstream/errors.js';

/** What Apollo Server hands formatError for an error thrown in a resolver. */
function fromResolver(original: Error, path = ['account']): [GraphQLFormattedError, unknown] {
  const wrapped = new GraphQLError(original.message, {
    path,
    originalError: original,
    extensions: (original as { extensions?: Record<string, unknown> }).extensions ?? {},
  });
  const formatted = wrapped.toJSON();
  return [
    {
      ...formatted,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...formatted.extensions },
    },
    wrapped,
  ];
}

function format(original: Error, path?: string[]) {
  const logged: unknown[] = [];
  const formatError = createFormatError((error) => logged.push(error));
  return { result: formatError(...fromResolver(original, path)), logged };
}

describe('createFormatError', () => {
  it('masks an error without a contract code and logs the original', () => {
    const leak = new Error(
      'connect ECONNREFUSED 10.0.0.5:443 https://user:CANARY@issuer.example/account',
    );
    const { result, logged } = format(leak);
    expect(result).toEqual({
      message: INTERNAL_MESSAGE,
      path: ['account'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(result)).not.toContain('CANARY');
    expect(logged).toEqual([leak]);
  });

  it('masks an error that carries an unknown code', () => {
    const odd = Object.assign(new Error('SELECT * FROM secrets'), {
      extensions: { code: 'DB_ERROR' },
    });
    const { result, logged } = format(odd);
    expect(result.message).toBe(INTERNAL_MESSAGE);
    expect(result.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(logged).toHaveLength(1);
  });

  it.each([
    [new BadUserInputError('`id` must be 1 to 32 decimal digits.'), 'BAD_USER_INPUT'],
    [new ForbiddenError(), 'FORBIDDEN'],
    [new UnauthenticatedError(), 'UNAUTHENTICATED'],
    [new UpstreamTimeoutError(), 'UPSTREAM_TIMEOUT'],
    [new UpstreamUnavailableError(), 'UPSTREAM_UNAVAILABLE'],
    [new UpstreamResponseError('an unexpected status 418'), 'UPSTREAM_ERROR'],
  ])('keeps the contract code and message of %s', (error, code) => {
    const { result, logged } = format(error);
    expect(result).toEqual({ message: error.message, path: ['account'], extensions: { code } });
    expect(logged).toEqual([]);
  });

  it("keeps an upstream error's cause out of the response", () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:9 Basic Z2F0ZXdheTpDQU5BUlk=');
    const { result } = format(new UpstreamUnavailableError({ cause, status: 503 }));
    expect(JSON.stringify(result)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|Basic|503/);
  });

  it('lets only listed extensions through, and never `http`', () => {
    const error = new GraphQLError('Refused.', {
      extensions: {
        code: 'BAD_USER_INPUT',
        http: { status: 400 },
        upstreamUrl: 'https://u:p@issuer.example/',
        validationErrorCode: 'MAX_DEPTH',
      },
    });
    const { result } = format(error);
    expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT', validationErrorCode: 'MAX_DEPTH' });
  });

  it('passes errors Apollo Server raises before execution through with their code', () => {
    const formatError = createFormatError(() => {
      throw new Error('nothing should be logged');
    });
    const formatted: GraphQLFormattedError = {
      message: 'Syntax Error: Expected Name, found <EOF>.',
      locations: [{ line: 1, column: 2 }],
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    };
    expect(formatError(formatted, new GraphQLError(formatted.message))).toEqual(formatted);
  });

  it('drops the path and locations only when there were none', () => {
    const { result } = format(new Error('boom'), undefined);
    expect(Object.keys(result).sort()).toEqual(['extensions', 'message', 'path']);
  });
});

describe('error classes', () => {
  it("give every refusal the contract's one FORBIDDEN text", () => {
    const error = new ForbiddenError();
    expect(error.message).toBe('You are not allowed to read this record.');
    expect(error.extensions.code).toBe('FORBIDDEN');
  });

  it('carry HTTP 401 on UNAUTHENTICATED, and 400 on BAD_USER_INPUT only when asked', () => {
    const { code, http } = new UnauthenticatedError().extensions as {
      code: string;
      http: { status: number; headers: Map<string, string> };
    };
    expect(code).toBe('UNAUTHENTICATED');
    expect(http.status).toBe(401);
    expect(http.headers.get('www-authenticate')).toBe('Bearer');
    expect(new BadUserInputError('x').extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(new BadUserInputError('x', { status: 400 }).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      http: { status: 400 },
    });
  });
});
