/**
 * At most one report per 10 s, the others dropped: for failures that would
 * otherwise write a line per request or per batch (a key set that is down,
 * a collector that refuses spans).
 */
export function everyTenSeconds<T>(report: (value: T) => void): (value: T) => void {
  let last = -Infinity;
  return (value) => {
    const now = performance.now();
    if (now - last < 10_000) return;
    last = now;
    report(value);
  };
}
