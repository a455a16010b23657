// Push-latency load client: N WebSocket consoles on loopback, each a caller
// subscribed to its own events. A driver flips callers between ready and
// paused over the REST API; every flip publishes caller.state on the loop,
// and the latency is (arrival at the client) − (t_us stamped when the hub
// published it). Also a fan-out round: every console is a manager... no: a
// second phase subscribes M supervisor sockets that receive every event.
// Usage: node --experimental-websocket ws_load.mjs URL TOKEN_FILE N SECONDS
import { readFileSync } from 'node:fs';

const [url, tokenFile, nStr, secStr] = process.argv.slice(2);
const tokens = readFileSync(tokenFile, 'utf8').trim().split('\n');   // "name token" lines, callers
const N = Math.min(Number(nStr), tokens.length);
const SECONDS = Number(secStr ?? 20);
const wsUrl = url.replace(/^http/, 'ws') + '/api/v1/events';
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const lat = [];
let opened = 0, frames = 0;

function connect(token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${token}` } });
    ws.onopen = () => { opened++; resolve(ws); };
    ws.onerror = () => reject(new Error('ws error'));
    ws.onmessage = (m) => {
      const t = nowUs();
      const f = JSON.parse(m.data);
      if (typeof f.t_us === 'number') { lat.push((t - f.t_us) / 1000); frames++; }
    };
  });
}

const sockets = [];
for (let i = 0; i < N; i += 50) {
  sockets.push(...await Promise.all(tokens.slice(i, Math.min(N, i + 50)).map((l) => connect(l.split(' ')[1]))));
}
console.error(`${opened} consoles connected`);

async function post(token, path, body) {
  const r = await fetch(url + path, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return r.json();
}
const campaign = Number(process.env.CAMPAIGN ?? 1);
for (let i = 0; i < N; i += 50) await Promise.all(tokens.slice(i, Math.min(N, i + 50)).map((l) => post(l.split(' ')[1], '/api/v1/console/join', { campaign_id: campaign })));
lat.length = 0; frames = 0;
const end = Date.now() + SECONDS * 1000;
let flips = 0, k = 0;
while (Date.now() < end) {
  // 20 concurrent state changes at a time, round-robin over the consoles.
  const batch = [];
  for (let j = 0; j < 20; j++, k++) {
    const tok = tokens[k % N].split(' ')[1];
    const state = (Math.floor(k / N) % 2 === 0) ? 'ready' : 'paused';
    batch.push(post(tok, '/api/v1/console/state', state === 'ready' ? { state } : { state, reason: 'Break' }));
  }
  await Promise.all(batch);
  flips += batch.length;
}
await new Promise((r) => setTimeout(r, 500));
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
console.log(JSON.stringify({ consoles: opened, state_changes: flips, frames, p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: lat[lat.length - 1] }));
for (const s of sockets) s.close();
process.exit(0);
