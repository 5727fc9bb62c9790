/**
 * Check digits of payment references: the two types the issuer documents
 * (ENFUCE_API.md §7), which work right to left on the digits of the base
 * number and append one digit, and the ISO 11649 creditor reference (`RF`),
 * which a type the issuer adds later may well carry.
 */

/** Luhn (mod 10): double every second digit from the right, starting with the rightmost. */
export function luhnCheckDigit(base: string): number {
  let sum = 0;
  for (let i = base.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = base.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

const WEIGHTS_7_3_1 = [7, 3, 1] as const;

/** Finnish reference (viitenumero): weights 7, 3, 1 repeating from the right. */
export function finnishCheckDigit(base: string): number {
  let sum = 0;
  for (let i = base.length - 1, w = 0; i >= 0; i--, w = (w + 1) % 3) {
    sum += (base.charCodeAt(i) - 48) * WEIGHTS_7_3_1[w]!;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Whether `reference` (base + check digit) is right for `type`. A type
 * without a known check is judged by its number: a creditor reference by
 * ISO 11649, anything else not at all (null).
 */
export function hasValidCheckDigit(type: string, reference: string): boolean | null {
  const check = CHECKS.get(type);
  if (check === undefined) {
    const compact = compactReference(reference);
    return isCreditorReference(compact) ? isValidCreditorReference(compact) : null;
  }
  // Printed, the number comes in groups (`formatted`): the spaces are not digits.
  const digits = compactReference(reference);
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  return check(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

// A Map: the type is the issuer's text, and `constructor` or `__proto__`
// must not find something on an object's prototype.
const CHECKS = new Map<string, (base: string) => number>([
  ['MOD10', luhnCheckDigit],
  // The Finnish standard allows a base of 3 to 19 digits.
  [
    'FINNISH_7_3_1',
    (base) => (base.length >= 3 && base.length <= 19 ? finnishCheckDigit(base) : -1),
  ],
]);

// ISO 11649: `RF`, two check digits, then 1 to 21 letters or digits. Spaces
// (the printed form) and lower case are read past, as the issuer may send
// them. A longer body still has the shape (it prints as one), and is invalid.
const CREDITOR_REFERENCE = /^RF\d{2}[0-9A-Z]+$/i;
const MAX_CREDITOR_REFERENCE_LENGTH = 25;

/** The reference without the spaces of its printed form. */
export function compactReference(reference: string): string {
  return reference.replace(/ +/g, '');
}

/** Whether a compact reference has the shape of an ISO 11649 creditor reference (`RF` and two check digits). */
export function isCreditorReference(compact: string): boolean {
  return CREDITOR_REFERENCE.test(compact);
}

/**
 * ISO 11649: the first four characters moved to the end, read as a number
 * (A = 10 … Z = 35), leave 1 modulo 97, and the check digits are 02 to 98
 * (`98 − remainder`). 00, 01 and 99 leave 1 too, for the body whose right
 * digits are 97, 98 and 02: no creditor reference carries them.
 */
export function isValidCreditorReference(compact: string): boolean {
  const checkDigits = Number(compact.slice(2, 4));
  return (
    isCreditorReference(compact) &&
    compact.length <= MAX_CREDITOR_REFERENCE_LENGTH &&
    checkDigits >= 2 &&
    checkDigits <= 98 &&
    mod97(compact.slice(4) + compact.slice(0, 4)) === 1
  );
}

/** The creditor reference of `body` (1 to 21 letters or digits): `RF`, its two check digits, the body. */
export function creditorReference(body: string): string {
  const remainder = mod97(`${body}RF00`);
  return `RF${String(98 - remainder).padStart(2, '0')}${body.toUpperCase()}`;
}

// Folds each character in as it goes, so no big integers are needed.
function mod97(text: string): number {
  let remainder = 0;
  for (let i = 0; i < text.length; i++) {
    const value = Number.parseInt(text[i]!, 36);
    remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
  }
  return remainder;
}
