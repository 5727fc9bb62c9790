/**
 * Check digits for payment references (ENFUCE_API.md §7). The issuer's
 * reference is the account number followed by one check digit.
 */

/** MOD10 (Luhn): doubles every second digit starting from the rightmost base digit. */
export function luhnCheckDigit(base: string): string {
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    let digit = digitAt(base, base.length - 1 - i);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** FINNISH_7_3_1 (viitenumero): weights 7, 3, 1, … from the rightmost base digit. */
export function finnish731CheckDigit(base: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    sum += digitAt(base, base.length - 1 - i) * (weights[i % 3] ?? 0);
  }
  return String((10 - (sum % 10)) % 10);
}

/** ISO 11649 creditor reference (`RF` + two check digits + body), for the undocumented `RF` type. */
export function rfReference(body: string): string {
  const remainder = mod97(`${body}RF00`);
  return `RF${String(98 - remainder).padStart(2, '0')}${body}`;
}

/** Whether `reference` is a base followed by its Luhn check digit. */
export function isValidLuhn(reference: string): boolean {
  return (
    /^\d{2,}$/.test(reference) && luhnCheckDigit(reference.slice(0, -1)) === reference.slice(-1)
  );
}

/** Whether `reference` is a 3–19 digit base followed by its 7-3-1 check digit. */
export function isValidFinnish731(reference: string): boolean {
  return (
    /^\d{4,20}$/.test(reference) &&
    finnish731CheckDigit(reference.slice(0, -1)) === reference.slice(-1)
  );
}

/** Whether `reference` is a valid ISO 11649 `RF` reference. */
export function isValidRf(reference: string): boolean {
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(reference)) return false;
  return mod97(reference.slice(4) + reference.slice(0, 4)) === 1;
}

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index) - 48;
  if (code < 0 || code > 9) {
    throw new TypeError(`A string of digits was expected (got ${JSON.stringify(text)}).`);
  }
  return code;
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
