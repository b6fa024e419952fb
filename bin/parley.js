#!/usr/bin/env node
// `npx parley <command>`: the operator commands of src/admin-cli.ts, run through tsx like `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../src/admin-cli.ts');
