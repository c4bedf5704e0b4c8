/*
 * Sign-in for the console with an API key: window.cxAuth, the interface the console is built
 * against (the single sign-on version of this file offers the same five functions):
 *   signIn(): Promise<principal>    resolves once signed in (a saved key, or the key form)
 *   signOut(): void                 forgets the key and starts over
 *   principal(): principal | null   { role, tenant, teams, agentId } from GET api/me
 *   authHeaders(): Promise<headers> the bearer header for API calls
 *   streamUrl(): Promise<string>    a URL for EventSource: a single-use stream ticket when the
 *                                   router offers POST api/stream-tickets, else the legacy query key
 * The key is kept in sessionStorage (this tab only, gone when it closes). A classic script, so it
 * is there before the console module runs; no inline code anywhere (strict CSP).
 */
(function () {
  'use strict';
  var STORAGE = 'cx.console.apiKey';
  var me = null;

  function saved() { return sessionStorage.getItem(STORAGE); }

  function check(key) {
    return fetch('api/me', { headers: { Authorization: 'Bearer ' + key, Accept: 'application/json' } }).then(function (res) {
      if (res.status === 401 || res.status === 403) return null;
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    });
  }

  function form() {
    var section = document.getElementById('login');
    var input = document.getElementById('api-key');
    var error = document.getElementById('login-error');
    section.hidden = false;
    input.focus();
    return new Promise(function (resolve) {
      var f = document.getElementById('login-form');
      f.addEventListener('submit', function submit(ev) {
        ev.preventDefault();
        var key = input.value.trim();
        if (!key) return;
        check(key).then(function (p) {
          if (!p) { error.hidden = false; input.select(); return; }
          sessionStorage.setItem(STORAGE, key);
          input.value = '';
          error.hidden = true;
          section.hidden = true;
          f.removeEventListener('submit', submit);
          resolve(p);
        }, function (e) { error.hidden = false; error.title = String(e && e.message); });
      });
    });
  }

  function signIn() {
    var key = saved();
    var first = key ? check(key).catch(function () { return null; }) : Promise.resolve(null);
    return first.then(function (p) {
      if (p) return p;
      sessionStorage.removeItem(STORAGE);
      return form();
    }).then(function (p) { me = p; return p; });
  }

  function signOut() {
    sessionStorage.removeItem(STORAGE);
    me = null;
    location.reload();
  }

  function authHeaders() {
    var key = saved();
    return Promise.resolve(key ? { Authorization: 'Bearer ' + key } : {});
  }

  function streamUrl() {
    return authHeaders().then(function (h) {
      return fetch('api/stream-tickets', { method: 'POST', headers: Object.assign({ Accept: 'application/json' }, h) });
    }).then(function (res) {
      if (res.ok) return res.json().then(function (b) { return 'api/stream?ticket=' + encodeURIComponent(b.ticket || b.id); });
      // A router without stream tickets yet: the query key it accepts on the stream alone.
      if (res.status === 404 || res.status === 405) return 'api/stream?access_token=' + encodeURIComponent(saved() || '');
      throw new Error('stream ticket: HTTP ' + res.status);
    });
  }

  window.cxAuth = { signIn: signIn, signOut: signOut, principal: function () { return me; }, authHeaders: authHeaders, streamUrl: streamUrl };
})();
