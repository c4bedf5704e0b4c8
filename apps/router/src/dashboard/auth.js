/*
 * The dashboard's sign-in: an API key, or single sign-on with the OpenID Connect authorization
 * code flow and PKCE against a provider the router offers (GET api/auth/config). Plain browser
 * JavaScript, no build step. Credentials are kept in this tab's sessionStorage only and never put
 * in a URL: the authorization code is removed from the address bar before it is even exchanged,
 * and the live stream is opened with a single-use ticket (POST api/stream-tickets).
 *
 *   window.cxAuth.ready()            → Promise<principal|null>  (finishes a sign-in redirect; call once at start)
 *   window.cxAuth.providers()        → [{id, name}]              (single sign-on offered by the router)
 *   window.cxAuth.signIn({apiKey})   → Promise<principal>        (rejects when the key is refused)
 *   window.cxAuth.signIn({provider}) → navigates to the provider (comes back to this page)
 *   window.cxAuth.signOut()          → forgets the credential
 *   window.cxAuth.principal()        → {role, tenant, teams, agentId?, via, expiresAt?} | null
 *   window.cxAuth.authHeaders()      → Promise<{Authorization}>  (refreshes a token about to expire)
 *   window.cxAuth.streamUrl()        → Promise<string>           (a fresh ticket URL on every call)
 */
