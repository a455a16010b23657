// A campaign manager uploads a contact list with bad rows from the admin page
// (issue 8 §2 and §5): the progress bar is fed by the server's import.progress
// events (pushed on the WebSocket, seen here frame by frame), completes, and
// the page shows the summary (read = imported + duplicates + rejected), every
// rejected row by line, column and reason, and a rejects-file download with
// the same rows. A file the importer refuses shows its error in words. A
// semicolon-separated list imports with its separator chosen.
import { readFileSync } from 'node:fs';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, CID = process.env.CLEARLINE_CAMPAIGN;

// 40 records: 35 good numbers, 4 bad ones at known lines, one repeat.
const lines = ['voter_id,first_name,last_name,city,state,cell_phone'];
const bad = new Map([[7, 'CALL-ME-NOW'], [15, ''], [23, '(555) 123-4567'], [31, '234-5678']]);
for (let line = 2; line <= 40; line++) {
  const phone = bad.has(line) ? bad.get(line) : `(305) 234-${String(5600 + line).padStart(4, '0')}`;
  lines.push(`V${line},First${line},Last${line},Miami,FL,${phone}`);
}
lines.push('V2,First2,Last2,Miami,FL,(305) 234-5602');  // line 41: the same number as line 2
const csv = lines.join('\n') + '\n';

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const progress = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => {
    try { const m = JSON.parse(String(f.payload)); if (m.type === 'import.progress') progress.push(m.data); } catch { /* not JSON */ }
  }));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');
  await page.goto(URL + '/#/admin');
  await page.waitForSelector('#import-form');
  await page.waitForFunction(() => document.querySelector('#audit-ok'));

  // First a file the importer refuses before it starts: no phone column.
  await page.selectOption('#import-campaign', CID);
  await page.setInputFiles('#import-file', { name: 'no-phones.csv', mimeType: 'text/csv', buffer: Buffer.from('first_name,last_name\nAnn,Lee\n') });
  await page.click('#import-start');
  await page.waitForSelector('#import-error .error');
  const refused = await page.textContent('#import-error');
  check(/phone/i.test(refused), `a list without a phone column is refused in words (${refused.slice(0, 120)})`);

  // Now the real list, five records a transaction so that it commits in eight batches.
  await page.setInputFiles('#import-file', { name: 'miami-walk-list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.fill('#import-batch', '5');
  await page.click('#import-start');
  await page.waitForSelector('#import-bar[data-done="true"]', { timeout: 30000 });
  check(await page.evaluate(() => document.querySelector('#import-bar').value) === 1, 'the progress bar completes');
  await page.waitForSelector('#import-rejects-table');
  const num = async (id) => Number(await page.textContent(id));
  const [read, imported, dups, rejected] = [await num('#imp-read'), await num('#imp-imported'), await num('#imp-duplicates'), await num('#imp-rejected')];
  check(read === 40 && imported === 35 && dups === 1 && rejected === 4, `summary: read ${read} = ${imported} imported + ${dups} duplicates + ${rejected} rejected`);
  check((await page.textContent('#imp-state')) === 'committed', 'the import is committed');

  // The progress the bar showed was pushed by the server while it ran.
  const mine = progress.filter((p) => p.read !== undefined);
  const running = mine.filter((p) => !p.done);
  check(running.length >= 2, `import.progress events arrived while the import ran (${running.length})`);
  check(running.some((p) => p.read > 0 && p.read < 40 && p.fraction > 0 && p.fraction < 1), 'some showed partial progress');
  for (let i = 1; i < running.length; i++) check(running[i].read >= running[i - 1].read, `progress never goes back (${running[i - 1].read} → ${running[i].read})`);
  check(mine.some((p) => p.done && p.state === 'committed' && p.read === 40), 'the last event says done');

  // The row-level report.
  const rows = await page.$$eval('#import-rejects-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  check(rows.map((r) => r[0]).join(',') === '7,15,23,31', `rejected lines 7, 15, 23, 31 (${rows.map((r) => r[0]).join(',')})`);
  check(rows.every((r) => r[1] === 'cell_phone'), 'each names the column');
  check(rows[0][2].includes('letters') && rows[1][2].includes('no phone'), `with the reason (${rows[0][2]}; ${rows[1][2]})`);
  check(rows[0][3].startsWith('V7,First7'), 'and the row as uploaded');
  await page.evaluate(() => document.querySelector('#import-start').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${ART}/30-admin-list-upload-report.png` });

  // The rejects file download has the same rows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#import-rejects-download')]);
  check(/^import-\d+-rejects\.csv$/.test(download.suggestedFilename()), `the download is named ${download.suggestedFilename()}`);
  const file = readFileSync(await download.path(), 'utf8').split('\n').filter((l) => l);
  check(file[0] === 'line,column,reason,raw', 'the rejects file has its header');
  check(file.slice(1).map((l) => l.split(',')[0]).join(',') === '7,15,23,31', 'and the four rejected lines');

  // The contacts are in the campaign.
  const contacts = await page.evaluate(async (cid) => (await (await fetch(`/api/v1/campaigns/${cid}/contacts?limit=500`)).json()).items.length, CID);
  check(contacts >= 35, `the campaign holds the imported contacts (${contacts})`);

  // A semicolon-separated list: refused with the default comma (the importer
  // names the delimiter); imported with the separator chosen.
  const semi = Buffer.from('voter_id;first_name;last_name;city;state;cell_phone\nS1;Ana;Ruiz;Miami;FL;(305) 234-7701\nS2;Ben;Ott;Miami;FL;(305) 234-7702\nS3;Cy;Lee;Miami;FL;(305) 234-7703\n');
  check(await page.inputValue('#import-delimiter') === ',', 'the separator defaults to the comma (the API\'s default)');
  await page.setInputFiles('#import-file', { name: 'semicolons.csv', mimeType: 'text/csv', buffer: semi });
  await page.click('#import-start');
  await page.waitForSelector('#import-error .error');
  const wrong = await page.textContent('#import-error');
  check(wrong.includes('semicolon') && wrong.includes('(field: delimiter)'), `with the comma, the semicolon file is refused naming the delimiter (${wrong.slice(0, 100)})`);
  await page.selectOption('#import-delimiter', ';');
  await page.setInputFiles('#import-file', { name: 'semicolons.csv', mimeType: 'text/csv', buffer: semi });
  await page.click('#import-start');
  await page.waitForFunction(() => document.querySelector('#imp-state')?.textContent === 'committed' && document.querySelector('#import-summary')?.textContent?.includes('semicolons.csv'), null, { timeout: 30000 });
  check(await num('#imp-imported') === 3 && await num('#imp-rejected') === 0, `with ";" chosen the semicolon file imports its 3 contacts (${await num('#imp-imported')})`);
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
