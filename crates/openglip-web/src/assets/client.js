// openglip web client. The pages are rendered by the server and work without this script; this
// makes them live: forms are sent with fetch and the server's HTML fragment is inserted, older
// posts load as you scroll up, @mentions complete, timestamps show in your time zone, and the
// platform's own WebSocket gateway (WSG protocol, as RingCentral's SDKs speak it) brings new,
// changed and removed posts and membership changes without reloading.
(() => {
  'use strict';

  const app = document.getElementById('app');
  const csrfInput = document.querySelector('input[name="_csrf"]');
  const csrf = (app && app.dataset.csrf) || (csrfInput && csrfInput.value) || '';
  const me = app ? app.dataset.me : '';
  const chatId = app && app.dataset.chat && app.dataset.chat !== '0' ? app.dataset.chat : '';
  const timeline = document.getElementById('timeline');
  const scroller = document.getElementById('scroller');
  // Opened at an older message (a search result): the timeline stops there, on purpose; newer
  // posts are one link away, so none are added here, live or on catching up.
  const jumped = !!document.getElementById('newer');
  const composer = document.getElementById('composer');
  const threadId = composer ? composer.dataset.thread || '' : '';
  const conn = document.getElementById('conn');

  // ---------------------------------------------------------------------------- helpers

  const headers = { 'X-CSRF-Token': csrf, 'X-Requested-With': 'fetch' };

  // What must be kept before the page goes away (the composer's draft); see `bounce`.
  const beforeLeaving = [];
  window.addEventListener('pagehide', () => beforeLeaving.forEach((keep) => keep()));

  // Signed out meanwhile (the session ended or expired): reload, so the server shows the
  // sign-in form in the page's place and comes back here afterwards. What was typed is kept
  // first, so that it is still in the composer after signing in.
  function bounce() {
    beforeLeaving.forEach((keep) => keep());
    location.reload();
  }

  async function get(url) {
    const r = await fetch(url, { headers, credentials: 'same-origin' });
    if (r.status === 401) bounce();
    return r;
  }

  async function post(url, fields) {
    const body = new URLSearchParams(fields);
    body.set('_csrf', csrf);
    const r = await fetch(url, { method: 'POST', headers, body, credentials: 'same-origin' });
    if (r.status === 401) bounce();
    return r;
  }

  function nodes(html) {
    const t = document.createElement('template');
    t.innerHTML = html;
    return Array.from(t.content.children);
  }

  async function errorText(r) {
    try {
      const j = await r.json();
      return j.message || (j.errors && j.errors[0] && j.errors[0].message) || 'Something went wrong';
    } catch (_) {
      return 'Something went wrong (' + r.status + ')';
    }
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // `fn` once calls stop for `ms`; `.now()` runs a pending call at once.
  function debounce(fn, ms) {
    let t = 0;
    const later = (...a) => {
      clearTimeout(t);
      t = setTimeout(() => {
        t = 0;
        fn(...a);
      }, ms);
    };
    later.now = () => {
      if (!t) return;
      clearTimeout(t);
      t = 0;
      fn();
    };
    return later;
  }

  function say(text) {
    let live = document.getElementById('announcer');
    if (!live) {
      live = document.createElement('div');
      live.id = 'announcer';
      live.className = 'sr-only';
      live.setAttribute('role', 'status');
      live.setAttribute('aria-live', 'polite');
      document.body.appendChild(live);
    }
    live.textContent = text;
  }

  function toast(text) {
    let el = document.getElementById('toast');
    if (!el) {
      el = document.createElement('div');
      el.id = 'toast';
      el.className = 'toast';
      el.setAttribute('role', 'alert');
      document.body.appendChild(el);
    }
    el.textContent = text;
    el.hidden = false;
    clearTimeout(el._t);
    el._t = setTimeout(() => (el.hidden = true), 5000);
  }

  // ------------------------------------------------------- times, colours, new content

  const sameDay = (a, b) => a.toDateString() === b.toDateString();
  const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
  const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
  const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

  function localise(root) {
    root.querySelectorAll('time[datetime]').forEach((t) => {
      if (t.dataset.local) return;
      const d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) return;
      const now = new Date();
      t.textContent = sameDay(d, now) ? timeFmt.format(d) : `${dayFmt.format(d)}, ${timeFmt.format(d)}`;
      t.title = fullFmt.format(d);
      t.dataset.local = '1';
    });
  }

  function enhance(root) {
    localise(root);
    // What the CSP keeps out of inline styles: card colours and column widths.
    root.querySelectorAll('[data-color]').forEach((el) => {
      if (/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(el.dataset.color)) el.style.borderLeftColor = el.dataset.color;
    });
    root.querySelectorAll('.ac-column[data-weight]').forEach((el) => {
      const w = Number(el.dataset.weight);
      if (w > 0 && w < 1000) el.style.flex = `${w} 1 0`;
    });
    root.querySelectorAll('.ac-column[data-px]').forEach((el) => {
      const px = Number(el.dataset.px);
      if (px > 0 && px < 4000) el.style.flex = `0 0 ${px}px`;
    });
  }

  enhance(document);

  // Days in the reader's time zone, and runs of messages by one person: a separator before each
  // new day, and no repeated name and avatar within a run (five minutes, no reply in between).
  const dayLabel = (d) => {
    const today = new Date();
    const yesterday = new Date(today);
    yesterday.setDate(today.getDate() - 1);
    if (sameDay(d, today)) return 'Today';
    if (sameDay(d, yesterday)) return 'Yesterday';
    return new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' }).format(d);
  };
  let decorating = 0;
  function decorate() {
    const tl = document.getElementById('timeline');
    if (!tl || decorating) return;
    decorating = requestAnimationFrame(() => {
      decorating = 0;
      tl.querySelectorAll('li.day').forEach((x) => x.remove());
      let prev = null;
      for (const li of Array.from(tl.querySelectorAll('li.post'))) {
        const t = li.querySelector('time[datetime]');
        const when = t ? new Date(t.getAttribute('datetime')) : null;
        const prevWhen = prev && prev.when;
        if (when && (!prevWhen || !sameDay(when, prevWhen))) {
          const sep = document.createElement('li');
          sep.className = 'day';
          sep.setAttribute('role', 'separator');
          sep.textContent = dayLabel(when);
          li.before(sep);
          prev = null;
        }
        const cont = prev && !li.classList.contains('system') && !prev.li.classList.contains('system')
          && !li.classList.contains('reply') && prev.li.dataset.author === li.dataset.author
          && when && prevWhen && when - prevWhen < 5 * 60 * 1000;
        li.classList.toggle('cont', Boolean(cont));
        prev = { li, when };
      }
    });
  }
  decorate();

  // ---------------------------------------------------------------------- the timeline

  const nearBottom = () => !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  const toBottom = () => scroller && (scroller.scrollTop = scroller.scrollHeight);
  const postId = (el) => Number(el.dataset.id || 0);
  const lastPostId = () => {
    const all = timeline ? timeline.querySelectorAll('li.post') : [];
    return all.length ? postId(all[all.length - 1]) : 0;
  };

  // A post as the server rendered it: replaces the one with its id, or goes where it belongs.
  function upsert(html) {
    if (!timeline) return;
    const stick = nearBottom();
    for (const li of nodes(html)) {
      const old = document.getElementById(li.id);
      enhance(li);
      if (old && old.querySelector('.editor')) {
        // Being edited here: the fresh version is shown when the editor closes.
        old.dataset.stale = '1';
        continue;
      }
      if (old) {
        if (old.classList.contains('found')) {
          // The message a search result opened stays marked.
          li.classList.add('found');
          li.setAttribute('aria-current', 'true');
        }
        if (old.outerHTML !== li.outerHTML) old.replaceWith(li);
        continue;
      }
      if (jumped) {
        // One's own new message goes where the newest are, and takes the reader there.
        if (li.dataset.author === String(me)) location.assign(`/c/${chatId}#${li.id}`);
        continue;
      }
      const id = postId(li);
      const later = Array.from(timeline.querySelectorAll('li.post')).find((x) => postId(x) > id);
      timeline.insertBefore(li, later || null);
    }
    decorate();
    if (stick) toBottom();
  }

  function remove(id) {
    const el = document.getElementById('p-' + id);
    if (el) {
      el.remove();
      decorate();
      say('A message was deleted');
    }
    refreshReplies(id);
  }

  // Replies quote their parent: when it changes or goes, they are fetched again.
  function refreshReplies(parent) {
    if (!timeline) return;
    timeline.querySelectorAll(`li.post[data-parent="${parent}"]`).forEach((li) => showPost(li.dataset.id));
  }

  if (scroller) {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.classList.add('flash');
    } else {
      toBottom();
    }
  }

  // Older posts, as the reader scrolls up (or follows the link).
  let loadingOlder = false;
  async function loadOlder() {
    const link = document.getElementById('older');
    if (loadingOlder || !link || !link.dataset.before || !chatId) return;
    loadingOlder = true;
    link.setAttribute('aria-busy', 'true');
    try {
      const r = await get(`/c/${chatId}/posts?before=${link.dataset.before}`);
      if (!r.ok) throw new Error(await errorText(r));
      const html = await r.text();
      const height = scroller.scrollHeight;
      const items = nodes(html);
      items.forEach(enhance);
      timeline.prepend(...items);
      decorate();
      await new Promise((r) => requestAnimationFrame(r));
      scroller.scrollTop += scroller.scrollHeight - height;
      if (r.headers.get('x-more') === '1' && items.length) {
        const first = postId(items[0]);
        link.dataset.before = String(first);
        link.href = `/c/${chatId}/posts?before=${first}`;
      } else {
        const p = document.createElement('p');
        p.className = 'older start';
        p.id = 'older';
        p.textContent = 'This is the start of the conversation.';
        link.replaceWith(p);
      }
    } catch (e) {
      toast(e.message);
    } finally {
      loadingOlder = false;
      link.removeAttribute('aria-busy');
    }
  }

  if (scroller && timeline) {
    scroller.addEventListener('scroll', () => {
      if (scroller.scrollTop < 300) loadOlder();
    }, { passive: true });
    document.addEventListener('click', (e) => {
      const a = e.target.closest('#older[data-before]');
      if (a) {
        e.preventDefault();
        loadOlder();
      }
    });
    // A short first page on a tall screen: fill it.
    if (scroller.scrollHeight <= scroller.clientHeight) loadOlder();
  }

  // ------------------------------------------------------------------- read state

  // Read up to the newest post shown, and only where the conversation itself is shown (not in a
  // thread or the details page).
  let readPending = false;
  let readQueued = false;
  let readSending = false;
  let unseen = 0;
  // At once, one at a time: a mark asked for while one is on its way goes out after it.
  async function sendRead() {
    if (readSending || !readQueued || !chatId || !timeline || threadId || document.hidden) return;
    readQueued = false;
    readPending = false;
    readSending = true;
    unseen = 0;
    updateTitle();
    try {
      // keepalive: a navigation right after must not cancel it.
      const body = new URLSearchParams({ _csrf: csrf, read: '1', upto: String(lastPostId()) });
      await fetch(`/c/${chatId}/read`, { method: 'POST', headers, body, credentials: 'same-origin', keepalive: true });
    } catch (_) {
      /* the next mark or page load reads it */
    } finally {
      readSending = false;
      if (readQueued) sendRead();
    }
  }
  const markRead = () => {
    readQueued = true;
    sendRead();
  };
  // Leaving the page before the mark went out: it goes out anyway.
  window.addEventListener('pagehide', () => {
    if (readQueued && chatId && timeline && !threadId) {
      readQueued = false;
      const body = new URLSearchParams({ _csrf: csrf, read: '1', upto: String(lastPostId()) });
      fetch(`/c/${chatId}/read`, { method: 'POST', headers, body, credentials: 'same-origin', keepalive: true }).catch(() => {});
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && readPending) {
      markRead();
      refreshRail();
    }
  });

  // --------------------------------------------------------------------------- the rail

  const railList = document.getElementById('rail-list');
  let baseTitle = document.title;

  // The tab's title counts what would notify: muted chats never, chats on "@mentions only"
  // only when one of their unread messages mentions you (its badge is then strong).
  function updateTitle() {
    let total = unseen;
    document.querySelectorAll('#rail-list a.chat:not(.muted) .badge').forEach((b) => {
      const link = b.closest('a.chat');
      if (link.dataset.notify === 'mentions' && !b.classList.contains('strong')) return;
      total += parseInt(b.textContent, 10) || 0;
    });
    document.title = total ? `(${total}) ${baseTitle}` : baseTitle;
  }

  const refreshRail = debounce(async () => {
    if (!railList) return;
    try {
      const r = await get(`/app/rail?active=${chatId || ''}`);
      if (r.ok) {
        railList.innerHTML = await r.text();
        updateTitle();
      }
    } catch (_) {
      /* offline: the next event or reconnect refreshes it */
    }
  }, 250);
  updateTitle();

  function railChat(id) {
    return document.querySelector(`#rail-list a[data-chat="${id}"]`);
  }

  // ------------------------------------------------------------------- the composer

  const ta = document.getElementById('composer-text');
  const parentInput = document.getElementById('composer-parent');
  // Unsent text survives switching chats and a bounce to sign in (per chat and thread, for
  // this tab).
  const draftKey = chatId ? `draft:${chatId}:${threadId}` : '';
  const saveDraft = debounce(() => {
    if (!ta || !draftKey) return;
    try {
      if (ta.value) sessionStorage.setItem(draftKey, ta.value);
      else sessionStorage.removeItem(draftKey);
    } catch (_) { /* storage full or off */ }
  }, 300);
  beforeLeaving.push(() => saveDraft.now());
  const replying = document.getElementById('replying');
  // Names picked from completion, to turn "@Name" into mention markup when sending.
  const picked = new Map();

  // "@Name" of a picked person, as a whole name (not a prefix of a longer word), becomes
  // mention markup.
  function toMarkup(text) {
    const names = Array.from(picked.keys()).sort((a, b) => b.length - a.length);
    for (const name of names) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      text = text.replace(new RegExp(`@${escaped}(?![\\p{L}\\p{N}_])`, 'gu'), `![:Person](${picked.get(name)})`);
    }
    return text;
  }

  function fromMarkup(text, li) {
    return text.replace(/!\[:Person\]\((\d+)\)/g, (m, id) => {
      const span = li && li.querySelector(`.mention[data-person="${id}"]`);
      const name = span ? span.textContent.replace(/^@/, '') : '';
      if (!name) return m;
      picked.set(name, id);
      return '@' + name;
    });
  }

  function grow(el) {
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 240) + 'px';
  }

  function clearReply() {
    if (!parentInput || !replying) return;
    parentInput.value = threadId;
    replying.hidden = true;
  }

  let sending = false;
  async function send() {
    const typed = ta.value;
    const text = toMarkup(typed).trim();
    if (!text || sending) return;
    sending = true;
    const button = composer.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const r = await post(composer.action, { text, parent: parentInput ? parentInput.value : '' });
      if (!r.ok) throw new Error(await errorText(r));
      upsert(await r.text());
      // What was typed meanwhile stays.
      if (ta.value === typed) {
        ta.value = '';
        picked.clear();
      }
      grow(ta);
      saveDraft();
      clearReply();
      toBottom();
    } catch (e) {
      toast(e.message);
    } finally {
      sending = false;
      button.disabled = false;
      ta.focus();
    }
  }

  if (composer && ta) {
    composer.addEventListener('submit', (e) => {
      e.preventDefault();
      send();
    });
    ta.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !completion.open()) {
        e.preventDefault();
        send();
      } else if (e.key === 'Escape' && replying && !replying.hidden && !completion.open()) {
        clearReply();
      }
    });
    ta.addEventListener('input', () => {
      grow(ta);
      saveDraft();
    });
    try {
      const draft = sessionStorage.getItem(draftKey);
      if (draft && !ta.value) {
        ta.value = draft;
        grow(ta);
      }
    } catch (_) { /* storage off */ }
    const cancel = document.getElementById('reply-cancel');
    if (cancel) cancel.addEventListener('click', () => {
      clearReply();
      ta.focus();
    });
    if (!location.hash && window.matchMedia('(min-width: 721px)').matches) ta.focus();
  }

  // ----------------------------------------------------------- completion (people)

  // A listbox under an input that offers people of the company; `onPick(person)` inserts.
  function Completer(input, list, { trigger, onPick, scope }) {
    let items = [];
    let active = -1;
    let seq = 0;
    const open = () => !list.hidden && items.length > 0;
    const close = () => {
      list.hidden = true;
      items = [];
      active = -1;
      input.removeAttribute('aria-activedescendant');
      input.setAttribute('aria-expanded', 'false');
    };
    const highlight = (i) => {
      active = i;
      list.querySelectorAll('[role="option"]').forEach((o, j) => o.setAttribute('aria-selected', String(j === i)));
      if (i >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${i}`);
    };
    const pick = (i) => {
      const p = items[i];
      close();
      if (p) onPick(p);
    };
    const search = debounce(async () => {
      const q = trigger();
      if (q === null) return close();
      const mine = ++seq;
      try {
        const r = await get('/app/people?q=' + encodeURIComponent(q) + (scope ? '&chat=' + scope : ''));
        if (!r.ok || mine !== seq) return;
        items = await r.json();
      } catch (_) {
        return;
      }
      if (trigger() === null) return close();
      list.innerHTML = '';
      items.forEach((p, i) => {
        const li = document.createElement('li');
        li.id = `${list.id}-${i}`;
        li.setAttribute('role', 'option');
        const av = document.createElement('span');
        av.className = 'av' + (p.bot ? ' bot' : '');
        av.textContent = p.initials;
        av.setAttribute('aria-hidden', 'true');
        const nm = document.createElement('span');
        nm.className = 'nm';
        nm.textContent = p.name + (p.bot ? ' (bot)' : '');
        const em = document.createElement('span');
        em.className = 'muted';
        em.textContent = p.email || '';
        li.append(av, nm, em);
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          pick(i);
        });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute('aria-expanded', String(!list.hidden));
      highlight(items.length ? 0 : -1);
    }, 120);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.addEventListener('input', search);
    input.addEventListener('blur', () => setTimeout(close, 150));
    input.addEventListener('keydown', (e) => {
      if (!open()) return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        highlight((active + 1) % items.length);
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        highlight((active - 1 + items.length) % items.length);
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        e.stopImmediatePropagation();
        pick(active < 0 ? 0 : active);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        close();
      }
    });
    return { open };
  }

  // @mentions in the composer.
  const mentionRe = /(^|\s)@([^\s@]{0,30})$/;
  const completion = composer && ta
    ? Completer(ta, document.getElementById('mention-list'), {
      scope: chatId,
      trigger: () => {
        const m = mentionRe.exec(ta.value.slice(0, ta.selectionStart));
        return m ? m[2] : null;
      },
      onPick: (p) => {
        const before = ta.value.slice(0, ta.selectionStart).replace(mentionRe, `$1@${p.name} `);
        const after = ta.value.slice(ta.selectionStart);
        picked.set(p.name, p.id);
        ta.value = before + after;
        ta.selectionStart = ta.selectionEnd = before.length;
        ta.focus();
      },
    })
    : { open: () => false };

  // People fields ("Members", "Add people"): comma-separated, completed.
  document.querySelectorAll('input[data-people]').forEach((input, n) => {
    const list = document.createElement('ul');
    list.id = `people-list-${n}`;
    list.className = 'mention-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    input.insertAdjacentElement('afterend', list);
    input.parentElement.classList.add('has-list');
    Completer(input, list, {
      trigger: () => {
        const last = input.value.split(',').pop().trim();
        return last.length ? last : null;
      },
      onPick: (p) => {
        const parts = input.value.split(',');
        parts.pop();
        parts.push(` ${p.name} <${p.email || p.id}>`);
        input.value = parts.join(',').replace(/^\s+/, '') + ', ';
        input.focus();
      },
    });
  });

  // Live search on the new-message page.
  document.querySelectorAll('form[data-live]').forEach((form) => {
    const out = document.getElementById(form.dataset.live);
    const q = form.querySelector('input[name="q"]');
    q.addEventListener('input', debounce(async () => {
      const r = await get(`${form.action}?fragment=1&q=${encodeURIComponent(q.value)}`);
      if (r.ok) out.innerHTML = await r.text();
    }, 150));
  });

  // ------------------------------------------------------- actions on posts

  function startEdit(li) {
    if (li.querySelector('.editor')) return;
    const text = li.querySelector('.text');
    const form = document.createElement('form');
    form.className = 'editor';
    const label = document.createElement('label');
    label.className = 'sr-only';
    label.textContent = 'Edit message';
    const area = document.createElement('textarea');
    area.value = fromMarkup(li.dataset.text || '', li);
    area.setAttribute('aria-label', 'Edit message');
    const save = document.createElement('button');
    save.type = 'submit';
    save.className = 'btn primary small';
    save.textContent = 'Save';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'btn small';
    cancel.textContent = 'Cancel';
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = 'Enter saves · Esc cancels';
    form.append(label, area, save, cancel, hint);
    text.hidden = true;
    text.after(form);
    area.focus();
    area.selectionStart = area.value.length;
    grow(area);
    const stop = () => {
      form.remove();
      text.hidden = false;
      li.querySelector('[data-act="edit"]').focus();
      // Changed elsewhere while being edited here: show the current version.
      if (li.dataset.stale) showPost(li.dataset.id);
    };
    cancel.addEventListener('click', stop);
    area.addEventListener('input', () => grow(area));
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') stop();
      else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      save.disabled = true;
      try {
        const r = await post(`/c/${chatId}/posts/${li.dataset.id}/edit`, { text: toMarkup(area.value) });
        if (!r.ok) throw new Error(await errorText(r));
        form.remove();
        upsert(await r.text());
        const fresh = document.getElementById(li.id);
        const edit = fresh && fresh.querySelector('[data-act="edit"]');
        if (edit) edit.focus();
        say('Message edited');
      } catch (err) {
        toast(err.message);
        save.disabled = false;
      }
    });
  }

  document.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-act]');
    if (!b) return;
    const li = b.closest('li.post');
    if (!li) return;
    const act = b.dataset.act;
    if (act === 'reply' && parentInput && replying) {
      parentInput.value = li.dataset.id;
      document.getElementById('replying-to').textContent = b.dataset.author || '';
      replying.hidden = false;
      ta.focus();
    } else if (act === 'edit') {
      startEdit(li);
    } else if (act === 'delete') {
      if (!confirm('Delete this message? This cannot be undone.')) return;
      const next = li.nextElementSibling || li.previousElementSibling;
      const r = await post(`/c/${chatId}/posts/${li.dataset.id}/delete`, {});
      if (r.ok) {
        remove(li.dataset.id);
        const target = next && next.querySelector('button[data-act]');
        (target || ta || document.body).focus();
      } else toast(await errorText(r));
    }
  });

  document.addEventListener('submit', (e) => {
    const f = e.target.closest('form[data-confirm]');
    if (f && !confirm(f.dataset.confirm)) e.preventDefault();
  });

  // Copy buttons (a new webhook's URL): the value of the field the button names. Without the
  // script, the field is read-only text to select.
  document.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-copy]');
    if (!b) return;
    const field = document.getElementById(b.dataset.copy);
    if (!field) return;
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      toast('Copied');
    } catch (_) {
      toast('Press Ctrl+C (⌘C) to copy the selected URL');
    }
  });

  // ------------------------------------------------------------ desktop notifications

  const notifyBtn = document.getElementById('notify-btn');
  if (notifyBtn && 'Notification' in window && Notification.permission === 'default') {
    notifyBtn.hidden = false;
    notifyBtn.addEventListener('click', async () => {
      await Notification.requestPermission();
      notifyBtn.hidden = Notification.permission !== 'default';
    });
  }

  function plainText(b) {
    const names = new Map((b.mentions || []).map((m) => [String(m.id), m.name]));
    return (b.text || '')
      .replace(/!\[:(Person|Team)\]\((\d+)\)/g, (_, t, id) => '@' + (names.get(id) || id))
      .replace(/\*\*|__|~~|`/g, '')
      .replace(/\s+/g, ' ')
      .slice(0, 200);
  }

  function notify(b) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const link = railChat(b.groupId);
    const isDirect = link && link.dataset.kind === 'Direct';
    const mentionsMe = (b.mentions || []).some((m) => String(m.id) === me && m.type === 'Person');
    // The person's level for the chat (details page): all, mentions (a team's default), muted.
    const level = (link && link.dataset.notify) || (isDirect ? 'all' : 'mentions');
    if (level === 'muted' || (level === 'mentions' && !mentionsMe)) return;
    const title = link ? link.dataset.name : 'New message';
    const opts = { body: plainText(b), tag: 'post-' + b.id, icon: '/assets/icons/icon-192.png', data: { url: '/c/' + b.groupId } };
    try {
      const n = new Notification(mentionsMe && !isDirect ? `${title}: you were mentioned` : title, opts);
      n.onclick = () => {
        window.focus();
        location.href = opts.data.url;
      };
    } catch (_) {
      // Some browsers only allow notifications from the service worker.
      if (navigator.serviceWorker) navigator.serviceWorker.ready.then((r) => r.showNotification(title, opts)).catch(() => {});
    }
  }

  // ------------------------------------------------------------------- live updates

  function showConn(state) {
    if (!conn) return;
    conn.dataset.state = state;
    conn.textContent = state === 'live' ? '' : state === 'offline' ? 'Offline' : 'Reconnecting…';
  }

  const inThisView = (b) => b.groupId === chatId && (!threadId || b.id === threadId || b.parentPostId === threadId);

  async function showPost(id) {
    const r = await get(`/c/${chatId}/posts/${id}${threadId ? '?thread=1' : ''}`);
    if (r.ok) upsert(await r.text());
    else if (r.status === 404) remove(id);
  }

  function onEvent(env) {
    const b = env && env.body;
    if (!b || !b.eventType) return;
    switch (b.eventType) {
      case 'PostAdded':
        if (inThisView(b)) {
          const shown = document.getElementById('p-' + b.id) ? Promise.resolve() : showPost(b.id);
          if (b.creatorId !== me) say('New message: ' + plainText(b));
          if (document.hidden) {
            readPending = true;
            if (b.creatorId !== me) unseen++;
            updateTitle();
          } else {
            // Read up to it once it is on the screen.
            shown.then(markRead, markRead);
          }
        } else {
          refreshRail();
        }
        if (b.creatorId !== me && (document.hidden || b.groupId !== chatId)) notify(b);
        break;
      case 'PostChanged':
        if (b.groupId === chatId && document.getElementById('p-' + b.id)) showPost(b.id);
        if (b.groupId === chatId) refreshReplies(b.id);
        break;
      case 'PostRemoved':
        if (b.groupId === chatId) remove(b.id);
        refreshRail();
        break;
      case 'GroupLeft':
        refreshRail();
        if (b.id === chatId && composer) {
          composer.querySelectorAll('textarea, button').forEach((x) => (x.disabled = true));
          toast('You are no longer a member of this chat.');
        }
        break;
      case 'GroupChanged':
      case 'GroupRenamed':
        refreshRail();
        if (b.id === chatId) showChat(b);
        break;
      default:
        // GroupJoined: the rail shows it.
        refreshRail();
    }
  }

  // Catching up after a connection that could not be recovered: posts after the newest shown,
  // and edits and deletions among the newest shown.
  // The open chat changed: its name, member count, archived or not.
  function showChat(b) {
    const title = document.getElementById('conv-title');
    const kind = document.querySelector('.conv-title .kind');
    if (title && b.type === 'Team' && b.name && !threadId) {
      baseTitle = baseTitle.replace(title.textContent, b.name);
      title.textContent = b.name;
      updateTitle();
    }
    if (kind && Array.isArray(b.members)) {
      const n = b.members.length;
      kind.textContent = kind.textContent.replace(/\d+ members?/, `${n} member${n === 1 ? '' : 's'}`);
    }
    const archived = b.status === 'Archived';
    if (kind && b.type === 'Team') {
      const shown = / · Archived$/.test(kind.textContent);
      if (archived && !shown) kind.textContent += ' · Archived';
      if (!archived && shown) kind.textContent = kind.textContent.replace(/ · Archived$/, '');
    }
    if (composer && archived) {
      composer.querySelectorAll('textarea, button').forEach((x) => (x.disabled = true));
      toast('This team was archived: it can be read, not written to.');
    } else if (!archived && b.status === 'Active' && !composer && timeline && document.querySelector('.composer-off')) {
      location.reload();
    }
  }

  // Only posts known before a request can be judged gone by its answer: one shown live while
  // it ran is newer than that.
  async function catchUp() {
    refreshRail();
    if (!chatId || !timeline || jumped) return;
    if (threadId) {
      // A thread page: its replies come from the server again.
      timeline.querySelectorAll('li.post').forEach((li) => showPost(li.dataset.id));
      return;
    }
    const shown = Array.from(timeline.querySelectorAll('li.post')).slice(-60);
    let after = shown.length ? postId(shown[0]) - 1 : 0;
    for (let round = 0; round < 20; round++) {
      const known = lastPostId();
      const r = await get(`/c/${chatId}/posts?after=${after}`);
      if (!r.ok) return;
      const more = r.headers.get('x-more') === '1';
      const items = nodes(await r.text());
      const got = new Set(items.map(postId));
      const upto = Math.min(known, more && items.length ? postId(items[items.length - 1]) : Infinity);
      timeline.querySelectorAll('li.post').forEach((li) => {
        const id = postId(li);
        if (id > after && id <= upto && !got.has(id) && !li.querySelector('.editor')) li.remove();
      });
      items.forEach((li) => upsert(li.outerHTML));
      if (items.length && !document.hidden) markRead();
      if (!more || !items.length) return;
      after = postId(items[items.length - 1]);
    }
  }

  const live = {
    ws: null,
    wsc: null,
    starting: false,
    tries: 0,
    timer: 0,
    heartbeat: 0,
    connected: false,
    everConnected: false,

    async start() {
      clearTimeout(this.timer);
      if (this.starting || (this.ws && this.ws.readyState <= 1)) return;
      if (!navigator.onLine) return showConn('offline');
      this.starting = true;
      let token;
      try {
        const r = await fetch('/app/wstoken', { method: 'POST', headers, credentials: 'same-origin' });
        if (r.status === 401) return bounce();
        if (!r.ok) throw new Error('wstoken ' + r.status);
        token = await r.json();
      } catch (_) {
        return this.retry();
      } finally {
        this.starting = false;
      }
      let url = `${token.uri}?access_token=${encodeURIComponent(token.ws_access_token)}`;
      if (this.wsc) url += `&wsc=${encodeURIComponent(this.wsc)}`;
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.onmessage = (m) => this.frame(m.data);
      ws.onclose = () => {
        if (this.ws !== ws) return;
        this.connected = false;
        clearInterval(this.heartbeat);
        showConn(navigator.onLine ? 'reconnecting' : 'offline');
        this.retry();
      };
    },

    retry() {
      clearTimeout(this.timer);
      const wait = Math.min(15000, 1000 * 2 ** Math.min(this.tries++, 4));
      this.timer = setTimeout(() => this.start(), wait);
    },

    send(frame) {
      if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(frame));
    },

    frame(data) {
      let meta;
      let body;
      try {
        [meta, body] = JSON.parse(data);
      } catch (_) {
        return;
      }
      if (meta.wsc && meta.wsc.token) this.wsc = meta.wsc.token;
      if (meta.type === 'ConnectionDetails') {
        const recovered = body && body.recoveryState === 'Successful';
        if (!recovered) {
          this.send([
            { type: 'ClientRequest', messageId: uuid(), method: 'POST', path: '/restapi/v1.0/subscription/' },
            { eventFilters: ['/team-messaging/v1/posts', '/team-messaging/v1/chats'], deliveryMode: { transportType: 'WebSocket' } },
          ]);
        }
        clearInterval(this.heartbeat);
        this.heartbeat = setInterval(() => this.send([{ type: 'Heartbeat', messageId: uuid() }]), 60000);
        if (recovered) this.ready(false);
      } else if (meta.type === 'ClientRequest') {
        // Subscribed anew: whatever happened since the page was drawn (or the connection was
        // lost) is read again. Refused (e.g. 429): closed, retried with backoff.
        if (meta.status >= 200 && meta.status < 300) this.ready(true);
        else this.ws.close();
      } else if (meta.type === 'ServerNotification') {
        onEvent(body);
      } else if (meta.type === 'Error') {
        // A refused token or session: start over without recovery.
        this.wsc = null;
      }
    },

    ready(missed) {
      this.connected = true;
      this.tries = 0;
      this.everConnected = true;
      showConn('live');
      if (app) app.dataset.live = '1';
      if (missed) catchUp();
    },
  };

  if (app && me) {
    live.start();
    window.addEventListener('online', () => {
      live.tries = 0;
      live.start();
    });
    window.addEventListener('offline', () => {
      showConn('offline');
      if (live.ws) live.ws.close();
    });
  }

  // ------------------------------------------------------------- installable app

  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('/sw.js').catch(() => {});
    // A notification clicked while this page was not under the worker's control.
    navigator.serviceWorker.addEventListener('message', (e) => {
      const d = e.data || {};
      if (d.type === 'navigate' && typeof d.url === 'string' && d.url.startsWith('/') && !d.url.startsWith('//')) {
        location.href = d.url;
      }
    });
  }
  if (document.body.classList.contains('offline-page')) {
    window.addEventListener('online', () => location.replace('/'));
  }
})();
