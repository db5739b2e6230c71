// openglip-webkit: what the pages do with a script. Everything works without it, except copying to
// the clipboard and the confirmation before a dangerous form is sent.

// Reveal a secret, copy a value.
document.addEventListener('click', function (e) {
  var b = e.target.closest('[data-reveal]');
  if (b) {
    var el = document.getElementById(b.getAttribute('data-reveal'));
    var shown = el.getAttribute('data-shown') === '1';
    el.textContent = shown ? '••••••••••••••••••••••••' : el.getAttribute('data-value');
    el.setAttribute('data-shown', shown ? '0' : '1');
    b.textContent = shown ? 'Show' : 'Hide';
    return;
  }
  var c = e.target.closest('[data-copy]');
  if (c) {
    var t = document.getElementById(c.getAttribute('data-copy'));
    var v = t.getAttribute('data-value') || t.textContent;
    if (navigator.clipboard) { navigator.clipboard.writeText(v); }
    var label = c.lastChild;
    var before = label.textContent;
    label.textContent = 'Copied';
    setTimeout(function () { label.textContent = before; }, 1500);
    return;
  }
  // A dialog's opener: a button, or a link followed only without the script.
  var o = e.target.closest('[data-dialog]');
  if (o) {
    var d = document.getElementById(o.getAttribute('data-dialog'));
    if (d && d.showModal) {
      e.preventDefault();
      d.showModal();
    }
  }
});

// A form that asks first (ConfirmForm): its own button opens the question; the dialog's button,
// which belongs to the same form, sends it.
document.addEventListener('submit', function (e) {
  var form = e.target;
  var id = form.getAttribute && form.getAttribute('data-confirm');
  if (!id || (e.submitter && e.submitter.closest('dialog'))) { return; }
  var d = document.getElementById(id);
  if (d && d.showModal) {
    e.preventDefault();
    d.showModal();
  }
});

// The Create App form: show the settings of the chosen app type only (all show without script).
(function () {
  var form = document.querySelector('[data-app-form]');
  if (!form) { return; }
  function kind() {
    var r = form.querySelector('input[name="type"]:checked') || form.querySelector('input[name="type"]');
    return r ? r.value : 'RestApi';
  }
  function sync() {
    var k = kind();
    form.querySelectorAll('[data-kind]').forEach(function (el) {
      el.hidden = el.getAttribute('data-kind') !== k;
    });
  }
  form.addEventListener('change', function (e) { if (e.target.name === 'type') { sync(); } });
  sync();
})();
