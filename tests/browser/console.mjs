// A caller logs in, takes a call from the SIMULATED telephony port (the SIP
// dialer and campaign runtime are not wired into the daemon yet), answers the
// survey, dispositions with the phone's keys, and the store shows it. A
// contact named <script> renders as text. The campaign picker lists campaigns
// past the API's first page; the callback time names the time zone and may
// not be in the past.
import { execFileSync } from 'node:child_process';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, DB = process.env.CLEARLINE_DB, ART = process.env.ARTIFACTS;
const sql = (q) => execFileSync('sqlite3', [DB, q]).toString().trim();
const CID = process.env.CLEARLINE_CAMPAIGN;
const asAdmin = (path, body) => fetch(URL + path, { method: 'POST', headers: { Authorization: `Bearer ${process.env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'ann', 'wrong-password');
  await page.waitForSelector('#login-error .error');
  check((await page.textContent('#login-error')).includes('wrong name or password'), 'a wrong password is refused in plain words');
  await page.screenshot({ path: `${ART}/01-login-refused.png` });
  // More campaigns than one page of GET /api/v1/campaigns (50): the newest, active, is offered too.
  let newest = 0;
  for (let i = 1; i <= 51; i++) newest = (await asAdmin('/api/v1/campaigns', { name: `Filler ${i}`, purpose: 'survey' })).id;
  await asAdmin(`/api/v1/campaigns/${newest}/state`, { event: 'activate' });
  await login(page, URL, 'ann', 'caller-password');
  await page.waitForSelector('#campaign-select');
  const offered = await page.$$eval('#campaign-select option', (os) => os.map((o) => o.value));
  check(newest > 50 && offered.includes(String(newest)), `the picker offers the newest campaign (${newest}) past the first 50`);
  check(offered[0] === String(CID), 'and starts with the oldest active one');
  await page.screenshot({ path: `${ART}/02-console-pick-campaign.png` });
  await page.click('#join-btn');
  await page.waitForSelector('#ready-btn');
  check((await page.textContent('#state-badge')).includes('Paused'), 'after joining the caller is paused');
  await page.click('#ready-btn');
  // The screen pop: contact, script and survey at once.
  await page.waitForSelector('#disposition-form', { timeout: 15000 });
  const name = await page.textContent('#contact-name');
  check(name.includes('<script>window.__pwned=1</script>') && name.includes('<b>Doe</b>'), 'a contact named <script> shows as text');
  check(await page.evaluate(() => window.__pwned === undefined), 'the contact name did not run as script');
  check(await page.evaluate(() => document.querySelectorAll('#contact-name b, #contact-name script').length === 0), 'no markup was created from contact data');
  const script = await page.textContent('#script-text');
  check(script.includes('Hi <script>window.__pwned=1</script>, I am calling'), 'the script substitutes {first_name}');
  check(await page.isVisible('text=What issue matters most?'), 'survey questions appear with the contact');
  await page.screenshot({ path: `${ART}/03-console-on-call-screen-pop.png`, fullPage: true });
  await page.check('input[name="survey:vote"][value="yes"]');
  await page.fill('input[name="survey:issue"]', 'Schools');
  // The callback time is entered in the browser's time zone, not before now.
  const tz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  check((await page.textContent('label[for="callback-at"]')).includes(tz), `the callback time is labelled with the time zone (${tz})`);
  const min = await page.getAttribute('#callback-at', 'min');
  const minAge = await page.evaluate((m) => Date.now() - new Date(m).getTime(), min);
  check(min && minAge >= 0 && minAge < 120000, `the callback time may not be before now (min ${min})`);
  // The server's refusal of a callback time (400, field callback_at) shows on
  // the form and points at the field; nothing is saved. (Faked here: the
  // browser's own check of min stops a past time before it is sent.)
  await page.route('**/disposition', (route) => route.fulfill({ status: 400, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'invalid_argument', message: 'callback_at is in the past', field: 'callback_at' } }) }));
  await page.evaluate(() => { const at = document.querySelector('#callback-at'); at.removeAttribute('min'); at.value = '2020-01-01T09:00'; });
  await page.check('#disp-callback');
  await page.click('#save-disposition');
  await page.waitForSelector('#form-error .error');
  check((await page.textContent('#form-error')).includes('callback_at is in the past (callback_at)'), 'a refused callback time shows its error');
  check(await page.getAttribute('#callback-at', 'aria-invalid') === 'true' && await page.evaluate(() => document.activeElement?.id) === 'callback-at',
    'and the callback field is marked and focused');
  await page.unroute('**/disposition');
  await page.fill('#callback-at', '');
  // The disposition keys are the phone's (README): 1 contacted, 3 call back, 4 machine, 9 do not call;
  // the other dispositions take 5–8 in list order (Supporter is 5).
  await page.focus('#contact-name');
  for (const [key, code] of [['9', 'dnc'], ['4', 'machine'], ['3', 'callback'], ['1', 'contacted'], ['5', 'support']]) {
    await page.keyboard.press(key);
    check(await page.isChecked(`#disp-${code}`), `key ${key} picks ${code}, as on the phone`);
  }
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#wrap-timer', { timeout: 10000 });
  await page.screenshot({ path: `${ART}/04-console-wrap-up.png` });
  const callId = sql("SELECT id FROM calls WHERE caller_ref='ann' ORDER BY id LIMIT 1");
  check(sql(`SELECT disposition FROM calls WHERE id=${callId}`) === 'support', 'the store has the disposition');
  check(sql(`SELECT answer FROM survey_responses WHERE call_id=${callId} AND question_key='vote'`) === 'yes', 'the store has the survey answer');
  check(sql(`SELECT answer FROM survey_responses WHERE call_id=${callId} AND question_key='issue'`) === 'Schools', 'the store has the free-text answer');
  // After wrap-up the caller is ready again and the next contact pops.
  await page.waitForFunction(() => document.querySelector('#contact-name')?.textContent?.includes('Maria'), null, { timeout: 20000 });
  check(true, 'after wrap-up the next call arrives without a click');
  // Pause with a reason is refused while on a call: finish it first.
  await page.keyboard.press('1');
  await page.click('#save-disposition');
  await page.waitForSelector('#pause-btn', { timeout: 10000 });
  await page.selectOption('#pause-reason', 'Break');
  await page.click('#pause-btn');
  await page.waitForFunction(() => document.querySelector('#state-badge')?.textContent?.includes('Paused'));
  check((await page.textContent('#caller-status')).includes('Break'), 'pause shows its reason');
  await page.screenshot({ path: `${ART}/05-console-paused.png` });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
