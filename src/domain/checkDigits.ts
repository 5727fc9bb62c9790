/**
 * Check digits of the payment reference types the issuer documents
 * (ENFUCE_API.md §7). Both work right to left on the digits of the base
 * number and append one digit.
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

/** Whether `reference` (base + check digit) is right for `type`; null for a type without a known check. */
export function hasValidCheckDigit(type: string, reference: string): boolean | null {
  const check = CHECKS[type];
  if (check === undefined) return null;
  if (!/^[0-9]{2,}$/.test(reference)) return false;
  const base = reference.slice(0, -1);
  return check(base) === reference.charCodeAt(reference.length - 1) - 48;
}

const CHECKS: Record<string, (base: string) => number> = {
  MOD10: luhnCheckDigit,
  // The Finnish standard allows a base of 3 to 19 digits.
  FINNISH_7_3_1: (base) => (base.length >= 3 && base.length <= 19 ? finnishCheckDigit(base) : -1),
};
