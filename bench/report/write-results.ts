import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** bench/results/<timestamp>.json: everything a run measured, kept per run (`--from` renders it again). */
export function writeRunData(directory: string, startedAt: Date, data: unknown): string {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

/** bench/results/latest.md and latest.svg, replaced by every run. */
export function writeReport(directory: string, markdown: string, svg: string): string[] {
  mkdirSync(directory, { recursive: true });
  const files = [join(directory, 'latest.md'), join(directory, 'latest.svg')];
  writeFileSync(files[0]!, markdown);
  writeFileSync(files[1]!, svg);
  return files;
}
