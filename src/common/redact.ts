/**
 * Credentials must never reach logs, reports, metrics or error messages. Everything
 * that prints a URI or an error goes through these two functions.
 */

const URI_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^@/\s]+)@/gi;
const SECRET_QUERY_PARAMS = /([?&](?:password|pwd|authMechanismProperties|tlsCertificateKeyFilePassword|token|apikey|api_key|secret)=)[^&\s]*/gi;

/** `mongodb://user:pass@host/db?password=x` → `mongodb://***@host/db?password=***`. */
export function redactUri(uri: string): string {
  return uri.replace(URI_CREDENTIALS, '$1***@').replace(SECRET_QUERY_PARAMS, '$1***');
}

/** Redact every URI found anywhere in free text (error messages from drivers quote them). */
export function redactText(text: string): string {
  return redactUri(text);
}

/** Host list of a MongoDB URI, for labels and reports: `host1:27017,host2:27017`. */
export function uriHosts(uri: string): string {
  const m = /^[a-z+]+:\/\/(?:[^@/]+@)?([^/?]+)/i.exec(uri);
  return m?.[1] ?? redactUri(uri);
}
