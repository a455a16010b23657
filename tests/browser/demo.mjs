// The live demo as a campaign manager sees it (run_demo.sh): log in with the
// password the demo printed, watch the dashboard move while the SIP dialer
// runs (callers on calls, the chart, the per-site table), and open the
// disclosure report, which shows the subcontractor's correctional-facility
// site and its refused callers.
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS;

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', process.env.MANAGER_PASSWORD);
  await page.waitForSelector('#figures');
  await page.goto(URL + '/#/dashboard');
  await page.waitForSelector('#caller-rows');
  await page.waitForFunction(() => (document.querySelector('#caller-rows')?.textContent ?? '').includes('demo-caller1'), null, { timeout: 30000 });
  check(true, 'the dashboard lists the demo\'s callers');
  await page.waitForFunction(() => Number(document.querySelector('#fig-oncall .value')?.textContent) >= 1, null, { timeout: 30000 });
  check(true, 'callers are on real calls (the figures move)');
  const rows = await page.textContent('#caller-rows');
  check(!rows.includes('demo-caller8') && !rows.includes('demo-caller9') && !rows.includes('demo-caller10'),
    'no caller from the correctional facility is signed in');
  // Per vendor: the calls were made under the prime vendor's engagement, none under ProCom's.
  await page.waitForFunction(() => (document.querySelector('#vendor-rows')?.textContent ?? '').includes('prime-vendor'), null, { timeout: 30000 });
  const vendors = await page.textContent('#vendor-rows');
  check(vendors.includes('Northstar Outreach'), 'the per-vendor table names the prime vendor');
  check(!vendors.includes('procom') && !vendors.includes('ok-doc'), 'no call was made under the subcontractor or the prison');
  // The voter file has no line types: its numbers may not be autodialled
  // (R11) and the dashboard says how many wait for manual dialing, and why.
  await page.waitForFunction(() => Number(document.querySelector('#fig-routed .value')?.textContent) >= 1, null, { timeout: 30000 });
  const note = await page.textContent('#routed-note');
  check(note.includes('R11') && note.includes('console'), `the dashboard explains the numbers left for manual dialing (${note.slice(0, 60)}…)`);
  // The ring timeout the dials get: the campaign's, or "N s of M s" while the
  // pacer cuts the ring; the same figures as the live snapshot.
  await page.waitForSelector('#fig-ring .value', { timeout: 15000 });
  const ringText = (await page.textContent('#fig-ring .value')).trim();
  const live = await page.evaluate(async () => {
    const id = document.querySelector('#dash-campaign').value;
    return (await fetch(`/api/v1/campaigns/${id}/live`)).json();
  });
  const ring = live.ring ?? {};
  check(ring.campaign_s >= 15 && (ringText === `${ring.campaign_s} s` || ringText.endsWith(`of ${ring.campaign_s} s`)),
    `the dashboard shows the ring timeout (${ringText}; the campaign's ${ring.campaign_s} s, ${ring.short_dials} dials rang shorter)`);
  await page.waitForTimeout(4000);  // a few metric points for the chart
  await page.screenshot({ path: `${ART}/30-demo-dashboard-live.png`, fullPage: true });
  await page.goto(URL + '/#/disclosure');
  await page.waitForSelector('#refusal-list', { timeout: 15000 });
  const disc = await page.textContent('#disclosure');
  check(disc.includes('correctional facility'), 'the disclosure report shows the correctional site');
  check(disc.includes('demo-caller8'), 'the disclosure report lists a refused prison caller');
  await page.screenshot({ path: `${ART}/31-demo-disclosure.png`, fullPage: true });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
