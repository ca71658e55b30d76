#!/usr/bin/env node
// The command-line entry. Runs the TypeScript sources directly (Node 24 strips types), or the
// compiled copy when the package was built for publishing.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(compiled) ? compiled : new URL('../src/cli/main.ts', import.meta.url);
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
