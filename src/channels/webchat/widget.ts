// The visitor's chat widget, served as /widget.js and embedded with
//   <script src="https://earshot.example/widget.js" data-account="<accountId>" async></script>
// Vanilla JS (ES2017), no dependencies, kept under widgetBytesMax. It opens a WebSocket to
// /api/v1/webchat/<account>/ws on the script's own origin, keeps a random visitor id and the
// transcript in localStorage, re-sends unacknowledged messages after reconnecting (with backoff)
// and drops agent replies it has already shown (ids repeat when a send is retried).
//
// The protocol logic is `widgetProtocolSource`: plain functions over a state object, with no DOM,
// so tests evaluate exactly the shipped code (`new Function(widgetProtocolSource + 'return …')`).

export const widgetBytesMax = 8 * 1024

/** Pure protocol functions; the UI below calls them. State: {pending, log, seen}. */
export const widgetProtocolSource = String.raw`
var WC_KEEP = 100;
function wcState(saved) {
  saved = saved && typeof saved === 'object' ? saved : {};
  return { pending: Array.isArray(saved.pending) ? saved.pending : [], log: Array.isArray(saved.log) ? saved.log : [], seen: Array.isArray(saved.seen) ? saved.seen : [] };
}
function wcBackoffMs(attempt, random) {
  return Math.round(Math.min(30000, 1000 * Math.pow(2, Math.min(attempt, 5))) * (0.5 + random / 2));
}
function wcRetries(closeCode) {
  return closeCode !== 4400 && closeCode !== 4404;
}
function wcFrame(m) {
  var f = { type: 'message', clientId: m.clientId, text: m.text };
  if (m.name) f.name = m.name;
  if (m.email) f.email = m.email;
  return JSON.stringify(f);
}
function wcAdd(s, entry) {
  s.log.push(entry);
  if (s.log.length > WC_KEEP) s.log.splice(0, s.log.length - WC_KEEP);
}
function wcQueue(s, clientId, text, name, email) {
  var m = { clientId: clientId, text: text, name: name || '', email: email || '' };
  s.pending.push(m);
  wcAdd(s, { who: 'me', id: clientId, text: text, state: 'sending' });
  return wcFrame(m);
}
function wcResend(s) {
  return s.pending.map(wcFrame);
}
function wcMark(s, clientId, state) {
  for (var i = 0; i < s.log.length; i++) if (s.log[i].who === 'me' && s.log[i].id === clientId) s.log[i].state = state;
}
function wcReceive(s, data) {
  var f;
  try { f = JSON.parse(data); } catch (e) { return null; }
  if (!f || typeof f !== 'object') return null;
  if (f.type === 'ack' && typeof f.clientId === 'string') {
    s.pending = s.pending.filter(function (m) { return m.clientId !== f.clientId; });
    wcMark(s, f.clientId, 'sent');
    return 'ack';
  }
  if (f.type === 'reply' && typeof f.id === 'string' && typeof f.text === 'string') {
    if (s.seen.indexOf(f.id) >= 0) return null;
    s.seen.push(f.id);
    if (s.seen.length > WC_KEEP) s.seen.splice(0, s.seen.length - WC_KEEP);
    wcAdd(s, { who: 'agent', id: f.id, text: f.text, at: f.at });
    return 'reply';
  }
  if (f.type === 'error') {
    // A frame the server will never take is dropped; rate-limited or unstored ones wait for a re-send.
    if (f.clientId && (f.code === 'INVALID' || f.code === 'TOO_LARGE')) {
      s.pending = s.pending.filter(function (m) { return m.clientId !== f.clientId; });
      wcMark(s, f.clientId, 'failed');
    }
    return 'error';
  }
  return f.type === 'hello' ? 'hello' : null;
}
`

