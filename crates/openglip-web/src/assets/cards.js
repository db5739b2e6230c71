// Answering Adaptive Cards in the web client. A card is a `form.ac-card` (see
// `render/adaptive.rs`): its inputs name their ids in `data-ac-input`, its `Action.Submit`
// buttons carry their `data` as JSON in `data-ac-data`. Pressing one collects the card's inputs
// (as strings, the way Adaptive Cards submit them: a toggle's `data-on`/`data-off` value, a
// multi-select's values joined by commas), merges the action's data, and POSTs them to
// `/app/cards/{post}/submit` (the session's cookie and the CSRF header). The server records the
// submission and delivers it to the app that posted the card; this script follows the delivery
// (`/app/cards/submissions/{id}`) and says in the card's status line whether it is being sent,
// was sent, or failed (and why).
(() => {
  'use strict';

  const app = document.getElementById('app');
  const csrfInput = document.querySelector('input[name="_csrf"]');
  const csrf = (app && app.dataset.csrf) || (csrfInput && csrfInput.value) || '';

  // How long to follow a delivery before leaving it to the server (it keeps retrying).
  const FOLLOW_MS = 120000;

  function say(card, text, state) {
    const out = card.querySelector(':scope > .ac-status');
    if (!out) return;
    out.textContent = text;
    out.dataset.state = state;
  }

  function valueOf(el) {
    if (el.matches('input[type="checkbox"]')) {
      return el.checked ? el.dataset.on || 'true' : el.dataset.off || 'false';
    }
    if (el.classList.contains('ac-choices')) {
      const picked = Array.from(el.querySelectorAll('input:checked')).map((i) => i.value);
      return picked.join(',');
    }
    return el.value;
  }

  // The card's inputs by id; the first one that is required and empty, if any.
  function collect(card) {
    const values = {};
    let missing = null;
    card.querySelectorAll('[data-ac-input]').forEach((el) => {
      const id = el.dataset.acInput;
      if (!id) return;
      const v = valueOf(el);
      values[id] = v;
      if (!missing && el.required && v === '') missing = el;
      if (!missing && el.checkValidity && !el.checkValidity()) missing = el;
    });
    return { values, missing };
  }

  async function follow(card, id, button) {
    const started = Date.now();
    let wait = 300;
    while (Date.now() - started < FOLLOW_MS) {
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 3000);
      let info;
      try {
        const r = await fetch('/app/cards/submissions/' + encodeURIComponent(id), {
          credentials: 'same-origin',
          headers: { 'X-Requested-With': 'fetch', Accept: 'application/json' },
        });
        if (!r.ok) continue;
        info = await r.json();
      } catch (e) {
        continue;
      }
      if (info.status === 'Delivered') {
        say(card, 'Sent', 'sent');
        button.disabled = false;
        return;
      }
      if (info.status === 'Failed') {
        say(card, 'Not delivered: ' + (info.reason || 'the app did not accept it.'), 'failed');
        button.disabled = false;
        return;
      }
    }
    say(card, 'Still sending… the server keeps trying.', 'pending');
    button.disabled = false;
  }

  async function submit(button) {
    const card = button.closest('form.ac-card');
    const post = button.closest('li.post');
    if (!card) return;
    if (!post || !post.dataset.id) {
      say(card, 'Open the conversation to answer this card.', 'failed');
      return;
    }
    const { values, missing } = collect(card);
    if (missing) {
      say(card, 'Please fill in the required fields.', 'failed');
      missing.focus();
      return;
    }
    let data = {};
    if (button.dataset.acData) {
      try {
        const d = JSON.parse(button.dataset.acData);
        if (d && typeof d === 'object' && !Array.isArray(d)) data = d;
      } catch (e) {
        // Data that is not JSON is left out, as the inputs are still worth sending.
      }
    }
    const body = { data: Object.assign({}, data, values) };
    button.disabled = true;
    say(card, 'Sending…', 'pending');
    let r;
    try {
      r = await fetch('/app/cards/' + encodeURIComponent(post.dataset.id) + '/submit', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-CSRF-Token': csrf,
        },
        body: JSON.stringify(body),
      });
    } catch (e) {
      say(card, 'Not sent: the server could not be reached.', 'failed');
      button.disabled = false;
      return;
    }
    let answer = {};
    try {
      answer = await r.json();
    } catch (e) {
      answer = {};
    }
    if (!r.ok) {
      say(card, 'Not sent: ' + (answer.message || 'HTTP ' + r.status), 'failed');
      button.disabled = false;
      return;
    }
    follow(card, answer.id, button);
  }

  document.addEventListener('click', (e) => {
    const button = e.target.closest && e.target.closest('button.ac-submit');
    if (!button || button.disabled) return;
    e.preventDefault();
    submit(button);
  });
  // A card's form is only a group of inputs: Enter in a field never navigates.
  document.addEventListener('submit', (e) => {
    if (e.target.matches && e.target.matches('form.ac-card')) e.preventDefault();
  });
})();
