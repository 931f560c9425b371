/**
 * Checks that code only imports what may run where it runs. The folders under `extension/` are named
 * after their runtime (background, content, pages, shared) and `contract/` is shared with the
 * receiver; this follows every import that survives compilation (type-only imports are erased)
 * from each folder and reports what it may not reach.
 *
 *   npx tsx scripts/lib/import-boundaries.ts     # prints violations, exits 1 when there are any
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One runtime context: the files that belong to it and what none of them may reach. */
export interface BoundaryRule {
  name: string;
  /** Root-relative folders (or files) whose code runs in this context. */
  roots: string[];
  /** Packages that must not be reachable (e.g. zod, idb). */
  forbiddenPackages: string[];
  /** Root-relative folders that must not be reachable. */
  forbiddenFolders: string[];
}

/** A runtime import that crosses a boundary: the chain of files that leads to it. */
export interface BoundaryViolation {
  rule: string;
  reached: string;
  chain: string[];
}

/** Where a source file's runtime imports lead: other files (root-relative) and bare packages. */
export interface ImportGraph {
  files(): string[];
  importsOf(file: string): { files: string[]; packages: string[] };
}

export const RULES: BoundaryRule[] = [
  {
    name: 'content script',
    roots: ['extension/content', 'extension/entrypoints/ehr.content', 'extension/entrypoints/teach.content', 'extension/entrypoints/probe.content'],
    forbiddenPackages: ['zod', 'idb', '@electric-sql/pglite'],
    forbiddenFolders: ['extension/background', 'extension/pages', 'extension/entrypoints/background.ts', 'receiver', 'demo-ehr'],
  },
  {
    name: 'shared code',
    roots: ['extension/shared', 'contract'],
    forbiddenPackages: ['zod', 'idb', '@electric-sql/pglite', 'preact', 'wxt'],
    forbiddenFolders: ['extension/background', 'extension/content', 'extension/pages', 'extension/entrypoints', 'receiver', 'demo-ehr'],
  },
  {
    name: 'extension pages',
    roots: ['extension/pages', 'extension/entrypoints/options', 'extension/entrypoints/sidebar'],
    forbiddenPackages: ['idb', '@electric-sql/pglite'],
    forbiddenFolders: ['extension/background', 'extension/content', 'receiver', 'demo-ehr'],
  },
  {
    name: 'background',
    roots: ['extension/background', 'extension/entrypoints/background.ts'],
    forbiddenPackages: ['preact', '@electric-sql/pglite'],
    forbiddenFolders: ['extension/content', 'extension/pages', 'receiver', 'demo-ehr'],
  },
];

const SOURCE_EXTENSIONS = ['.ts', '.tsx'];

/** Module specifiers that stay in the compiled code: type-only imports and exports are left out. */
export function runtimeImports(sourceText: string, fileName = 'file.ts'): string[] {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause !== undefined && !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) found.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (!statement.isTypeOnly) found.push(statement.moduleSpecifier.text);
    }
  }
  // Dynamic import() is how lazy-loaded code is reached: it counts too.
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) found.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The import graph of the TypeScript sources below `root` (node_modules and build output left out). */
export function importGraphOf(root: string, folders: string[]): ImportGraph {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts')) files.push(relative(root, path));
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  const known = new Set(files);

  const resolveFile = (from: string, specifier: string): string | null => {
    const base = resolve(root, dirname(from), specifier.replace(/\.js$/, ''));
    for (const candidate of [base, ...SOURCE_EXTENSIONS.map((ext) => base + ext), ...SOURCE_EXTENSIONS.map((ext) => join(base, `index${ext}`))]) {
      const rel = relative(root, candidate);
      if (known.has(rel)) return rel;
    }
    const rel = relative(root, base);
    // JSON, CSS and other assets are files too: they count as reachable, as themselves.
    return existsSync(base) && statSync(base).isFile() ? rel : null;
  };

  return {
    files: () => files,
    importsOf(file) {
      const result = { files: [] as string[], packages: [] as string[] };
      if (!known.has(file)) return result;
      for (const specifier of runtimeImports(readFileSync(join(root, file), 'utf8'), file)) {
        if (specifier.startsWith('.')) {
          const target = resolveFile(file, specifier);
          if (target) result.files.push(target);
        } else {
          result.packages.push(packageName(specifier));
        }
      }
      return result;
    },
  };
}

function isInside(file: string, folder: string): boolean {
  return file === folder || file.startsWith(`${folder}/`);
}

/** Every forbidden file or package each rule's code reaches, with the import chain that reaches it. */
export function findBoundaryViolations(graph: ImportGraph, rules: BoundaryRule[] = RULES): BoundaryViolation[] {
  const violations: BoundaryViolation[] = [];
  for (const rule of rules) {
    const starts = graph.files().filter((file) => rule.roots.some((root) => isInside(file, root)));
    const cameFrom = new Map<string, string | null>(starts.map((file) => [file, null]));
    const queue = [...starts];
    const chainTo = (file: string): string[] => {
      const chain: string[] = [];
      for (let at: string | null | undefined = file; at; at = cameFrom.get(at)) chain.unshift(at);
      return chain;
    };
    const reported = new Set<string>();
    while (queue.length > 0) {
      const file = queue.shift()!;
      const { files, packages } = graph.importsOf(file);
      for (const pkg of packages) {
        if (rule.forbiddenPackages.includes(pkg) && !reported.has(pkg)) {
          reported.add(pkg);
          violations.push({ rule: rule.name, reached: pkg, chain: chainTo(file) });
        }
      }
      for (const target of files) {
        if (cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        const folder = rule.forbiddenFolders.find((forbidden) => isInside(target, forbidden));
        if (folder) {
          if (!reported.has(target)) {
            reported.add(target);
            violations.push({ rule: rule.name, reached: target, chain: chainTo(target) });
          }
          continue;
        }
        queue.push(target);
      }
    }
  }
  return violations;
}

/** One line per violation: which context reaches what, through which files. */
export function describeViolation(violation: BoundaryViolation): string {
  return `${violation.rule} code reaches ${violation.reached}: ${violation.chain.join(' → ')}`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, '../..');
  const violations = findBoundaryViolations(importGraphOf(root, ['extension', 'contract', 'receiver', 'demo-ehr']));
  for (const violation of violations) console.error(describeViolation(violation));
  console.log(violations.length === 0 ? 'import boundaries: ok' : `import boundaries: ${violations.length} violation(s)`);
  process.exit(violations.length === 0 ? 0 : 1);
}
