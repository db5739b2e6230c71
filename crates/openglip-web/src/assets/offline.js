// openglip's offline page: goes back to the app as soon as the server answers again. It waits for
// the browser's `online` event, and (for a server that was down while the network was fine) asks
// the server now and then, less often as time goes by.
(function () {
  var delay = 5000;
  var timer = null;

  function back() {
    // Shown in place of the page that failed to load: load that one again. At /offline itself,
    // go to the app.
    if (location.pathname === '/offline') {
      location.replace('/');
    } else {
      location.reload();
    }
  }

  function check() {
    timer = null;
    if (navigator.onLine === false) {
      return; // the `online` event will tell
    }
    fetch('/offline', { cache: 'no-store', credentials: 'omit' }).then(
      function (resp) {
        if (resp.ok) {
          back();
        } else {
          later();
        }
      },
      later
    );
  }

  function later() {
    if (timer === null) {
      timer = setTimeout(check, delay);
      delay = Math.min(delay * 2, 60000);
    }
  }

  window.addEventListener('online', back);
  later();
})();
