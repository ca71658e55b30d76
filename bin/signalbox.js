#!/usr/bin/env node
// The command-line entry. Runs the TypeScript sources directly (Node 24 strips types), or the
// compiled copy when the package was built for publishing.
import { existsSync } from 'node:fs';

const compiled = existsSync(new URL('../dist/cli/main.js', import.meta.url));
const cliModule = (name) =>
  new URL(compiled ? `../dist/cli/${name}.js` : `../src/cli/${name}.ts`, import.meta.url).href;
const args = process.argv.slice(2);
// `serve` restarts itself in place with its V8 heap settings before loading the gateway.
const { relaunchWithHeapFlags } = await import(cliModule('relaunch-with-heap-flags'));
relaunchWithHeapFlags(args);
const { runCli } = await import(cliModule('main'));
process.exitCode = await runCli(args);
