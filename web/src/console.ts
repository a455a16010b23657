// The caller console: pick a campaign at your site (the vendor-chain gates'
// refusal shown in plain words), ready / pause with a reason, and on connect
// the contact, the script (fields substituted) and the survey appear at once;
// disposition (the phone's keys), survey answers, callback; wrap-up timer; ready.
// Human-initiated / preview (and numbers the policy says may not be
// autodialed): a ready or paused caller sees the next contact held for them
// and presses Call (Skip in preview); the record pops when the callee answers.
import { api, ApiError, listCampaigns, User } from './api';
import { announce, clear, h } from './dom';
import { DomainEvent, EventStream } from './events';

const PAUSE_REASONS = ['Break', 'Meeting', 'Training', 'Technical problem'];
const STATE_WORDS: Record<string, string> = {
  logged_out: 'Not signed in to a campaign',
  connecting: 'Calling your phone — answer it to start',
  paused: 'Paused',
  ready: 'Ready — waiting for a call',
  dialing: 'Calling the contact — the record opens when they answer',
  on_call: 'On a call',
  wrap_up: 'Wrap-up',
};

interface Snapshot {
  state: string; campaign_id: number | null; reason: string; since: string; site_id: string;
  call: any | null; wrap_up_ends_at?: string;
  // The SIP desk: pressing Call is possible; the campaign's dial mode; the
  // call being placed; the outcome of the last placed call that did not connect.
  manual_dialing?: boolean; dial_mode?: string | null;
  dialing?: { call_id: number; number: string; name: string; dial_mode: string };
  last_dial?: { call_id: number; number: string; disposition: string; hangup_cause: string };
  // The campaign's recording mode (on_demand: the Record button) and whether
  // the call on screen is being recorded.
  recording_mode?: string | null; recording?: boolean;
}

const MANUAL_MODES = ['human_initiated', 'preview'];
const OUTCOME_WORDS: Record<string, string> = {
  no_answer: 'No answer', busy: 'Busy', failed: 'The number could not be reached', network_error: 'The call failed (network)',
};
const VERDICT_WORDS: Record<string, string> = {
  deny: 'Not called: the compliance policy does not allow this number now',
  defer: 'Not called yet: the compliance policy defers this number',
  gate: 'Not called: your site may not take this call',
};

// The disposition keys are the phone's (README, docs/sip.md; the dialer's
// digitDisposition): 1 contacted, 2 not interested, 3 call back, 4 answering
// machine, 9 do not call — so that a caller who works both never marks a
// number do-not-call meaning "wrong number". A key is bound to the campaign's
// disposition with that code (the default list has `not_interested` and
// `dnc`, its do-not-call). Key 2 stays unbound for a campaign without
// `not_interested`: giving it another
// disposition would again mean one thing on the phone and another here. The
// other dispositions take the free digits 5–8 in list order; the rest have no
// key (click or Tab to them).
const PHONE_KEYS: [string, string[]][] = [['1', ['contacted']], ['2', ['not_interested']], ['3', ['callback']],
  ['4', ['machine']], ['9', ['do_not_call', 'dnc']]];
const FREE_KEYS = ['5', '6', '7', '8'];

export function dispositionKeys(codes: string[]): Map<string, string> {
  const byCode = new Map<string, string>();  // code → key
  for (const [key, wanted] of PHONE_KEYS) {
    const code = wanted.find((w) => codes.includes(w));
    if (code) byCode.set(code, key);
  }
  const free = [...FREE_KEYS];
  for (const code of codes) if (!byCode.has(code) && free.length) byCode.set(code, free.shift()!);
  return byCode;
}

// The browser's time zone, as the callback time is entered in it.
function timeZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

