import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../src/config.js';

const UPSTREAM = {
  ENFUCE_BASE_URL: 'https://issuer.example',
  ENFUCE_USERNAME: 'gateway',
  ENFUCE_PASSWORD: 'CANARY-p4ss',
};
const SECRET = 'a-secret-that-is-at-least-32-characters';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the configuration.');
}

describe("the contract's configuration", () => {
  it('defaults PORT, HOST, ENFUCE_TIMEOUT_MS and AUTH_DISABLED as the contract says', () => {
    const config = loadConfig({});
    expect({
      port: config.port,
      host: config.host,
      timeoutMs: config.upstream.timeoutMs,
      authDisabled: config.auth.disabled,
      baseUrl: config.upstream.baseUrl,
    }).toEqual({
      port: 4000,
      host: '0.0.0.0',
      timeoutMs: 10000,
      authDisabled: false,
      baseUrl: undefined,
    });
  });

  it.each(['ENFUCE_USERNAME', 'ENFUCE_PASSWORD'])(
    'requires %s when ENFUCE_BASE_URL is set',
    (name) => {
      const { [name as keyof typeof UPSTREAM]: _left, ...rest } = UPSTREAM;
      expect(refusal({ ...rest, AUTH_JWT_SECRET: SECRET })).toBe(
        `${name} is required when ENFUCE_BASE_URL is set`,
      );
    },
  );
});

describe('start-up rules for auth', () => {
  it('refuses a real upstream without any auth configuration', () => {
    const message = refusal(UPSTREAM);
    expect(message).toMatch(/^AUTH_JWT_SECRET or AUTH_JWKS_URL must be set/);
    expect(message).not.toContain('CANARY');
  });

  it.each([
    [{ AUTH_JWT_SECRET: SECRET }, false],
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks.json' }, false],
    [{ AUTH_DISABLED: 'true' }, true],
  ])('starts with a real upstream and %o', (auth, disabled) => {
    const config = loadConfig({ ...UPSTREAM, ...auth });
    expect(config.auth.disabled).toBe(disabled);
  });

  it('lets callers in without auth over the simulator', () => {
    expect(loadConfig({}).upstream.baseUrl).toBeUndefined();
  });

  it.each([
    ['left out', {}],
    ['empty, as a deployment template leaves it', { ENFUCE_BASE_URL: '' }],
  ])(
    'starts the simulator for auth keys with ENFUCE_BASE_URL %s, as the contract says, with a warning',
    (_how, base) => {
      const keySets: Record<string, string>[] = [
        { AUTH_JWT_SECRET: SECRET },
        { AUTH_JWKS_URL: 'https://idp.example/jwks' },
      ];
      for (const keys of keySets) {
        const config = loadConfig({ ...base, ...keys });
        expect(config.upstream.baseUrl).toBeUndefined();
        const warnings = configWarnings(config);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^ENFUCE_BASE_URL is unset \(or empty\), so the built-in simulator/,
        );
        expect(warnings[0]).not.toContain(SECRET);
      }
    },
  );

  it('warns when production runs over the simulator, naming the keys it ignores too', () => {
    expect(configWarnings(loadConfig({ NODE_ENV: 'production' }))).toEqual([
      'ENFUCE_BASE_URL is unset, so the built-in simulator answers with made-up data and lets every caller in; NODE_ENV=production does not change that',
    ]);
    expect(configWarnings(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET }))).toEqual(
      [
        'ENFUCE_BASE_URL is unset, so the built-in simulator answers with made-up data and lets every caller in; NODE_ENV=production does not change that; AUTH_JWT_SECRET and AUTH_JWKS_URL apply only to a real upstream',
      ],
    );
  });

  it('refuses an empty ENFUCE_BASE_URL in production, where it is a value gone missing', () => {
    expect(refusal({ NODE_ENV: 'production', ENFUCE_BASE_URL: '' })).toBe(
      "ENFUCE_BASE_URL is set but empty while NODE_ENV=production: set it to the issuer's root, or leave it unset to run over the built-in simulator",
    );
    // Unset, production runs over the simulator (with its warning); empty outside production too.
    expect(loadConfig({ NODE_ENV: 'production' }).upstream.baseUrl).toBeUndefined();
    expect(loadConfig({ ENFUCE_BASE_URL: '' }).upstream.baseUrl).toBeUndefined();
  });

  it('refuses a short HS256 secret without repeating it', () => {
    const message = refusal({ AUTH_JWT_SECRET: 'CANARY-short' });
    expect(message).toBe('AUTH_JWT_SECRET must be at least 32 characters');
  });

  it('refuses AUTH_DISABLED values other than true and false', () => {
    expect(refusal({ AUTH_DISABLED: 'yes' })).toMatch(/^AUTH_DISABLED must be true or false/);
  });
});

