/**
 * Which part of the code may import which (issue 17): the agent and the hub are two programs on two
 * machines that share code only through shared/, so neither imports the other and shared/ imports
 * neither; the dashboard (hub/web/src) runs in a browser, so besides its own modules and shared/ it
 * takes only hub modules marked pure (a `@pure` tag in the module's opening comment), which in turn
 * import nothing but shared/ and other pure modules. Type-only imports cost the bundle nothing (they
 * are erased), so the dashboard may take types from anywhere in hub/. scripts/, test/, demo/ and
 * bench/ compose the programs and stand outside these rules.
 *
 * Imports are read with TypeScript's own parser: static imports, `export … from`, and `import()`
 * with a literal specifier.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

export interface ImportRef {
  specifier: string;
  /** Erased when compiled: `import type`, or every named binding marked `type`. */
  typeOnly: boolean;
  line: number;
}

export interface SourceFile {
  /** Relative to the repository's root, with `/`. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

function declarationIsTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return (
      !!clause &&
      ts.isNamedExports(clause) &&
      clause.elements.length > 0 &&
      clause.elements.every((e) => e.isTypeOnly)
    );
  }
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'`: run for its effects
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** Every module `text` imports, with whether the import survives compilation. */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) {
        refs.push({
          specifier: node.moduleSpecifier.text,
          typeOnly: declarationIsTypeOnly(node),
          line: lineOf(node),
        });
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg))
        refs.push({ specifier: arg.text, typeOnly: false, line: lineOf(node) });
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) {
        refs.push({ specifier: arg.literal.text, typeOnly: true, line: lineOf(node) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

/** A line of the comment that opens the module (before its first statement) starts with the tag `@pure`. */
export function isMarkedPure(text: string): boolean {
  const opening = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  return !!opening?.[1] && /^\s*\*?\s*@pure\b/m.test(opening[1]);
}

type Area = 'agent' | 'hub' | 'web' | 'shared' | 'other';

function areaOf(file: string): Area {
  if (file.startsWith('hub/web/src/')) return 'web';
  if (file.startsWith('hub/')) return 'hub';
  if (file.startsWith('agent/')) return 'agent';
  if (file.startsWith('shared/')) return 'shared';
  return 'other';
}

const nodeBuiltins = new Set(builtinModules);
const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || nodeBuiltins.has(specifier.split('/')[0] ?? '');

/** The repository path a relative specifier names (`./x.js` is the source `./x.ts`); null for a package. */
function target(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return resolved.replace(/\.js$/, '.ts');
}

const RULES = {
  agentHub: 'agent/ must not import hub/: the two programs share code only through shared/',
  hubAgent: 'hub/ must not import agent/: the two programs share code only through shared/',
  shared: 'shared/ must not import hub/ or agent/: both programs use it',
  web: 'the dashboard (hub/web/src) may import only its own modules, shared/ and hub modules marked @pure (types from anywhere in hub/)',
  pure: 'a module marked @pure may import only shared/ and other @pure modules: the dashboard bundles it',
  browserNode: 'the dashboard runs in a browser: it must not import a Node module',
};

/** Every import in `files` that crosses a boundary, with the rule it breaks. */
export function boundaryViolations(files: readonly SourceFile[]): Violation[] {
  const pure = new Set(files.filter((f) => isMarkedPure(f.text)).map((f) => f.path));
  const violations: Violation[] = [];
  for (const file of files) {
    const from = areaOf(file.path);
    if (from === 'other') continue;
    const markedPure = pure.has(file.path);
    for (const ref of importsOf(file.path, file.text)) {
      const fail = (rule: string) =>
        violations.push({ file: file.path, line: ref.line, specifier: ref.specifier, rule });
      const to = target(file.path, ref.specifier);
      const toArea = to === null ? null : areaOf(to);
      if (from === 'agent' && (toArea === 'hub' || toArea === 'web')) fail(RULES.agentHub);
      else if ((from === 'hub' || from === 'web') && toArea === 'agent') fail(RULES.hubAgent);
      else if (from === 'shared' && (toArea === 'hub' || toArea === 'web' || toArea === 'agent'))
        fail(RULES.shared);
      else if (from === 'web' && !ref.typeOnly) {
        if (to === null) {
          if (isNodeBuiltin(ref.specifier)) fail(RULES.browserNode);
        } else if (toArea !== 'web' && toArea !== 'shared' && !pure.has(to)) fail(RULES.web);
      } else if (markedPure && from === 'hub' && !ref.typeOnly) {
        if (to === null || (toArea !== 'shared' && !pure.has(to))) fail(RULES.pure);
      }
    }
  }
  return violations;
}

/** The TypeScript sources under `dirs` of `root`, as the checker reads them. */
export function readSources(
  root: string,
  dirs: readonly string[] = ['agent', 'hub', 'shared'],
): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && rel !== 'hub/web/static') walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push({ path: rel, text: readFileSync(path.join(root, rel), 'utf8') });
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return files;
}

/** One line per violation, for a failing test's message. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} imports '${v.specifier}': ${v.rule}`).join('\n');
}
