// Vendor registry pages. A vendor supervisor sees only its own subtree (the
// server applies the vendor chain's access function; another vendor's record
// answers "not found"). Managers and auditors see the whole registry and the
// campaign's disclosure report: who made the calls, from where, paid how.
// Administrators, managers and vendor supervisors (inside their subtree) edit
// records: every save is a new version (POST /api/v1/vendor/records, checked
// and audited by the store); evidence files are uploaded first and their
// SHA-256 goes into the vetting record's evidence_docs.
import { api, ApiError, csrfToken, User } from './api';
import { clear, h } from './dom';

const KINDS = ['entity', 'engagement', 'site', 'caller', 'vetting', 'policy', 'override', 'sanctions'];

function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message}${e.field ? ` (field: ${e.field})` : ''}`;
  return String((e as Error).message ?? e);
}

async function uploadEvidence(file: File): Promise<any> {
  const res = await fetch(`/api/v1/vendor/evidence?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) { const e = json?.error ?? {}; throw new ApiError(res.status, e.code ?? 'error', e.message ?? `HTTP ${res.status}`, e.field ?? null); }
  return json;
}

function recordLink(kind: string, id: string): HTMLElement {
  return h('a', { href: `#/vendor/${kind}/${encodeURIComponent(id)}` }, id);
}

export class VendorPage {
  constructor(private root: HTMLElement, private user: User, private path: string[]) {}
  stop(): void {}

  async start(): Promise<void> {
    if (this.path.length >= 2) return this.record(this.path[0], decodeURIComponent(this.path[1]));
    const r = await api<{ items: any[] }>('GET', '/api/v1/vendor/records');
    const kinds = ['entity', 'engagement', 'site', 'caller', 'vetting'];
    const sections = kinds.map((k) => {
      const items = r.items.filter((x) => x.kind === k);
      return h('section', { class: 'card', id: `vendor-${k}` }, h('h2', {}, `${k[0].toUpperCase()}${k.slice(1)}s (${items.length})`),
        items.length ? h('ul', {}, ...items.map((x) => h('li', {}, recordLink(k, x.id), ' ', h('span', { class: 'muted' }, this.summary(x))))) : h('p', { class: 'muted' }, 'None visible to you.'));
    });
    clear(this.root, h('h1', {}, 'Vendor registry'),
      h('p', { class: 'muted' }, this.user.role === 'vendor_supervisor' ? `Records of ${this.user.entity_id} and its subtree.` : 'Every record in the registry.'),
      this.canWrite() ? this.newForm() : null,
      ...sections);
  }

  private canWrite(): boolean { return ['administrator', 'campaign_manager', 'vendor_supervisor'].includes(this.user.role); }

  private newForm(): HTMLElement {
    const kind = h('select', { id: 'new-kind' }, ...KINDS.map((k) => h('option', { value: k }, k)));
    const json = h('textarea', { id: 'new-json', rows: 6, spellcheck: 'false', class: 'json' }, '{\n  "id": ""\n}') as HTMLTextAreaElement;
    const out = h('div', { id: 'new-result' });
    return h('form', { class: 'card', id: 'vendor-new', onsubmit: async (e: Event) => {
      e.preventDefault();
      let data: any;
      try { data = JSON.parse(json.value); } catch (ex) { clear(out, h('p', { class: 'error', role: 'alert' }, `Not valid JSON: ${(ex as Error).message}`)); return; }
      try {
        const r = await api<any>('POST', '/api/v1/vendor/records', { kind: kind.value, data });
        location.hash = `#/vendor/${r.kind}/${encodeURIComponent(r.id)}`;
      } catch (ex) { clear(out, h('p', { class: 'error', role: 'alert' }, errorText(ex))); }
    } }, h('h2', {}, 'New record'),
    h('div', { class: 'field' }, h('label', { for: 'new-kind' }, 'Kind'), kind),
    h('div', { class: 'field' }, h('label', { for: 'new-json' }, 'Record (JSON, as in docs/vendor-chain.md)'), json),
    h('button', { type: 'submit', class: 'primary', id: 'new-save' }, 'Create'), out);
  }