describe('ENFUCE_BASE_URL', () => {
  it.each([
    'https://u:CANARY@issuer.example',
    'https://CANARY@issuer.example',
    'ftp://CANARY.example/',
    'not a url CANARY',
    'https://issuer.example/?token=CANARY',
    'https://CANARY.example/?',
    'https://CANARY.example/#',
  ])('refuses %s in one line naming the variable, without the value', (url) => {
    const message = refusal({ ...UPSTREAM, AUTH_JWT_SECRET: SECRET, ENFUCE_BASE_URL: url });
    expect(message).toMatch(/^ENFUCE_BASE_URL must /);
    expect(message).not.toContain('CANARY');
    expect(message).not.toContain('\n');
  });
});

describe('upstream credentials and retries', () => {
  it('refuses a user name with a colon without repeating it: it may hold the password', () => {
    const message = refusal({
      ...UPSTREAM,
      AUTH_JWT_SECRET: SECRET,
      ENFUCE_USERNAME: 'gateway:CANARY-p4ss',
    });
    expect(message).toBe('ENFUCE_USERNAME must not contain ":"');
  });

  it('refuses a first backoff above the longest one', () => {
    const message = refusal({
      ENFUCE_RETRY_BACKOFF_MS: '5000',
      ENFUCE_RETRY_BACKOFF_MAX_MS: '100',
    });
    expect(message).toMatch(/^ENFUCE_RETRY_BACKOFF_MS must not exceed ENFUCE_RETRY_BACKOFF_MAX_MS/);
    expect(
      loadConfig({ ENFUCE_RETRY_BACKOFF_MS: '100', ENFUCE_RETRY_BACKOFF_MAX_MS: '100' }).upstream
        .retryBackoffMs,
    ).toBe(100);
  });

  it.each([
    [{}, 30_000],
    [{ ENFUCE_TIMEOUT_MS: '45000' }, 45_000],
    [{ REQUEST_TIMEOUT_MS: '0' }, 0],
    [{ REQUEST_TIMEOUT_MS: '10000' }, 10_000],
  ])('gives a request %j a deadline of %i ms in all', (env, expected) => {
    expect(loadConfig(env).upstream.requestTimeoutMs).toBe(expected);
  });

  it('refuses a request deadline shorter than one call may take', () => {
    expect(refusal({ REQUEST_TIMEOUT_MS: '9999' })).toBe(
      'REQUEST_TIMEOUT_MS must be 0 (no limit) or at least ENFUCE_TIMEOUT_MS (10000), the time one call may take (got 9999)',
    );
  });
});

describe('AUTH_DISABLED beside a key set', () => {
  it('names what it ignores, and warns of nothing about a key set nobody uses', () => {
    expect(
      configWarnings(
        loadConfig({
          ...UPSTREAM,
          CURSOR_SECRET: 'a-cursor-secret-0123456789',
          AUTH_DISABLED: 'true',
          AUTH_JWT_SECRET: SECRET,
          AUTH_JWKS_URL: 'http://idp.internal/jwks',
          ALLOWED_HOSTS: 'gateway.example.com',
        }),
      ),
    ).toEqual([
      'AUTH_DISABLED=true: every caller reaches the issuer without a token; AUTH_JWT_SECRET and AUTH_JWKS_URL are ignored',
    ]);
  });
});

