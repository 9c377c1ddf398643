/** `monitor:` — intervals, schedules, HTTP and alerts. Owned by src/monitor; placeholder until it lands. */

export type MonitorConfig = Record<string, unknown>;

export const monitorSchema = { type: 'object', default: {} } as const;
