/**
 * Credentials must never reach logs, reports, metrics or error messages. Everything
 * that prints a URI or an error goes through these functions.
 *
 * Nothing here parses a URI: a password may hold an unescaped `/`, `@`, `:` or `,`, a
 * URI may carry credentials on several hosts, and a driver that fails to parse it quotes
 * fragments of it without the scheme. So the rules are textual and err on the side of
 * removing too much:
 * - from a scheme's `//` to the LAST `@` before the next whitespace or quote, everything
 *   goes (`mongodb://***@host`); a host list is what follows that `@`;
 * - the value of every query option whose name speaks of a password, token, secret or
 *   key, and of `authMechanismProperties` (it carries `AWS_SESSION_TOKEN:…`), goes;
 * - every secret of a URI the process was configured with (see rememberSecrets) is
 *   removed literally from any text, so a fragment quoted by a driver goes too.
 */

/** A scheme's `//`, then the non-blank run in which the last `@` ends the credentials. */
const URI_RUN = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]*)/gi;
const SECRET_OPTION_NAME = /pass|pwd|token|secret|key|authMechanismProperties|credential/i;
const QUERY_OPTION = /([?&;]([^=&\s"'<>`]+)=)([^&\s"'<>`]*)/g;
const MASK = '***';
/** Fragments shorter than this are too common to scrub from free text without mangling it. */
const MIN_FRAGMENT = 4;

const known = new Set<string>();
/** `known`, longest first (so a whole credential goes before its pieces); rebuilt when a secret is added. */
let ordered: string[] = [];

function redactOptions(text: string): string {
  return text.replace(QUERY_OPTION, (all, head: string, name: string) => (SECRET_OPTION_NAME.test(name) ? `${head}${MASK}` : all));
}

function redactRun(scheme: string, run: string): string {
  const at = run.lastIndexOf('@');
  const rest = at >= 0 ? `${MASK}@${run.slice(at + 1)}` : run;
  return scheme + redactOptions(rest);
}

/** `mongodb://user:pass@host/db?password=x` → `mongodb://***@host/db?password=***`, whatever the password holds. */
export function redactUri(uri: string): string {
  return scrubKnown(redactOptions(uri.replace(URI_RUN, (_all, scheme: string, run: string) => redactRun(scheme, run))));
}

/** Redact every URI found anywhere in free text, and every remembered secret (drivers quote fragments). */
export function redactText(text: string): string {
  return redactUri(text);
}

function scrubKnown(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The secrets a URI carries: its credentials (whole, each password, their pieces) and secret option values. */
export function secretsOf(uri: string): string[] {
  const out = new Set<string>();
  const add = (s: string): void => {
    for (const v of [s, decoded(s)]) if (v.length >= MIN_FRAGMENT) out.add(v);
  };
  // A configured URI is one value, even with a blank in its password: read it whole, as
  // well as run by run (free text ends a URI at a blank).
  const whole = /^\s*([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(uri);
  const runs = [...(whole ? [whole[2]!] : []), ...[...uri.matchAll(URI_RUN)].map((m) => m[2]!)];
  for (const run of runs) {
    const at = run.lastIndexOf('@');
    if (at >= 0) {
      const credentials = run.slice(0, at);
      add(credentials);
      for (const segment of credentials.split(/[@,]/)) {
        const colon = segment.indexOf(':');
        if (colon >= 0) add(segment.slice(colon + 1));
      }
      // A driver that misreads the URI splits it at `/`, `@`, `?` or `#`: each piece may be quoted alone.
      const password = credentials.slice(credentials.indexOf(':') + 1);
      for (const piece of password.split(/[\s/@?#]/)) add(piece);
    }
  }
  for (const m of uri.matchAll(QUERY_OPTION)) {
    if (!SECRET_OPTION_NAME.test(m[2]!)) continue;
    add(m[3]!);
    for (const piece of decoded(m[3]!).split(/[,:]/)) add(piece);
  }
  return [...out];
}

/**
 * Remember the secrets of a URI this process was given, so that any text quoting them
 * later (a driver error that quotes a misparsed fragment) is scrubbed. Call it as soon
 * as a URI is read, before it is used.
 */
export function rememberSecrets(uri: string): void {
  for (const s of secretsOf(uri)) known.add(s);
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** Host list of a MongoDB URI, for labels and reports: `host1:27017,host2:27017`, never its credentials. */
export function uriHosts(uri: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^\s]*)$/i.exec(uri.trim());
  if (!m) return redactUri(uri);
  const run = m[1]!;
  const afterAt = run.slice(run.lastIndexOf('@') + 1);
  const hosts = /^[^/?#]*/.exec(afterAt)![0];
  return hosts === '' ? redactUri(uri) : scrubKnown(hosts);
}
