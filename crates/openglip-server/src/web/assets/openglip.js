// openglip: reveal and copy buttons. Everything works without it, except copying to the clipboard.
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
    c.textContent = 'Copied';
    setTimeout(function () { c.textContent = 'Copy'; }, 1500);
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
