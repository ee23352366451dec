/**
 * `npm run teams-package`: the Teams app zip built from appPackage/ with the app id and host filled in from the
 * settings, validated against the manifest schema bundled in @microsoft/app-manifest (no network), and refused
 * with every problem named when a setting is missing or wrong.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { TeamsPackageError, buildTeamsPackage, pngSize } from '../src/teams/teamsPackage.js';
import { tempDir } from './helpers/botHarness.js';

const APP_PACKAGE = path.join(projectRoot(), 'appPackage');
const APP_ID = '2f6c1a7e-8b3d-4c9a-9e21-5d7f0b4a6c13';
const good = { appId: APP_ID, publicUrl: 'https://bot.contoso.com', organisation: 'Contoso' };

async function problemsOf(dir: string, settings: Parameters<typeof buildTeamsPackage>[1]): Promise<string[]> {
  try {
    await buildTeamsPackage(dir, settings);
  } catch (err) {
    if (err instanceof TeamsPackageError) return err.problems;
    throw err;
  }
  throw new Error('the package was built');
}

describe('the Teams app package', () => {
  it('zips the filled-in manifest and the two icons, flat, with no placeholder left', async () => {
    const { zip } = await buildTeamsPackage(APP_PACKAGE, good);
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as Record<string, any>;
    expect(manifest).toMatchObject({
      id: APP_ID,
      manifestVersion: '1.17',
      developer: {
        name: 'Contoso IT help desk',
        websiteUrl: 'https://bot.contoso.com/',
        privacyUrl: 'https://bot.contoso.com/privacy',
        termsOfUseUrl: 'https://bot.contoso.com/terms',
      },
      bots: [{ botId: APP_ID }],
      validDomains: ['bot.contoso.com'],
    });
    expect(JSON.stringify(manifest)).not.toContain('{{');
    expect(files['color.png']).toEqual(new Uint8Array(fs.readFileSync(path.join(APP_PACKAGE, 'color.png'))));
    expect(pngSize(files['outline.png']!)).toEqual({ width: 32, height: 32 });
    // Same settings, same bytes.
    expect((await buildTeamsPackage(APP_PACKAGE, good)).zip).toEqual(zip);
  });

  it('keeps a port out of validDomains and drops the organisation prefix when none is set', async () => {
    const { manifest } = await buildTeamsPackage(APP_PACKAGE, { appId: APP_ID.toUpperCase(), publicUrl: 'https://bot.contoso.com:8443/' });
    expect(manifest).toMatchObject({
      id: APP_ID,
      validDomains: ['bot.contoso.com'],
      developer: { name: 'IT help desk', websiteUrl: 'https://bot.contoso.com:8443/' },
    });
  });

  it('names every missing or wrong setting', async () => {
    expect(await problemsOf(APP_PACKAGE, { appId: undefined, publicUrl: '' })).toEqual([
      expect.stringMatching(/^MicrosoftAppId is missing/),
      expect.stringMatching(/^PUBLIC_URL is missing/),
    ]);
    expect(await problemsOf(APP_PACKAGE, { appId: 'my-bot', publicUrl: 'http://bot.contoso.com' })).toEqual([
      expect.stringMatching(/^MicrosoftAppId "my-bot" is not an app id/),
      expect.stringMatching(/must use https/),
    ]);
    expect(await problemsOf(APP_PACKAGE, { appId: APP_ID, publicUrl: 'https://10.0.0.5' })).toEqual([
      expect.stringMatching(/public DNS host/),
    ]);
    expect(await problemsOf(APP_PACKAGE, { appId: APP_ID, publicUrl: 'not a url' })).toEqual([expect.stringMatching(/is not a URL/)]);
  });

  it('validates against the manifest schema and checks the icons', async () => {
    // developer.name is at most 32 characters in the 1.17 schema.
    expect(await problemsOf(APP_PACKAGE, { ...good, organisation: 'The Very Long Name of an Organisation' })).toEqual([
      expect.stringMatching(/does not match the Teams 1\.17 schema: \/developer\/name must NOT have more than 32 characters/),
    ]);
    const dir = tempDir('mfa-apppackage-');
    fs.cpSync(APP_PACKAGE, dir, { recursive: true });
    fs.copyFileSync(path.join(APP_PACKAGE, 'color.png'), path.join(dir, 'outline.png'));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    manifest.accentColor = '{{ACCENT}}';
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const problems = await problemsOf(dir, good);
    expect(problems).toContainEqual(expect.stringMatching(/placeholders nothing fills: ACCENT/));
    expect(problems).toContainEqual(expect.stringMatching(/outline icon outline\.png must be a 32x32 PNG \(it is 192x192\)/));
  });

  it('npm run teams-package writes the zip, or exits 1 naming the problem', async () => {
    const run = promisify(execFile);
    const out = path.join(tempDir('mfa-teams-zip-'), 'teams-app.zip');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      MicrosoftAppId: APP_ID,
      PUBLIC_URL: 'https://bot.contoso.com',
    };
    const cli = [process.execPath, ['--import', 'tsx', 'src/teams/teamsPackageCli.ts', '--out', out]] as const;
    const ok = await run(cli[0], [...cli[1]], { cwd: projectRoot(), env });
    expect(ok.stdout).toContain('Teams app package written');
    expect(Object.keys(unzipSync(new Uint8Array(fs.readFileSync(out))))).toContain('manifest.json');
    const failed = await run(cli[0], [...cli[1]], { cwd: projectRoot(), env: { ...env, MicrosoftAppId: '' } }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('MicrosoftAppId is missing');
  }, 30_000);
});
