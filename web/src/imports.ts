// List upload (admin page, managers and administrators): pick a CSV, upload it
// to POST /api/v1/campaigns/{id}/imports (upload progress from the browser),
// then a progress bar fed by the server's `import.progress` events (pushed on
// the WebSocket; GET /api/v1/imports/{id} is read when the page (re)syncs and
// while no event has come for a while), the import summary (read = imported +
// duplicates + rejected), the rejected rows by line and column, and the
// rejects file as a download.
import { ApiError, api, csrfToken } from './api';
import { clear, h } from './dom';
import { parseCsv } from './dashboard';
import { DomainEvent } from './events';

interface Progress { import_id: number; state: string; done: boolean; fraction: number; read: number; imported: number; duplicates: number; rejected: number; error?: string }

// The column separators POST /api/v1/campaigns/{id}/imports takes (`delimiter`).
const DELIMITERS: [string, string][] = [[',', 'comma ,'], [';', 'semicolon ;'], ['|', 'pipe |'], ['tab', 'tab'], ['auto', 'detect from the header row']];

function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// POST the file with upload progress (fetch cannot report it; XMLHttpRequest can).
function upload(url: string, file: File, onUpload: (fraction: number) => void): Promise<any> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Idempotency-Key', randomKey());
    if (csrfToken()) xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onUpload(e.loaded / e.total); };
    xhr.onload = () => {
      let json: any = null;
      try { json = JSON.parse(xhr.responseText); } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else { const e = json?.error ?? {}; reject(new ApiError(xhr.status, e.code ?? 'error', e.message ?? `HTTP ${xhr.status}`, e.field ?? null)); }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload failed (network error)', null));
    xhr.send(file);
  });
}

export class ListUpload {
  private current = 0;            // the import this page started
  private seen = new Map<number, Progress>();  // events may arrive before the POST answers
  private finished = false;
  private poll: number | undefined;
  private bar = h('progress', { id: 'import-bar', max: 1, value: 0, 'aria-labelledby': 'import-status' }) as HTMLProgressElement;
  private status = h('p', { id: 'import-status', 'aria-live': 'polite' }, 'No list uploaded yet.');
  private summary = h('div', { id: 'import-summary' });
  private rejects = h('div', { id: 'import-rejects' });

  private camp = h('select', { id: 'import-campaign' }) as HTMLSelectElement;

  constructor(private campaigns: () => any[]) {}

  stop(): void { if (this.poll) clearTimeout(this.poll); }

  // The campaign picker, again from campaigns() (after one is created); the choice is kept.
  refreshCampaigns(): void {
    const keep = this.camp.value;
    this.camp.replaceChildren(...this.campaigns().map((c) => h('option', { value: String(c.id) }, `${c.id}: ${c.name}`)));
    if (keep && [...this.camp.options].some((o) => o.value === keep)) this.camp.value = keep;
  }

  element(): HTMLElement {
    const camp = this.camp;
    this.refreshCampaigns();
    const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,.txt,text/csv', required: true }) as HTMLInputElement;
    const name = h('input', { id: 'import-name', maxlength: 200, placeholder: 'default: the file name' });
    const dedupe = h('select', { id: 'import-dedupe' }, ...['campaign', 'list', 'organisation'].map((d) => h('option', { value: d }, d)));
    const region = h('input', { id: 'import-region', value: 'US', size: 3, maxlength: 2, pattern: '[A-Z]{2}' });
    // The API's `delimiter` (docs/api.md): its default is the comma.
    const delimiter = h('select', { id: 'import-delimiter' }, ...DELIMITERS.map(([v, label]) => h('option', { value: v, selected: v === ',' }, label))) as HTMLSelectElement;
    const map = h('input', { id: 'import-map', placeholder: 'e.g. Mobile Number=phone, VAN=external_id' });
    const batch = h('input', { id: 'import-batch', type: 'number', min: 1, max: 100000, placeholder: '5000' });
    const err = h('div', { id: 'import-error' });
    const form = h('form', { class: 'card', id: 'import-form', onsubmit: async (e: Event) => {
      e.preventDefault();
      const f = file.files?.[0];
      if (!f) return;
      clear(err);
      const q = new URLSearchParams({ list_name: name.value || f.name, dedupe: dedupe.value, region: region.value, delimiter: delimiter.value });
      if (map.value.trim()) q.set('map', map.value.split(',').map((s) => s.trim()).filter(Boolean).join(','));
      if (batch.value) q.set('batch_rows', batch.value);
      this.begin();
      try {
        const r = await upload(`/api/v1/campaigns/${camp.value}/imports?${q}`, f, (x) => this.setStatus(`Uploading ${f.name}: ${Math.round(100 * x)} %`));
        this.current = r.id;
        this.setStatus(`Importing ${r.list_name}…`);
        this.apply(this.seen.get(r.id) ?? r);
        if (!this.finished) this.schedulePoll();
      } catch (ex) {
        const a = ex as ApiError;
        this.setStatus('The list was not imported.');
        clear(err, h('p', { class: 'error', role: 'alert' }, `${a.message}${a.field ? ` (field: ${a.field})` : ''}`));
      }
    } },
    h('h2', {}, 'Upload a contact list'),
    h('div', { class: 'grid2' },
      h('div', {},
        h('div', { class: 'field' }, h('label', { for: 'import-campaign' }, 'Campaign'), camp),
        h('div', { class: 'field' }, h('label', { for: 'import-file' }, 'CSV file'), file, h('small', { class: 'muted' }, 'a header row, then one contact a row; at least one phone column')),
        h('div', { class: 'field' }, h('label', { for: 'import-name' }, 'List name'), name),
        h('div', { class: 'field' }, h('label', { for: 'import-delimiter' }, 'Column separator (delimiter)'), delimiter)),
      h('div', {},
        h('div', { class: 'field' }, h('label', { for: 'import-dedupe' }, 'Duplicates across'), dedupe),
        h('div', { class: 'field' }, h('label', { for: 'import-region' }, 'Default region'), region, h('small', { class: 'muted' }, 'for numbers written without a country code')),
        h('div', { class: 'field' }, h('label', { for: 'import-map' }, 'Column mapping overrides'), map),
        h('div', { class: 'field' }, h('label', { for: 'import-batch' }, 'Rows per transaction'), batch))),
    h('button', { type: 'submit', class: 'primary', id: 'import-start' }, 'Upload and import'), err,
    h('div', { class: 'import-progress' }, this.bar, this.status), this.summary, this.rejects);
    return form;
  }

