// Writes the configuration table into docs/configuration.md between its config markers; test/contract keeps them
// equal.
import { readFileSync, writeFileSync } from 'node:fs';
import { markdownTable } from '../src/config/help.js';

export const configurationDocUrl = new URL('../docs/configuration.md', import.meta.url);
const block = /(<!-- config:start -->\n)[\s\S]*?(<!-- config:end -->)/;

export function configBlock(doc: string): string | undefined {
  return block.exec(doc)?.[0];
}

export function withConfigTable(doc: string): string {
  return doc.replace(block, `$1${markdownTable()}\n$2`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(configurationDocUrl, withConfigTable(readFileSync(configurationDocUrl, 'utf8')));
  console.log('docs/configuration.md configuration table updated');
}
