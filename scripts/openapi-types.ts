import openapiTS, { astToString } from 'openapi-typescript';

export const specUrl = new URL('../openapi.yaml', import.meta.url);
export const generatedUrl = new URL('../src/generated/openapi.ts', import.meta.url);
const header = '// Generated from openapi.yaml by `npm run gen`. Do not edit.\n\n';

/** The TypeScript types of openapi.yaml, exactly as src/generated/openapi.ts must hold them. */
export async function generateTypes(): Promise<string> {
  return header + astToString(await openapiTS(specUrl));
}