  // From the page's event stream.
  onEvent(ev: DomainEvent): void {
    if (ev.type !== 'import.progress') return;
    const p = ev.data as Progress;
    this.seen.set(p.import_id, p);
    if (p.import_id === this.current) this.apply(p);
  }

  // After a (re)connect: the server's state is the authority.
  resync(): void { if (this.current && !this.finished) void this.refresh(); }

  private begin(): void {
    this.current = 0;
    this.finished = false;
    this.bar.value = 0;
    this.bar.removeAttribute('data-done');
    clear(this.summary);
    clear(this.rejects);
  }

  private setStatus(text: string): void { this.status.textContent = text; }

  private schedulePoll(): void {
    if (this.poll) clearTimeout(this.poll);
    this.poll = window.setTimeout(() => void this.refresh(), 2000);
  }

  private async refresh(): Promise<void> {
    if (!this.current || this.finished) return;
    try { this.apply(await api<Progress>('GET', `/api/v1/imports/${this.current}`)); } catch { /* next event or poll */ }
    if (!this.finished) this.schedulePoll();
  }

  private apply(p: Progress): void {
    if (this.finished) return;
    this.bar.value = Math.max(this.bar.value, Number(p.fraction) || 0);
    this.setStatus(`${p.done ? 'Done' : 'Importing'}: ${p.read} rows read — ${p.imported} imported, ${p.duplicates} duplicates, ${p.rejected} rejected (${Math.round(100 * this.bar.value)} %)`);
    if (this.poll) this.schedulePoll();
    if (p.done) { this.finished = true; if (this.poll) clearTimeout(this.poll); void this.showResult(); }
  }

  private async showResult(): Promise<void> {
    const r = await api<any>('GET', `/api/v1/imports/${this.current}`);
    if (r.state === 'committed') { this.bar.value = 1; this.bar.setAttribute('data-done', 'true'); }
    const fig = (label: string, v: string | number, id: string) => h('div', { class: 'figure' }, h('span', { class: 'value', id }, String(v)), h('span', { class: 'label' }, label));
    clear(this.summary, h('h3', {}, `Import ${r.id}: ${r.list_name} `, h('span', { class: `badge istate-${r.state}`, id: 'imp-state' }, r.state)),
      r.error ? h('p', { class: 'error', role: 'alert' }, r.error) : null,
      h('div', { class: 'figures' },
        fig('rows read', r.read, 'imp-read'), fig('imported', r.imported, 'imp-imported'),
        fig('duplicates', r.duplicates, 'imp-duplicates'), fig('rejected', r.rejected, 'imp-rejected'), fig('phones stored', r.phones_imported, 'imp-phones')),
      h('p', { class: 'muted' }, 'File SHA-256: ', h('code', { id: 'imp-sha' }, r.file_sha256)));
    this.setStatus(`Import ${r.id} ${r.state}: ${r.read} rows read = ${r.imported} imported + ${r.duplicates} duplicates + ${r.rejected} rejected`);
    if (!r.rejected) { clear(this.rejects, h('p', { class: 'ok' }, 'No rows were rejected.')); return; }
    const res = await fetch(r.rejects_url, { credentials: 'same-origin' });
    const rows = res.ok ? parseCsv(await res.text()).filter((x) => x.length > 1) : [];
    rows.shift();
    const shown = rows.slice(0, 100);
    clear(this.rejects, h('h3', {}, `Rejected rows (${r.rejected})`),
      h('p', {}, h('a', { href: r.rejects_url, download: '', id: 'import-rejects-download', class: 'button' }, 'Download the rejects file (CSV)')),
      h('table', { class: 'callers', id: 'import-rejects-table' },
        h('thead', {}, h('tr', {}, ...['Line', 'Column', 'Reason', 'Row as uploaded'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...shown.map((x) => h('tr', {}, h('td', {}, x[0] ?? ''), h('td', {}, x[1] ?? ''), h('td', {}, x[2] ?? ''),
          h('td', { class: 'raw' }, (x[3] ?? '').replace(/\r?\n$/, '').slice(0, 120)))))),
      rows.length > shown.length ? h('p', { class: 'muted' }, `… ${rows.length - shown.length} more in the file.`) : null);
  }
}
