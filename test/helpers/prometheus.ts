/**
 * Reads Prometheus text exposition, for tests that assert on metric values.
 */
import { request } from 'undici';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every sample line of a Prometheus text body. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** A scrape of `${baseUrl}/metrics`, with a lookup by name and label subset. */
export async function scrape(baseUrl: string) {
  const response = await request(`${baseUrl}/metrics`);
  const text = await response.body.text();
  const samples = parseSamples(text);
  return {
    status: response.statusCode,
    text,
    samples,
    /** The value of the one sample with this name whose labels include `labels`; 0 when none. */
    value(name: string, labels: Record<string, string> = {}): number {
      const found = samples.filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      );
      if (found.length > 1) {
        throw new Error(
          `Expected one sample of ${name} ${JSON.stringify(labels)}, got ${found.length}.`,
        );
      }
      return found[0]?.value ?? 0;
    },
  };
}
