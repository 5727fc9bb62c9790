/**
 * The one answer a contender gives before it is measured, which every
 * later answer must equal: measured only when it is a full, clean one.
 */
import { sendOnce, type Target } from './load.js';

/** The answer to measure against, or why the contender is not measured on it. */
export type Probe = { ok: true; text: string; data: string } | { ok: false; problem: string };

export async function probe(target: Target): Promise<Probe> {
  const reply = await sendOnce(target);
  let body: { errors?: unknown[]; data?: unknown; extensions?: { upstream?: unknown } };
  try {
    body = JSON.parse(reply.text) as typeof body;
  } catch {
    return { ok: false, problem: `HTTP ${reply.status}, not JSON: ${reply.text.slice(0, 300)}` };
  }
  if (
    reply.status !== 200 ||
    typeof body !== 'object' ||
    body === null ||
    body.errors ||
    !body.data
  ) {
    return { ok: false, problem: `HTTP ${reply.status} ${reply.text.slice(0, 300)}` };
  }
  // Outside production the gateway counts its calls into every answer: not what ships.
  if (body.extensions?.upstream !== undefined) {
    return { ok: false, problem: 'not running with NODE_ENV=production' };
  }
  return { ok: true, text: reply.text, data: JSON.stringify(body.data) };
}

/** A contender's probed answer to a shape. */
export interface ProbedCell {
  spec: { name: string; dialect: string };
  shape: { name: string };
  /** The answer's `data`, as JSON. */
  data: string;
}

/**
 * The cells whose answer is not raw's where they ran raw's query (the same
 * dialect): a faster wrong answer, fields or accounts missing, is no result.
 */
export function unlikeRaw<Cell extends ProbedCell>(cells: readonly Cell[]): Cell[] {
  return cells.filter((cell) => {
    const raw = cells.find((c) => c.spec.name === 'raw' && c.shape.name === cell.shape.name);
    return raw !== undefined && cell.spec.dialect === raw.spec.dialect && cell.data !== raw.data;
  });
}
