/**
 * Connection cursors: an offset into one customer's account list, bound to
 * that customer and sealed with an HMAC so a tampered or borrowed cursor is
 * refused instead of silently paging somewhere else. Stateless, so any
 * replica (or cluster worker) sharing the key accepts any other's cursors.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../errors.js';

export interface CursorCodec {
  encode(customerId: string, offset: number): string;
  /** The offset the cursor points at; BAD_USER_INPUT unless issued for this customer. */
  decode(cursor: string, customerId: string): number;
}

const MAC_BYTES = 12;

export function createCursorCodec(key: string): CursorCodec {
  // Imported once: a string key would be converted again for every cursor.
  const secret = createSecretKey(Buffer.from(key));
  const mac = (payload: string) =>
    createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);

  return {
    encode(customerId, offset) {
      const payload = `${customerId}:${offset}`;
      return Buffer.concat([Buffer.from(payload), mac(payload)]).toString('base64url');
    },
    decode(cursor, customerId) {
      const bytes = cursor.length <= 128 ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
      const payload = bytes.subarray(0, -MAC_BYTES).toString('latin1');
      const seal = bytes.subarray(-MAC_BYTES);
      const match = /^(\d{1,32}):(\d{1,9})$/.exec(payload);
      // Re-encoding catches edits to base64's unused trailing bits.
      const valid =
        bytes.length > MAC_BYTES &&
        bytes.toString('base64url') === cursor &&
        match !== null &&
        timingSafeEqual(seal, mac(payload)) &&
        match[1] === customerId;
      if (!valid) {
        throw new BadUserInputError(
          '`after` must be a cursor this gateway returned for the same customer.',
        );
      }
      return Number(match[2]);
    },
  };
}
