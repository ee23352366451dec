import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { tempDir } from '../helpers/botHarness.js';
import { launchChromium, skipBrowserTests } from '../helpers/browser.js';
import { writeAuditReport } from './helpers/axe.js';
import { screenshot } from './helpers/pages.js';
import { adminJourney } from './journeys/admin.js';
import { agentJourney } from './journeys/agent.js';
import { userJourney } from './journeys/user.js';
import { ADMIN_TOKEN, AGENT_TOKEN, DEVICES, type World } from './journeys/world.js';

// The product as its three users see it, in Chromium against the real server (fresh store, ephemeral port):
// the end user in Web Chat, an agent in /agent, an admin in /admin. The same journeys run on a desktop window
// and on a phone-sized screen, one after the other on one server; each leaves screenshots behind.

describe.skipIf(skipBrowserTests)("the three users' journeys in Chromium", () => {
  let app: App;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir('journeys-');
    app = await startApp(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        AGENT_TOKENS: `alice:${AGENT_TOKEN}`,
        ADMIN_TOKENS: `carol:${ADMIN_TOKEN}`,
      }),
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await writeAuditReport('journeys');
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  DEVICES.forEach((device, earlierRuns) => {
    describe.sequential(`on a ${device.name}`, () => {
      const world = {} as World;
      beforeAll(() => void Object.assign(world, { app, browser, device, earlierRuns }));
      // A failed step leaves pictures of both pages, to see what a person would have seen at that moment.
      beforeEach(() => {
        onTestFailed(async () => {
          if (world.user) await screenshot(world.user.page, `failed-${device.name}-user`).catch(() => undefined);
          if (world.agent) await screenshot(world.agent.page, `failed-${device.name}-agent`).catch(() => undefined);
        });
      });
      afterAll(async () => {
        await world.user?.context.close();
        await world.agent?.context.close();
      });

      it('1. the user describes the problem, follows the steps, fills the ticket and gets its id and queue place', async () => {
        await userJourney(world);
      });

      it('2. the agent finds the ticket first, claims it, chats with the user and resolves; the user rates', async () => {
        expect(world.user?.ticketId, 'journey 1 must have opened a ticket').toBeTruthy();
        await agentJourney(world);
        expect(world.agent!.problems).toEqual([]);
        expect(world.agent!.offsite).toEqual([]);
      });

      it('3. the admin finds the conversation, reads it masked, exports CSV and sees it in the analytics', async () => {
        expect(world.user?.conversationId, 'journey 1 must have opened a ticket').toBeTruthy();
        await adminJourney(world);
        expect(world.user!.problems).toEqual([]);
        expect(world.user!.offsite).toEqual([]);
      });
    });
  });
});
