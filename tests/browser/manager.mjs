// A campaign manager sets up a campaign in the admin pages (script and survey
// preview, a bad caller ID refused with its field named), activates it, and
// watches the dashboard update live (pushed over the WebSocket) when a caller
// joins and goes ready. The audit chain shows as intact. Recording, the
// recording announcement and answering-machine detection are set in the form
// and changed in the campaign list (stored through the API). With more than
// one page of campaigns, the pickers still offer the newest; creating one
// refreshes the page's other pickers; finish asks first.
import { readFileSync } from 'node:fs';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, BOB = process.env.BOB_TOKEN;
const asAdmin = (path, body) => fetch(URL + path, { method: 'POST', headers: { Authorization: `Bearer ${process.env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
const getAsAdmin = (path) => fetch(URL + path, { headers: { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` } }).then((r) => r.json());
const asBob = (path, body) => fetch(URL + path, { method: 'POST', headers: { Authorization: `Bearer ${BOB}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // More campaigns than one page of GET /api/v1/campaigns (50): the one made below comes after them.
  for (let i = 1; i <= 50; i++) await asAdmin('/api/v1/campaigns', { name: `Filler ${i}`, purpose: 'survey' });
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');
  await page.goto(URL + '/#/admin');
  await page.waitForSelector('#audit-ok');
  check((await page.textContent('#audit-ok')).startsWith('Intact'), 'the audit chain shows as intact');
  await page.fill('#cf-name', 'Door-knock follow-up');
  await page.selectOption('#cf-mode', 'progressive');
  await page.fill('#cf-script', 'Hello {first_name} from {city}!');
  await page.fill('#cf-questions', 'support | Does {first_name} support Measure A? | yes, no\nnote | Anything else?');
  check((await page.textContent('#script-preview')).includes('Hello Maria from Oakland!'), 'the script preview substitutes fields');
  check((await page.textContent('#script-preview')).includes('Does Maria support Measure A? — yes / no'), 'the survey preview lists choices');
  await page.fill('#cf-caller-id', 'not-a-number');
  await page.click('#create-campaign');
  await page.waitForSelector('#campaign-form-result .error');
  const err = await page.textContent('#campaign-form-result');
  check(err.includes('caller_id'), `a bad caller ID is refused naming the field (${err})`);
  await page.fill('#cf-caller-id', '+12025550100');
  await page.selectOption('#cf-recording', 'all');
  await page.selectOption('#cf-recording-announcement', 'always');
  await page.selectOption('#cf-amd', 'off');
  await page.click('#create-campaign');
  await page.waitForSelector('#campaign-form-result .ok');
  const created = await page.textContent('#campaign-form-result');
  const id = Number(created.match(/campaign (\d+)/)[1]);
  await page.waitForSelector(`#c${id}-activate`);
  let stored = await getAsAdmin(`/api/v1/campaigns/${id}`);
  check(stored.recording === 'all' && stored.recording_announcement === 'always' && stored.amd === 'off',
    `the form stored recording/announcement/AMD (${stored.recording}/${stored.recording_announcement}/${stored.amd})`);
  check(await page.inputValue(`#c${id}-amd`) === 'off', 'the campaign list shows AMD off');
  // The page's other campaign pickers offer the new campaign at once.
  for (const sel of ['#import-campaign', '#prompt-campaign', '#ann-campaign']) {
    const values = await page.$$eval(`${sel} option`, (os) => os.map((o) => o.value));
    check(id > 50 && values.includes(String(id)), `${sel} offers the new campaign ${id} without a reload`);
  }
  await page.selectOption('#ann-campaign', String(id));
  await page.waitForFunction(() => document.querySelector('#ann-settings')?.textContent?.includes('announcement: always'));
  await page.selectOption(`#c${id}-amd`, 'on');
  await page.waitForFunction((cid) => document.querySelector('#campaign-list-status')?.textContent?.includes(`Campaign ${cid}: amd is now on`), id);
  await page.selectOption(`#c${id}-recording_announcement`, 'auto');
  await page.waitForFunction((cid) => document.querySelector('#campaign-list-status')?.textContent?.includes(`Campaign ${cid}: recording announcement is now auto`), id);
  await page.waitForFunction(() => document.querySelector('#ann-settings')?.textContent?.includes('announcement: auto'), null, { timeout: 5000 });
  check(true, 'the recording-announcement card shows the changed setting');
  stored = await getAsAdmin(`/api/v1/campaigns/${id}`);
  check(stored.amd === 'on' && stored.recording_announcement === 'auto' && stored.recording === 'all',
    `the list changed AMD and the announcement in place (${stored.amd}/${stored.recording_announcement}/${stored.recording})`);
  await page.screenshot({ path: `${ART}/10-admin-campaign-setup.png`, fullPage: true });
  await page.click(`#c${id}-activate`);
  await page.waitForSelector(`#c${id}-pause`);
  check(true, 'the new campaign is activated from the list');
  await page.goto(URL + '/#/dashboard');
  await page.waitForSelector('#dash-campaign');
  check((await page.$$eval('#dash-campaign option', (os) => os.map((o) => o.value))).includes(String(id)), `the dashboard offers campaign ${id} (past the first 50)`);
  await page.selectOption('#dash-campaign', String(id));
  await page.waitForSelector('#caller-rows');
  // Two contacts for the new campaign, so that the caller takes calls on it.
  for (const [first, phone] of [['Ada', '+15595550140'], ['Ben', '+15595550141']]) {
    const c = await asAdmin(`/api/v1/campaigns/${id}/contacts`, { first_name: first, last_name: 'Test', state: 'CA', phone });
    check(c.id > 0, `contact ${first} added to the new campaign`);
  }
  // A caller joins and goes ready: the dashboard shows it without a reload.
  const j = await asBob('/api/v1/console/join', { campaign_id: id });
  check(j.allowed === true, 'the caller joins the campaign');
  await asBob('/api/v1/console/state', { state: 'ready' });
  await page.waitForFunction(() => document.querySelector('#caller-rows')?.textContent?.includes('bob'), null, { timeout: 10000 });
  check(true, 'the dashboard shows the caller live');
  await page.waitForFunction(() => Number(document.querySelector('#fig-ready .value')?.textContent) >= 1
    || Number(document.querySelector('#fig-oncall .value')?.textContent) >= 1, null, { timeout: 10000 });
  check(true, 'campaign.metrics moves the figures');
  await page.waitForTimeout(2500);  // a few metric points for the chart
  await page.screenshot({ path: `${ART}/11-dashboard-live.png`, fullPage: true });
  // Per-site productivity and the CSV downloads (issue 8 §3): the simulated
  // calls bob took at site-a show in the site table; the calls download is a
  // CSV whose rows are those calls.
  await page.waitForFunction(() => [...document.querySelectorAll('#site-rows tr')].some((tr) => tr.textContent.includes('site-a')
    && Number(tr.children[2]?.textContent) >= 1), null, { timeout: 20000 });
  check(true, 'the per-site table shows site-a with its calls');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-calls')]);
  check(download.suggestedFilename() === `campaign-${id}-calls.csv`, `the calls download is named campaign-${id}-calls.csv (${download.suggestedFilename()})`);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter((l) => l);
  check(csv[0].startsWith('call_id,voter_id,contact_id,first_name'), `the CSV starts with its header (${csv[0].slice(0, 60)})`);
  check(csv.length >= 2 && csv.slice(1).some((l) => l.includes(',bob,site-a,')), 'the CSV has bob\'s calls at site-a');
  // Wrap-up per site: bob gives a call of his a disposition, which ends its wrap-up (calls.wrapped_at);
  // on the next load the site table shows site-a's average wrap-up, empty ('—') before.
  const wrapCell = () => page.evaluate(() => {
    const tr = [...document.querySelectorAll('#site-rows tr')].find((r) => r.textContent.includes('site-a'));
    return tr?.children[6]?.textContent;
  });
  check(await wrapCell() === '—', `no wrap-up at site-a before a disposition (${await wrapCell()})`);
  const bobsCall = csv.slice(1).find((l) => l.includes(',bob,site-a,'))?.split(',')[0];
  const disp = await asBob(`/api/v1/calls/${bobsCall}/disposition`, { code: 'contacted' });
  check(!disp.error, `bob gives call ${bobsCall} a disposition (${JSON.stringify(disp).slice(0, 120)})`);
  await page.reload();
  await page.waitForSelector('#dash-campaign');
  await page.selectOption('#dash-campaign', String(id));
  await page.waitForFunction(() => [...document.querySelectorAll('#site-rows tr')].some((tr) => tr.textContent.includes('site-a')
    && /^[0-9]+\.[0-9]$/.test(tr.children[6]?.textContent ?? '')), null, { timeout: 20000 });
  check(true, `the per-site table shows site-a's average wrap-up (${await wrapCell()} s)`);
  await page.locator('#reports').screenshot({ path: `${ART}/12-dashboard-per-site-and-exports.png` });
  // Finishing a campaign asks first (it cannot be undone); the outcome and a
  // refused event go to the list's status line, not to an alert.
  await page.goto(URL + '/#/admin');
  await page.waitForSelector(`#c${id}-finish`);
  const dialogs = [];
  page.once('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.click(`#c${id}-finish`);
  await page.waitForFunction((cid) => document.querySelector('#campaign-list-status')?.textContent?.includes(`Campaign ${cid} was not finished`), id);
  check(dialogs.length === 1 && dialogs[0].includes('cannot be undone'), `finish asks first (${dialogs[0]})`);
  check((await getAsAdmin(`/api/v1/campaigns/${id}`)).state === 'active', 'dismissed: the campaign is still active');
  // Paused elsewhere meanwhile: the page's "pause" is refused, said on the status line.
  await asAdmin(`/api/v1/campaigns/${id}/state`, { event: 'pause' });
  await page.click(`#c${id}-pause`);
  await page.waitForFunction((cid) => /refused/.test(document.querySelector('#campaign-list-status')?.textContent ?? ''), id);
  check((await page.textContent('#campaign-list-status')).startsWith(`Campaign ${id}: pause refused:`), `a refused event shows on the status line (${await page.textContent('#campaign-list-status')})`);
  await page.waitForSelector(`#c${id}-resume`);  // the list shows the campaign as it now is
  page.once('dialog', (d) => { dialogs.push(d.message()); void d.accept(); });
  await page.click(`#c${id}-finish`);
  await page.waitForFunction((cid) => document.querySelector('#campaign-list-status')?.textContent?.startsWith(`Campaign ${cid} (`), id);
  const finished = await page.textContent('#campaign-list-status');
  check(dialogs.length === 2 && finished.includes('now finished') && (await getAsAdmin(`/api/v1/campaigns/${id}`)).state === 'finished',
    `accepted: the campaign is finished and the status line says so (${finished})`);
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
