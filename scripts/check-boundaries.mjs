#!/usr/bin/env node
// Machine check of the package boundaries in DESIGN.md: imports point down only, siblings never
// import each other, and inside agents the worker never imports the coordinator. Exits 1 listing
// every forbidden import (file:line), in source, tests and package.json dependencies alike.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '..'));
const allowed = {
  cli: ['agents', 'reporters', 'deploy', 'testbed', 'jitsi', 'core'],
  agents: ['jitsi', 'core'],
  testbed: ['jitsi', 'core'],
  jitsi: ['core'],
  reporters: ['core'],
  deploy: ['core'],
  core: [],
};
const packageNameToDir = { jlt: 'cli' };
const subtreeRules = [
  { from: 'packages/agents/src/worker/', forbidden: 'packages/agents/src/coordinator/' },
];

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

function targetPackage(spec, file) {
  const scoped = /^@jlt\/([a-z-]+)/.exec(spec);
  if (scoped) return { pkg: scoped[1], path: null };
  if (spec === 'jlt' || spec.startsWith('jlt/')) return { pkg: 'cli', path: null };
  if (spec.startsWith('.')) {
    const abs = resolve(file, '..', spec);
    const rel = relative(root, abs).split(sep).join('/');
    const m = /^packages\/([^/]+)\//.exec(rel + '/');
    return m ? { pkg: m[1], path: rel } : { pkg: null, path: rel };
  }
  return null;
}

const problems = [];
const packagesDir = join(root, 'packages');
for (const dir of readdirSync(packagesDir)) {
  if (!(dir in allowed)) {
    problems.push(`packages/${dir}: not a package named in DESIGN.md; add it to scripts/check-boundaries.mjs first`);
    continue;
  }
  const pkgJson = join(packagesDir, dir, 'package.json');
  if (existsSync(pkgJson)) {
    const deps = Object.keys(JSON.parse(readFileSync(pkgJson, 'utf8')).dependencies ?? {});
    for (const dep of deps) {
      const t = targetPackage(dep, pkgJson);
      const target = t?.pkg ? packageNameToDir[dep] ?? t.pkg : null;
      if (target && target !== dir && !allowed[dir].includes(target))
        problems.push(`packages/${dir}/package.json: depends on ${dep}; ${dir} may use only [${allowed[dir].join(', ')}]`);
    }
  }
  for (const file of walk(join(packagesDir, dir))) {
    const lines = readFileSync(file, 'utf8').split('\n');
    const relFile = relative(root, file).split(sep).join('/');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        const t = targetPackage(spec, file);
        if (!t) continue;
        const where = `${relFile}:${i + 1}`;
        if (t.pkg === null) {
          problems.push(`${where}: imports ${spec}, outside any package`);
          continue;
        }
        if (t.pkg !== dir && !allowed[dir].includes(t.pkg)) {
          problems.push(`${where}: ${dir} must not import ${t.pkg} (${spec}); allowed: [${allowed[dir].join(', ')}]`);
        }
        if (t.pkg !== dir && t.path) {
          problems.push(`${where}: reaches into ${t.path} by relative path; import @jlt/${t.pkg} instead`);
        }
        for (const rule of subtreeRules) {
          if (relFile.startsWith(rule.from) && t.path?.startsWith(rule.forbidden)) {
            problems.push(`${where}: worker code must not import coordinator code (${spec})`);
          }
        }
      }
    });
  }
}

if (problems.length > 0) {
  process.stderr.write(`package boundaries violated:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('package boundaries ok\n');