const widgetUiSource = String.raw`
var me = document.currentScript || document.querySelector('script[data-account]');
var account = me && me.getAttribute('data-account');
if (!account || document.getElementById('eswc-root')) return;
var origin = new URL(me.src, location.href);
var key = 'earshot-webchat:' + account;
var saved = {};
try { saved = JSON.parse(localStorage.getItem(key) || '{}') || {}; } catch (e) {}
// randomUUID needs a secure context; getRandomValues does not (32 hex digits are as good an id).
function uuid() {
  return crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join('');
}
var visitor = typeof saved.visitor === 'string' ? saved.visitor : uuid();
var s = wcState(saved), ws = null, attempt = 0, timer = 0;
function save() {
  try { localStorage.setItem(key, JSON.stringify({ visitor: visitor, name: nameIn.value, email: mailIn.value, pending: s.pending, log: s.log, seen: s.seen })); } catch (e) {}
}
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (text) e.textContent = text;
  return e;
}
var root = el('div', { id: 'eswc-root' });
var css = el('style', {}, '#eswc-root{position:fixed;right:16px;bottom:16px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#111}#eswc-root button{font:inherit;cursor:pointer}.eswc-open{border:0;border-radius:24px;padding:12px 18px;background:#1f4fd1;color:#fff}.eswc-panel{width:320px;max-width:calc(100vw - 32px);background:#fff;border:1px solid #bbb;border-radius:8px;display:flex;flex-direction:column;margin-bottom:8px}.eswc-panel[hidden]{display:none}.eswc-head{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;border-bottom:1px solid #ddd}.eswc-head h2{font-size:16px;margin:0}.eswc-log{height:260px;overflow-y:auto;padding:8px 12px}.eswc-log p{margin:6px 0;padding:6px 10px;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}.eswc-me{background:#e8eefc;margin-left:40px!important}.eswc-agent{background:#f1f1f1;margin-right:40px!important}.eswc-failed{outline:1px solid #c00}form.eswc-form{display:grid;gap:4px;padding:8px 12px;border-top:1px solid #ddd}.eswc-form input,.eswc-form textarea{font:inherit;padding:4px;border:1px solid #888}.eswc-status{font-size:12px;color:#555;min-height:1em}#eswc-root :focus-visible{outline:2px solid #1f4fd1;outline-offset:2px}');
var openBtn = el('button', { type: 'button', 'class': 'eswc-open', 'aria-expanded': 'false', 'aria-controls': 'eswc-panel' }, 'Chat with us');
var panel = el('div', { id: 'eswc-panel', 'class': 'eswc-panel', role: 'dialog', 'aria-labelledby': 'eswc-title' });
panel.hidden = true;
var head = el('div', { 'class': 'eswc-head' });
var closeBtn = el('button', { type: 'button', 'aria-label': 'Close chat' }, '\u00d7');
head.append(el('h2', { id: 'eswc-title' }, 'Chat with us'), closeBtn);
var log = el('div', { 'class': 'eswc-log', role: 'log', 'aria-live': 'polite', tabindex: '0', 'aria-label': 'Messages' });
var form = el('form', { 'class': 'eswc-form' });
function field(id, label, tag, attrs) {
  var input = el(tag, attrs);
  input.id = id;
  form.append(el('label', { 'for': id }, label), input);
  return input;
}
var nameIn = field('eswc-name', 'Name (optional)', 'input', { autocomplete: 'name', maxlength: '100' });
var mailIn = field('eswc-email', 'Email (optional)', 'input', { type: 'email', autocomplete: 'email', maxlength: '254' });
var textIn = field('eswc-text', 'Message', 'textarea', { rows: '2', maxlength: '4000', required: '' });
var status = el('div', { 'class': 'eswc-status', role: 'status' });
form.append(el('button', { type: 'submit' }, 'Send'), status);
nameIn.value = saved.name || '';
mailIn.value = saved.email || '';
panel.append(head, log, form);
root.append(css, panel, openBtn);
document.body.appendChild(root);
function render() {
  log.textContent = '';
  s.log.forEach(function (m) {
    var p = el('p', { 'class': m.who === 'me' ? 'eswc-me' : 'eswc-agent' }, m.text);
    if (m.state === 'failed') p.className += ' eswc-failed';
    if (m.state === 'sending') p.title = 'Sending\u2026';
    log.append(p);
  });
  log.scrollTop = log.scrollHeight;
}
function setOpen(open) {
  panel.hidden = !open;
  openBtn.setAttribute('aria-expanded', String(open));
  if (open) { connect(); textIn.focus(); } else openBtn.focus();
}
function connect() {
  if (ws) return;
  var u = new URL('/api/v1/webchat/' + encodeURIComponent(account) + '/ws', origin);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('visitor', visitor);
  ws = new WebSocket(u.href);
  ws.onopen = function () {
    attempt = 0;
    status.textContent = '';
    wcResend(s).forEach(function (f) { ws.send(f); });
  };
  ws.onmessage = function (e) {
    var kind = wcReceive(s, String(e.data));
    if (kind === 'reply' || kind === 'ack' || kind === 'error') { save(); render(); }
    if (kind === 'reply' && panel.hidden) openBtn.textContent = 'New reply \u2022 Chat with us';
  };
  ws.onclose = function (e) {
    ws = null;
    status.textContent = wcRetries(e.code) ? 'Reconnecting\u2026' : 'Chat unavailable';
    if (!wcRetries(e.code)) return;
    clearTimeout(timer);
    timer = setTimeout(connect, wcBackoffMs(attempt++, Math.random()));
  };
}
openBtn.onclick = function () { openBtn.textContent = 'Chat with us'; setOpen(panel.hidden); };
closeBtn.onclick = function () { setOpen(false); };
panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') setOpen(false); });
textIn.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
form.onsubmit = function (e) {
  e.preventDefault();
  var text = textIn.value.trim();
  if (!text) return;
  var frame = wcQueue(s, uuid(), text, nameIn.value.trim(), mailIn.value.trim());
  textIn.value = '';
  save();
  render();
  if (ws && ws.readyState === 1) ws.send(frame); else connect();
};
render();
if (s.log.length) connect();
`

/**
 * The script served at /widget.js. Indentation and whole-line comments are dropped to stay small
 * (safe: the source has no multi-line strings).
 */
export const widgetSource = `/* Earshot web chat widget */\n(function () {\n'use strict';${widgetProtocolSource}${widgetUiSource}})();\n`
  .replace(/^[ \t]+/gm, '')
  .replace(/^\/\/.*\n/gm, '')
