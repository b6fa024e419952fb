import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
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

/** The lines of a Markdown text outside its fenced code blocks. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/** The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces to hyphens, -1, -2 on repeats. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6} (.*?)#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{Mn}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The targets of a text's Markdown links and images, but those with a scheme (https:, mailto:). */
function relativeLinks(text: string): string[] {
  const links: string[] = [];
  for (const line of prose(text)) {
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z+.-]*:/i.test(m[1]!)) links.push(m[1]!);
    }
  }
  return links;
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

describe('README.md', () => {
  it('stays a front page: 20 KB at most, the rest in docs/', () => {
    expect(readFileSync(join(root, 'README.md')).byteLength).toBeLessThanOrEqual(20 * 1024);
  });

  it('says, where it tells how to install, that better-sqlite3 may have to be built from source, and with what', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const install = readme.slice(
      readme.indexOf('## Two ways to run it'),
      readme.indexOf('\n## ', readme.indexOf('## Two')),
    );
    for (const needle of ['better-sqlite3', 'from source', 'compiler', 'python3', 'minutes'])
      expect(install).toContain(needle);
  });

  it('links to every file of docs/', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const file of markdownFiles().filter((f) => f !== 'README.md')) {
      expect(readme, file).toContain(`](${file})`);
    }
  });
});

describe('LICENSE', () => {
  it('is the license package.json names, in full, and the README points to it', () => {
    const { license } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { license: string };
    // The SPDX identifiers this project could name, each with the first line of its text.
    const titles: Record<string, string> = { MIT: 'MIT License' };
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe(titles[license]);
    expect(text).toMatch(/^Copyright \(c\) \d{4} \S/m);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS"');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`${license} ([LICENSE](LICENSE))`);
  });
});

describe('README.md and docs/', () => {
  it("name no PARLEY_ variable that does not exist (but the shell client's PARLEY_URL)", () => {
    const known = new Set(Object.values(optionSpecs).map((s) => s.env));
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const env of text.match(/PARLEY_[A-Z_]+/g) ?? [])
        if (env !== 'PARLEY_URL') expect(known, `${env} in ${file}`).toContain(env);
    }
  });

  it('link only to files that exist, and to headings that exist in them', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const link of relativeLinks(readFileSync(join(root, file), 'utf8'))) {
        const [path, anchor] = link.split('#', 2) as [string, string | undefined];
        const to = path === '' ? file : normalize(join(dirname(file), decodeURI(path)));
        if (to.startsWith('..') || !existsSync(join(root, to))) broken.push(`${file}: ${link} (no ${to})`);
        else if (anchor !== undefined && !anchors(readFileSync(join(root, to), 'utf8')).has(anchor))
          broken.push(`${file}: ${link} (no heading #${anchor} in ${to})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
