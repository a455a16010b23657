// A caller logs in, takes a call from the SIMULATED telephony port (the SIP
// dialer and campaign runtime are not wired into the daemon yet), answers the
// survey, dispositions with a keyboard shortcut, and the store shows it. A
// contact named <script> renders as text.
import { execFileSync } from 'node:child_process';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, DB = process.env.CLEARLINE_DB, ART = process.env.ARTIFACTS;
const sql = (q) => execFileSync('sqlite3', [DB, q]).toString().trim();

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'ann', 'wrong-password');
  await page.waitForSelector('#login-error .error');
  check((await page.textContent('#login-error')).includes('wrong name or password'), 'a wrong password is refused in plain words');
  await page.screenshot({ path: `${ART}/01-login-refused.png` });
  await login(page, URL, 'ann', 'caller-password');
  await page.waitForSelector('#campaign-select');
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
  await page.focus('#contact-name');
  await page.keyboard.press('2');  // the second disposition: "Supporter"
  check(await page.isChecked('#disp-support'), 'key 2 picks the second disposition');
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
