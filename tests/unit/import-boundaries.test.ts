import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeViolation,
  findBoundaryViolations,
  importGraphOf,
  runtimeImports,
  type ImportGraph,
} from '../../scripts/lib/import-boundaries';

const ROOT = resolve(import.meta.dirname, '../..');

/** A graph from a plain description: file -> its runtime imports ('pkg:zod' for a package). */
function graphOf(edges: Record<string, string[]>): ImportGraph {
  return {
    files: () => Object.keys(edges),
    importsOf: (file) => ({
      files: (edges[file] ?? []).filter((to) => !to.startsWith('pkg:')),
      packages: (edges[file] ?? []).filter((to) => to.startsWith('pkg:')).map((to) => to.slice(4)),
    }),
  };
}

describe('import boundaries', () => {
  it('hold in this tree: content-script and shared code never reach zod, idb or background code', () => {
    const violations = findBoundaryViolations(importGraphOf(ROOT, ['extension', 'contract', 'receiver', 'demo-ehr']));
    expect(violations.map(describeViolation)).toEqual([]);
  });

  it('report content-script code that reaches zod through a shared module, with the chain', () => {
    const graph = graphOf({
      'extension/content/scanner.ts': ['extension/shared/helper.ts'],
      'extension/shared/helper.ts': ['pkg:zod'],
    });
    const messages = findBoundaryViolations(graph).map(describeViolation);
    expect(messages).toContain('content script code reaches zod: extension/content/scanner.ts → extension/shared/helper.ts');
  });

  it('report content-script code that imports a background module', () => {
    const graph = graphOf({
      'extension/entrypoints/ehr.content/index.tsx': ['extension/background/database.ts'],
      'extension/background/database.ts': ['pkg:idb'],
    });
    expect(findBoundaryViolations(graph).map(describeViolation)).toEqual([
      'content script code reaches extension/background/database.ts: extension/entrypoints/ehr.content/index.tsx → extension/background/database.ts',
    ]);
  });

  it('count only imports that survive compilation', () => {
    const source = `
      import type { A } from 'zod';
      import { type B, type C } from 'idb';
      export type { D } from '../background/x';
      import { z } from 'zod';
      import './style.css';
      export { e } from './e';
      const lazy = () => import('./later');
    `;
    expect(runtimeImports(source)).toEqual(['zod', './style.css', './e', './later']);
  });
});
