// The 2019 case in the browser: a caller at the correctional-facility site is
// refused and sees why in plain words; a vendor supervisor (ProCom) cannot
// open another vendor's site (the prime vendor's) by id; the manager's
// disclosure report shows the refused correctional site.
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS;
const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await login(page, URL, 'caller-ew-01', 'caller-password');
  await page.waitForSelector('#join-btn');
  await page.click('#join-btn');
  await page.waitForSelector('#refusal');
  const text = await page.textContent('#refusal');
  check(text.includes('You cannot take calls for this campaign from here'), 'the refused caller sees a plain refusal');
  check(/G\d+:/.test(text), `the failed gates are listed (${text.slice(0, 300)})`);
  check(await page.isHidden('#ready-btn'), 'the refused caller cannot go ready');
  await page.screenshot({ path: `${ART}/20-console-refused-site.png`, fullPage: true });
  await page.click('#logout');
  await page.waitForSelector('#login-form');

  await login(page, URL, 'procom-sup', 'vendor-password');
  await page.waitForSelector('#vendor-site');
  const own = await page.textContent('#vendor-site');
  check(own.includes('site-eddie-warrior') && own.includes('site-procom-vineland'), 'the vendor supervisor sees its own sites');
  check(!own.includes('site-prime-dc'), 'the other vendor’s site is not listed');
  await page.screenshot({ path: `${ART}/21-vendor-own-registry.png`, fullPage: true });
  await page.goto(URL + '/#/vendor/site/site-prime-dc');
  await page.waitForSelector('#record-error');
  check((await page.textContent('#record-error')).includes('Not found'), 'opening another vendor’s site by id is refused');
  const status = await page.evaluate(async () => (await fetch('/api/v1/vendor/records/site/site-prime-dc')).status);
  check(status === 404, 'the API answers 404 for another vendor’s site');
  await page.screenshot({ path: `${ART}/22-vendor-other-site-refused.png` });
  await page.goto(URL + '/#/vendor/site/site-eddie-warrior');
  await page.waitForFunction(() => document.querySelector('#record-title')?.textContent?.includes('site-eddie-warrior') && !document.querySelector('#record-error'));
  check(true, 'its own site opens');
  await page.click('#logout');
  await page.waitForSelector('#login-form');

  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');
  await page.goto(URL + '/#/disclosure');
  await page.waitForSelector('#refusal-list');
  const disc = await page.textContent('#disclosure');
  check(disc.includes('correctional facility'), 'the disclosure report shows the correctional site');
  check(disc.includes('caller-ew-01'), 'the disclosure report lists the refused caller');
  await page.screenshot({ path: `${ART}/23-disclosure-report.png`, fullPage: true });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
