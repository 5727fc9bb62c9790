/**
 * What the gateway accepts as an exact decimal: the issuer's number text as
 * written (sign, digits, optional fraction and exponent), never a float.
 */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
