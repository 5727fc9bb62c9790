import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import { assertMayReadCustomer } from '../../src/auth/policy.js';

const scoped: Caller = { sub: 'alice', customerId: '7', anyCustomer: false };

describe('assertMayReadCustomer', () => {
  it('reads a customer id the issuer writes with leading zeros as the same customer', () => {
    expect(() => assertMayReadCustomer(scoped, '007')).not.toThrow();
    expect(() => assertMayReadCustomer(scoped, '7')).not.toThrow();
  });

  it('refuses any other customer', () => {
    for (const id of ['70', '17', '8', '0']) {
      expect(() => assertMayReadCustomer(scoped, id)).toThrow(
        expect.objectContaining({ extensions: { code: 'FORBIDDEN' } }),
      );
    }
  });
});
