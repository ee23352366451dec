import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import { ManifestUtil } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

/** The package refused: every reason at once, each naming the setting or file to fix. */
export class TeamsPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TeamsPackageError';
  }
}

export interface TeamsPackageSettings {
  /** MicrosoftAppId: the Azure Bot registration's app id, a GUID. */
  appId: string | undefined;
  /** PUBLIC_URL: where the bot is reached over HTTPS; its host goes into the links and validDomains. */
  publicUrl: string | undefined;
  /** ORGANISATION_NAME: shown as the app's developer ("<name> IT help desk"); optional. */
  organisation?: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The icons Teams requires: a full-colour 192x192 and a 32x32 white-on-transparent outline, both PNG. */
const ICONS = { color: 192, outline: 32 } as const;
/** Zip entries get this time, so the same input always gives the same bytes (a diffable, cacheable artifact). */
const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

/** The host part of PUBLIC_URL, or a reason it cannot be used. */
function hostOf(publicUrl: string | undefined): { host: string; hostname: string } | string {
  if (!publicUrl) return 'PUBLIC_URL is missing: set it to the address Teams reaches the bot at, e.g. https://bot.example.org';
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    return `PUBLIC_URL "${publicUrl}" is not a URL: use the bot's public address, e.g. https://bot.example.org`;
  }
  if (url.protocol !== 'https:') return `PUBLIC_URL "${publicUrl}" must use https: Teams reaches bots over HTTPS only`;
  if (url.username || url.password) return 'PUBLIC_URL must not carry a user name or password';
  if (!/^[a-z0-9.-]+$/i.test(url.hostname) || !url.hostname.includes('.') || isIP(url.hostname) !== 0)
    return `PUBLIC_URL "${publicUrl}" must name a public DNS host (Teams refuses bare names and IP literals in validDomains)`;
  return { host: url.host, hostname: url.hostname };
}

/** Every string in `value` with the placeholders replaced. */
function fill(value: unknown, replace: (s: string) => string): unknown {
  if (typeof value === 'string') return replace(value);
  if (Array.isArray(value)) return value.map((v) => fill(v, replace));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, replace)]));
  return value;
}

/** Placeholders (`{{NAME}}`) anywhere in the manifest, for a clear error instead of a package Teams refuses. */
function placeholdersIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\{\{([A-Z_]+)\}\}/g)].map((m) => m[1]!);
}

/**
 * The JSON schema of a manifest version, as bundled in @microsoft/app-manifest: no network at run time.
 * The published schemas contain a `\a` escape that JSON parsers refuse; the package's own loader replaces it
 * the same way.
 */
function bundledSchema(manifestVersion: string): object | undefined {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(packageDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8').replace(/\\a/g, '\\x07')) as object;
}

/** Width and height of a PNG, from its IHDR chunk; undefined if it is not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * The Teams app package: `appPackage/manifest.json` with the app id, host and organisation filled in,
 * validated against its manifest version's schema, zipped flat with the two icons. Throws TeamsPackageError
 * naming every problem (settings, schema errors, icons).
 */
export async function buildTeamsPackage(
  appPackageDir: string,
  settings: TeamsPackageSettings,
): Promise<{ zip: Uint8Array; manifest: Record<string, unknown> }> {
  const problems: string[] = [];
  const appId = settings.appId?.trim();
  if (!appId) problems.push("MicrosoftAppId is missing: set it to the Azure Bot registration's app id (a GUID)");
  else if (!GUID.test(appId))
    problems.push(`MicrosoftAppId "${appId}" is not an app id: expected a GUID like 00000000-0000-0000-0000-000000000000`);
  const host = hostOf(settings.publicUrl?.trim());
  if (typeof host === 'string') problems.push(host);
  const organisation = settings.organisation?.trim();
  if (problems.length) throw new TeamsPackageError(problems);
  const { host: hostWithPort, hostname } = host as { host: string; hostname: string };

  const template = JSON.parse(readFileSync(path.join(appPackageDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: appId!.toLowerCase(),
    BOT_HOSTNAME: hostWithPort,
    ORGANISATION_NAME: organisation ?? '',
  };
  const manifest = fill(template, (s) =>
    s.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => values[name] ?? whole).replace(/^\s+/, ''),
  ) as Record<string, unknown>;
  // validDomains take a host name without port or scheme.
  if (Array.isArray(manifest.validDomains)) manifest.validDomains = [...new Set([hostname])];
  const left = placeholdersIn(manifest);
  if (left.length) problems.push(`appPackage/manifest.json has placeholders nothing fills: ${[...new Set(left)].join(', ')}`);

  const version = typeof manifest.manifestVersion === 'string' ? manifest.manifestVersion : '';
  const schema = bundledSchema(version);
  if (!schema) problems.push(`no bundled schema for manifestVersion "${version}" in @microsoft/app-manifest`);
  else {
    const errors = await ManifestUtil.validateManifestAgainstSchema(manifest as never, schema as never);
    for (const e of errors) problems.push(`manifest.json does not match the Teams ${version} schema: ${e}`);
  }

  const files: Record<string, Uint8Array> = { 'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  const icons = (manifest.icons ?? {}) as Record<string, unknown>;
  for (const [kind, side] of Object.entries(ICONS)) {
    const name = icons[kind];
    const file = typeof name === 'string' ? path.join(appPackageDir, name) : undefined;
    if (!file || !existsSync(file)) {
      problems.push(`the ${kind} icon ${String(name)} is missing from appPackage/`);
      continue;
    }
    const bytes = new Uint8Array(readFileSync(file));
    const size = pngSize(bytes);
    if (!size || size.width !== side || size.height !== side)
      problems.push(`the ${kind} icon ${String(name)} must be a ${side}x${side} PNG${size ? ` (it is ${size.width}x${size.height})` : ''}`);
    files[String(name)] = bytes;
  }
  if (problems.length) throw new TeamsPackageError(problems);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime: FIXED_MTIME }]])), {
    level: 9,
  });
  return { zip, manifest };
}
