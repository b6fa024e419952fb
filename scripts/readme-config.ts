// Writes the configuration table into README.md between its config markers; test/contract keeps them equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { markdownTable } from '../src/config/help.js';

export const readmeUrl = new URL('../README.md', import.meta.url);
const block = /(<!-- config:start -->\n)[\s\S]*?(<!-- config:end -->)/;

export function readmeConfigBlock(readme: string): string | undefined {
  return block.exec(readme)?.[0];
}

export function withConfigTable(readme: string): string {
  return readme.replace(block, `$1${markdownTable()}\n$2`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(readmeUrl, withConfigTable(readFileSync(readmeUrl, 'utf8')));
  console.log('README.md configuration table updated');
}
