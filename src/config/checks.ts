/** `checks:` — thresholds and options of each check. Owned by src/checks; placeholder until it lands. */

export type ChecksConfig = Record<string, unknown>;

export const checksSchema = { type: 'object', default: {} } as const;
