// Vendor registry pages. A vendor supervisor sees only its own subtree (the
// server applies the vendor chain's access function; another vendor's record
// answers "not found"). Managers and auditors see the whole registry and the
// campaign's disclosure report: who made the calls, from where, paid how.
// Administrators, managers and vendor supervisors (inside their subtree) edit
// records: every save is a new version (POST /api/v1/vendor/records, checked
// and audited by the store); evidence files are uploaded first and their
// SHA-256 goes into the vetting record's evidence_docs.
import { api, ApiError, csrfToken, listCampaigns, User } from './api';
import { clear, h } from './dom';

const KINDS = ['entity', 'engagement', 'site', 'caller', 'vetting', 'policy', 'override', 'sanctions'];
// Section headings of the registry page, one per kind.
const KIND_TITLES: Record<string, string> = {
  entity: 'Entities', engagement: 'Engagements', site: 'Sites', caller: 'Callers', vetting: 'Vetting records',
  policy: 'Campaign vendor policies', override: 'Overrides', sanctions: 'Sanctions screenings',
};

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
    const sections = KINDS.map((k) => {
      const items = r.items.filter((x) => x.kind === k);
      return h('section', { class: 'card', id: `vendor-${k}` }, h('h2', {}, `${KIND_TITLES[k] ?? k} (${items.length})`),
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
    if (x.kind === 'vetting') return `${d.subject_kind ?? ''} ${d.subject_id ?? ''} — ${d.status ?? ''}${d.expires_at ? `, expires ${String(d.expires_at).slice(0, 10)}` : ''}`;
    if (x.kind === 'policy') return `campaign ${d.campaign_id ?? x.id} — v${x.version}`;
    if (x.kind === 'override') return `${d.gate ?? ''} for ${d.site_id ?? ''}, campaign ${d.campaign_id ?? ''}${d.expires_at ? `, expires ${String(d.expires_at).slice(0, 10)}` : ''}`;
    if (x.kind === 'sanctions') return `${d.entity_id ?? ''}: ${d.result ?? ''}, checked ${d.checked_at ?? ''}${d.lists?.length ? ` (${d.lists.join(', ')})` : ''}`;
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

const DANGER_SITES = ['correctional_facility', 'work_release_center', 'detention_center'];
const words = (v: unknown) => String(v ?? '').replace(/_/g, ' ');
const day = (iso: unknown) => (iso ? String(iso).slice(0, 10) : '');
const money = (v: unknown) => (v === null || v === undefined ? '—' : Number(v).toFixed(2));

// A findings list: failing gates in red, overridden ones (allowed by a recorded
// campaign decision) in amber.
function findingList(items: string[], id: string): HTMLElement {
  return h('ul', { class: 'findings', id }, ...items.map((f) => h('li', { class: f.includes('OVERRIDDEN') ? 'warn' : 'bad' }, f)));
}

// The campaign's disclosure report (GET /api/v1/campaigns/{id}/disclosure,
// docs/vendor-chain.md "The disclosure report"): findings first, then per tier
// and payee the engagement and its sites (hours, calls, the attested wage and
// what workers receive, the vetting behind it, overrides, refusals, findings),
// the refusals, the overrides, the policy and the audit anchor — what the
// printed report (`clearline disclosure --format html`) shows.
export class DisclosurePage {
  constructor(private root: HTMLElement) {}
  stop(): void {}

  async start(): Promise<void> {
    const list = await listCampaigns().catch(() => []);
    const out = h('div', { id: 'disclosure' });
    const sel = h('select', { id: 'disc-campaign', onchange: () => void this.show(Number(sel.value), out) },
      ...list.map((c) => h('option', { value: String(c.id) }, c.name)));
    clear(this.root, h('h1', {}, 'Disclosure report'), h('p', {}, 'Who made this campaign’s calls, from where, and under what conditions.'),
      list.length ? h('p', {}, h('label', { for: 'disc-campaign' }, 'Campaign '), sel) : h('p', {}, 'No campaigns yet.'), out);
    if (list.length) await this.show(list[0].id, out);
  }

  private async show(id: number, out: HTMLElement): Promise<void> {
    let r: any;
    try {
      r = await api<any>('GET', `/api/v1/campaigns/${id}/disclosure`);
    } catch (e) {
      clear(out, h('p', { class: 'error', role: 'alert', id: 'disclosure-error' }, errorText(e)));
      return;
    }
    const t = r.totals ?? {};
    const allFindings: any[] = r.findings ?? [];
    const overrides: any[] = r.overrides ?? [];
    const fig = (label: string, value: unknown, fid: string) => h('div', { class: 'figure', id: fid }, h('span', { class: 'value' }, String(value ?? 0)), h('span', { class: 'label' }, label));
    const payees = (r.payees ?? []).map((p: any) => this.payee(p, r.as_of));
    const refusals: any[] = r.refusals ?? [];
    const shown = refusals.slice(0, 50);
    clear(out,
      h('p', { class: 'muted', id: 'disclosure-period' }, `Period ${day(r.period?.from)} to ${day(r.period?.to)}; the chain as of ${r.as_of ?? ''}.`),
      h('div', { class: 'figures', id: 'disclosure-totals' },
        fig('payees', t.payees, 'dt-payees'), fig('calls made', t.calls_made, 'dt-calls'), fig('hours on calls', money(t.hours_worked), 'dt-hours'),
        fig('callers active', t.callers_active, 'dt-callers'), fig('refusals', t.refusals, 'dt-refusals'), fig('overrides', overrides.length, 'dt-overrides'),
        fig('findings', allFindings.length, 'dt-findings')),
      h('section', { class: allFindings.length ? 'card refused' : 'card', id: 'disclosure-findings', 'aria-labelledby': 'disclosure-findings-title' },
        h('h2', { id: 'disclosure-findings-title' }, allFindings.length ? `Findings (${allFindings.length}): the chain fails these gates` : 'Findings'),
        allFindings.length
          ? h('ul', { class: 'findings' }, ...allFindings.map((f) => h('li', { class: 'bad' },
            h('span', { class: 'muted' }, `Tier ${f.tier}, ${f.engagement_id}${f.site_id ? `, ${f.site_id}` : ''}: `), String(f.finding))))
          : h('p', { class: 'ok' }, 'None: every gate passes for every registered caller.')),
      h('h2', {}, 'Chain by tier and payee'),
      ...payees,
      h('section', { class: 'card', id: 'disclosure-refusals' }, h('h2', {}, `Refused callers (${refusals.length})`),
        shown.length ? h('ul', { id: 'refusal-list' }, ...shown.map((x: any) => h('li', {}, `${x.at} ${x.kind}: ${x.caller_ref} at ${x.site_id}`,
          x.failed_gates?.length ? h('span', { class: 'bad' }, ` [${x.failed_gates.join(', ')}]`) : null, ` — ${x.reason}`))) : h('p', { class: 'muted' }, 'None.'),
        refusals.length > shown.length ? h('p', { class: 'muted' }, `… and ${refusals.length - shown.length} more.`) : null),
      h('section', { class: 'card', id: 'disclosure-overrides' }, h('h2', {}, `Overrides (${overrides.length})`),
        overrides.length ? this.overrideTable(overrides) : h('p', { class: 'muted' }, 'No policy overrides.')),
      this.policy(r.policy ?? {}),
      h('p', { class: 'muted', id: 'disclosure-anchor' }, `Audit chain head when generated: seq ${r.audit_anchor?.seq ?? '?'}, hash `,
        h('code', { class: 'mono' }, String(r.audit_anchor?.hash ?? '')), '. Publish it with ', h('code', {}, 'clearline disclosure'), ' (docs/vendor-chain.md).'));
  }

  private payee(p: any, asOf: string): HTMLElement {
    const who = p.payee ?? {};
    const place = [who.city, who.state].filter(Boolean).join(', ');
    const consent = !('campaign_consent' in p) ? null
      : p.campaign_consent === null ? h('span', { class: 'badge verdict-deny' }, 'no campaign consent to this subcontract')
        : h('span', { class: 'badge verdict-allow' }, `campaign consent: ${p.campaign_consent.consented_by}${p.campaign_consent.title ? `, ${p.campaign_consent.title}` : ''}, ${day(p.campaign_consent.date)}`);
    const ended = p.effective_to && asOf && p.effective_to < asOf;
    const findings: string[] = p.findings ?? [];
    return h('section', { class: 'card payee', id: `payee-${p.engagement_id}` },
      h('h2', {}, `Tier ${p.tier}: ${who.legal_name ?? ''}`),
      h('p', { class: 'muted' }, [words(who.entity_type), place].filter(Boolean).join(', '), ' · engaged by ', h('strong', {}, p.parent?.legal_name ?? ''),
        ` · contract ${p.contract_ref || '—'} (${p.engagement_id} v${p.engagement_version})`),
      h('p', { class: 'engagement-dates' }, `Engagement ${day(p.effective_from)} to ${p.effective_to ? day(p.effective_to) : 'open'}`,
        ended ? h('strong', { class: 'error' }, ' — ended') : null,
        p.terminated ? h('strong', { class: 'error' }, ' — terminated') : null,
        p.valid_at_period_end === false ? h('strong', { class: 'error' }, ' — not in force at the period’s end') : null,
        ` · subcontracting ${p.subcontracting_allowed ? 'allowed' : 'not allowed'}`, consent ? ' · ' : null, consent),
      findings.length ? findingList(findings, `payee-findings-${p.engagement_id}`) : null,
      (p.sites ?? []).length ? this.siteTable(p.sites, asOf) : h('p', { class: 'muted' }, 'No sites registered for this payee.'));
  }

  private siteTable(sites: any[], asOf: string): HTMLElement {
    const head = ['Site', 'Type', 'Where', 'Callers active', 'Hours on calls', 'Calls', 'Wage attested', 'Received by worker', 'Vetting', 'Refusals', 'Overrides'];
    const rows = sites.flatMap((s: any) => {
      const w = s.wage;
      const danger = DANGER_SITES.includes(s.site_type);
      const expired = w?.expires_at && asOf && w.expires_at < asOf;
      const toWorker = w?.paid_to === 'worker';
      const row = h('tr', { class: danger ? 'flag' : '', id: `site-${s.site_id}` },
        h('td', {}, s.name ?? s.site_id, h('br', {}), h('span', { class: 'muted' }, s.site_id)),
        h('td', {}, h('span', { class: danger ? 'bad' : '' }, words(s.site_type)),
          s.facility_authority ? h('span', { class: 'muted' }, h('br', {}), `authority: ${s.facility_authority.legal_name}`) : null),
        h('td', {}, [s.city, s.state].filter(Boolean).join(', ')),
        h('td', {}, `${s.callers_active ?? 0} of ${s.callers_registered ?? 0}`),
        h('td', {}, money(s.hours_worked)), h('td', {}, String(s.calls_made ?? 0)),
        w ? h('td', {}, `${money(w.attested_hourly_gross)} ${w.currency ?? ''}/h`, h('br', {}),
          h('span', { class: 'muted' }, `paid to ${toWorker ? 'the worker' : `${words(w.paid_to)}${w.paid_to_name ? `: ${w.paid_to_name}` : ''}`}`))
          : h('td', { class: 'bad' }, 'no vetting'),
        w ? h('td', { class: toWorker ? 'ok' : 'bad' }, `${money(w.received_by_worker_hourly)} ${w.currency ?? ''}/h`) : h('td', { class: 'bad' }, 'unknown'),
        w ? h('td', {}, `${w.vetting_id} v${w.vetting_version}: `, h('span', { class: w.status === 'approved' ? '' : 'bad' }, words(w.status)),
          `, risk ${words(w.risk_rating)}, `, h('span', { class: expired ? 'bad' : '' }, `${expired ? 'expired' : 'expires'} ${day(w.expires_at)}`),
          w.incarcerated_workers_present ? h('span', { class: 'bad' }, h('br', {}), 'incarcerated workers present') : null)
          : h('td', { class: 'bad' }, '—'),
        h('td', { class: s.refusals ? 'bad' : '' }, String(s.refusals ?? 0)),
        h('td', {}, ...(s.overrides ?? []).flatMap((o: any) => [h('span', { class: 'badge sev-warning' }, o.override_id),
          ` ${o.gate}, ${o.decided_by}, ${day(o.decided_at)}: ${o.reason}`, h('br', {})])));
      const findings: string[] = s.findings ?? [];
      const more = findings.length ? h('tr', { class: 'site-findings' }, h('td', { colspan: head.length },
        h('strong', {}, `Findings for ${s.name ?? s.site_id}`), findingList(findings, `site-findings-${s.site_id}`))) : null;
      return more ? [row, more] : [row];
    });
    return h('table', { class: 'callers disclosure' },
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))), h('tbody', {}, ...rows));
  }

  private overrideTable(overrides: any[]): HTMLElement {
    return h('table', { class: 'callers' },
      h('thead', {}, h('tr', {}, ...['Override', 'Gate', 'Site', 'Decided by', 'When', 'Expires', 'Reason', 'Conditions'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...overrides.map((o) => h('tr', {}, h('td', {}, o.override_id), h('td', {}, o.gate), h('td', {}, o.site_id),
        h('td', {}, `${o.decided_by}${o.title ? `, ${o.title}` : ''}`), h('td', {}, day(o.decided_at)), h('td', {}, o.expires_at ? day(o.expires_at) : 'never'),
        h('td', {}, o.reason ?? ''), h('td', {}, typeof o.conditions === 'string' ? o.conditions : JSON.stringify(o.conditions ?? ''))))));
  }

  private policy(pol: any): HTMLElement {
    const decisions: any[] = pol.decisions ?? [];
    const row = (k: string, v: string) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v));
    return h('section', { class: 'card', id: 'disclosure-policy' }, h('h2', {}, 'Policy'),
      pol.stored === false ? h('p', { class: 'muted' }, 'No policy stored for this campaign: the defaults apply.') : null,
      h('table', { class: 'callers kv' }, h('tbody', {},
        row('Denied site types (G4)', (pol.deny_site_types ?? []).map(words).join(', ')),
        row('Wage floor (G5)', `worker-received wage ≥ max(federal ${money(pol.federal_min_wage)}, state minimum, campaign ${money(pol.campaign_wage_floor)})`),
        row('Maximum subcontract depth (G2)', String(pol.max_subcontract_depth ?? '')),
        row('Vetting age (G3)', `${pol.vetting_max_age_days ?? ''} days; ${pol.high_risk_vetting_max_age_days ?? ''} days when high-risk`),
        row('Sanctions screening age (G9)', `${pol.sanctions_max_age_days ?? ''} days`),
        row('Hours standard (G6)', String(pol.hours_standard ?? '')),
        row('Changes from the defaults', decisions.length
          ? decisions.map((d) => `${d.field}: ${d.decided_by}, ${day(d.decided_at)} — ${d.reason}`).join('; ')
          : (pol.defaults_changed ?? []).length ? (pol.defaults_changed as any[]).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('; ') : 'none'))));
  }
}
