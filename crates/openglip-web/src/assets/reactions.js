// Reactions in the web client: a message's reaction chips and its picker are the buttons of one
// form (`add=` or `remove=` an emoji). Sent here with fetch, the answer is the message's new
// reactions block, which takes the old one's place; without this script the form posts and the
// page comes back to the message. Other people's reactions arrive over the WebSocket
// (`PostReactionsChanged` in `client.js`, which shows the message again).
(() => {
  'use strict';

  const app = document.getElementById('app');
  const csrfInput = document.querySelector('input[name="_csrf"]');
  const csrf = (app && app.dataset.csrf) || (csrfInput && csrfInput.value) || '';

  // The page's toast (`client.js` makes it at its first message), or the browser's alert.
  const tell = (text) => {
    const el = document.getElementById('toast');
    if (!el) return alert(text);
    el.textContent = text;
    el.hidden = false;
  };

  document.addEventListener('submit', async (e) => {
    const form = e.target.closest('form.reactions');
    if (!form) return;
    const b = e.submitter;
    if (!b || !b.name || !b.value) return;
    e.preventDefault();
    const body = new URLSearchParams();
    body.set('_csrf', csrf);
    body.set(b.name, b.value);
    form.querySelectorAll('button').forEach((x) => (x.disabled = true));
    let r;
    try {
      r = await fetch(form.action, {
        method: 'POST',
        headers: { 'X-CSRF-Token': csrf, 'X-Requested-With': 'fetch' },
        body,
        credentials: 'same-origin',
      });
    } catch (_) {
      r = null;
    }
    if (r && r.status === 401) return location.reload();
    if (r && r.ok) {
      const t = document.createElement('template');
      t.innerHTML = await r.text();
      const fresh = t.content.querySelector('form.reactions');
      if (fresh && form.isConnected) form.replaceWith(fresh);
      else if (form.isConnected) form.remove();
      return;
    }
    form.querySelectorAll('button').forEach((x) => (x.disabled = false));
    let message = 'The reaction could not be saved.';
    try {
      const j = await r.json();
      message = (j.errors && j.errors[0] && j.errors[0].message) || j.message || message;
    } catch (_) {
      // No error body (no connection): the general words.
    }
    tell(message);
  });

  // A chosen emoji closes the picker; Escape closes it too.
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    const open = document.querySelector('form.reactions details.picker[open]');
    if (open) {
      open.open = false;
      open.querySelector('summary').focus();
    }
  });
})();
