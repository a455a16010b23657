// Admin pages (managers and administrators): campaign set-up with a script
// and survey editor and a live preview, the campaign list with its lifecycle,
// list upload with live import progress (imports.ts), and the audit-chain
// status. Auditors see the read-only parts.
import { api, ApiError, Campaign, listCampaigns, User } from './api';
import { clear, h } from './dom';
import { substitute } from './console';
import { EventStream } from './events';
import { ListUpload } from './imports';
import { PromptCard, RECORDING_ANNOUNCEMENT, SAFE_HARBOR } from './prompt';

const PURPOSES = ['political', 'survey', 'charitable_by_charity', 'charitable_by_telemarketer', 'informational', 'commercial'];
const MODES = ['preview', 'progressive', 'predictive', 'human_initiated'];
// Recording and answering-machine settings (issue 6 §5, §8): value → label.
const RECORDING: [string, string][] = [['never', 'never'], ['all', 'every call'], ['on_demand', 'on demand (caller presses Record)']];
const ANNOUNCEMENT: [string, string][] = [['auto', 'auto: where all-party consent applies'], ['always', 'always'],
  ['never', 'never (all-party-consent calls are then not recorded)']];
const AMD: [string, string][] = [['default', 'server default ([sip] amd)'], ['on', 'on'], ['off', 'off']];

function choice(elementId: string, options: [string, string][], value?: string): HTMLSelectElement {
  const sel = h('select', { id: elementId }, ...options.map(([v, label]) => h('option', { value: v }, label))) as HTMLSelectElement;
  if (value !== undefined) sel.value = value;
  return sel;
}

function field(label: string, input: HTMLElement, hint = ''): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
}

// "key | question text | choice, choice" per line → questions.
export function parseQuestions(text: string): { key: string; text: string; choices: string[] }[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [key, q, choices] = l.split('|').map((s) => s.trim());
    return { key: key ?? '', text: q ?? '', choices: choices ? choices.split(',').map((c) => c.trim()).filter(Boolean) : [] };
  });
}

export class AdminPage {
  private campaigns: Campaign[] = [];
  private upload: ListUpload | null = null;
  private stream: EventStream | null = null;
  private prompts: PromptCard[] = [];

  constructor(private root: HTMLElement, private user: User) {}

  stop(): void { this.stream?.stop(); this.upload?.stop(); }

  async start(): Promise<void> {
    const canWrite = this.user.role === 'administrator' || this.user.role === 'campaign_manager';
    if (canWrite) {
      this.campaigns = await listCampaigns().catch(() => []);
      const up = new ListUpload(() => this.campaigns);
      this.upload = up;
      this.stream = new EventStream((ev) => up.onEvent(ev), () => up.resync(), () => {});
    }
    clear(this.root, h('h1', {}, 'Administration'),
      h('section', { class: 'card', id: 'audit-status' }, h('h2', {}, 'Audit chain'), h('p', {}, 'Checking…')),
      h('section', { class: 'card', id: 'campaign-list' }, h('h2', {}, 'Campaigns'), h('p', {}, 'Loading…')),
      this.upload ? this.upload.element() : null,
      ...(this.prompts = [new PromptCard(SAFE_HARBOR, canWrite), new PromptCard(RECORDING_ANNOUNCEMENT, canWrite)]).map((p) => p.element()),
      canWrite ? this.campaignForm() : null);
    this.stream?.start();
    await Promise.all([this.audit(), this.list(canWrite), ...this.prompts.map((p) => p.start())]);
  }

  private async audit(): Promise<void> {
    const box = document.getElementById('audit-status')!;
    try {
      const a = await api<any>('GET', '/api/v1/audit/verify');
      clear(box, h('h2', {}, 'Audit chain'),
        a.ok ? h('p', { class: 'ok', id: 'audit-ok' }, `Intact: ${a.events} events, head ${String(a.head_hash).slice(0, 16)}…`)
             : h('p', { class: 'error', role: 'alert' }, `BROKEN: ${a.error}`),
        h('p', {}, h('a', { href: '/api/v1/audit/export', download: 'audit.jsonl' }, 'Download the chain (JSON lines) to verify it yourself')));
    } catch (e) {
      clear(box, h('h2', {}, 'Audit chain'), h('p', { class: 'muted' }, e instanceof ApiError ? e.message : String(e)));
    }
  }

