/**
 * The ISO 11649 `RF` creditor reference, which the issuer does not document:
 * the simulator uses it for the one account whose reference type the gateway
 * must treat as unknown. The documented types live in src/domain/checkDigits.ts.
 */

/** ISO 11649 creditor reference (`RF` + two check digits + body), for the undocumented `RF` type. */
export function rfReference(body: string): string {
  const remainder = mod97(`${body}RF00`);
  return `RF${String(98 - remainder).padStart(2, '0')}${body}`;
}

/** Whether `reference` is a valid ISO 11649 `RF` reference. */
export function isValidRf(reference: string): boolean {
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(reference)) return false;
  return mod97(reference.slice(4) + reference.slice(0, 4)) === 1;
}

// Letters count as 10..35; the remainder is folded in as we go so no big integers are needed.
function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const value = Number.parseInt(char, 36);
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}
