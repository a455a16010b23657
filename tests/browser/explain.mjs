// "Why was this call allowed?" in the browser (issue 8 §2): from the
// dashboard's call list a manager opens a call of the 2019 campaign and sees
// the compliance authorization (verdict, reason, every rule version with its
// citation, the deciding rule), who made the call (caller, worker category,
// the prime vendor's DC site, the chain), the vendor gates and the verified
// vetting snapshot.
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, CID = process.env.CLEARLINE_CAMPAIGN, CALL = process.env.EXPLAIN_CALL;
check(/^\d+$/.test(CALL ?? ''), `the fixture recorded a call (${CALL})`);
const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#dash-campaign');
  await page.selectOption('#dash-campaign', CID);
  await page.waitForSelector(`#explain-${CALL}`);
  const row = await page.textContent(`#call-rows tr:has(#explain-${CALL})`);
  check(row.includes('+14155550100') && row.includes('caller-dc-01') && row.includes('site-prime-dc'), `the call list shows the call (${row})`);
  await page.click(`#explain-${CALL}`);
  await page.waitForSelector('#explain-verdict');
  check(page.url().endsWith(`#/calls/${CALL}/explain`), 'the explain page has its own address');
  check((await page.textContent('#explain-verdict')) === 'allow', 'the verdict is allow');
  check((await page.textContent('#explain-reason')).includes('calling window'), 'with its reason');
  const rules = await page.$$eval('#explain-rules tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(rules.map((r) => `${r[0]}@${r[1]}`).join(' ') === 'R1@1 R3@1 R10@2', `three rule versions evaluated (${rules.map((r) => r[0]).join(' ')})`);
  check(rules[0][3].includes('16 CFR 310.4(c)') && rules[0][4] === 'allow', 'R1 decided, with its citation');
  check(rules[1][4] === 'no objection', 'the others raised no objection');
  const who = await page.textContent('#explain-who');
  check(who.includes('caller-dc-01') && who.includes('employee') && who.includes('Northstar'), 'who: the caller, an employee of the prime vendor');
  check(who.includes('Washington'), `at the DC site (${who.slice(0, 200)})`);
  check((await page.textContent('#explain-gates')).includes('All gates pass.'), 'the vendor gates pass');
  check((await page.textContent('#explain-verified')).startsWith('Verified'), 'the vetting snapshot verifies');
  await page.screenshot({ path: `${ART}/40-call-explain.png` });
  await page.screenshot({ path: `${ART}/41-call-explain-full.png`, fullPage: true });
  // A call that does not exist says so.
  await page.goto(URL + '/#/calls/987654/explain');
  await page.waitForSelector('#explain-error');
  check((await page.textContent('#explain-error')).includes('no call'), 'a missing call says so');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
