/** Bodies that faults put in place of the issuer's JSON. */

/** Cut off mid-value, like a proxy that gave up half way. */
export const INVALID_JSON = '[{"id":1234567890,"balance":12';

/** What a load balancer in front of the issuer answers when it cannot reach it. */
export const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>' +
  '<body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>\n';

const PREFIX = Buffer.from('[{"padding":"');
const SUFFIX = Buffer.from('"}]');
const CHUNK = 64 * 1024;

/**
 * Valid JSON of exactly `bytes` bytes, in 64 KiB chunks so a 50 MiB body is
 * never held in memory at once. Bodies too short for the padded array are
 * `[]` followed by spaces.
 */
export function* oversizeJson(bytes: number): Generator<Buffer> {
  if (bytes < PREFIX.length + SUFFIX.length) {
    yield Buffer.from('[]'.padEnd(bytes, ' '));
    return;
  }
  yield PREFIX;
  let left = bytes - PREFIX.length - SUFFIX.length;
  const filler = Buffer.alloc(Math.min(CHUNK, left), 'x');
  while (left > 0) {
    const size = Math.min(left, filler.length);
    yield size === filler.length ? filler : filler.subarray(0, size);
    left -= size;
  }
  yield SUFFIX;
}
