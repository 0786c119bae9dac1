import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The strictest settings a client project may use: a generated client must compile under all of them. */
export const STRICTEST: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  erasableSyntaxOnly: true,
  isolatedDeclarations: true,
  declaration: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: true,
  noEmit: true,
};

/**
 * Type-checks `files` (name → source) under STRICTEST, with the workspace's @stomp/stompjs; returns
 * the diagnostics as `file:line message`. The files stay in memory, as if in a folder of their own
 * beside this one (so node_modules resolves) with a package.json of an ES module.
 */
export function diagnosticsOf(files: Record<string, string>): string[] {
  const folder = fileURLToPath(new URL('./__generated__', import.meta.url));
  const virtual = new Map(Object.entries({ ...files, 'package.json': '{"type":"module"}' }).map(([name, text]) => [join(folder, name), text]));
  const host = ts.createCompilerHost(STRICTEST);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.directoryExists = (directory) => directory === folder || (directoryExists?.call(host, directory) ?? true);
  host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const text = virtual.get(file);
    return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(folder, name)),
    STRICTEST,
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName.slice(folder.length + 1)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

