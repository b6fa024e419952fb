import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionSpecs } from '../../src/config/schema.js';
import { readmeConfigBlock, readmeUrl, withConfigTable } from '../../scripts/readme-config.js';

const readme = readFileSync(readmeUrl, 'utf8');

describe('README.md', () => {
  it('carries the configuration table generated from the option list (npm run docs)', () => {
    expect(readmeConfigBlock(readme)).toBe(readmeConfigBlock(withConfigTable(readme)));
  });

  it('names every option by flag and variable, and no option that does not exist', () => {
    for (const spec of Object.values(optionSpecs)) {
      expect(readme).toContain(`\`--${spec.flag}\``);
      expect(readme).toContain(`\`${spec.env}\``);
    }
    const known = new Set(Object.values(optionSpecs).map((s) => s.env));
    for (const env of readme.match(/PARLEY_[A-Z_]+/g) ?? []) if (env !== 'PARLEY_URL') expect(known, env).toContain(env);
  });
});
