import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { SOURCE_TYPES, sourceConnector } from '../../../src/sources/registry.js';

describe('source registry', () => {
  it('finds the built-in connectors, each with a spec', () => {
    for (const t of ['infoclimat', 'wunderground', 'files']) {
      expect(SOURCE_TYPES).toContain(t);
      expect(sourceConnector(t).type).toBe(t);
      expect(sourceConnector(t).spec().connectionSpecification).toHaveProperty('properties');
    }
  });
  it('names the known types for an unknown one', () => {
    expect(() => sourceConnector('ftp')).toThrow(ConfigError);
    expect(() => sourceConnector('ftp')).toThrow(/infoclimat, wunderground, files/);
  });
});
