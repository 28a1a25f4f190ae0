// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// Node 20's --test takes file paths, not globs, so the files are listed here.
// Extra arguments are passed to node --test (e.g. --test-name-pattern=geometry).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(relative(root, p));
  }
})(join(root, 'dist', 'test'));
files.sort();
const args = ['--enable-source-maps', '--test', ...process.argv.slice(2), ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
