#!/usr/bin/env node
// Runs one TypeScript script (benchmarks, tools) with the same loader as `backup`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
// libp2p calls Promise.withResolvers, which Node 20 lacks (STACK.md).
await import('../federation/src/network/polyfill.ts');
const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error('usage: run-ts.js SCRIPT [ARGS…]');
  process.exit(2);
}
process.argv = [process.argv[0], script, ...rest];
await import(pathToFileURL(resolve(script)).href);
