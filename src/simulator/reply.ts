/** A complete answer before delivery; faults may still change how it is sent. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A JSON body as the simulator writes it. */
export function jsonReply(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

/**
 * The simulator's error body, `{"status": N, "message": "..."}`. Enfuce
 * documents no error schema (ENFUCE_API.md §0), so this is our convention.
 */
export function errorReply(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, JSON.stringify({ status, message }), headers);
}

/** Quotes a client-sent value for an error message: escaped, and cut to a readable length. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
