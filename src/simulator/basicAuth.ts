import { timingSafeEqual } from 'node:crypto';

/** Whether an `Authorization` header carries exactly these Basic credentials (RFC 7617). */
export function hasBasicCredentials(
  header: string | undefined,
  username: string,
  password: string,
): boolean {
  if (header === undefined) return false;
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${username}:${password}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
