import { describe, expect, it } from 'vitest';
import {
  finnishCheckDigit,
  hasValidCheckDigit,
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
    ['MOD10', '12a4', false],
    ['RF', 'RF18539007547034', null],
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
});