  // Edit form for one record: its JSON, a save that writes the next version,
  // and for vetting records an evidence upload that shows the file's SHA-256.
  private editForm(kind: string, id: string, data: any): HTMLElement {
    const json = h('textarea', { id: 'edit-json', rows: 14, spellcheck: 'false', class: 'json' }, JSON.stringify(data, null, 2)) as HTMLTextAreaElement;
    const out = h('div', { id: 'edit-result' });
    const evidence = kind === 'vetting' ? this.evidenceBox(json) : null;
    return h('form', { class: 'card', id: 'vendor-edit', onsubmit: async (e: Event) => {
      e.preventDefault();
      let doc: any;
      try { doc = JSON.parse(json.value); } catch (ex) { clear(out, h('p', { class: 'error', role: 'alert' }, `Not valid JSON: ${(ex as Error).message}`)); return; }
      try {
        const r = await api<any>('POST', '/api/v1/vendor/records', { kind, data: doc });
        await this.record(kind, id, r.changed ? `Saved version ${r.version} (record hash ${String(r.record_hash).slice(0, 16)}…).` : 'No change: the record is identical to its current version.');
      } catch (ex) { clear(out, h('p', { class: 'error', role: 'alert' }, errorText(ex))); }
    } }, h('h2', {}, 'Edit (saves a new version)'), evidence,
    h('div', { class: 'field' }, h('label', { for: 'edit-json' }, 'Record (JSON)'), json),
    h('button', { type: 'submit', class: 'primary', id: 'edit-save' }, 'Save new version'), out);
  }

  private evidenceBox(json: HTMLTextAreaElement): HTMLElement {
    const file = h('input', { id: 'evidence-file', type: 'file' }) as HTMLInputElement;
    const docType = h('input', { id: 'evidence-doc-type', placeholder: 'e.g. site_visit_report', value: 'site_visit_report' });
    const issuer = h('input', { id: 'evidence-issuer', placeholder: 'who issued it' });
    const out = h('div', { id: 'evidence-result', 'aria-live': 'polite' });
    const add = async () => {
      const f = file.files?.[0];
      if (!f) return;
      try {
        const r = await uploadEvidence(f);
        const doc = JSON.parse(json.value);
        doc.evidence_docs = [...(doc.evidence_docs ?? []), { doc_type: docType.value, issuer: issuer.value, file: r.file, sha256: r.sha256 }];
        json.value = JSON.stringify(doc, null, 2);
        clear(out, h('p', { class: 'ok' }, `Uploaded ${r.original_name} (${r.size} bytes). SHA-256: `, h('code', { id: 'evidence-sha' }, r.sha256),
          ' — added to evidence_docs below; save to record it.'));
      } catch (ex) { clear(out, h('p', { class: 'error', role: 'alert' }, errorText(ex))); }
    };
    return h('fieldset', { class: 'evidence' }, h('legend', {}, 'Evidence'),
      h('div', { class: 'row' }, h('label', { for: 'evidence-file' }, 'File'), file, h('label', { for: 'evidence-doc-type' }, 'Type'), docType,
        h('label', { for: 'evidence-issuer' }, 'Issuer'), issuer,
        h('button', { type: 'button', class: 'secondary', id: 'evidence-upload', onclick: () => void add() }, 'Upload and add')), out);
  }

  private summary(x: any): string {
    const d = x.data ?? {};
    if (x.kind === 'site') return `${d.name ?? ''} — ${String(d.site_type ?? '').replace(/_/g, ' ')}${d.address?.city ? `, ${d.address.city}, ${d.address.state ?? ''}` : ''}`;
    if (x.kind === 'entity') return d.legal_name ?? '';
    if (x.kind === 'caller') return `at ${d.site_id ?? ''}`;
    if (x.kind === 'engagement') return `${d.principal_entity_id || 'campaign'} → ${d.agent_entity_id ?? ''}`;
    return `v${x.version}`;
  }

