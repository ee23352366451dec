/**
 * `npm run teams-package [-- --out FILE]`: builds the Teams app zip from appPackage/ with MicrosoftAppId,
 * PUBLIC_URL and ORGANISATION_NAME (from the environment or .env), validated against the manifest schema.
 * Writes dist/teams-app.zip by default; exits 1 with every problem named.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDotEnv } from '../config.js';
import { projectRoot } from '../paths.js';
import { TeamsPackageError, buildTeamsPackage } from './teamsPackage.js';

async function main(): Promise<void> {
  const root = projectRoot();
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'app-package': { type: 'string' } } });
  loadDotEnv(root);
  const out = path.resolve(root, values.out ?? 'dist/teams-app.zip');
  const { zip, manifest } = await buildTeamsPackage(path.resolve(root, values['app-package'] ?? 'appPackage'), {
    appId: process.env.MicrosoftAppId,
    publicUrl: process.env.PUBLIC_URL,
    organisation: process.env.ORGANISATION_NAME,
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, zip);
  const domains = (manifest.validDomains as string[] | undefined)?.join(', ') ?? '';
  console.log(`Teams app package written to ${path.relative(process.cwd(), out) || out}`);
  console.log(`  app id ${String(manifest.id)}, valid domains ${domains}, manifest ${String(manifest.manifestVersion)}`);
  console.log('  Upload it in Teams: Apps > Manage your apps > Upload an app > Upload a custom app.');
}

main().catch((err: unknown) => {
  console.error(err instanceof TeamsPackageError ? err.message : err);
  process.exit(1);
});
