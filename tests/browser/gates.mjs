// The 2019 case in the browser: a caller at the correctional-facility site is
// refused and sees why in plain words; a vendor supervisor (ProCom) cannot
// open another vendor's site (the prime vendor's) by id; the manager's
// disclosure report shows the refused correctional site and every finding
// (per payee and per site), the wage behind each site and the engagement
// dates; the registry lists every kind of record.
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
  // The findings, per payee and per site, and what stands behind the wage.
  const findings = await page.textContent('#disclosure-findings');
  check(findings.includes('G2: tier-2 subcontract without written campaign consent'), 'the report shows the missing campaign consent (G2)');
  check((await page.textContent('#site-findings-site-eddie-warrior')).includes("caller 'caller-ew-01' is registered as incarcerated"),
    'the prison site shows its incarcerated-caller finding (G4)');
  check((await page.textContent('#site-findings-site-procom-vineland')).includes('no current vetting record attests the wage'), 'a site shows its wage finding (G5)');
  check(/G1: engagement eng-prime ended 2020-03-31/.test(await page.textContent('#site-findings-site-prime-dc')), 'and the ended engagement (G1)');
  const prison = await page.textContent('#site-site-eddie-warrior');
  check(prison.includes('1.45 USD/h') && prison.includes('Oklahoma Department of Corrections') && prison.includes('expired 2020-02-09') && prison.includes('incarcerated workers present'),
    `the prison row shows what workers receive, who is paid, the vetting's expiry (${prison.replace(/\s+/g, ' ').slice(0, 200)})`);
  check((await page.textContent('#payee-eng-procom')).includes('Engagement 2019-11-15 to 2020-03-31 — ended'), 'the engagement dates and its end');
  check((await page.textContent('#dt-hours')).includes('hours on calls'), 'the totals include hours on calls');
  await page.screenshot({ path: `${ART}/23-disclosure-report.png`, fullPage: true });
  // The registry lists every kind of record, the policy and sanctions screenings too.
  await page.goto(URL + '/#/vendor');
  await page.waitForSelector('#vendor-sanctions');
  check((await page.textContent('#vendor-entity h2')).startsWith('Entities (4)'), 'the registry heads its entities "Entities"');
  check((await page.textContent('#vendor-policy')).includes('campaign 1'), 'the registry lists the campaign vendor policy');
  check((await page.textContent('#vendor-sanctions')).includes('scr-procom-2019-11'), 'and the sanctions screenings');
  check(await page.isVisible('#vendor-override'), 'and has a section for overrides');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
