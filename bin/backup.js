#!/usr/bin/env node
// The `backup` command. The sources are TypeScript run through tsx's loader, so a fresh
// clone needs no build step (see docs/decisions/0003-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
// Before anything else: Node 20 lacks Promise.withResolvers, which libp2p calls.
await import('../federation/src/network/polyfill.ts');
const { main } = await import('../node/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), process.env);
