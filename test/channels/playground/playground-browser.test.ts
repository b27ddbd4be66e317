import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/compose-app.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { dmText, KINGSMEAD_PLAN_ANSWERS, newDataDir, PlaygroundClient, startPlayground } from './playground-client.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(import.meta.dirname, '../../../docs/playground.png');

let db: TestDatabase;
let app: RunningApp;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await newDataDir();
  app = await startPlayground(db.url, dataDir, fixedClock('2026-11-23T15:00:00Z'));
});
afterAll(async () => {
  await app?.close();
  await db.drop();
});

it('a visitor reflects and plans as a teacher, agrees the plan as the line manager, moves the clock past a deadline and sees the reminder (001)', async () => {
  if (!existsSync(CHROMIUM)) {
    // Said plainly, not skipped: the same scenario still runs through the page's JSON API below.
    console.warn(`\n*** The playground BROWSER test did NOT run: there is no Chromium at ${CHROMIUM} (apt-get install chromium). Running the scenario through the JSON API instead. ***\n`);
    await scenarioThroughApi(new PlaygroundClient(app.server.url));
    return;
  }
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(app.server.url);
    await actAs(page, 'Tom Baker');
    await type(page, 'Message Trellis', 'reflect');
    await expect.poll(() => page.locator('#side-title').textContent()).toMatch(/^Self-reflection/);
    await finishThread(page, ['Relationships with pupils', 'Adaptive teaching', 'Questioning'], /self-reflection is saved/);

    await type(page, 'Message Trellis', '/growth plan');
    await expect.poll(() => page.locator('#side-title').textContent()).toMatch(/growth plan/i);
    await finishThread(page, KINGSMEAD_PLAN_ANSWERS, /submitted to Mo for agreement/);

    await actAs(page, 'Mo Ahmed');
    await expect.poll(() => page.locator('#dm-messages').textContent()).toMatch(/Tom Baker has submitted their growth plan/);
    await type(page, 'Message Trellis', 'agree');
    await finishThread(page, ['Great plan — go for it'], /Agreed — I’ve told Tom/);
    const plan = await db.prisma.growthPlan.findFirstOrThrow({ where: { person: { fullName: 'Tom Baker' } } });
    expect(plan.status).toBe('agreed');

    // Sam has done nothing: jump to the reflection deadline, then past it, day by day.
    await actAs(page, 'Sam Lewis');
    await page.getByRole('button', { name: 'Jump to next deadline' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Next deadline: Reflection on the Teachers’ Standards, due 2026-10-1\d\.$/);
    await expect.poll(() => page.locator('#dm-messages').textContent()).toMatch(/due today · due 2026-10-1\d/);
    for (let day = 0; day < 6 && !(await page.locator('#dm-messages .state-overdue').count()); day++) {
      await page.getByRole('button', { name: 'Next school day' }).click();
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Next school day: /);
      await idle(page);
    }
    await expect.poll(() => page.locator('#dm-messages .card.digest').last().textContent()).toMatch(/\d overdue\)Reflection on the Teachers’ Standards.*overdue · due 2026-10-1\d/);
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: join(dataDir, 'playground.png') });
    await copyFile(join(dataDir, 'playground.png'), SCREENSHOT);
  } finally {
    await browser.close();
  }
}, 90_000);

/** The page marks itself busy while a request is in flight (evaluated in the browser, hence a string). */
function idle(page: Page): Promise<unknown> {
  return page.waitForFunction('!document.body.hasAttribute("aria-busy")');
}

async function actAs(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect.poll(() => page.locator('#dm-title').textContent()).toBe(`Trellis — DM with ${name}`);
}

async function type(page: Page, label: string, text: string): Promise<void> {
  await page.getByLabel(label).fill(text);
  await page.getByLabel(label).press('Enter');
  await idle(page);
}

/** Answers the open thread as a visitor would: clicks Submit or the first button, else types the next answer. */
async function finishThread(page: Page, answers: readonly string[], done: RegExp): Promise<void> {
  const queue = [...answers];
  const thread = page.locator('#thread-messages');
  for (let turn = 0; turn < 60; turn++) {
    await idle(page);
    if (done.test((await thread.textContent()) ?? '')) return;
    const before = await thread.locator('> li').count();
    const buttons = thread.locator('> li').last().locator('.buttons button:enabled');
    if ((await buttons.count()) > 0) {
      const submit = buttons.filter({ hasText: /^Submit/ });
      await ((await submit.count()) > 0 ? submit.first() : buttons.first()).click();
    } else {
      await type(page, 'Reply in thread', queue.shift() ?? 'Working on it this term');
    }
    await expect.poll(() => thread.locator('> li').count()).toBeGreaterThan(before);
  }
  throw new Error(`the thread did not finish: ${await thread.textContent()}`);
}

async function scenarioThroughApi(client: PlaygroundClient): Promise<void> {
  const tom = await client.personId('Tom Baker');
  const mo = await client.personId('Mo Ahmed');
  const sam = await client.personId('Sam Lewis');
  await client.finishDialog(tom, (await client.say(tom, 'dm', 'reflect')).openThread!, ['Relationships with pupils', 'Adaptive teaching', 'Questioning'], /self-reflection is saved/);
  await client.finishDialog(tom, (await client.say(tom, 'dm', '/growth plan')).openThread!, KINGSMEAD_PLAN_ANSWERS, /submitted to Mo for agreement/);
  await client.finishDialog(mo, (await client.say(mo, 'dm', 'agree')).openThread!, ['Great plan — go for it'], /Agreed — I’ve told Tom/);
  expect((await db.prisma.growthPlan.findFirstOrThrow({ where: { personId: tom } })).status).toBe('agreed');
  await client.clock({ action: 'next-deadline' });
  for (let day = 0; day < 6 && !/\(overdue, due /.test(dmText(await client.threads(sam))); day++) await client.clock({ action: 'next-school-day' });
  expect(dmText(await client.threads(sam))).toMatch(/Reflection on the Teachers’ Standards \(overdue, due 2026-10-1\d\)/);
}
