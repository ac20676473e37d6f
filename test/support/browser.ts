import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { demoPassword } from '../../src/demo/seed';
import { webDistDir } from '../../src/embedded/web-build';

/** Debian's Chromium (scripts/setup.sh installs it), driven by playwright-core: no browser download. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-dev-shm-usage'] });
}

export const desktop = { width: 1366, height: 900 };
export const phone = { width: 390, height: 844 };

/** A browser context per user (its own cookies), with what the page logs that looks like a problem collected. */
export async function newUserContext(browser: Browser, baseURL: string, viewport = desktop, options: { bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ baseURL, viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
  const problems: string[] = [];
  context.on('page', (page) => watch(page, problems));
  return { context, problems };
}

function watch(page: Page, problems: string[]) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}

/** Signs in through the login page, as a person would. */
export async function signIn(page: Page, username: string, path = '/') {
  await page.goto(path);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(demoPassword);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByRole('button', { name: '退出' }).waitFor();
}

export async function signedInPage(context: BrowserContext, username: string, path = '/') {
  const page = await context.newPage();
  await signIn(page, username, path);
  return page;
}

/** Screenshots for review, in a git-ignored folder. */
export const screenshotDir = path.resolve(__dirname, '../../test-results/screenshots');
/**
 * Clicks `button` until `answer` shows: on a loaded machine a click can land while a dialog is still opening and do
 * nothing, so one click and a wait would fail a test the app passes.
 */
export async function clickUntil(button: Locator, answer: Locator, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await button.click();
    if (await answer.waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
    if (attempt === attempts) throw new Error(`nothing answered ${attempts} clicks: waited for ${answer.toString()}`);
  }
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** axe-core's serious and critical violations on the page as it is now (the context must bypass CSP to inject it). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // A string, evaluated in the page: this project's Node typings know no DOM.
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as {
    id: string;
    impact: string;
    help: string;
    targets: string[];
  }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

/** The page's width beyond the viewport: 0 when nothing makes the page itself scroll sideways. */
export const horizontalOverflow = (page: Page) => page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>;

/** The elements that reach past the viewport's right edge (tag.class and right edge), to say what overflows. */
export const overflowingElements = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').slice(0, 2).join('.') + ' right=' + Math.round(e.getBoundingClientRect().right))`) as Promise<string[]>;

/** What the login page loads before anyone signs in: index.html's scripts and their module preloads, gzipped. */
export function loginPageInitialJsGzipBytes(): { bytes: number; files: string[] } {
  const html = fs.readFileSync(path.join(webDistDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(webDistDir, f)), { level: 9 }).length, 0);
  return { bytes, files };
}
