import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionSpecs } from '../../src/config/schema.js';
import { configBlock, configurationDocUrl, withConfigTable } from '../../scripts/docs-config-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const configuration = readFileSync(configurationDocUrl, 'utf8');

/** README.md and every Markdown file under docs/, as paths from the repository's root. */
function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
  return ['README.md', ...docs.map((f) => join('docs', f)).sort()];
}

describe('docs/configuration.md', () => {
  it('carries the configuration table generated from the option list (npm run docs)', () => {
    expect(configBlock(configuration)).toBeDefined();
    expect(configBlock(configuration)).toBe(configBlock(withConfigTable(configuration)));
  });

  it('names every option by flag and variable', () => {
    for (const spec of Object.values(optionSpecs)) {
      expect(configuration).toContain(`\`--${spec.flag}\``);
      expect(configuration).toContain(`\`${spec.env}\``);
    }
  });
});

describe('README.md and docs/', () => {
  it('name no PARLEY_ variable that does not exist (but the shell client\'s PARLEY_URL)', () => {
    const known = new Set(Object.values(optionSpecs).map((s) => s.env));
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const env of text.match(/PARLEY_[A-Z_]+/g) ?? []) if (env !== 'PARLEY_URL') expect(known, `${env} in ${file}`).toContain(env);
    }
  });
});
