// `npm run test:e2e`: compiles if needed, then runs the real-Linux end-to-end tests
// (dist/test/e2e/*.e2e.js; `npm test` only picks *.test.js, so these never run there).
// Host packages and the cached guest are handled by the test itself (test/e2e/guest.ts).
// Extra arguments go to node --test (e.g. --test-name-pattern=discover).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ready = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-ready.mjs')], { cwd: root, stdio: 'inherit' });
if (ready.status !== 0) process.exit(ready.status ?? 1);
const dir = join(root, 'dist', 'test', 'e2e');
const files = readdirSync(dir).filter((f) => f.endsWith('.e2e.js')).sort().map((f) => join('dist', 'test', 'e2e', f));
if (files.length === 0) {
  console.error(`test:e2e: no *.e2e.js files in ${dir}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...process.argv.slice(2), ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