  private async list(canWrite: boolean): Promise<void> {
    const box = document.getElementById('campaign-list')!;
    const items = await listCampaigns();
    const rows = items.map((c) => {
      const actions = h('td', {});
      if (canWrite) {
        const ev = c.state === 'draft' ? ['activate'] : c.state === 'active' ? ['pause', 'finish'] : c.state === 'paused' ? ['resume', 'finish'] : [];
        for (const e of ev) actions.append(h('button', { class: 'secondary small', id: `c${c.id}-${e}`, onclick: () => void this.lifecycle(c, e, canWrite) }, e));
      }
      // Recording, announcement and AMD: changed in place (PATCH, audited);
      // the running dialer applies them to its next calls.
      const setting = (key: string, options: [string, string][]) => {
        if (!canWrite) return h('td', {}, String(c[key] ?? ''));
        // Short labels in the table; the form below explains each value.
        const sel = choice(`c${c.id}-${key}`, options.map(([v]) => [v, v.replace(/_/g, ' ')]), c[key]);
        sel.classList.add('small');
        sel.setAttribute('aria-label', `${key.replace(/_/g, ' ')} of ${c.name}`);
        sel.addEventListener('change', async () => {
          const status = document.getElementById('campaign-list-status');
          try {
            const u = await api<any>('PATCH', `/api/v1/campaigns/${c.id}`, { [key]: sel.value });
            c[key] = u[key];
            if (status) clear(status, h('span', { class: 'ok' }, `Campaign ${c.id}: ${key.replace(/_/g, ' ')} is now ${u[key]}.`));
            // The recording-announcement card shows these settings: reload it.
            await Promise.all(this.prompts.map((p) => p.campaignChanged(c.id)));
          } catch (ex) {
            sel.value = c[key];
            const err = ex as ApiError;
            if (status) clear(status, h('span', { class: 'error' }, `${err.message}${err.field ? ` (field: ${err.field})` : ''}`));
          }
        });
        return h('td', {}, sel);
      };
      return h('tr', {}, h('td', {}, String(c.id)), h('td', {}, c.name), h('td', {}, c.purpose), h('td', {}, c.dial_mode),
        h('td', {}, h('span', { class: `badge cstate-${c.state}` }, c.state)),
        setting('recording', RECORDING), setting('recording_announcement', ANNOUNCEMENT), setting('amd', AMD), actions);
    });
    clear(box, h('h2', {}, 'Campaigns'), items.length ? h('table', { class: 'callers' },
      h('thead', {}, h('tr', {}, ...['Id', 'Name', 'Purpose', 'Dial mode', 'State', 'Recording', 'Announcement', 'AMD', '']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows)) : h('p', {}, 'No campaigns yet.'),
      h('p', { id: 'campaign-list-status', role: 'status', 'aria-live': 'polite' }));
  }

  // A lifecycle event from the list. finish ends the campaign for good: asked
  // first. The outcome (or the server's refusal) goes to the status line.
  private async lifecycle(c: Campaign, event: string, canWrite: boolean): Promise<void> {
    if (event === 'finish' && !confirm(`Finish campaign ${c.id} "${c.name}"? No more calls will be placed for it. This cannot be undone.`)) {
      this.status(h('span', { class: 'muted' }, `Campaign ${c.id} was not finished.`));
      return;
    }
    try {
      const u = await api<any>('POST', `/api/v1/campaigns/${c.id}/state`, { event });
      await this.list(canWrite);
      this.status(h('span', { class: 'ok' }, `Campaign ${c.id} (${c.name}): ${event} done; it is now ${u?.state ?? 'changed'}.`));
    } catch (ex) {
      const err = ex as ApiError;
      await this.list(canWrite).catch(() => {});  // its state may have changed elsewhere
      this.status(h('span', { class: 'error', role: 'alert' }, `Campaign ${c.id}: ${event} refused: ${err.message}${err.field ? ` (field: ${err.field})` : ''}`));
    }
  }

  private status(node: Node): void {
    const el = document.getElementById('campaign-list-status');
    if (el) clear(el, node);
  }

  // After a campaign is created: the list and every other campaign picker on the page.
  private async refreshCampaigns(): Promise<void> {
    this.campaigns = await listCampaigns().catch(() => this.campaigns);
    this.upload?.refreshCampaigns();
    await Promise.all([this.list(true), ...this.prompts.map((p) => p.setCampaigns(this.campaigns))]);
  }

  private campaignForm(): HTMLElement {
    const id = (s: string) => `cf-${s}`;
    const name = h('input', { id: id('name'), required: true, maxlength: 200 });
    const purpose = h('select', { id: id('purpose') }, ...PURPOSES.map((p) => h('option', { value: p }, p.replace(/_/g, ' '))));
    const mode = h('select', { id: id('mode') }, ...MODES.map((p) => h('option', { value: p }, p.replace(/_/g, ' '))));
    const callerId = h('input', { id: id('caller-id'), placeholder: '+12025550100' });
    const callback = h('input', { id: id('callback'), placeholder: '+12025550101' });
    const start = h('input', { id: id('start'), type: 'time', value: '09:00' });
    const end = h('input', { id: id('end'), type: 'time', value: '20:00' });
    const safe = h('textarea', { id: id('safe-harbor'), rows: 2 }) as HTMLTextAreaElement;
    const disclaimer = h('input', { id: id('disclaimer'), placeholder: 'Paid for by …' });
    const script = h('textarea', { id: id('script'), rows: 4 }, 'Hi {first_name}, this is a volunteer with … Can we count on your vote?') as HTMLTextAreaElement;
    const questions = h('textarea', { id: id('questions'), rows: 3 }, 'vote | Will you vote on Tuesday? | yes, no, unsure') as HTMLTextAreaElement;
    const maxAttempts = h('input', { id: id('max-attempts'), type: 'number', min: 1, max: 20, value: 3 });
    const recording = choice(id('recording'), RECORDING, 'never');
    const announcement = choice(id('recording-announcement'), ANNOUNCEMENT, 'auto');
    const amd = choice(id('amd'), AMD, 'default');
    const preview = h('div', { class: 'preview', id: 'script-preview', 'aria-live': 'polite' });
    const sample = { first_name: 'Maria', last_name: 'Lopez', city: 'Oakland', state: 'CA' };
    const renderPreview = () => {
      const qs = parseQuestions(questions.value);
      clear(preview, h('h3', {}, 'Preview (sample contact Maria Lopez)'), h('p', { class: 'script-preview' }, substitute(script.value, sample)),
        h('ol', {}, ...qs.map((q) => h('li', {}, substitute(q.text, sample), q.choices.length ? ` — ${q.choices.join(' / ')}` : ' — free text'))));
    };
    script.addEventListener('input', renderPreview);
    questions.addEventListener('input', renderPreview);
    renderPreview();
    const out = h('div', { id: 'campaign-form-result' });
    const form = h('form', { class: 'card campaign-form', id: 'campaign-form', onsubmit: async (e: Event) => {
      e.preventDefault();
      const body: any = {
        name: name.value, purpose: purpose.value, dial_mode: mode.value,
        schedule: { start: start.value, end: end.value },
        script: { text: script.value, questions: parseQuestions(questions.value) },
        max_attempts_per_contact: Number(maxAttempts.value),
        recording: recording.value, recording_announcement: announcement.value, amd: amd.value,
      };
      if (callerId.value) body.caller_id = callerId.value;
      if (callback.value) body.callback_number = callback.value;
      if (safe.value) body.safe_harbor_message = safe.value;
      if (disclaimer.value) body.disclaimer = disclaimer.value;
      try {
        const c = await api<any>('POST', '/api/v1/campaigns', body);
        clear(out, h('p', { class: 'ok', role: 'status' }, `Created campaign ${c.id} (${c.state}).`));
        await this.refreshCampaigns();
      } catch (ex) {
        const err = ex as ApiError;
        clear(out, h('p', { class: 'error', role: 'alert' }, `${err.message}${err.field ? ` (field: ${err.field})` : ''}`));
      }
    } },
    h('h2', {}, 'New campaign'),
    h('div', { class: 'grid2' },
      h('div', {}, field('Name', name), field('Purpose', purpose), field('Dial mode', mode, 'human initiated: the caller presses Call for each number'),
        field('Caller ID (E.164)', callerId), field('Callback number (E.164)', callback, 'takes do-not-call requests'),
        h('div', { class: 'field' }, h('span', { class: 'label' }, 'Calling hours (callee’s local time)'), h('div', { class: 'row' }, start, ' to ', end)),
        field('Safe-harbor message', safe, 'its text; upload the recording under Safe-harbor prompt'), field('Disclaimer', disclaimer), field('Max attempts per contact', maxAttempts),
        field('Recording', recording, 'both parties, to WAV files beside the database'),
        field('Recording announcement', announcement, 'played to both parties before a recorded conversation'),
        field('Answering-machine detection', amd, 'off: every answer goes to a caller')),
      h('div', {}, field('Script', script, 'Fields: {first_name} {last_name} {city} {state} and any list column'),
        field('Survey questions', questions, 'one a line: key | question | choice, choice (no choices = free text)'), preview)),
    h('button', { type: 'submit', class: 'primary', id: 'create-campaign' }, 'Create campaign'), out);
    return form;
  }
}