// Now as a datetime-local value (the browser's time, to the minute).
function localNow(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function substitute(text: string, contact: Record<string, any>): string {
  return text.replace(/\{(\w+)\}/g, (m, key: string) => {
    const v = contact[key] ?? contact.custom?.[key];
    return v === undefined || v === null || v === '' ? m : String(v);
  });
}

export class CallerConsole {
  private snap: Snapshot | null = null;
  private stream: EventStream;
  private wrapTimer: number | undefined;
  private root: HTMLElement;
  private statusEl = h('div', { class: 'status', id: 'caller-status', role: 'status' });
  private connEl = h('span', { class: 'conn', id: 'conn' }, 'connecting…');
  private bodyEl = h('div', { id: 'console-body' });
  private keyHandler = (e: KeyboardEvent) => this.onKey(e);
  private leadSeq = 0;  // the next-contact panel being filled (a newer render wins)
  private statePushes = 0;  // caller.state events seen: a pushed state is newer than a reply sent before it

  constructor(root: HTMLElement, private user: User) {
    this.root = root;
    this.stream = new EventStream((ev) => this.onEvent(ev), () => void this.sync(), (up) => {
      this.connEl.textContent = up ? 'live' : 'reconnecting…';
      this.connEl.className = up ? 'conn up' : 'conn down';
    });
  }

  start(): void {
    clear(this.root,
      h('h1', {}, 'Caller console'),
      h('p', { class: 'muted' }, `Signed in as ${this.user.name}`, this.user.entity_id ? ` at site ${this.user.entity_id}` : '', ' · ', this.connEl),
      this.statusEl, this.bodyEl);
    document.addEventListener('keydown', this.keyHandler);
    this.stream.start();
    void this.sync();
  }

  stop(): void { this.stream.stop(); document.removeEventListener('keydown', this.keyHandler); window.clearInterval(this.wrapTimer); }

  private async sync(): Promise<void> {
    try {
      this.snap = await api<Snapshot>('GET', '/api/v1/console');
      this.render();
    } catch (e) {
      this.showError(e);
    }
  }

  private onEvent(ev: DomainEvent): void {
    if (ev.type === 'screen_pop') {
      this.snap = { ...(this.snap ?? { state: 'on_call', campaign_id: null, reason: '', since: ev.at, site_id: '' }), call: ev.data };
      return;  // the caller.state that follows renders it
    }
    if (ev.type === 'caller.state') {
      const prevCall = this.snap?.call ?? null;
      this.statePushes++;
      this.snap = ev.data as Snapshot;
      if (!this.snap.call && prevCall && this.snap.state === 'on_call') this.snap.call = prevCall;
      this.render();
      announce(STATE_WORDS[this.snap.state] ?? this.snap.state);
    }
    if (ev.type === 'gate.refused') this.renderRefusal(ev.data);
  }

  private showError(e: unknown): void {
    const msg = e instanceof ApiError ? e.message : String(e);
    const box = h('div', { class: 'error', role: 'alert' }, msg);
    this.bodyEl.prepend(box);
  }

  private render(): void {
    const s = this.snap;
    if (!s) return;
    window.clearInterval(this.wrapTimer);
    const words = s.state === 'ready' && MANUAL_MODES.includes(s.dial_mode ?? '') ? 'Ready — press Call for the next contact' : STATE_WORDS[s.state];
    clear(this.statusEl,
      h('span', { class: `badge state-${s.state}`, id: 'state-badge' }, words ?? s.state),
      s.reason && s.state !== 'on_call' ? h('span', { class: 'muted' }, ` — ${s.reason}`) : null);
    if (s.state === 'logged_out' || !s.campaign_id) { void this.renderPicker(); return; }
    // On a call, and in wrap-up while the call still needs its disposition
    // (the customer hung up first): the record, the script and the form stay.
    if ((s.state === 'on_call' || s.state === 'wrap_up') && s.call) { this.renderCall(s.call); return; }
    if (s.state === 'dialing') { this.renderDialing(s); return; }
    const controls = h('div', { class: 'controls' });
    if (s.state === 'paused' || s.state === 'wrap_up') {
      controls.append(h('button', { class: 'primary', id: 'ready-btn', onclick: () => void this.setState('ready') }, s.state === 'wrap_up' ? 'Ready now' : 'Ready'));
    }
    if (s.state === 'ready' || s.state === 'wrap_up') controls.append(this.pauseControl());
    controls.append(h('button', { class: 'secondary', onclick: () => void this.setState('logged_out') }, 'Leave campaign'));
    const parts: Node[] = [controls];
    if (s.state === 'wrap_up' && s.wrap_up_ends_at) {
      const t = h('p', { class: 'timer', id: 'wrap-timer' });
      const end = Date.parse(s.wrap_up_ends_at);
      const tick = () => { t.textContent = `Wrap-up: ${Math.max(0, Math.ceil((end - Date.now()) / 1000))} s left, then you are ready again.`; };
      tick();
      this.wrapTimer = window.setInterval(tick, 1000);
      parts.unshift(t);
    }
    const manualCampaign = MANUAL_MODES.includes(s.dial_mode ?? '');
    if (s.state === 'ready' && !manualCampaign) parts.unshift(h('p', { class: 'waiting' }, 'Waiting for the next call. The contact and the script will appear here.'));
    if (s.last_dial && (s.state === 'ready' || s.state === 'paused')) {
      const words = OUTCOME_WORDS[s.last_dial.disposition] ?? (s.last_dial.disposition || 'Not connected');
      parts.unshift(h('p', { class: 'note', id: 'last-dial', role: 'status' },
        `Your last call to ${s.last_dial.number}: ${words}${s.last_dial.hangup_cause ? ` (${s.last_dial.hangup_cause})` : ''}.`));
    }
    // Pressing Call: on a human-initiated or preview campaign, and for numbers
    // the policy routed out of an autodial campaign.
    const next = s.manual_dialing && (s.state === 'ready' || s.state === 'paused') ? h('div', { id: 'next-contact-area' }) : null;
    if (next) parts.unshift(next);
    clear(this.bodyEl, ...parts);
    document.getElementById('ready-btn')?.focus();
    if (next) void this.loadNextLead(next, manualCampaign);
  }

  private async loadNextLead(into: HTMLElement, manualCampaign: boolean): Promise<void> {
    const seq = ++this.leadSeq;
    let r: any;
    try {
      r = await api<any>('GET', '/api/v1/console/next-lead');
    } catch (e) {
      if (seq !== this.leadSeq || !manualCampaign) return;
      clear(into, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
      return;
    }
    if (seq !== this.leadSeq || !into.isConnected) return;
    const lead = r?.lead;
    if (!lead) {
      if (!manualCampaign) { clear(into); return; }
      clear(into, h('section', { class: 'card', id: 'next-contact', 'aria-label': 'Next contact' },
        h('h2', {}, 'Next contact'),
        h('p', { id: 'no-next-contact' }, 'There is no contact for you to call right now.'),
        h('button', { class: 'secondary', id: 'next-refresh', onclick: () => void this.loadNextLead(into, manualCampaign) }, 'Check again')));
      return;
    }
    this.renderNextLead(into, lead, manualCampaign);
  }

  private renderNextLead(into: HTMLElement, lead: any, manualCampaign: boolean): void {
    const c = lead.contact ?? {};
    const name = lead.name || [c.first_name, c.last_name].filter(Boolean).join(' ') || '(no name)';
    const where = [c.address, c.city, c.state, c.zip].filter(Boolean).join(', ');
    const custom = Object.entries(c.custom ?? {}).filter(([, v]) => v !== null && v !== '');
    const modeWords = lead.mode === 'preview' ? 'Preview: look over the record, then call or skip.'
      : 'Human-initiated: this number may not be dialed automatically — you place the call yourself.';
    const out = h('div', { id: 'dial-result' });
    const callBtn = h('button', { class: 'primary', id: 'call-btn', type: 'button', 'aria-label': `Call ${name} at ${lead.phone}`,
      onclick: () => void this.placeCall(lead, callBtn, out, into, manualCampaign) }, 'Call');
    const skipBtn = lead.skippable ? h('button', { class: 'secondary', id: 'skip-btn', type: 'button', 'aria-label': `Skip ${name}`,
      onclick: () => void this.skipLead(into, manualCampaign, out) }, 'Skip') : null;
    clear(into, h('section', { class: 'card contact', id: 'next-contact', 'aria-labelledby': 'next-name' },
      h('p', { class: 'muted' }, 'Next contact'),
      h('h2', { id: 'next-name' }, name),
      h('p', { class: 'phone', id: 'next-phone' }, lead.phone),
      h('p', { class: 'muted', id: 'next-line' }, `${lead.line_type} line${lead.attempts ? ` · ${lead.attempts} earlier attempt(s)` : ''}`),
      where ? h('p', { id: 'next-where' }, where) : null,
      custom.length ? h('dl', { id: 'next-record' }, ...custom.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])) : null,
      h('p', { class: 'note', id: 'next-mode' }, lead.routed ? `${modeWords} (The policy routed this number out of autodialing.)` : modeWords),
      h('div', { class: 'controls' }, callBtn, skipBtn),
      out));
    // Ready on a human-initiated campaign: Call is the thing to do next.
    if (manualCampaign && this.snap?.state === 'ready') callBtn.focus();
  }

  private async placeCall(lead: any, btn: HTMLButtonElement, out: HTMLElement, into: HTMLElement, manualCampaign: boolean): Promise<void> {
    btn.disabled = true;
    const pushes = this.statePushes;
    try {
      const r = await api<any>('POST', '/api/v1/console/dial', { contact_id: lead.contact_id });
      if (!r.placed) {
        const rules = (r.rules ?? []).join(', ');
        clear(out, h('div', { class: 'refused', role: 'alert', id: 'dial-refusal' },
          h('h3', {}, VERDICT_WORDS[r.verdict] ?? 'Not called'),
          rules ? h('p', { id: 'dial-refusal-rules' }, `Rule: ${rules}`) : null,
          h('p', {}, r.reason)));
        // The next contact (the refused one is no longer offered), below the refusal.
        const rest = h('div', {});
        into.replaceChildren(out, rest);
        void this.loadNextLead(rest, manualCampaign);
        return;
      }
      announce(`Calling ${lead.name || lead.phone}`);
      if (r.console && this.statePushes === pushes) { this.snap = r.console; this.render(); }
    } catch (e) {
      btn.disabled = false;
      clear(out, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  }

  private async skipLead(into: HTMLElement, manualCampaign: boolean, out: HTMLElement): Promise<void> {
    try {
      await api('POST', '/api/v1/console/skip', {});
      announce('Skipped');
      void this.loadNextLead(into, manualCampaign);
    } catch (e) {
      clear(out, h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.message : String(e)));
    }
  }

  private renderDialing(s: Snapshot): void {
    const d = s.dialing;
    clear(this.bodyEl, h('section', { class: 'card', id: 'dialing', role: 'status', 'aria-live': 'polite' },
      h('h2', {}, d?.name ? `Calling ${d.name}` : 'Calling'),
      d?.number ? h('p', { class: 'phone' }, d.number) : null,
      h('p', { class: 'muted' }, 'Ringing. The record and the script open when they answer.')));
  }

  private pauseControl(): HTMLElement {
    const sel = h('select', { id: 'pause-reason', 'aria-label': 'Pause reason' }, ...PAUSE_REASONS.map((r) => h('option', { value: r }, r)));
    return h('span', { class: 'pause' }, sel, h('button', { class: 'secondary', id: 'pause-btn', onclick: () => void this.setState('paused', sel.value) }, 'Pause'));
  }

  private async setState(state: string, reason = ''): Promise<void> {
    try {
      this.snap = await api<Snapshot>('POST', '/api/v1/console/state', reason ? { state, reason } : { state });
      this.render();
    } catch (e) { this.showError(e); }
  }

  private async renderPicker(): Promise<void> {
    const list = await listCampaigns().catch(() => []);
    const active = list.filter((c) => c.state === 'active');
    const sel = h('select', { id: 'campaign-select' }, ...active.map((c) => h('option', { value: String(c.id) }, c.name)));
    const out = h('div', { id: 'join-result' });
    const form = h('form', { class: 'card', id: 'join-form', onsubmit: (e: Event) => { e.preventDefault(); void this.join(Number(sel.value), out); } },
      h('h2', {}, 'Choose a campaign'),
      active.length ? h('label', { for: 'campaign-select' }, 'Campaign') : h('p', {}, 'No campaign is active right now.'),
      active.length ? sel : null,
      active.length ? h('button', { class: 'primary', type: 'submit', id: 'join-btn' }, 'Start calling') : null,
      out);
    clear(this.bodyEl, form);
    sel.focus();
  }

  private async join(campaign: number, out: HTMLElement): Promise<void> {
    try {
      const pushes = this.statePushes;
      const r = await api<any>('POST', '/api/v1/console/join', { campaign_id: campaign });
      if (!r.allowed) { this.renderRefusal(r, out); return; }
      if (this.statePushes !== pushes) return;  // the phone answered meanwhile: the pushed state is newer
      this.snap = r.console;
      this.render();
    } catch (e) { this.showError(e); }
  }

  private renderRefusal(r: any, into?: HTMLElement): void {
    const target = into ?? document.getElementById('join-result') ?? this.bodyEl;
    const failed = (r.gates ?? []).filter((g: any) => !g.passed);
    clear(target, h('div', { class: 'refused', role: 'alert', id: 'refusal' },
      h('h3', {}, 'You cannot take calls for this campaign from here'),
      h('p', {}, r.reason || 'The campaign’s vendor policy does not allow calls from this site.'),
      failed.length ? h('ul', {}, ...failed.map((g: any) => h('li', {}, `${g.gate}: ${g.detail}`))) : null,
      h('p', { class: 'muted' }, 'Ask your site supervisor; nothing you do here can change this.')));
  }

  private renderCall(call: any): void {
    // Fields for the script: the contact's, and {caller_name} (the signed-in caller).
    const c = { caller_name: this.user.name, ...(call.contact ?? {}) };
    const name = [c.first_name, c.last_name].filter(Boolean).join(' ') || '(no name)';
    const questions: any[] = call.script?.questions ?? [];
    const dispositions: any[] = call.dispositions ?? [];
    const form = h('form', { id: 'disposition-form', class: 'card', onsubmit: (e: Event) => { e.preventDefault(); void this.submit(form, call); } });
    const survey = h('fieldset', { class: 'survey' }, h('legend', {}, 'Survey'));
    questions.forEach((q, qi) => {
      const id = `q-${qi}`;
      if (q.choices && q.choices.length) {
        const group = h('div', { role: 'radiogroup', 'aria-labelledby': `${id}-label`, class: 'choices' });
        q.choices.forEach((ch: string, ci: number) => {
          group.append(h('label', { class: 'choice' }, h('input', { type: 'radio', name: `survey:${q.key}`, value: ch, id: `${id}-${ci}` }), ` ${ch}`));
        });
        survey.append(h('div', { class: 'question' }, h('p', { id: `${id}-label`, class: 'qtext' }, substitute(q.text, c)), group));
      } else {
        survey.append(h('div', { class: 'question' }, h('label', { for: id, class: 'qtext' }, substitute(q.text, c)),
          h('input', { type: 'text', id, name: `survey:${q.key}`, maxlength: 1000 })));
      }
    });
    const keys = dispositionKeys(dispositions.map((d) => String(d.code)));
    const disp = h('fieldset', { class: 'dispositions' }, h('legend', {}, 'Disposition (keys as on the phone)'));
    dispositions.forEach((d) => {
      const key = keys.get(d.code);
      disp.append(h('label', { class: 'disp' }, h('input', { type: 'radio', name: 'disposition', value: d.code, id: `disp-${d.code}`, 'data-key': key }),
        key ? h('kbd', {}, key) : null, ` ${d.label}`));
    });
    const tz = timeZoneName();
    const cb = h('fieldset', { class: 'callback' }, h('legend', {}, 'Callback (optional)'),
      h('label', { for: 'callback-at', id: 'callback-at-label' }, `When (your time, ${tz})`),
      h('input', { type: 'datetime-local', id: 'callback-at', name: 'callback_at', min: localNow(), 'aria-describedby': 'callback-at-label' }),
      h('label', { for: 'callback-note' }, 'Note'), h('input', { type: 'text', id: 'callback-note', name: 'callback_note', maxlength: 1000 }));
    const phone = call.called_number ? h('p', { class: 'phone' }, call.called_number) : null;
    const where = [c.city, c.state].filter(Boolean).join(', ');
    form.append(
      h('section', { class: 'contact', 'aria-labelledby': 'contact-name' },
        h('h2', { id: 'contact-name', tabindex: '-1' }, name), phone, where ? h('p', { class: 'muted' }, where) : null,
        call.simulated ? h('p', { class: 'note' }, 'Simulated call (no telephony connected)') : null,
        call.ended ? h('p', { class: 'note', id: 'call-ended', role: 'status' }, 'The call has ended — record its outcome.') : null),
      h('section', { class: 'script', 'aria-label': 'Script' }, h('h3', {}, 'Script'),
        h('p', { id: 'script-text' }, substitute(call.script?.text ?? '', c)),
        call.disclaimer ? h('p', { class: 'muted' }, call.disclaimer) : null),
      ...(this.recordControl(call) ?? []),
      ...(questions.length ? [survey] : []), disp, cb,
      h('div', { class: 'controls' }, h('button', { type: 'submit', class: 'primary', id: 'save-disposition' }, 'Save and end call (Ctrl+Enter)')),
      h('div', { id: 'form-error' }));
    clear(this.bodyEl, form);
    (document.getElementById('contact-name') as HTMLElement | null)?.focus();
    announce(`Connected to ${name}`);
  }

  // On-demand recording (campaigns whose recording mode is on_demand): a
  // Record button while the call is bridged; once recording, a status instead.
  private recordControl(call: any): HTMLElement[] | null {
    const s = this.snap;
    if (!s || s.recording_mode !== 'on_demand' || s.state !== 'on_call' || call.ended) return null;
    const box = h('div', { class: 'controls', id: 'record-box' });
    const recording = () => clear(box, h('span', { class: 'badge rec', id: 'record-status', role: 'status' }, '● Recording this call'));
    if (s.recording) { recording(); return [box]; }
    const btn = h('button', { type: 'button', class: 'secondary', id: 'record-btn', 'aria-label': 'Record this call (both parties)',
      onclick: async () => {
        btn.setAttribute('disabled', '');
        try {
          const r = await api<any>('POST', '/api/v1/console/record', {});
          if (this.snap) this.snap.recording = true;
          recording();
          announce(`Recording call ${r.call_id}`);
        } catch (e) {
          btn.removeAttribute('disabled');
          clear(document.getElementById('form-error') ?? box, h('p', { class: 'error', role: 'alert' }, (e as Error).message));
        }
      } }, 'Record');
    box.append(btn);
    return [box];
  }

  private onKey(e: KeyboardEvent): void {
    if (this.snap?.state !== 'on_call' && !(this.snap?.state === 'wrap_up' && this.snap.call)) return;
    const form = document.getElementById('disposition-form') as HTMLFormElement | null;
    if (!form) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); return; }
    const t = e.target as HTMLElement;
    if (t && (t.tagName === 'INPUT' && (t as HTMLInputElement).type === 'text' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
    if (/^[1-9]$/.test(e.key)) {
      const r = form.querySelector<HTMLInputElement>(`input[name="disposition"][data-key="${e.key}"]`);
      if (r) { r.checked = true; r.focus(); e.preventDefault(); }
    }
  }

  private async submit(form: HTMLFormElement, call: any): Promise<void> {
    const data = new FormData(form);
    const code = String(data.get('disposition') ?? '');
    const errBox = document.getElementById('form-error')!;
    if (!code) { clear(errBox, h('p', { class: 'error', role: 'alert' }, 'Choose a disposition (keys as on the phone).')); return; }
    const survey: Record<string, string> = {};
    for (const [k, v] of data.entries()) if (k.startsWith('survey:') && String(v) !== '') survey[k.slice(7)] = String(v);
    const body: any = { code };
    if (Object.keys(survey).length) body.survey = survey;
    const when = String(data.get('callback_at') ?? '');
    if (when) {
      const at = new Date(when);
      if (Number.isNaN(at.getTime())) { clear(errBox, h('p', { class: 'error', role: 'alert' }, 'The callback time is not a valid date (callback_at)')); return; }
      body.callback_at = at.toISOString();
      body.callback_note = String(data.get('callback_note') ?? '');
    }
    try {
      await api('POST', `/api/v1/calls/${call.call_id}/disposition`, body);
      announce('Saved');
    } catch (e) {
      const msg = e instanceof ApiError ? `${e.message}${e.field ? ` (${e.field})` : ''}` : String(e);
      clear(errBox, h('p', { class: 'error', role: 'alert', id: 'form-error-text' }, msg));
      // A callback time the server refuses (in the past): point at the field.
      const at = document.getElementById('callback-at') as HTMLInputElement | null;
      if (at && e instanceof ApiError && e.field === 'callback_at') {
        at.setAttribute('aria-invalid', 'true');
        at.setAttribute('aria-errormessage', 'form-error-text');
        at.min = localNow();
        at.focus();
      } else at?.removeAttribute('aria-invalid');
    }
  }
}
