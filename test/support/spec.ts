import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from './process.js';

type Json = Record<string, unknown>;

export const spec = parse(readFileSync(`${repoRoot}/openapi.yaml`, 'utf8')) as Json;
const paths = spec.paths as Record<string, Record<string, Json>>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi.yaml');

function deref(node: Json): Json {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  let target: unknown = spec;
  for (const part of ref.replace(/^#\//, '').split('/'))
    target = (target as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return deref(target as Json);
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The path template of openapi.yaml that a concrete path matches (`/users/bob/stream` -> `/users/{name}/stream`). */
export function templateOf(path: string): string | undefined {
  const bare = path.split('?')[0]!;
  return Object.keys(paths).find((template) => new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare));
}

/**
 * Throws unless the response is one that openapi.yaml declares for this operation: a declared status, a declared
 * media type, and a body valid against the declared schema.
 */
export function assertMatchesSpec(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const template = templateOf(path);
  if (!template) throw new Error(`openapi.yaml has no path for ${path}`);
  const operation = paths[template]![method.toLowerCase()];
  if (!operation) throw new Error(`openapi.yaml has no ${method} ${template}`);
  const responses = operation.responses as Json;
  const declared = responses[String(status)] as Json | undefined;
  if (!declared) throw new Error(`${method} ${template} answered ${status}, which openapi.yaml does not declare`);
  const response = deref(declared);
  const content = response.content as Record<string, Json> | undefined;
  if (!content) {
    if (body !== undefined && body !== '') throw new Error(`${method} ${template} ${status} should have no body`);
    return;
  }
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  if (!content[mediaType])
    throw new Error(
      `${method} ${template} ${status} answered ${mediaType}, not one of ${Object.keys(content).join(', ')}`,
    );
  const refBase =
    typeof declared.$ref === 'string'
      ? declared.$ref.replace(/^#\//, '')
      : pointer('paths', template, method.toLowerCase(), 'responses', String(status));
  const validateBody = ajv.getSchema(`openapi.yaml#/${refBase}/${pointer('content', mediaType, 'schema')}`);
  if (!validateBody) throw new Error(`no schema for ${method} ${template} ${status} ${mediaType}`);
  if (!validateBody(body)) {
    throw new Error(
      `${method} ${template} ${status} body does not match openapi.yaml: ${ajv.errorsText(validateBody.errors)}\n${JSON.stringify(body)}`,
    );
  }
}

/** Validates a value against a named component schema (`Msgform`, `PresenceEvent`, ...). */
export function assertSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi.yaml#/components/schemas/${name}`);
  if (!validate) throw new Error(`openapi.yaml has no schema ${name}`);
  if (!validate(value))
    throw new Error(
      `${name} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`,
    );
}
