/**
 * The README's first query, run as its `curl` line sends it, answers exactly
 * the JSON the README shows.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The body of the first `curl … -d '…'` in a sh block, and the json block after it. */
function firstExample(): { body: string; answer: unknown } {
  const match =
    /```sh\ncurl [^\n]*\n\s*-d '([^']+)'\n```\s*\n\s*answers\s*\n\s*```json\n([\s\S]*?)\n```/.exec(
      README,
    );
  if (!match) throw new Error('README: no curl example followed by its answer');
  return { body: match[1]!, answer: JSON.parse(match[2]!) };
}

/** `value` with every cursor in it matched by shape only. */
function withAnyCursor(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withAnyCursor);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      /^(cursor|startCursor|endCursor)$/.test(key) && typeof item === 'string'
        ? expect.stringMatching(/^[\w-]{20,}$/)
        : withAnyCursor(item),
    ]),
  );
}

describe('the README example', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('answers what the README shows', async () => {
    const { body, answer } = firstExample();
    const response = await request(`${harness.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.statusCode).toBe(200);
    // The cursor is sealed with this gateway's key: the same shape, other bytes.
    expect(await response.body.json()).toEqual(withAnyCursor(answer));
  });
});
