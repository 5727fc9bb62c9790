import { pino, type Logger } from 'pino';

/**
 * JSON logs, with every place a secret could sit redacted by path, so even a
 * careless `log.info({ req })` cannot print a credential.
 */
export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'authorization',
        'password',
        '*.password',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
    ...(pretty && { transport: { target: 'pino-pretty', options: { colorize: true } } }),
  });
}
