// A campaign manager sets up a campaign in the admin pages (script and survey
// preview, a bad caller ID refused with its field named), activates it, and
// watches the dashboard update live (pushed over the WebSocket) when a caller
// joins and goes ready. The audit chain shows as intact.
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, BOB = process.env.BOB_TOKEN;
const asBob = (path, body) => fetch(URL + path, { method: 'POST', headers: { Authorization: `Bearer ${BOB}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
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
  await page.click('#create-campaign');
  await page.waitForSelector('#campaign-form-result .ok');
  const created = await page.textContent('#campaign-form-result');
  const id = Number(created.match(/campaign (\d+)/)[1]);
  await page.waitForSelector(`#c${id}-activate`);
  await page.screenshot({ path: `${ART}/10-admin-campaign-setup.png`, fullPage: true });
  await page.click(`#c${id}-activate`);
  await page.waitForSelector(`#c${id}-pause`);
  check(true, 'the new campaign is activated from the list');
  await page.goto(URL + '/#/dashboard');
  await page.waitForSelector('#dash-campaign');
  await page.selectOption('#dash-campaign', String(id));
  await page.waitForSelector('#caller-rows');
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
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