describe('warnings under another cluster primary', () => {
  it('say once that WEB_CONCURRENCY is ignored and that each process seals cursors with its own key', () => {
    const config = loadConfig({
      ENFUCE_BASE_URL: 'https://issuer.example',
      ENFUCE_USERNAME: 'gateway',
      ENFUCE_PASSWORD: 'CANARY-p4ss',
      AUTH_JWT_SECRET: SECRET,
      WEB_CONCURRENCY: '2',
    });
    const warnings = configWarnings(config, { underAnotherPrimary: true });
    expect(warnings.filter((w) => w.startsWith('CURSOR_SECRET'))).toEqual([
      "CURSOR_SECRET is unset under another cluster primary: each of its processes seals cursors with its own key, so a client's next page fails on the others",
    ]);
    expect(warnings).toContain(
      'WEB_CONCURRENCY is ignored: this process is a worker of another cluster primary',
    );
    expect(configWarnings(config).filter((w) => w.startsWith('CURSOR_SECRET'))).toEqual([
      expect.stringMatching(/^CURSOR_SECRET is unset: cursors are sealed with a key made at start/),
    ]);
  });
});

describe('CURSOR_SECRET', () => {
  it('takes the key given, or makes a random one at start: no key anyone could read', () => {
    const given = 'a-cursor-secret-0123456789';
    expect(loadConfig({ CURSOR_SECRET: given })).toMatchObject({
      cursorSecret: given,
      cursorSecretSet: true,
    });
    const [one, two] = [loadConfig({}), loadConfig({})];
    expect(one.cursorSecretSet).toBe(false);
    expect(one.cursorSecret).toMatch(/^[\w-]{43}$/);
    expect(two.cursorSecret).not.toBe(one.cursorSecret);
  });
});

describe('SHUTDOWN_DELAY_MS', () => {
  it('must end before the cut-off, a quarter of the grace period (at most 500 ms) before its end', () => {
    expect(refusal({ SHUTDOWN_GRACE_MS: '10000', SHUTDOWN_DELAY_MS: '9500' })).toBe(
      'SHUTDOWN_DELAY_MS must be shorter than 9500 ms, when SHUTDOWN_GRACE_MS (10000) cuts off what is still open, or requests could not drain (got 9500)',
    );
    expect(refusal({ SHUTDOWN_GRACE_MS: '1000', SHUTDOWN_DELAY_MS: '750' })).toMatch(
      /^SHUTDOWN_DELAY_MS must be shorter than 750 ms/,
    );
    expect(
      loadConfig({ SHUTDOWN_GRACE_MS: '1000', SHUTDOWN_DELAY_MS: '749' }).operations
        .shutdownDelayMs,
    ).toBe(749);
  });
});

describe('other URL variables', () => {
  it('takes a key set named by a query, as some identity providers publish it, and keeps the query', () => {
    const url = 'https://login.example/tenant/discovery/v2.0/keys?appid=6731de76';
    expect(loadConfig({ AUTH_JWKS_URL: url }).auth.jwksUrl).toBe(url);
    expect(refusal({ AUTH_JWKS_URL: `${url}#keys` })).toBe(
      'AUTH_JWKS_URL must not contain a fragment',
    );
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/?tenant=a' })).toBe(
      'OTEL_EXPORTER_OTLP_ENDPOINT must not contain a query or fragment',
    );
  });

  it.each(['AUTH_JWKS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'])(
    'refuses credentials in %s without repeating them',
    (name) => {
      const message = refusal({ [name]: 'https://user:CANARY@keys.example/' });
      expect(message).toBe(`${name} must not contain credentials`);
    },
  );
});

describe('NODE_ENV', () => {
  it.each(['Production', 'prod', 'PRODUCTION'])(
    'refuses %s, which looks like production but is not',
    (value) => {
      expect(refusal({ NODE_ENV: value })).toBe(
        `NODE_ENV must be exactly "production" to turn production behaviour on (got "${value}")`,
      );
    },
  );

  it.each([
    ['production', true],
    ['development', false],
    ['staging', false],
  ])('takes %s (production: %s)', (value, production) => {
    expect(loadConfig({ NODE_ENV: value }).production).toBe(production);
  });
});

