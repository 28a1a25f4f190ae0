// Enforces the import rules of DESIGN.md over src/: imports point down the layers only, the
// host side (host/, ftl/, nbd/) never reaches into device internals (controller/, media/), and
// a layer is entered through its index.ts. Run as a script it prints violations and exits 1.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bottom to top: a layer may import only layers listed before it. */
export const LAYERS = ['spec', 'media', 'controller', 'transport', 'host', 'ftl', 'nbd', 'web', 'server', 'cli'] as const;
export type Layer = (typeof LAYERS)[number];

/** Edges that the order would allow but the design forbids. */
export const FORBIDDEN: Readonly<Partial<Record<Layer, readonly Layer[]>>> = {
  host: ['controller', 'media'],
  ftl: ['controller', 'media'],
  nbd: ['controller', 'media'],
};

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const IMPORT_RE = /(?:^|[^\w.])(?:import|export)\s*(?:type\s+)?(?:[\w*{}\s,]*?\s*from\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function layerOf(srcDir: string, file: string): string | undefined {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..')) return undefined;
  const first = rel.split(sep)[0];
  return first === rel ? undefined : first;
}

/** Returns every rule broken by an import in srcDir's TypeScript files. */
export function checkLayers(srcDir: string): Violation[] {
  const violations: Violation[] = [];
  const rank = new Map<string, number>(LAYERS.map((l, i) => [l, i]));
  for (const file of listTs(srcDir)) {
    const from = layerOf(srcDir, file);
    const relFile = relative(srcDir, file);
    if (from === undefined || !rank.has(from)) {
      violations.push({ file: relFile, line: 1, specifier: '', rule: `file is outside the layers (${LAYERS.join(', ')})` });
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined || !spec.startsWith('.')) continue;
      const line = text.slice(0, m.index).split('\n').length;
      const target = resolve(dirname(file), spec);
      const to = layerOf(srcDir, target);
      const report = (rule: string) => violations.push({ file: relFile, line, specifier: spec, rule });
      if (to === undefined || !rank.has(to)) {
        report('imports from outside src/ layers');
        continue;
      }
      if (to === from) continue;
      if (rank.get(to)! > rank.get(from)!) report(`${from}/ may not import ${to}/ (imports point down only)`);
      else if (FORBIDDEN[from as Layer]?.includes(to as Layer)) report(`${from}/ is host side and may not import device internals in ${to}/`);
      if (relative(join(srcDir, to), target) !== 'index.js') report(`enter ${to}/ through ${to}/index.js, not ${relative(srcDir, target)}`);
    }
  }
  return violations;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
  const violations = checkLayers(srcDir);
  for (const v of violations) console.error(`src/${v.file}:${v.line}: '${v.specifier}': ${v.rule}`);
  if (violations.length > 0) {
    console.error(`check-layers: ${violations.length} violation(s) of the layer rules in DESIGN.md`);
    process.exit(1);
  }
  console.log('check-layers: imports follow the layer rules');
}
