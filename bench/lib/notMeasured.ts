/** The lines of a run's "Not measured" list, written and read back. */

/** A contender left out on a shape, and why. */
export const notMeasured = (contender: string, shape: string, why: string) =>
  `${contender} / ${shape}: ${why}`;

/** The contender a line names. */
export const notMeasuredContender = (line: string) => line.slice(0, line.indexOf(' / '));
