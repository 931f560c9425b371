import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';

/** One built file: its size as shipped and compressed as served. */
export interface BuiltFile {
  file: string;
  raw: number;
  gzip: number;
}

/** Which part of the source a built file's bytes come from: a dependency, or a folder of ours. */
export interface Contribution {
  part: string;
  bytes: number;
}

const REPOSITORY = resolve(import.meta.dirname, '../..');

/**
 * Builds the Chromium extension as shipped (`.output/chrome-mv3`) and once more with hidden source
 * maps (`.output/bundle-report/chrome-mv3`, see wxt.config.ts) to attribute its bytes.
 */
export function buildWithReport(): void {
  execFileSync('npx', ['wxt', 'build'], { cwd: REPOSITORY, stdio: 'ignore' });
  execFileSync('npx', ['wxt', 'build'], { cwd: REPOSITORY, stdio: 'ignore', env: { ...process.env, VROEGSIGNAAL_BUNDLE_REPORT: '1' } });
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Every file of a build folder, largest first, raw and gzipped (level 9, as stores and servers do). */
export function builtFiles(buildDir: string): BuiltFile[] {
  return walk(buildDir)
    .filter((path) => !path.endsWith('.map'))
    .map((path) => {
      const content = readFileSync(path);
      return { file: relative(buildDir, path), raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
    })
    .sort((a, b) => b.raw - a.raw);
}

/** The package a source belongs to (`preact`, `@wxt-dev/browser`), or our folder (`extension/content`). */
export function partOf(source: string): string {
  const path = source.replaceAll('\\', '/');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules !== -1) {
    const [scope, name] = path.slice(inModules + 'node_modules/'.length).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  const own = relative(REPOSITORY, resolve(path)).split('/');
  return own[0] === 'extension' && own.length > 2 ? `${own[0]}/${own[1]}` : own.slice(0, own.length > 1 ? 1 : 0).join('/') || path;
}

/**
 * How many bytes of a built script each source part contributes, read from its source map: every
 * generated character up to the next mapping belongs to the source of the mapping before it.
 * Characters before any mapping on a line (the bundler's own glue) count as "(bundler)".
 */
export function contributions(script: string, sourceMap: { sources: string[]; mappings: string }, mapDir: string): Contribution[] {
  const lines = script.split('\n');
  const totals = new Map<string, number>();
  const add = (part: string, bytes: number) => bytes > 0 && totals.set(part, (totals.get(part) ?? 0) + bytes);
  const parts = sourceMap.sources.map((source) => partOf(resolve(mapDir, source)));
  decode(sourceMap.mappings).forEach((segments, lineIndex) => {
    const line = lines[lineIndex] ?? '';
    const length = Buffer.byteLength(line) + (lineIndex < lines.length - 1 ? 1 : 0);
    let column = 0;
    let part = '(bundler)';
    for (const segment of segments) {
      add(part, Buffer.byteLength(line.slice(column, segment[0])));
      column = segment[0];
      part = segment.length >= 4 ? parts[segment[1]!]! : '(bundler)';
    }
    add(part, length - Buffer.byteLength(line.slice(0, column)));
  });
  return [...totals].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Every built script of a build made with hidden source maps, with what each part contributes. */
export function scriptContributions(buildDir: string): Record<string, Contribution[]> {
  const result: Record<string, Contribution[]> = {};
  for (const path of walk(buildDir).filter((candidate) => candidate.endsWith('.js'))) {
    const mapPath = `${path}.map`;
    let map: { sources: string[]; mappings: string };
    try {
      map = JSON.parse(readFileSync(mapPath, 'utf8')) as typeof map;
    } catch {
      continue;
    }
    result[relative(buildDir, path)] = contributions(readFileSync(path, 'utf8'), map, resolve(mapPath, '..'));
  }
  return result;
}
