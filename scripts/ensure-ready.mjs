// Makes a fresh clone runnable: installs npm dependencies when they are missing or stale,
// and compiles TypeScript when any source is newer than the build. Plain JS, no deps,
// because it runs before anything is installed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.error('ocssd: installing npm dependencies (npm ci)...');
  run('npm ci --no-audit --no-fund');
}

const built = join(root, 'dist', '.build-stamp');
// --clean: rebuild from nothing, so no output of a deleted source survives (used by npm test).
if (process.argv.includes('--clean')) rmSync(join(root, 'dist'), { recursive: true, force: true });
const sources = Math.max(...['src', 'test', 'bench', 'tools'].map((d) => newest(join(root, d))), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.error('ocssd: compiling TypeScript (tsc)...');
  run('npx tsc -p tsconfig.json');
  writeFileSync(built, String(Date.now()));
}
