// Regenerates src/generated/openapi.ts from openapi.yaml; with --check, fails when the checked-in file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const specUrl = new URL('../openapi.yaml', import.meta.url);
const outUrl = new URL('../src/generated/openapi.ts', import.meta.url);
const header = '// Generated from openapi.yaml by `npm run gen`. Do not edit.\n\n';

export async function generate(): Promise<string> {
  const ast = await openapiTS(specUrl);
  return header + astToString(ast);
}

const fresh = await generate();
if (process.argv.includes('--check')) {
  const current = await readFile(outUrl, 'utf8').catch(() => '');
  if (current !== fresh) {
    console.error('src/generated/openapi.ts is stale: run `npm run gen` and commit the result.');
    process.exit(1);
  }
  console.log('src/generated/openapi.ts is current.');
} else {
  await writeFile(outUrl, fresh);
  console.log('wrote src/generated/openapi.ts');
}
