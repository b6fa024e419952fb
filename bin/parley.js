#!/usr/bin/env node
// `parley <command>`: the compiled entry point, dist/cli/parley.js (`npm run build`; `npm start` and `npm pack` build).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/parley.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('parley: not built yet: run npm run build (npm start builds too)');
  process.exit(1);
}
await import(entry.href);