describe('introspection', () => {
  it('is on outside production and off in production', () => {
    expect(loadConfig({}).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
  });

  it('is turned on in production by INTROSPECTION=true', () => {
    const config = loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' });
    expect(config.production).toBe(true);
    expect(config.introspection).toBe(true);
  });
});

describe('operation limits', () => {
  it('default to the documented values', () => {
    expect(loadConfig({}).limits).toEqual({
      maxDepth: 10,
      maxAliases: 15,
      maxTokens: 1000,
      maxRootFields: 10,
      maxDirectives: 50,
      maxResultFields: 20000,
      maxBodyBytes: 102400,
    });
  });

  it('take values from the environment', () => {
    const config = loadConfig({
      MAX_DEPTH: '12',
      MAX_ALIASES: '30',
      MAX_TOKENS: '2000',
      MAX_ROOT_FIELDS: '20',
      MAX_DIRECTIVES: '5',
      MAX_RESULT_FIELDS: '100000',
      MAX_BODY_BYTES: '65536',
    });
    expect(config.limits).toEqual({
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 2000,
      maxRootFields: 20,
      maxDirectives: 5,
      maxResultFields: 100000,
      maxBodyBytes: 65536,
    });
  });

  // The contract promises that a 40-level parent chain, 2000 aliases and a
  // 10 MB body are always refused, so no setting may allow them.
  it.each([
    ['MAX_DEPTH', '40', 'MAX_DEPTH must be between 2 and 32 (got "40")'],
    ['MAX_ALIASES', '2000', 'MAX_ALIASES must be between 0 and 1000 (got "2000")'],
    [
      'MAX_BODY_BYTES',
      '10485760',
      'MAX_BODY_BYTES must be between 1024 and 8388608 (got "10485760")',
    ],
    ['MAX_TOKENS', '50', 'MAX_TOKENS must be between 100 and 20000 (got "50")'],
    ['MAX_ROOT_FIELDS', '0', 'MAX_ROOT_FIELDS must be between 1 and 100 (got "0")'],
    ['MAX_DIRECTIVES', '-1', 'MAX_DIRECTIVES must be a whole number (got "-1")'],
    ['MAX_RESULT_FIELDS', '99', 'MAX_RESULT_FIELDS must be between 100 and 10000000 (got "99")'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(refusal({ [name]: value })).toBe(message);
  });

  it('freezes the limits', () => {
    expect(Object.isFrozen(loadConfig({}).limits)).toBe(true);
  });
});

describe('load shedding', () => {
  it('sheds past 512 GraphQL requests in flight unless told otherwise', () => {
    expect(loadConfig({}).operations.maxInFlight).toBe(512);
    expect(loadConfig({ MAX_IN_FLIGHT_REQUESTS: '64' }).operations.maxInFlight).toBe(64);
    expect(loadConfig({ MAX_IN_FLIGHT_REQUESTS: '0' }).operations.maxInFlight).toBe(0);
  });

  it('lets a request wait 500 ms for the upstream queue to drain unless told otherwise', () => {
    expect(loadConfig({}).operations.admissionWaitMs).toBe(500);
    expect(loadConfig({ ADMISSION_WAIT_MS: '0' }).operations.admissionWaitMs).toBe(0);
    expect(refusal({ ADMISSION_WAIT_MS: '-1' })).toMatch(/^ADMISSION_WAIT_MS /);
    expect(refusal({ ADMISSION_WAIT_MS: '60001' })).toMatch(/^ADMISSION_WAIT_MS /);
  });

  it('bounds no token age unless told, and at most a year', () => {
    expect(loadConfig({}).auth.maxTokenAgeSeconds).toBe(0);
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE_SECONDS: '3600' }).auth.maxTokenAgeSeconds).toBe(3600);
    expect(refusal({ AUTH_MAX_TOKEN_AGE_SECONDS: '31536001' })).toMatch(
      /^AUTH_MAX_TOKEN_AGE_SECONDS /,
    );
    expect(refusal({ AUTH_MAX_TOKEN_AGE_SECONDS: '-1' })).toMatch(/^AUTH_MAX_TOKEN_AGE_SECONDS /);
  });

  it('refuses a limit that is not a whole number', () => {
    expect(refusal({ MAX_IN_FLIGHT_REQUESTS: 'many' })).toBe(
      'MAX_IN_FLIGHT_REQUESTS must be a whole number (got "many")',
    );
  });
});

