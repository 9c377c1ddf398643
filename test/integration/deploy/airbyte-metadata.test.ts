import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { destinationSpec } from '../../../src/destination/spec.js';
import { ROOT } from '../../helpers.js';

/**
 * deploy/connectors/metadata/*.yaml: what Airbyte reads to register proofline's connector
 * images. Held against the fields Airbyte's connector metadata schema
 * (ConnectorMetadataDefinitionV0) requires, against the published `airbyte-cdk` model
 * (PyPI, in .venv), and against the images they describe (Dockerfile, package.json).
 */

const DIR = join(ROOT, 'deploy/connectors/metadata');
const dockerfile = readFileSync(join(ROOT, 'deploy/connectors/Dockerfile'), 'utf8');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// The connectors the Dockerfile accepts as CONNECTOR (its `case` list).
const connectors = /case "\$\{CONNECTOR\}" in\s*\\\s*([^)]+)\)/.exec(dockerfile)![1]!.split('|').map((s) => s.trim());

const REQUIRED = ['name', 'definitionId', 'connectorType', 'dockerRepository', 'dockerImageTag', 'license', 'documentationUrl', 'githubIssueLabel', 'connectorSubtype', 'releaseStage'];
const SUBTYPES = ['api', 'database', 'datalake', 'file', 'custom', 'message_queue', 'unknown', 'vectorstore'];
const STAGES = ['alpha', 'beta', 'generally_available', 'custom'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Metadata = { metadataSpecVersion: string; data: Record<string, unknown> };
const load = (connector: string): Metadata => parse(readFileSync(join(DIR, `${connector}.yaml`), 'utf8')) as Metadata;

describe('Airbyte connector metadata', () => {
  it('exists for exactly the connectors the image Dockerfile builds', () => {
    expect(connectors).toEqual(['source-infoclimat', 'source-wunderground', 'source-files', 'destination-mongodb']);
    expect(readdirSync(DIR).sort()).toEqual(connectors.map((c) => `${c}.yaml`).sort());
  });

  it.each(connectors)('%s has every field Airbyte requires, well-formed', (connector) => {
    const m = load(connector);
    expect(Object.keys(m).sort()).toEqual(['data', 'metadataSpecVersion']);
    expect(typeof m.metadataSpecVersion).toBe('string');
    for (const key of REQUIRED) expect(m.data[key], key).toBeTypeOf('string');
    expect(m.data.definitionId).toMatch(UUID);
    expect(m.data.connectorType).toBe(connector.split('-')[0]);
    expect(SUBTYPES).toContain(m.data.connectorSubtype);
    expect(STAGES).toContain(m.data.releaseStage);
    expect(() => new URL(m.data.documentationUrl as string)).not.toThrow();
  });

  it.each(connectors)('%s names the image and version the Dockerfile builds, and the protocol version its spec answers', (connector) => {
    const m = load(connector);
    expect(m.data.dockerRepository).toBe(`proofline/${connector}`);
    expect(m.data.dockerImageTag).toBe(version);
    expect(dockerfile).toContain(`ARG VERSION=${version}`);
    expect(dockerfile).toContain('io.airbyte.name="proofline/${CONNECTOR}"');
    expect(m.data.protocolVersion).toBe(destinationSpec.protocol_version);
  });

  it('gives each connector its own definition id', () => {
    const ids = connectors.map((c) => load(c).data.definitionId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('loads with the MetadataFile model of the published airbyte-cdk', () => {
    const script = [
      'import sys, pathlib',
      'from airbyte_cdk.models.connector_metadata import MetadataFile',
      'for f in sys.argv[1:]:',
      '    m = MetadataFile.from_file(pathlib.Path(f))',
      '    print(m.data.dockerRepository, m.data.dockerImageTag)',
    ].join('\n');
    const files = connectors.map((c) => join(DIR, `${c}.yaml`));
    const out = execFileSync(join(ROOT, '.venv/bin/python'), ['-c', script, ...files], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(connectors.map((c) => `proofline/${c} ${version}`));
  });
});
