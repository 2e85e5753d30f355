/**
 * Debian chromium through playwright-core: never a downloaded browser. `.ci/run` installs the
 * `chromium` package with apt-get; where /usr/bin/chromium is absent the browser tests skip and
 * say why. Every page gets a request guard: anything not addressed to 127.0.0.1 (a CDN, a web
 * font) is aborted and recorded, so a test can assert the page needs no internet.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_REASON = `skipped: ${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium; .ci/run does)`;

export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface GuardedPage {
  readonly page: Page;
  /** Requests the page tried to make to anything but loopback (aborted). */
  readonly external: string[];
  /** Uncaught page errors. */
  readonly errors: string[];
}

export async function guardedPage(browser: Browser, width = 1400, height = 1000): Promise<GuardedPage> {
  const page = await browser.newPage({ viewport: { width, height } });
  const external: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(url) || url.startsWith('data:') || url.startsWith('about:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, external, errors };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return `${ARTIFACTS}/${name}`;
}

/** Reads data-value of a data-testid element as a number (null when empty). */
export async function testValue(page: Page, testid: string): Promise<number | null> {
  const v = await page.getAttribute(`[data-testid="${testid}"]`, 'data-value');
  return v === null || v === '' ? null : Number(v);
}

export async function testText(page: Page, testid: string): Promise<string> {
  return (await page.textContent(`[data-testid="${testid}"]`)) ?? '';
}

/** Polls `check` (in Node, through playwright calls) every 200 ms until it holds; throws after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** data-points of a scope (known samples of its first trace). */
export async function scopePoints(page: Page, scope: string): Promise<number> {
  return Number((await page.getAttribute(`[data-testid="scope-${scope}"]`, 'data-points')) ?? '0');
}