describe('start-up warnings', () => {
  const warnings = (env: Record<string, string>) =>
    configWarnings(loadConfig({ ...UPSTREAM, ...env }));
  const SEALED = { CURSOR_SECRET: 'a-cursor-secret-0123456789' };
  // Asked for with AUTH_DISABLED=true; its own warning is tested under ALLOWED_HOSTS.
  const HOSTS = { ALLOWED_HOSTS: 'gateway.example.com' };

  it('has none over the simulator without auth keys', () => {
    expect(configWarnings(loadConfig({ AUTH_DISABLED: 'true' }))).toEqual([]);
  });

  it('has none for a real upstream with a cursor key, an https key set, an issuer and an audience', () => {
    expect(
      warnings({
        ...SEALED,
        AUTH_JWKS_URL: 'https://idp.example/jwks',
        AUTH_ISSUER: 'https://idp.example/',
        AUTH_AUDIENCE: 'gateway',
      }),
    ).toEqual([]);
    // Plain http to the issuer on this machine is a sidecar or a test double.
    expect(
      warnings({ ...SEALED, AUTH_JWT_SECRET: SECRET, ENFUCE_BASE_URL: 'http://127.0.0.1:8080' }),
    ).toEqual([]);
  });

  it.each([
    [{ AUTH_JWT_SECRET: SECRET }, /^CURSOR_SECRET is unset/],
    [{ ...SEALED, ...HOSTS, AUTH_DISABLED: 'true' }, /^AUTH_DISABLED=true: [^;]*$/],
    [
      { ...SEALED, ...HOSTS, AUTH_DISABLED: 'true', AUTH_JWT_SECRET: SECRET },
      /^AUTH_DISABLED=true: every caller reaches the issuer without a token; AUTH_JWT_SECRET is ignored$/,
    ],
    [
      {
        ...SEALED,
        AUTH_JWKS_URL: 'http://idp.internal/jwks',
        AUTH_ISSUER: 'https://idp.example/',
        AUTH_AUDIENCE: 'gateway',
      },
      /^AUTH_JWKS_URL is plain http/,
    ],
    [
      { ...SEALED, AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'https://idp.example/' },
      /^AUTH_AUDIENCE is unset/,
    ],
    [
      { ...SEALED, AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_AUDIENCE: 'gateway' },
      /^AUTH_ISSUER is unset/,
    ],
    [
      { ...SEALED, AUTH_JWT_SECRET: SECRET, ENFUCE_BASE_URL: 'http://issuer.internal/api' },
      /^ENFUCE_BASE_URL is plain http/,
    ],
    [
      {
        ...SEALED,
        AUTH_JWT_SECRET: SECRET,
        ENFUCE_BASE_URL: 'https://issuer.example/api/account/',
      },
      /^ENFUCE_BASE_URL ends in \/account:/,
    ],
    [
      { ...SEALED, AUTH_JWT_SECRET: SECRET, ENFUCE_BASE_URL: 'https://issuer.example/customer' },
      /^ENFUCE_BASE_URL ends in \/customer:/,
    ],
    [
      { ...SEALED, AUTH_JWT_SECRET: SECRET, SHUTDOWN_DELAY_MS: '5000' },
      /^SHUTDOWN_GRACE_MS leaves 5000 ms after SHUTDOWN_DELAY_MS to drain, less than ENFUCE_TIMEOUT_MS \(10000\)/,
    ],
  ])('warns once for %o', (env, warning) => {
    const lines = warnings(env);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(warning);
  });

  it('warns that caller limits limit nobody when callers need no token', () => {
    expect(configWarnings(loadConfig({ CALLER_MAX_IN_FLIGHT: '4' }))).toEqual([
      'caller limits (CALLER_MAX_IN_FLIGHT) apply only to callers with a verified token, and here callers need none (the built-in simulator): no caller is limited',
    ]);
    const disabled = warnings({ ...SEALED, AUTH_DISABLED: 'true', CALLER_CALLS_PER_MINUTE: '600' });
    expect(disabled).toContain(
      'caller limits (CALLER_CALLS_PER_MINUTE) apply only to callers with a verified token, and here callers need none (AUTH_DISABLED=true): no caller is limited',
    );
    expect(
      warnings({
        ...SEALED,
        AUTH_JWT_SECRET: SECRET,
        CALLER_MAX_IN_FLIGHT: '4',
        CALLER_CALLS_PER_MINUTE: '600',
      }),
    ).toEqual([]);
    expect(
      warnings({ ...SEALED, AUTH_JWT_SECRET: SECRET, CALLER_CALLS_PER_MINUTE: '600' }),
    ).toEqual([
      'CALLER_CALLS_PER_MINUTE is set without CALLER_MAX_IN_FLIGHT: a request is charged its first call as it is let in and the rest as it ends, so a caller with n calls left can start n requests at once and make up to n × MAX_UPSTREAM_CALLS_PER_OPERATION (200) calls',
    ]);
  });

  it.each(['http://localhost:8080/jwks', 'http://127.0.0.1/jwks', 'http://[::1]/jwks'])(
    'takes a plain-http key set on loopback (%s) without a warning',
    (url) => {
      expect(
        warnings({
          ...SEALED,
          AUTH_JWKS_URL: url,
          AUTH_ISSUER: 'https://idp.example/',
          AUTH_AUDIENCE: 'gateway',
        }),
      ).toEqual([]);
    },
  );
});

