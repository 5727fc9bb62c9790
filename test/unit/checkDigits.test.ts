import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  creditorReference,
  finnishCheckDigit,
  hasValidCheckDigit,
  isValidCreditorReference,
  luhnCheckDigit,
} from '../../src/domain/checkDigits.js';

describe('check digits', () => {
  it.each([
    ['123456789', 7],
    ['7992739871', 3],
  ])('Luhn of %s is %i', (base, digit) => expect(luhnCheckDigit(base)).toBe(digit));

  it.each([
    ['123456', 1],
    ['123456789', 7],
  ])('7-3-1 of %s is %i', (base, digit) => expect(finnishCheckDigit(base)).toBe(digit));

  it.each([
    ['MOD10', '1234567897', true],
    ['MOD10', '1234567890', false],
    ['FINNISH_7_3_1', '1234561', true],
    ['FINNISH_7_3_1', '1234562', false],
    ['FINNISH_7_3_1', '121', false],
    // The printed form, grouped as `formatted` groups it.
    ['MOD10', '12345 67897', true],
    ['FINNISH_7_3_1', '12 34561', true],
    ['FINNISH_7_3_1', '12 34562', false],
    // Spaces only: a line break or a tab is no printed grouping.
    ['MOD10', '12345\n67897', false],
    ['MOD10', '12345\t67897', false],
    ['MOD10', '12a4', false],
    // A type the gateway does not know: a creditor reference is checked by ISO 11649.
    ['RF', 'RF18539007547034', true],
    ['ISO11649', 'rf18 5390 0754 7034', true],
    ['RF', 'RF19539007547034', false],
    ['RF', 'RF18539007547043', false],
    // Mod 97 leaves 1, but ISO 11649's check digits are 02 to 98: the bodies 54, 72 and 36 carry RF98, RF97 and RF02.
    ['RF', 'RF0154', false],
    ['RF', 'RF0072', false],
    ['RF', 'RF9936', false],
    ['RF', 'RF9854', true],
    // Right check digits, but a body of 22: longer than ISO 11649 allows.
    ['RF', creditorReference('1'.repeat(22)), false],
    // A type named like something every object has is still a type without a known check.
    ['constructor', 'RF18539007547034', true],
    ['__proto__', '1234567897', null],
    ['RF', '1234567897', null],
    ['RF', 'RF1', null],
    // A documented type keeps its own rule, whatever the number looks like.
    ['MOD10', 'RF18539007547034', false],
  ])('%s %s is valid: %s', (type, reference, valid) => {
    expect(hasValidCheckDigit(type, reference)).toBe(valid);
  });

  it.each([
    [2, false],
    [3, true],
    [19, true],
    [20, false],
  ])(
    'takes a Finnish base of 3 to 19 digits only: %i digits with its right check digit is valid: %s',
    (digits, valid) => {
      const base = '1234567890'.repeat(2).slice(0, digits);
      const reference = `${base}${finnishCheckDigit(base)}`;
      expect(hasValidCheckDigit('FINNISH_7_3_1', reference)).toBe(valid);
    },
  );

  it.each([
    ['539007547034', 'RF18539007547034'],
    ['1234561', 'RF341234561'],
  ])('the creditor reference of %s is %s (ISO 11649 examples)', (body, reference) => {
    expect(creditorReference(body)).toBe(reference);
  });

  // Mod 97 with a prime modulus catches every change of one character to
  // another of its kind (digit for digit, letter for letter): the number read
  // changes by less than 97 times a power of ten.
  it('accepts every creditor reference it builds and refuses it with any one character changed', () => {
    const alphanumeric = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    fc.assert(
      fc.property(
        fc.array(alphanumeric, { minLength: 1, maxLength: 21 }).map((chars) => chars.join('')),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (body, where, shift) => {
          const reference = creditorReference(body);
          expect(isValidCreditorReference(reference)).toBe(true);
          const at = 2 + (where % (reference.length - 2));
          const changed = changeCharacter(reference[at]!, shift);
          const corrupted = reference.slice(0, at) + changed + reference.slice(at + 1);
          expect(isValidCreditorReference(corrupted)).toBe(false);
        },
      ),
    );
  });
});

/** Another character of the same kind: a digit moved by `shift` (1 to 9), a letter likewise. */
function changeCharacter(char: string, shift: number): string {
  if (/\d/.test(char)) return String((Number(char) + shift) % 10);
  return String.fromCharCode(65 + ((char.charCodeAt(0) - 65 + shift) % 26));
}
