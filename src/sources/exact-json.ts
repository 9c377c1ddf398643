import { isInteger, isSafeNumber, parse } from 'lossless-json';
import { Long } from 'mongodb';

/**
 * JSON.parse rounds an integer beyond ±2^53 to the nearest double (2^64 becomes
 * 18446744073709552000). A row holding one is parsed again with lossless-json, which
 * sees the digits: such an integer becomes a BSON Int64 when it fits, else the row is
 * rejected (`unsafe_integer`). Decimal128 would hold more digits, but FerretDB v1 does
 * not store it, so a row that relied on it could not be written everywhere. The fast
 * path stays JSON.parse: no such integer can be written in fewer than 16 digits.
 */

export class UnsafeIntegerError extends Error {}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MAYBE_UNSAFE = /\d{16}/;

function exactNumber(digits: string): unknown {
  if (isSafeNumber(digits) || !isInteger(digits) || /[eE]/.test(digits)) return parseFloat(digits);
  const big = BigInt(digits);
  if (big >= LONG_MIN && big <= LONG_MAX) return Long.fromBigInt(big);
  throw new UnsafeIntegerError(`the integer ${digits.slice(0, 40)}${digits.length > 40 ? '…' : ''} is outside the 64-bit range: it cannot be stored exactly`);
}

/** Parse one JSON text, keeping every integer exact. Throws SyntaxError or UnsafeIntegerError. */
export function parseExactJson(text: string): unknown {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text);
  // JSON.parse first: it is the reference for what is valid JSON, and reports errors the usual way.
  JSON.parse(text);
  return parse(text, null, exactNumber);
}
