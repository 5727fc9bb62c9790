/** Number formats shared by the report, its targets and the README's table. */
import { spread, type Spread } from './stats.js';

export const fmt = (value: number, digits = 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
export const fmtSpread = (s: Spread | null, digits = 2) =>
  s && s.n > 0 ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : 'n/a';
export const mb = (bytes: number) => (Number.isFinite(bytes) ? `${fmt(bytes / 1e6, 0)} MB` : 'n/a');

export type Valued = { shape: string; value: number };
/**
 * The shape furthest from its goal; one without a finite value (not
 * measured, or `null` as a run's JSON file keeps NaN) is the worst of all.
 */
export const worst = (values: Valued[], pick: 'min' | 'max') =>
  values.reduce((a, b) => {
    if (!Number.isFinite(a.value)) return a;
    if (!Number.isFinite(b.value)) return b;
    return (pick === 'min' ? b.value < a.value : b.value > a.value) ? b : a;
  });
export const describe = (values: Valued[], pick: 'min' | 'max', digits = 2) => {
  if (values.length === 1)
    return `${fmt(values[0]!.value, digits)} (one shape, ${values[0]!.shape})`;
  const w = worst(values, pick);
  const median = spread(values.map((v) => v.value)).median;
  return `median over shapes ${fmt(median, digits)}; worst ${fmt(w.value, digits)} (${w.shape})`;
};
