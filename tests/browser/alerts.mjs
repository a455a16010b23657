// Dashboard alerts, live (issue 8 §1): a caller at the 2019 case's
// correctional-facility site tries to join (the console desk's gate refuses
// him) and the abandonment ledger of a second campaign reaches the alert
// threshold (1 abandoned of 20 answered calls, 5 % ≥ 2.5 %): both alerts
// appear on an open dashboard without a reload, pushed on the WebSocket.
// (The trunk-down alert needs the SIP dialer's trunk.state event; its rule is
// covered by AlertRules.TrunkDownIsCriticalOnceAndUpAgainIsInfo.)
import { execFileSync } from 'node:child_process';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, DB = process.env.CLEARLINE_DB, CID = process.env.CLEARLINE_CAMPAIGN;
const asToken = (token, method, path, body) => fetch(URL + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.json());

const { ctx, close } = await browser();
const closers = [];
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#dash-campaign');
  await page.waitForFunction(() => document.querySelector('#alerts')?.textContent?.includes('No alerts'));
  // The event stream is up (subscribed) before anything is caused.
  await page.waitForSelector('#dash-conn.up');

  // The subcontractor's supervisor listens on the event stream too (its subtree: the prison site).
  const second = await browser();  // a profile of its own: its session cookie is not the manager's
  closers.push(second.close);
  const sup = await second.ctx.newPage();
  await login(sup, URL, 'procom-sup', 'vendor-password');
  await sup.waitForSelector('#vendor-site');  // signed in (the session cookie is set)
  const hello = await sup.evaluate(() => new Promise((resolve) => {
    window.__frames = [];
    const ws = new WebSocket(`ws://${location.host}/api/v1/events`);
    const give = (what) => { clearTimeout(timer); resolve(what); };
    const timer = setTimeout(() => give('no hello within 15 s'), 15000);
    ws.onmessage = (m) => { window.__frames.push(JSON.parse(String(m.data))); if (window.__frames.length === 1) give(window.__frames[0].type); };
    ws.onclose = (e) => give(`closed (${e.code})`);
  }));
  check(hello === 'hello', `procom-sup's event stream is up (${hello})`);

  // 1. A gate refusal: the prison site's caller logs in (session + CSRF, as the console does) and joins.
  const lr = await fetch(URL + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'caller-ew-01', password: 'caller-password' }) });
  const cookie = lr.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await lr.json();
  const join = await (await fetch(URL + '/api/v1/console/join', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify({ campaign_id: Number(CID) }) })).json();
  check(join.allowed === false, `the desk refuses caller-ew-01 (${join.reason})`);
  await page.waitForSelector('#alerts li[data-kind="gate"]', { timeout: 10000 });
  const gate = await page.textContent('#alerts li[data-kind="gate"]');
  check(gate.includes('Gate refused caller caller-ew-01 at site-eddie-warrior') && /\[failed: [^\]]*G4/.test(gate), `the gate alert names caller, site and failed gates (${gate})`);
  // …and the vendor supervisor whose subtree holds the site gets it live (the registry's subtree, not only its own id).
  await sup.waitForFunction(() => window.__frames.some((f) => f.type === 'gate.refused' && f.data?.site_id === 'site-eddie-warrior'), null, { timeout: 10000 });
  check(true, 'procom-sup receives the refusal at its subcontracted site on the WebSocket');

  // 2. The ledger: a second campaign (no vendor chain) with a caller signed in, and 20 answered calls of which 1 abandoned.
  const c2 = await asToken(process.env.ADMIN_TOKEN, 'POST', '/api/v1/campaigns', { name: 'Ledger watch', purpose: 'political' });
  check(c2.id > 0, `campaign ${c2.id} created`);
  await asToken(process.env.ADMIN_TOKEN, 'POST', `/api/v1/campaigns/${c2.id}/state`, { event: 'activate' });
  const bob = await asToken(process.env.BOB_TOKEN, 'POST', '/api/v1/console/join', { campaign_id: c2.id });
  check(bob.allowed === true, 'bob joins it');
  const now = Date.now();
  let sql = '.timeout 10000\nBEGIN;\n';
  for (let i = 0; i < 20; i++) {
    sql += `INSERT INTO calls(campaign_id, called_number, purpose_class, dial_mode, state) VALUES (${c2.id}, '+1415555${String(1000 + i)}', 'political', 'predictive', 'ended');\n`;
    sql += `INSERT INTO abandonment_ledger(call_id, campaign_id, answered_at, abandoned) VALUES (last_insert_rowid(), ${c2.id}, ${now - i * 60000}, ${i === 0 ? 1 : 0});\n`;
  }
  sql += 'COMMIT;\n';
  execFileSync('sqlite3', [DB], { input: sql });
  await page.waitForFunction(() => document.querySelectorAll('#alerts li[data-kind="ledger"]').length >= 2, null, { timeout: 15000 });
  const ledger = await page.$$eval('#alerts li[data-kind="ledger"]', (lis) => lis.map((li) => li.textContent));
  for (const span of ['24 hours', '30 days']) {
    check(ledger.some((t) => t.includes(`Abandonment over ${span} is 5 % (1 of 20 answered calls), at or above the alert threshold of 2.5 %`)), `the ${span} ledger alert (${ledger.join(' | ')})`);
  }
  check((await page.$$eval('#alerts li[data-kind="ledger"] .badge', (b) => b.map((x) => x.textContent))).every((t) => t === 'warning'), 'as warnings');
  check(await page.isHidden('#trunk-banner'), 'no trunk banner while no trunk is down');
  await page.screenshot({ path: `${ART}/50-dashboard-alerts.png` });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  for (const c of closers) await c();
  await close();
}
console.log('PASS');
