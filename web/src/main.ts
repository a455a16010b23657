// Entry point: who am I? → login form, or the page for my role
// (caller → console; manager/admin/auditor → dashboard and admin; vendor supervisor → its sites).
import './style.css';
import { api, ApiError, setCsrf, User } from './api';
import { clear, h } from './dom';
import { CallerConsole } from './console';
import { Dashboard } from './dashboard';
import { AdminPage } from './admin';
import { DisclosurePage, VendorPage } from './vendor';
import { ExplainPage } from './explain';
import { PacingPage } from './pacing';

const main = document.getElementById('main')!;
const top = document.getElementById('top')!;

function header(user: User | null): void {
  const nav = h('nav', { 'aria-label': 'Main' });
  if (user && user.role !== 'caller') {
    if (user.role !== 'vendor_supervisor') nav.append(h('a', { href: '#/dashboard' }, 'Dashboard'), h('a', { href: '#/admin' }, 'Admin'), h('a', { href: '#/reports/pacing' }, 'Pacing'), h('a', { href: '#/disclosure' }, 'Disclosure'));
    nav.append(h('a', { href: '#/vendor' }, 'Vendor registry'));
  }
  clear(top, h('div', { class: 'brand' }, 'Clearline'), nav,
    user ? h('div', { class: 'who' }, `${user.name} (${user.role.replace('_', ' ')})`, ' ',
      h('button', { class: 'link', id: 'logout', onclick: () => void logout() }, 'Log out')) : null);
}

async function logout(): Promise<void> {
  // Forget the user first: the hash change below must not re-route with a dead session.
  current = null;
  page?.stop?.();
  page = null;
  try { await api('POST', '/api/v1/logout'); } catch { /* already gone */ }
  location.hash = '';
  location.reload();
}

function loginForm(message = ''): void {
  header(null);
  const name = h('input', { id: 'login-name', name: 'name', autocomplete: 'username', required: true });
  const pw = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div', { id: 'login-error' }, message ? h('p', { class: 'error', role: 'alert' }, message) : null);
  const form = h('form', { class: 'card login', id: 'login-form', onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ user: User; csrf_token: string }>('POST', '/api/v1/login', { name: name.value, password: pw.value });
      setCsrf(r.csrf_token);
      route(r.user);
    } catch (ex) {
      clear(err, h('p', { class: 'error', role: 'alert' }, ex instanceof ApiError ? ex.message : String(ex)));
    }
  } },
  h('h1', {}, 'Sign in'),
  h('label', { for: 'login-name' }, 'Name'), name,
  h('label', { for: 'login-password' }, 'Password'), pw,
  h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, 'Sign in'), err);
  clear(main, form);
  name.focus();
}

let current: { user: User } | null = null;
let page: { stop?: () => void } | null = null;

function route(user: User): void {
  current = { user };
  page?.stop?.();
  header(user);
  if (user.role === 'caller') { const c = new CallerConsole(main, user); page = c; c.start(); return; }
  const hash = location.hash || (user.role === 'vendor_supervisor' ? '#/vendor' : '#/dashboard');
  if (hash.startsWith('#/vendor')) { const v = new VendorPage(main, user, hash.split('/').slice(2)); page = v; void v.start(); }
  else if (user.role === 'vendor_supervisor') { location.hash = '#/vendor'; }
  else if (/^#\/calls\/\d+\/explain/.test(hash)) { const e = new ExplainPage(main, Number(hash.split('/')[2])); page = e; void e.start(); }
  else if (hash.startsWith('#/reports/pacing')) { const p = new PacingPage(main); page = p; void p.start(); }
  else if (hash.startsWith('#/disclosure')) { const d = new DisclosurePage(main); page = d; void d.start(); }
  else if (hash.startsWith('#/admin')) { const a = new AdminPage(main, user); page = a; void a.start(); }
  else { const d = new Dashboard(main, user); page = d; void d.start(); }
}

window.addEventListener('hashchange', () => { if (current) route(current.user); });

async function boot(): Promise<void> {
  try {
    const me = await api<{ user: User; csrf_token?: string }>('GET', '/api/v1/me');
    if (me.csrf_token) setCsrf(me.csrf_token);
    route(me.user);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) loginForm();
    else loginForm(String(e));
  }
}

void boot();
