// The caller console on a human-initiated campaign over real telephony
// (`clearline serve` with [sip] enabled, run_sip.sh with DIAL_MODE=human_initiated):
// the caller joins, Clearline calls their SIP phone, and instead of waiting
// for the dialer they see the next contact (name, number, record) with a Call
// button. They press it from the keyboard; Clearline places the call over SIP
// (carrier simulator), the console says it is calling, and when the callee
// answers the record pops; the caller dispositions (key 2, Ctrl+Enter), which
// ends the call; the store shows the call placed by this caller in
// human_initiated mode, bridged, with the disposition; the next contact shows.
// The campaign records on demand (RECORDING=on_demand): the caller presses
// Record on the call, the console says it records, and the ended call's row
// references its WAV.
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
  // The phone answers Clearline's call: ready, and the next contact is shown.
  await page.waitForSelector('#call-btn', { timeout: 30000 });
  check((await page.textContent('#state-badge')).includes('Ready'), 'the caller is ready');
  const name = (await page.textContent('#next-name')).trim();
  check(/^C\d+$/.test(name), `the next contact's name is shown (${name})`);
  const contactId = name.slice(1);
  const phone = (await page.textContent('#next-phone')).trim();
  check(phone === sql(`SELECT e164 FROM phones WHERE contact_id=${contactId}`), `its number is shown (${phone})`);
  check((await page.textContent('#next-mode')).includes('Human-initiated'), 'the console says the caller places this call');
  check((await page.getAttribute('#call-btn', 'aria-label')) === `Call ${name} at ${phone}`, 'the Call button is labelled for screen readers');
  check(!(await page.isVisible('#skip-btn')), 'no Skip on a human-initiated campaign');
  check(sql('SELECT COUNT(*) FROM calls') === '0', 'nothing was dialed before the caller pressed Call');
  await page.screenshot({ path: `${ART}/30-console-manual-next-contact.png`, fullPage: true });

  // Call, from the keyboard (the button has the focus).
  check(await page.evaluate(() => document.activeElement?.id === 'call-btn'), 'the Call button has the keyboard focus');
  await page.keyboard.press('Enter');
  // The callee answers (the carrier rings 1-6 s): the record pops.
  await page.waitForSelector('#disposition-form', { timeout: 30000 });
  check((await page.textContent('#contact-name')).trim() === name, 'the record of the contact called pops on answer');
  check((await page.textContent('#state-badge')).includes('On a call'), 'the console says "On a call"');
  const callId = sql(`SELECT id FROM calls WHERE contact_id=${contactId}`);
  check(/^\d+$/.test(callId), `the store has call ${callId} for contact ${contactId}`);
  check(sql(`SELECT caller_ref || '|' || dial_mode || '|' || (bridged_at IS NOT NULL) || '|' || (ended_at IS NULL) FROM calls WHERE id=${callId}`)
        === 'ann1|human_initiated|1|1', 'the call was placed by ann1 in human_initiated mode and is bridged to ann1');
  await page.screenshot({ path: `${ART}/31-console-manual-on-call.png`, fullPage: true });

  // On-demand recording (the campaign records on_demand, RECORDING=on_demand): Record.
  await page.click('#record-btn');
  await page.waitForSelector('#record-status');
  check((await page.textContent('#record-status')).includes('Recording'), 'Record: the console says the call is being recorded');
  check(sql(`SELECT COUNT(*) FROM audit_events WHERE action='call.recording.start' AND object_id='${callId}' AND actor='user:ann1'`) === '1',
    'the recording start is audited under ann1');
  await page.screenshot({ path: `${ART}/33-console-recording.png`, fullPage: true });
  await page.waitForTimeout(1000);  // a second of conversation on the recording

  await page.focus('#contact-name');
  await page.keyboard.press('5');  // "Supporter" (1–4 and 9 are the phone's keys)
  check(await page.isChecked('#disp-support'), 'key 5 picks Supporter');
  await page.keyboard.press('Control+Enter');
  // The disposition ends the call; the caller is ready with the next contact.
  await page.waitForFunction((n) => {
    const s = document.querySelector('#state-badge')?.textContent ?? '';
    const next = document.querySelector('#next-name')?.textContent ?? '';
    return s.includes('Ready') && next !== '' && next !== n;
  }, name, { timeout: 15000 });
  let ended = '';
  for (let i = 0; i < 50 && !ended; i++) {
    ended = sql(`SELECT COALESCE(hangup_cause,'') FROM calls WHERE id=${callId}`);
    if (!ended) await page.waitForTimeout(100);
  }
  check(ended !== '', `the call was ended (${ended})`);
  check(sql(`SELECT disposition FROM calls WHERE id=${callId}`) === 'support', 'the store has the disposition');
  let rec = '';
  for (let i = 0; i < 50 && !rec; i++) {
    rec = sql(`SELECT COALESCE(recording_ref,'') FROM calls WHERE id=${callId}`);
    if (!rec) await page.waitForTimeout(100);
  }
  check(rec.endsWith(`call-${callId}.wav`), `the call row references its recording (${rec})`);
  check(sql(`SELECT status FROM contacts WHERE id=${contactId}`) === 'done', 'the contact is done');
  check(sql('SELECT COUNT(*) FROM calls') === '1', 'still only the one call the caller placed');
  await page.screenshot({ path: `${ART}/32-console-manual-next-after-disposition.png`, fullPage: true });
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
