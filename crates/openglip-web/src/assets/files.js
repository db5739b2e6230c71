// Files in the web client: the composer's attach button, pasting and dropping files, each
// upload's progress; file sizes on file cards; images opened in a lightbox.
//
// An upload is the bare file posted to `/app/c/{chat}/files?name=…` (the session's cookie and
// the CSRF header), which posts it into the chat; the new post then arrives like any other,
// over the WebSocket (`client.js`).
(() => {
  'use strict';

  const app = document.getElementById('app');
  const csrfInput = document.querySelector('input[name="_csrf"]');
  const csrf = (app && app.dataset.csrf) || (csrfInput && csrfInput.value) || '';
  const composer = document.getElementById('composer');

  // ------------------------------------------------------------------------- sizes

  function humanSize(n) {
    if (n < 1024) return n + ' B';
    const units = ['KB', 'MB', 'GB'];
    let v = n;
    let u = -1;
    do {
      v /= 1024;
      u += 1;
    } while (v >= 1024 && u < units.length - 1);
    return (v < 10 ? v.toFixed(1) : Math.round(v)) + ' ' + units[u];
  }

  // A file card's size, from the length of its content (asked once per link).
  const sizes = new Map();
  function fillSizes(root) {
    root.querySelectorAll('[data-size-of]:not([data-filled])').forEach((el) => {
      el.dataset.filled = '1';
      const href = el.dataset.sizeOf;
      if (!sizes.has(href)) {
        sizes.set(
          href,
          fetch(href, { method: 'HEAD', credentials: 'same-origin' })
            .then((r) => (r.ok ? Number(r.headers.get('Content-Length')) : NaN))
            .catch(() => NaN),
        );
      }
      sizes.get(href).then((n) => {
        if (Number.isFinite(n)) el.textContent = humanSize(n);
      });
    });
  }
  fillSizes(document);
  new MutationObserver((changes) => {
    for (const c of changes) {
      c.addedNodes.forEach((n) => {
        if (n.nodeType === 1) fillSizes(n);
      });
    }
  }).observe(document.body, { childList: true, subtree: true });

  // ---------------------------------------------------------------------- lightbox

  let box = null;
  function lightbox(href, name) {
    if (!box) {
      box = document.createElement('dialog');
      box.className = 'lightbox';
      box.setAttribute('aria-label', 'Image');
      const close = document.createElement('button');
      close.type = 'button';
      close.className = 'btn lightbox-close';
      close.textContent = 'Close';
      close.addEventListener('click', () => box.close());
      const img = document.createElement('img');
      const open = document.createElement('a');
      open.className = 'lightbox-open';
      open.textContent = 'Open original';
      open.target = '_blank';
      open.rel = 'noopener';
      box.append(close, img, open);
      // A click on the backdrop closes it.
      box.addEventListener('click', (e) => {
        if (e.target === box) box.close();
      });
      document.body.append(box);
    }
    box.querySelector('img').src = href;
    box.querySelector('img').alt = name;
    box.querySelector('.lightbox-open').href = href;
    box.showModal();
  }
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[data-lightbox]');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    lightbox(a.getAttribute('href'), a.dataset.lightbox);
  });

  // ----------------------------------------------------------------------- uploads

  if (!composer) return;
  const chat = (composer.getAttribute('action').match(/^\/c\/(\d+)\/posts$/) || [])[1];
  const attach = document.getElementById('attach');
  const input = document.getElementById('attach-input');
  const list = document.getElementById('uploads');
  if (!chat || !attach || !input || !list) return;
  attach.hidden = false;

  function upload(file) {
    const name = file.name || 'pasted-image.png';
    const li = document.createElement('li');
    li.className = 'upload';
    const label = document.createElement('span');
    label.className = 'upload-name';
    label.textContent = name;
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', 'Uploading ' + name);
    const state = document.createElement('span');
    state.className = 'upload-state';
    state.textContent = humanSize(file.size);
    li.append(label, bar, state);
    list.append(li);

    const xhr = new XMLHttpRequest();
    // From a thread's composer (or while replying), the file is a reply in that thread.
    const parentInput = document.getElementById('composer-parent');
    const parent = parentInput ? parentInput.value : '';
    let url = '/app/c/' + chat + '/files?name=' + encodeURIComponent(name);
    if (parent) url += '&parent=' + encodeURIComponent(parent);
    xhr.open('POST', url);
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('X-Requested-With', 'fetch');
    if (file.type) xhr.setRequestHeader('Content-Type', file.type);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status === 200) {
        bar.value = 100;
        state.textContent = 'Sent';
        li.classList.add('done');
        setTimeout(() => li.remove(), 1500);
        return;
      }
      // In words for people; the server's own message otherwise.
      let message = 'The upload failed (' + xhr.status + ').';
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (_) {
        // Not RingCentral's error body: keep the status.
      }
      const param = body && body.errors && body.errors[0] && body.errors[0].parameterName;
      if (xhr.status === 413) message = 'This file is too large to upload here.';
      else if (xhr.status === 400 && param === 'body') message = 'This file is empty.';
      else if (xhr.status === 401) message = 'You are signed out: sign in again, then attach the file.';
      else if (xhr.status === 403 || xhr.status === 404) message = 'You cannot post files in this chat.';
      else if (body && body.message) message = body.message;
      li.classList.add('failed');
      state.textContent = message;
      state.setAttribute('role', 'alert');
    });
    xhr.addEventListener('error', () => {
      li.classList.add('failed');
      state.textContent = 'The upload failed: no connection.';
      state.setAttribute('role', 'alert');
    });
    xhr.send(file);
  }

  function uploadAll(files) {
    Array.from(files || []).forEach(upload);
  }

  attach.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    uploadAll(input.files);
    input.value = '';
  });

  // Pasting files (a screenshot) into the message box uploads them; text pastes as ever.
  const ta = document.getElementById('composer-text');
  if (ta) {
    ta.addEventListener('paste', (e) => {
      const files = e.clipboardData && e.clipboardData.files;
      if (files && files.length) {
        e.preventDefault();
        uploadAll(files);
      }
    });
  }

  // Dropping files anywhere on the conversation uploads them.
  const zone = document.querySelector('main') || document.body;
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes('Files');
  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    depth += 1;
    zone.classList.add('dropping');
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('dropping');
  });
  zone.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  zone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dropping');
    uploadAll(e.dataTransfer.files);
  });
})();
