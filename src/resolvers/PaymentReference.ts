import type {
  PaymentReferenceResolvers,
  PaymentReferenceType,
} from '../__generated__/resolvers-types.js';
import {
  compactReference,
  hasValidCheckDigit,
  isCreditorReference,
} from '../domain/checkDigits.js';

const KNOWN_TYPES: ReadonlySet<string> = new Set([
  'MOD10',
  'FINNISH_7_3_1',
] satisfies PaymentReferenceType[]);

export const PaymentReference: PaymentReferenceResolvers = {
  // A type the issuer adds later must not fail the whole account.
  type: (reference) =>
    (KNOWN_TYPES.has(reference.type) ? reference.type : 'UNKNOWN') as PaymentReferenceType,
  rawType: (reference) => reference.type,
  valid: (reference) => hasValidCheckDigit(reference.type, reference.number),
  formatted: (reference) => {
    // A creditor reference prints as ISO 11649 says, however the issuer labels its type.
    const compact = compactReference(reference.number);
    return isCreditorReference(compact) ? groupsOfFourFromLeft(compact) : groupsOfFive(compact);
  },
};

/** `1234567897` → `12345 67897`: the grouping printed on Finnish and Nordic invoices. */
function groupsOfFive(compact: string): string {
  const head = compact.length % 5;
  const groups = head ? [compact.slice(0, head)] : [];
  for (let i = head; i < compact.length; i += 5) groups.push(compact.slice(i, i + 5));
  return groups.join(' ');
}

/** `RF18539007547034` → `RF18 5390 0754 7034`: how ISO 11649 prints a creditor reference. */
function groupsOfFourFromLeft(compact: string): string {
  return compact
    .toUpperCase()
    .match(/.{1,4}/g)!
    .join(' ');
}
