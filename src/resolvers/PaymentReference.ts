import type {
  PaymentReferenceResolvers,
  PaymentReferenceType,
} from '../__generated__/resolvers-types.js';
import { hasValidCheckDigit } from '../domain/checkDigits.js';

const KNOWN_TYPES = new Set<string>(['MOD10', 'FINNISH_7_3_1']);

export const PaymentReference: PaymentReferenceResolvers = {
  // A type the issuer adds later must not fail the whole account.
  type: (reference) =>
    (KNOWN_TYPES.has(reference.type) ? reference.type : 'UNKNOWN') as PaymentReferenceType,
  rawType: (reference) => reference.type,
  valid: (reference) => hasValidCheckDigit(reference.type, reference.number),
  formatted: (reference) => groupsOfFive(reference.number),
};

/** `1234567897` → `12345 67897`: the grouping printed on Finnish and Nordic invoices. */
function groupsOfFive(number: string): string {
  const compact = number.replace(/\s+/g, '');
  const head = compact.length % 5;
  const groups = head ? [compact.slice(0, head)] : [];
  for (let i = head; i < compact.length; i += 5) groups.push(compact.slice(i, i + 5));
  return groups.join(' ');
}
