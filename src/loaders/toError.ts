/** DataLoader wants an Error instance in a failed slot, whatever was thrown. */
export function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
