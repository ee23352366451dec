import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/**
 * Opens a lowdb JSON file, creating its folder. Not lowdb's JSONFilePreset: that silently swaps in an
 * in-memory adapter whenever NODE_ENV=test, which would make our persistence tests test nothing.
 */
export async function openJsonFile<T>(file: string, defaults: T): Promise<Low<T>> {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Low<T>(new JSONFile<T>(file), defaults);
  await db.read();
  return db;
}
