/**
 * The hostile requests of the fault mode's L10 (faults.ts): RELIABILITY.md
 * §7.1's Q1, Q4, Q6 and Q8, each of which the gateway must refuse before
 * any upstream call. Q8's 200 fragments of 100 fields would be a body over
 * the default 100 KiB, refused unread; at 100 of 40 it reaches the parser.
 */
import type { Operation } from './shapes.js';

export function hostileOperations(): Operation[] {
  const depth = (n: number): string => (n === 0 ? 'id' : `parent { ${depth(n - 1)} }`);
  const aliases = [...Array(1000)].map((_, i) => `a${i}: account(id: "${1000000101 + i}") { id }`);
  const fields = [...Array(40)].map((_, i) => `f: ${i % 2 ? 'id' : 'number'}`).join(' ');
  return [
    { query: `{ account(id: "1000000104") { ${depth(40)} } }` },
    { query: `{ ${aliases.join(' ')} }` },
    { query: `{ __typename ${'@aa'.repeat(1000)} }` },
    {
      query: `{ account(id: "1000000104") { ${[...Array(100)].map(() => `... on Account { ${fields} }`).join(' ')} } }`,
    },
  ];
}
