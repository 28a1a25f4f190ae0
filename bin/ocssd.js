#!/usr/bin/env node
// Entry point of the `ocssd` command. The program is TypeScript compiled to dist/; a fresh
// clone is made ready (npm ci, tsc) on first use.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/ensure-ready.mjs', import.meta.url))], { stdio: 'inherit' });
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
