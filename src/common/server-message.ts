import { redactText } from './redact.js';

/**
 * What a user reads of a server's error: its first sentence, without the internals some
 * servers print. FerretDB, for one, answers `create: support for field "validator" with
 * value &{map[$jsonSchema:1] [{0x2c4f3021cf90 $jsonSchema}] false 0} is not implemented
 * yet` (a Go struct dump, with memory addresses that change every run) and prefixes some
 * errors with its call site (`[msg_create.go:137 handler.(*Handler).MsgCreate] `). The
 * full reply still goes to the debug log; reports, summaries and findings get
 * `create: support for field "validator" is not implemented yet`.
 */

/** Index just past the bracket that closes the one at `start` ("{" or "["), or -1. */
function closing(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** A Go `%v` dump: `&{…}`, `map[…]`, `[{0x…`, `{0x…`; starts at `i` when it returns its end. */
function dumpAt(text: string, i: number): number {
  const rest = text.slice(i, i + 8);
  let open = -1;
  if (rest.startsWith('&{')) open = i + 1;
  else if (rest.startsWith('map[')) open = i + 3;
  else if (/^\[?\{0x[0-9a-f]/i.test(rest)) open = i;
  return open < 0 ? -1 : closing(text, open);
}

/** Drops struct dumps (and the " with value" that introduces one), call-site prefixes and raw pointers. */
export function withoutInternals(text: string): string {
  let out = text.replace(/\[[\w./-]+\.go:\d+[^\]]*\]\s*/g, '');
  for (let i = out.indexOf(' with value '); i >= 0; i = out.indexOf(' with value ', i + 1)) {
    const end = dumpAt(out, i + ' with value '.length);
    if (end > 0) out = out.slice(0, i) + out.slice(end);
  }
  for (let i = 0; i < out.length; i++) {
    const end = dumpAt(out, i);
    if (end > 0) out = `${out.slice(0, i)}…${out.slice(end)}`;
  }
  return out.replace(/0x[0-9a-f]{6,}/gi, '0x…').replace(/ {2,}/g, ' ').trim();
}

/**
 * The first sentence: up to the first ". " (a URL or a decimal has no space after its dot)
 * or the first line break (FerretDB lists the PostgreSQL hosts it failed to reach on
 * tab-indented lines after the reason).
 */
export function firstSentence(text: string): string {
  return text.trim().split(/\r?\n/)[0]!.split(/\.\s/)[0]!.trim();
}

/** An error the server replied with (its errmsg), as opposed to proofline's own or the network's. */
function isServerReply(e: unknown): boolean {
  return e instanceof Error && (/^Mongo(Server|BulkWrite|WriteConcern)Error$/.test(e.name) || 'errmsg' in e);
}

/**
 * An error as a user reads it: redacted and without internals; a server's reply (or a
 * server's text passed as a string) cut to its first sentence. proofline's own errors keep
 * every sentence: their second one is usually what to do next.
 */
export function serverMessage(e: unknown): string {
  const text = withoutInternals(redactText(e instanceof Error ? e.message : String(e)));
  return e instanceof Error && !isServerReply(e) ? text : firstSentence(text);
}