  private async record(kind: string, id: string, note = ''): Promise<void> {
    try {
      const r = await api<any>('GET', `/api/v1/vendor/records/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`);
      const rows = Object.entries(r.data ?? {}).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
      const evidence = (r.data?.evidence_docs ?? []).map((e: any) => h('li', {}, `${e.doc_type ?? 'document'}${e.issuer ? ` (${e.issuer})` : ''}: SHA-256 `, h('code', { class: 'evidence-hash' }, e.sha256 ?? '—')));
      clear(this.root, h('h1', { id: 'record-title' }, `${kind} ${id}`),
        note ? h('p', { class: 'ok', role: 'status', id: 'record-note' }, note) : null,
        h('p', { class: 'muted', id: 'record-version' }, `version ${r.version}, valid from ${r.valid_from}; record hash ${r.record_hash}`),
        h('table', { class: 'callers kv' }, h('tbody', {}, ...rows)),
        evidence.length ? h('section', { class: 'card', id: 'record-evidence' }, h('h2', {}, 'Evidence'), h('ul', {}, ...evidence)) : null,
        h('section', { class: 'card', id: 'record-versions' }, h('h2', {}, `Versions (${(r.versions ?? []).length})`),
          h('ol', {}, ...(r.versions ?? []).map((v: any) => h('li', {}, `v${v.version} from ${v.valid_from}${v.valid_to ? ` to ${v.valid_to}` : ''} — `, h('code', {}, String(v.record_hash).slice(0, 16)), '…')))),
        this.canWrite() ? this.editForm(kind, id, r.data ?? {}) : null,
        h('p', {}, h('a', { href: '#/vendor' }, '← registry')));
    } catch (e) {
      clear(this.root, h('h1', { id: 'record-title' }, `${kind} ${id}`),
        h('p', { class: 'error', role: 'alert', id: 'record-error' }, e instanceof ApiError && e.status === 404 ? 'Not found — or not part of your organisation’s records.' : String((e as Error).message)),
        h('p', {}, h('a', { href: '#/vendor' }, '← registry')));
    }
  }
}

export class DisclosurePage {
  constructor(private root: HTMLElement) {}
  stop(): void {}

  async start(): Promise<void> {
    const list = await api<{ items: any[] }>('GET', '/api/v1/campaigns');
    const sel = h('select', { id: 'disc-campaign', onchange: () => void this.show(Number(sel.value), out) },
      ...list.items.map((c) => h('option', { value: String(c.id) }, c.name)));
    const out = h('div', { id: 'disclosure' });
    clear(this.root, h('h1', {}, 'Disclosure report'), h('p', {}, 'Who made this campaign’s calls, from where, and under what conditions.'),
      h('p', {}, h('label', { for: 'disc-campaign' }, 'Campaign '), sel), out);
    if (list.items.length) await this.show(list.items[0].id, out);
  }

  private async show(id: number, out: HTMLElement): Promise<void> {
    const r = await api<any>('GET', `/api/v1/campaigns/${id}/disclosure`);
    const payees = (r.payees ?? []).map((p: any) => h('section', { class: 'card payee' },
      h('h2', {}, `Tier ${p.tier}: ${p.payee?.legal_name ?? ''}`),
      h('p', { class: 'muted' }, `engaged by ${p.parent?.legal_name ?? ''}`, p.tier > 1 && !p.campaign_consent ? h('strong', { class: 'error' }, ' — no campaign consent to this subcontract') : null),
      h('table', { class: 'callers' }, h('thead', {}, h('tr', {}, ...['Site', 'Type', 'Where', 'Wage received by worker', 'Paid to', 'Calls', 'Refusals'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...(p.sites ?? []).map((s: any) => h('tr', { class: s.site_type === 'correctional_facility' ? 'flag' : '' },
          h('td', {}, s.name ?? s.site_id), h('td', {}, String(s.site_type ?? '').replace(/_/g, ' ')), h('td', {}, [s.city, s.state].filter(Boolean).join(', ')),
          h('td', {}, s.wage ? `${s.wage.received_by_worker_hourly} ${s.wage.currency ?? ''}/h` : '—'), h('td', {}, s.wage?.paid_to_name ?? '—'),
          h('td', {}, String(s.calls_made ?? 0)), h('td', {}, String(s.refusals ?? 0))))))));
    const refusals = (r.refusals ?? []).slice(0, 50);
    clear(out, ...payees,
      h('section', { class: 'card' }, h('h2', {}, `Refused callers (${(r.refusals ?? []).length})`),
        refusals.length ? h('ul', { id: 'refusal-list' }, ...refusals.map((x: any) => h('li', {}, `${x.at} ${x.kind}: ${x.caller_ref} at ${x.site_id} — ${x.reason}`))) : h('p', { class: 'muted' }, 'None.')));
  }
}