describe('METRICS_OPERATION_NAMES', () => {
  it('reads comma-separated names and leaves the first-seen rule without it', () => {
    expect(
      loadConfig({ METRICS_OPERATION_NAMES: 'CustomerAccounts, Account' }).operations
        .metricsOperationNames,
    ).toEqual(['CustomerAccounts', 'Account']);
    expect(loadConfig({}).operations.metricsOperationNames).toBeUndefined();
  });

  it('refuses a value that is not a GraphQL name', () => {
    expect(refusal({ METRICS_OPERATION_NAMES: 'Account,my-query' })).toMatch(
      /^METRICS_OPERATION_NAMES must be comma-separated GraphQL operation names/,
    );
  });
});

describe('ALLOWED_HOSTS', () => {
  it('takes names and dotted domains, trimmed, and is unset by default', () => {
    expect(loadConfig({}).allowedHosts).toBeUndefined();
    expect(
      loadConfig({ ALLOWED_HOSTS: 'gateway.example.com, .corp.example' }).allowedHosts,
    ).toEqual(['gateway.example.com', '.corp.example']);
  });

  it.each(['https://gateway.example.com', 'gateway.example.com:4000', 'a..b', 'a,', '*', '-a'])(
    'refuses %j, naming the variable',
    (value) => {
      expect(refusal({ ALLOWED_HOSTS: value })).toMatch(
        /^ALLOWED_HOSTS must be comma-separated host names such as gateway\.example\.com/,
      );
    },
  );

  it('is asked for when AUTH_DISABLED=true lets every caller in, and not once it is set', () => {
    const env = { ...UPSTREAM, CURSOR_SECRET: 'a-cursor-secret-0123456789', AUTH_DISABLED: 'true' };
    expect(configWarnings(loadConfig(env))).toContainEqual(
      expect.stringMatching(/^AUTH_DISABLED=true without ALLOWED_HOSTS: /),
    );
    expect(configWarnings(loadConfig({ ...env, ALLOWED_HOSTS: 'gateway.example.com' }))).toEqual([
      'AUTH_DISABLED=true: every caller reaches the issuer without a token',
    ]);
  });
});
