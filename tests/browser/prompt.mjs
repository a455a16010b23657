// Safe-harbor prompt upload on the admin page (issue 8 §2): a manager sees the
// campaign's default prompt, uploads a file that is not 8 kHz (refused, the
// page names the field and the reason, nothing changes), then a good 8 kHz mono
// WAV: the page shows its duration and SHA-256 (computed here independently),
// the audio preview loads it, the server serves the same bytes, and the upload
// is in the audit chain. Removing it brings the default back. The recording
// announcement (issue 6 §5) has its own card: uploaded, shown, served and
// audited the same way, stored apart from the safe-harbor prompt.
import { createHash } from 'node:crypto';
import { browser, check, login } from './lib.mjs';

const URL = process.env.CLEARLINE_URL, ART = process.env.ARTIFACTS, CID = process.env.CLEARLINE_CAMPAIGN;
const admin = { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` };

function wav(rate, seconds, channels = 1) {
  const n = Math.round(rate * seconds), data = Buffer.alloc(n * 2 * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++)
    data.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 440 * i / rate)), (i * channels + c) * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(channels, 22); h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2 * channels, 28); h.writeUInt16LE(2 * channels, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const { ctx, close } = await browser();
try {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, URL, 'manager', 'manager-password');
  await page.waitForSelector('#figures');
  await page.goto(URL + '/#/admin');
  await page.waitForSelector('#prompt-file');
  await page.selectOption('#prompt-campaign', String(CID));
  await page.waitForSelector('#prompt-source');
  check((await page.textContent('#prompt-source')).includes('default prompt'), 'before any upload the default prompt plays');

  // A CD-quality file: refused, with the field and the reason.
  await page.setInputFiles('#prompt-file', { name: 'message-44k.wav', mimeType: 'audio/wav', buffer: wav(44100, 1) });
  await page.click('#prompt-upload');
  await page.waitForSelector('#prompt-error');
  const err = await page.textContent('#prompt-error');
  check(err.includes('44100 Hz') && err.includes('8000 Hz') && err.includes('field: body'), `a 44.1 kHz file is refused naming the field and why (${err})`);
  check((await page.textContent('#prompt-source')).includes('default prompt'), 'and nothing changed');
  await page.screenshot({ path: `${ART}/90-safe-harbor-prompt-refused.png` });
  const none = await fetch(`${URL}/api/v1/campaigns/${CID}/safe-harbor-prompt.wav`, { headers: admin });
  check(none.status === 404, `no prompt stored after the refusal (${none.status})`);

  // A good 8 kHz mono WAV: shown with its duration and hash, previewable.
  const good = wav(8000, 2.5);
  const sha = createHash('sha256').update(good).digest('hex');
  await page.setInputFiles('#prompt-file', { name: 'safe-harbor.wav', mimeType: 'audio/wav', buffer: good });
  await page.click('#prompt-upload');
  await page.waitForSelector('#prompt-ok');
  check((await page.textContent('#prompt-source')).includes('uploaded WAV'), 'the uploaded WAV now plays');
  check((await page.textContent('#prompt-sha256')) === sha, `the page shows the file's SHA-256 (${sha.slice(0, 16)}…)`);
  check((await page.textContent('#prompt-duration')) === '2.50 s', 'and its duration (2.50 s)');
  const duration = await page.$eval('#prompt-audio', (a) => new Promise((resolve) => {
    if (a.readyState >= 1) resolve(a.duration);
    a.addEventListener('loadedmetadata', () => resolve(a.duration));
    a.addEventListener('error', () => resolve(-1));
    a.load();
  }));
  check(Math.abs(duration - 2.5) < 0.05, `the audio preview loads the file (${duration} s)`);
  await page.evaluate(() => document.querySelector('#safe-harbor-prompt').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${ART}/91-safe-harbor-prompt-uploaded.png` });
  const served = Buffer.from(await (await fetch(`${URL}/api/v1/campaigns/${CID}/safe-harbor-prompt.wav`, { headers: admin })).arrayBuffer());
  check(served.equals(good), 'the server stores and serves the same bytes');
  const audit = await (await fetch(URL + '/api/v1/audit/export', { headers: admin })).text();
  check(audit.split('\n').some((l) => l.includes('campaign.prompt.upload') && l.includes('user:manager') && l.includes(sha)),
    'the upload is in the audit chain under the manager with its SHA-256');

  // Remove: back to the default.
  await page.click('#prompt-remove');
  await page.waitForFunction(() => document.querySelector('#prompt-source')?.textContent.includes('default prompt'));
  const gone = await fetch(`${URL}/api/v1/campaigns/${CID}/safe-harbor-prompt.wav`, { headers: admin });
  check(gone.status === 404, 'removed: the file is gone');

  // The recording announcement: its own card, file and audit action.
  await page.selectOption('#ann-campaign', String(CID));
  await page.waitForFunction(() => document.querySelector('#ann-source')?.textContent.includes('shipped announcement'));
  check((await page.textContent('#ann-settings')).includes('announcement: auto'), 'the announcement card shows the campaign\'s setting');
  const ann = wav(8000, 3.2);
  const annSha = createHash('sha256').update(ann).digest('hex');
  await page.setInputFiles('#ann-file', { name: 'announcement.wav', mimeType: 'audio/wav', buffer: ann });
  await page.click('#ann-upload');
  await page.waitForSelector('#ann-ok');
  check((await page.textContent('#ann-source')).includes('uploaded WAV'), 'the uploaded announcement now plays');
  check((await page.textContent('#ann-sha256')) === annSha && (await page.textContent('#ann-duration')) === '3.20 s',
    'the announcement card shows its SHA-256 and duration (3.20 s)');
  await page.evaluate(() => document.querySelector('#recording-announcement').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${ART}/92-recording-announcement-uploaded.png` });
  const annServed = Buffer.from(await (await fetch(`${URL}/api/v1/campaigns/${CID}/recording-announcement.wav`, { headers: admin })).arrayBuffer());
  check(annServed.equals(ann), 'the server stores and serves the announcement\'s bytes');
  const noPrompt = await fetch(`${URL}/api/v1/campaigns/${CID}/safe-harbor-prompt.wav`, { headers: admin });
  check(noPrompt.status === 404, 'the announcement is not stored as the safe-harbor prompt');
  const audit2 = await (await fetch(URL + '/api/v1/audit/export', { headers: admin })).text();
  check(audit2.split('\n').some((l) => l.includes('campaign.recording_announcement.upload') && l.includes(annSha)),
    'the announcement upload is in the audit chain with its SHA-256');
  await page.click('#ann-remove');
  await page.waitForFunction(() => document.querySelector('#ann-source')?.textContent.includes('shipped announcement'));
  check((await fetch(`${URL}/api/v1/campaigns/${CID}/recording-announcement.wav`, { headers: admin })).status === 404,
    'removed: the shipped announcement plays again');
  check(errors.length === 0, `no page errors (${errors.join('; ')})`);
} finally {
  await close();
}
console.log('PASS');
