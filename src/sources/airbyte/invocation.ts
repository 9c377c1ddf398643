import { basename, join } from 'node:path';
import type { AirbyteSourceConfig } from './config.js';

/**
 * How a connector is started: the program and argv for one Airbyte command, as a local
 * executable or as `docker run`. Pure functions, so the Docker path is testable on
 * machines without a Docker engine.
 */

export type ConnectorVerb = 'spec' | 'check' | 'discover' | 'read';

/** Host paths of the files a verb takes (all inside one private directory). */
export interface ConnectorFiles {
  dir: string;
  config?: string;
  catalog?: string;
  state?: string;
}

export interface Invocation {
  program: string;
  args: string[];
  /** Extra environment for the child process (for Docker, forwarded by name with `-e`). */
  env: Record<string, string>;
}

/** Where the private directory is mounted inside the container. */
export const CONTAINER_SECRETS_DIR = '/secrets';

function verbArgs(verb: ConnectorVerb, files: ConnectorFiles, path: (p: string) => string): string[] {
  const args: string[] = [verb];
  if (verb !== 'spec' && files.config) args.push('--config', path(files.config));
  if (verb === 'read' && files.catalog) args.push('--catalog', path(files.catalog));
  if (verb === 'read' && files.state) args.push('--state', path(files.state));
  return args;
}

export function localInvocation(cfg: Pick<AirbyteSourceConfig, 'command' | 'env'>, verb: ConnectorVerb, files: ConnectorFiles): Invocation {
  const [program, ...pre] = cfg.command!;
  return { program: program!, args: [...pre, ...verbArgs(verb, files, (p) => p)], env: { ...cfg.env } };
}

export function dockerInvocation(
  cfg: Pick<AirbyteSourceConfig, 'image' | 'env' | 'docker'>,
  verb: ConnectorVerb,
  files: ConnectorFiles,
  ids: { uid?: number; gid?: number } = { uid: process.getuid?.(), gid: process.getgid?.() },
): Invocation {
  const d = cfg.docker;
  // --init reaps the connector's children and forwards our SIGTERM on timeout;
  // --user lets it read the 0600 files we own; the mount is read-only (inputs only).
  const args = ['run', '--rm', '-i', '--init', '-v', `${files.dir}:${CONTAINER_SECRETS_DIR}:ro`];
  const user = d.user ?? (ids.uid !== undefined && ids.gid !== undefined ? `${ids.uid}:${ids.gid}` : undefined);
  if (user) args.push('--user', user);
  if (d.network) args.push('--network', d.network);
  // `-e NAME` without a value: docker copies it from its own environment, so values
  // (often tokens) never appear in the process list.
  const env = { ...cfg.env, ...d.env };
  for (const k of Object.keys(env)) args.push('-e', k);
  args.push(...d.args, cfg.image!);
  args.push(...verbArgs(verb, files, (p) => join(CONTAINER_SECRETS_DIR, basename(p))));
  return { program: d.binary, args, env };
}

export function invocation(cfg: AirbyteSourceConfig, verb: ConnectorVerb, files: ConnectorFiles): Invocation {
  return cfg.image ? dockerInvocation(cfg, verb, files) : localInvocation(cfg, verb, files);
}

/**
 * A short name for logs and messages: the image, or the command's last non-option word
 * (`[python, -m, source_faker]` → source_faker, not the interpreter).
 */
export function connectorLabel(cfg: Pick<AirbyteSourceConfig, 'command' | 'image'>): string {
  if (cfg.image) return cfg.image;
  const word = [...(cfg.command ?? [])].reverse().find((w) => !w.startsWith('-'));
  return basename(word ?? 'connector');
}
