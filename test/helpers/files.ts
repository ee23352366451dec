import fs from 'node:fs';
import path from 'node:path';

/** Every file below a folder (the embedded store keeps one document per conversation or ticket). */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** All of a store folder's bytes as text, to prove what never reached the disk. */
export function rawTextUnder(dir: string): string {
  return filesUnder(dir)
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}
