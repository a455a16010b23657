// The caller console on real telephony (`clearline serve` with [sip] enabled,
// run_sip.sh): the caller joins, Clearline calls their SIP phone, a real
// customer call (carrier simulator) is bridged to it and the record pops on
// screen; the caller picks a disposition with a key and saves with
// Ctrl+Enter, which ends the customer's call; the store shows the call
// bridged to this caller, ended by us, with the disposition.
import { execFileSync } from 'node:child_process';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, DB = process.env.CLEARLINE_DB, ART = process.env.ARTIFACTS;
const sql = (q) => execFileSync('sqlite3', [DB, q]).toString().trim();

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'ann1', 'caller-password');
  await page.waitForSelector('#campaign-select');
  await page.click('#join-btn');
  // The phone answers Clearline's call, then a customer is bridged: the screen pop.
  await page.waitForSelector('#disposition-form', { timeout: 30000 });
  const name = await page.textContent('#contact-name');
  check(/^C\d+/.test(name.trim()), `the contact pops with the call (${name.trim()})`);
  check((await page.textContent('.contact .phone')).startsWith('+1212555'), 'the called number is on screen');
  check(!(await page.isVisible('text=Simulated call')), 'the call is not simulated');
  const callId = sql("SELECT id FROM calls WHERE caller_ref='ann1' AND bridged_at IS NOT NULL ORDER BY id LIMIT 1");
  check(/^\d+$/.test(callId), `the store shows call ${callId} bridged to ann1`);
  check(sql(`SELECT ended_at IS NULL FROM calls WHERE id=${callId}`) === '1', 'the customer is still on the line');
  check((await page.textContent('#state-badge')).includes('On a call'), 'the console says "On a call"');
  await page.screenshot({ path: `${ART}/20-console-sip-on-call.png`, fullPage: true });
  await page.focus('#contact-name');
  await page.keyboard.press('5');  // "Supporter" (1–4 and 9 are the phone's keys)
  check(await page.isChecked('#disp-support'), 'key 5 picks Supporter');
  await page.keyboard.press('Control+Enter');
  // The disposition ends the real call; the caller is ready (or on the next call).
  await page.waitForFunction((id) => {
    const s = document.querySelector('#state-badge')?.textContent ?? '';
    return s.includes('Ready') || (s.includes('On a call') && !document.querySelector('#contact-name')?.textContent?.includes(id));
  }, name.trim(), { timeout: 15000 });
  let ended = '';
  for (let i = 0; i < 50 && !ended; i++) {
    ended = sql(`SELECT COALESCE(hangup_cause,'') FROM calls WHERE id=${callId}`);
    if (!ended) await page.waitForTimeout(100);
  }
  check(ended !== '', `the customer's call was ended (${ended})`);
  check(sql(`SELECT disposition FROM calls WHERE id=${callId}`) === 'support', 'the store has the disposition');
  check(sql(`SELECT status FROM contacts WHERE id=(SELECT contact_id FROM calls WHERE id=${callId})`) === 'done', 'the contact is done');
  await page.screenshot({ path: `${ART}/21-console-sip-after-disposition.png` });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
