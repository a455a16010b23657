// Shared Playwright set-up: Debian's Chromium, headless, a fresh profile (dependencies.md §8).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';

export async function browser() {
  const profile = mkdtempSync('/tmp/chromium-profile-');
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { ctx, close: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); } };
}

export function check(cond, what) {
  if (!cond) throw new Error(`FAIL: ${what}`);
  console.log(`ok - ${what}`);
}

export async function login(page, url, name, password) {
  await page.goto(url + '/');
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}
