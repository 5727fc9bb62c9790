/**
 * Connection cursors: an offset into one customer's account list, bound to
 * that customer and sealed with an HMAC so a tampered or borrowed cursor is
 * refused instead of silently paging somewhere else. Stateless, so any
 * replica (or cluster worker) sharing the key accepts any other's cursors.
 *
 * One seal covers a whole page: it binds the customer and the first and last
 * offset of the page, and each cursor adds its own offset between them. Moving
 * a cursor to another offset of the same page only yields a cursor the
 * gateway handed out with that page (or would have, had the query selected
 * it), so nothing is lost against one seal per cursor, and a page of 100
 * edges costs one HMAC instead of 101.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../errors.js';
import { canonicalId } from '../upstream/ids.js';

/** The accounts of one page and where the first of them sits. */
export interface CursorPage {
  customerId: string;
  offset: number;
  nodes: readonly unknown[];
}

export interface CursorCodec {
  /** The cursor of the account at `offset`, one of the page's accounts. */
  encode(page: CursorPage, offset: number): string;
  /** The offset the cursor points at; BAD_USER_INPUT unless issued for this customer. */
  decode(cursor: string, customerId: string): number;
}

const MAC_BYTES = 12;

// `customer:first:last:offset` (sealed: `customer:first:last`), or
// `customer:offset` (sealed whole): the legacy format, one seal per cursor,
// which cursors already in clients' hands use and which stays valid.
const PAYLOAD = /^(\d{1,32}):(?:(\d{1,9}):(\d{1,9}):)?(\d{1,9})$/;

export function createCursorCodec(key: string): CursorCodec {
  // Imported once: a string key would be converted again for every cursor.
  const secret = createSecretKey(Buffer.from(key));
  const mac = (sealed: string) =>
    createHmac('sha256', secret).update(sealed).digest().subarray(0, MAC_BYTES);
  const seals = new WeakMap<CursorPage, { sealed: string; mac: Buffer }>();

  const sealOf = (page: CursorPage) => {
    let seal = seals.get(page);
    if (seal === undefined) {
      const sealed = `${page.customerId}:${page.offset}:${page.offset + page.nodes.length - 1}`;
      seal = { sealed, mac: mac(sealed) };
      seals.set(page, seal);
    }
    return seal;
  };

  return {
    encode(page, offset) {
      const seal = sealOf(page);
      const payload = Buffer.from(`${seal.sealed}:${offset}`, 'latin1');
      return Buffer.concat([payload, seal.mac]).toString('base64url');
    },
    decode(cursor, customerId) {
      const bytes = cursor.length <= 128 ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
      const payload = bytes.subarray(0, -MAC_BYTES).toString('latin1');
      const fields = PAYLOAD.exec(payload);
      // Re-encoding catches edits to base64's unused trailing bits.
      // canonicalId: a cursor may hold the customer id as it was asked for,
      // and a customer reached through an account has the issuer's spelling.
      if (
        fields !== null &&
        canonicalId(fields[1]!) === canonicalId(customerId) &&
        bytes.toString('base64url') === cursor
      ) {
        const [, , first, last, offset] = fields;
        const onPage = first === undefined || (+first <= +offset! && +offset! <= +last!);
        const sealed = first === undefined ? payload : payload.slice(0, payload.lastIndexOf(':'));
        if (onPage && timingSafeEqual(bytes.subarray(-MAC_BYTES), mac(sealed))) return +offset!;
      }
      throw new BadUserInputError(
        '`after` must be a cursor this gateway returned for the same customer.',
      );
    },
  };
}
