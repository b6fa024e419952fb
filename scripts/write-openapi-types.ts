// Regenerates src/generated/openapi.ts from openapi.yaml; with --check, fails when the checked-in file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { generateTypes, generatedUrl } from './openapi-types.js';

const fresh = await generateTypes();
if (process.argv.includes('--check')) {
  const current = await readFile(generatedUrl, 'utf8').catch(() => '');
  if (current !== fresh) {
    console.error('src/generated/openapi.ts is stale: run `npm run gen` and commit the result.');
    process.exit(1);
  }
  console.log('src/generated/openapi.ts is current.');
} else {
  await writeFile(generatedUrl, fresh);
  console.log('wrote src/generated/openapi.ts');
}