(function () {
  'use strict';

  var SESSION = 'cx.auth.session';  // {kind: 'api_key', key} | {kind: 'oidc', provider, accessToken, refreshToken?, expiresAt}
  var PENDING = 'cx.auth.pending';  // during the redirect: {provider, state, verifier, nonce, redirectUri}
  var REFRESH_BEFORE_MS = 30000;

  var config = { apiKeys: true, providers: [] };
  var current = null;
  var refreshing = null;

  // Keys were kept in localStorage by earlier versions: a long-lived secret should not outlive the tab.
  try { localStorage.removeItem('cx.dashboard.apiKey'); } catch (e) { /* storage disabled */ }

  function apiUrl(path) { return new URL(path, document.baseURI).toString(); }
  function redirectUri() { return new URL('.', document.baseURI).toString(); }

  function read(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch (e) { return null; }
  }
  function write(key, value) {
    if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, JSON.stringify(value));
  }

  function b64url(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function randomString() { return b64url(crypto.getRandomValues(new Uint8Array(32))); }
  function sha256(text) {
    return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)).then(function (d) { return b64url(new Uint8Array(d)); });
  }
  function jwtPayload(token) {
    try {
      var part = atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'));
      return JSON.parse(new TextDecoder().decode(Uint8Array.from(part, function (c) { return c.charCodeAt(0); })));
    } catch (e) { return null; }
  }

  function provider(id) {
    for (var i = 0; i < config.providers.length; i++) if (config.providers[i].id === id) return config.providers[i];
    return null;
  }

  function tokenRequest(p, params) {
    var body = new URLSearchParams(params);
    body.set('client_id', p.clientId);
    return fetch(p.tokenEndpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: body })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) {
          if (!res.ok || !json.access_token) throw new Error('Sign-in failed: ' + (json.error_description || json.error || 'HTTP ' + res.status));
          return json;
        });
      });
  }

  function saveTokens(p, json, previous) {
    var session = {
      kind: 'oidc', provider: p.id, accessToken: json.access_token,
      refreshToken: json.refresh_token || (previous && previous.refreshToken) || null,
      expiresAt: Date.now() + (Number(json.expires_in) || 300) * 1000,
    };
    write(SESSION, session);
    return session;
  }

  /** Back from the provider: ?code=&state= (or ?error=). Clears the address bar first, then exchanges the code. */
  function finishRedirect() {
    var params = new URLSearchParams(location.search);
    if (!params.has('state') || !(params.has('code') || params.has('error'))) return Promise.resolve();
    history.replaceState(null, '', location.pathname + location.hash);
    var pending = read(PENDING);
    write(PENDING, null);
    if (params.get('error')) return Promise.reject(new Error('Sign-in failed: ' + (params.get('error_description') || params.get('error'))));
    if (!pending || pending.state !== params.get('state')) return Promise.reject(new Error('Sign-in failed: the answer does not belong to this sign-in'));
    var p = provider(pending.provider);
    if (!p) return Promise.reject(new Error('Sign-in failed: provider ' + pending.provider + ' is not offered any more'));
    return tokenRequest(p, { grant_type: 'authorization_code', code: params.get('code'), redirect_uri: pending.redirectUri, code_verifier: pending.verifier })
      .then(function (json) {
        var id = json.id_token && jwtPayload(json.id_token);
        if (id && id.nonce !== undefined && id.nonce !== pending.nonce) throw new Error('Sign-in failed: the ID token does not belong to this sign-in');
        saveTokens(p, json, null);
      });
  }

  function whoAmI() {
    return authHeaders().then(function (headers) {
      return fetch(apiUrl('api/me'), { headers: Object.assign({ Accept: 'application/json' }, headers) });
    }).then(function (res) {
      if (res.status === 401 || res.status === 403) {
        return res.json().catch(function () { return {}; }).then(function (body) {
          signOut();
          throw new Error(typeof body.message === 'string' ? body.message : 'The credential was not accepted.');
        });
      }
      if (!res.ok) throw new Error('Signing in failed: HTTP ' + res.status);
      return res.json();
    }).then(function (me) { current = me; return me; });
  }

  function refresh(session) {
    var p = provider(session.provider);
    if (!p || !session.refreshToken) return Promise.resolve(session);
    refreshing = refreshing || tokenRequest(p, { grant_type: 'refresh_token', refresh_token: session.refreshToken })
      .then(function (json) { return saveTokens(p, json, session); }, function () { return session; })
      .then(function (s) { refreshing = null; return s; });
    return refreshing;
  }

  function authHeaders() {
    var session = read(SESSION);
    if (!session) return Promise.reject(new Error('Not signed in.'));
    if (session.kind === 'api_key') return Promise.resolve({ Authorization: 'Bearer ' + session.key });
    var fresh = session.expiresAt - Date.now() > REFRESH_BEFORE_MS ? Promise.resolve(session) : refresh(session);
    return fresh.then(function (s) {
      if (s.expiresAt <= Date.now()) { signOut(); throw new Error('The sign-in has expired. Sign in again.'); }
      return { Authorization: 'Bearer ' + s.accessToken };
    });
  }

  function streamUrl() {
    return authHeaders().then(function (headers) {
      return fetch(apiUrl('api/stream-tickets'), { method: 'POST', headers: Object.assign({ Accept: 'application/json' }, headers) });
    }).then(function (res) {
      if (!res.ok) throw Object.assign(new Error('Opening the live stream failed: HTTP ' + res.status), { status: res.status });
      return res.json();
    }).then(function (t) { return apiUrl('api/stream?ticket=' + encodeURIComponent(t.ticket)); });
  }

  function signIn(opts) {
    opts = opts || {};
    if (opts.apiKey) {
      write(SESSION, { kind: 'api_key', key: String(opts.apiKey) });
      return whoAmI();
    }
    var p = provider(opts.provider);
    if (!p) return Promise.reject(new Error('Unknown sign-in provider ' + opts.provider));
    if (!window.crypto || !crypto.subtle) return Promise.reject(new Error('Single sign-on needs this page over https.'));
    var pending = { provider: p.id, state: randomString(), verifier: randomString(), nonce: randomString(), redirectUri: redirectUri() };
    return sha256(pending.verifier).then(function (challenge) {
      write(PENDING, pending);
      var url = new URL(p.authorizationEndpoint);
      var q = {
        response_type: 'code', client_id: p.clientId, redirect_uri: pending.redirectUri, scope: p.scopes.join(' '),
        state: pending.state, nonce: pending.nonce, code_challenge: challenge, code_challenge_method: 'S256',
      };
      Object.keys(q).forEach(function (k) { url.searchParams.set(k, q[k]); });
      location.assign(url.toString());
      return new Promise(function () { /* the page is leaving */ });
    });
  }

  function signOut() {
    write(SESSION, null);
    current = null;
  }

  function ready() {
    return fetch(apiUrl('api/auth/config'), { headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : config; }, function () { return config; })
      .then(function (c) { config = c; return finishRedirect(); })
      .then(function () { return read(SESSION) ? whoAmI() : null; });
  }

  window.cxAuth = {
    ready: ready,
    providers: function () { return config.providers.map(function (p) { return { id: p.id, name: p.name }; }); },
    signIn: signIn,
    signOut: signOut,
    principal: function () { return current; },
    authHeaders: authHeaders,
    streamUrl: streamUrl,
  };
})();
