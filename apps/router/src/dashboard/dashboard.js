/*
 * CX escalation dashboard: plain browser JavaScript, no build step, no external resources.
 *
 * Server contract (DESIGN.md §6; sign-in and credentials are auth.js's, window.cxAuth):
 *   GET  api/escalations?status=open   Authorization: Bearer <key or token>  → Escalation[] (or {items|escalations: []})
 *   GET  api/stream?ticket=<single-use> SSE; event: raised|updated|acknowledged|resolved|escalated, data: Escalation;
 *                                       event: withdrawn, data: {escalationId} (it moved away from this principal)
 *   POST api/escalations/:id/ack        Authorization: Bearer <key or token>  → the escalation (optional)
 *   POST api/escalations/:id/resolve    Authorization: Bearer <key or token>  → the escalation (optional)
 * URLs are relative to the page, so the page works at "/" and behind a path prefix.
 * Every value from the server is rendered with textContent: evidence is customer text.
 */
(function () {
  'use strict';

  var auth = window.cxAuth;
  var TEAM_STORAGE = 'cx.dashboard.team';
  var SEVERITIES = ['critical', 'high', 'medium', 'low'];
  var EVENT_TYPES = ['raised', 'updated', 'acknowledged', 'resolved', 'escalated', 'withdrawn'];

  var state = {
    signedIn: false,
    escalations: new Map(), // escalationId → escalation (not resolved)
    team: localStorage.getItem(TEAM_STORAGE) || '',
    source: null,
    retryMs: 1000,
    retryTimer: null,
  };

  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') node.textContent = String(v);
        else if (k === 'className') node.className = v;
        else node.setAttribute(k, String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function apiUrl(path) { return new URL(path, document.baseURI).toString(); }

  function showError(message) {
    var e = $('error');
    if (!message) { e.hidden = true; e.textContent = ''; return; }
    e.textContent = message;
    e.hidden = false;
  }

  function announce(text) { $('announce').textContent = text; }

  // ---------------------------------------------------------------- auth

  function showLogin(message) {
    state.signedIn = false;
    disconnect();
    state.escalations.clear();
    render();
    $('board').hidden = true;
    $('login').hidden = false;
    $('api-key-clear').hidden = true;
    $('principal').textContent = '';
    var sso = $('sso');
    sso.replaceChildren.apply(sso, auth.providers().map(function (p) {
      var b = el('button', { type: 'button', 'data-testid': 'sso-' + p.id, text: 'Sign in with ' + p.name });
      b.addEventListener('click', function () { auth.signIn({ provider: p.id }).catch(function (err) { showError(err.message); }); });
      return b;
    }));
    sso.hidden = sso.childElementCount === 0;
    showError(message || '');
    $('api-key').focus();
  }

  function signedIn(who) {
    state.signedIn = true;
    $('login').hidden = true;
    $('board').hidden = false;
    $('api-key-clear').hidden = false;
    $('principal').textContent = (who.agentId || who.role) + ' · ' + who.tenant;
    showError('');
    load().then(function (ok) { if (ok) connect(); });
  }

  function authHeaders() {
    return auth.authHeaders().then(function (h) { return Object.assign({ Accept: 'application/json' }, h); });
  }

  function unauthorized(err) {
    auth.signOut();
    showLogin((err && err.message) || 'The credential was not accepted. Sign in again.');
  }

  // ---------------------------------------------------------------- data

  function load() {
    return authHeaders().then(function (headers) { return fetch(apiUrl('api/escalations?status=open'), { headers: headers }); }, function (err) {
      unauthorized(err);
      return { status: 401, handled: true };
    })
      .then(function (res) {
        if (res.handled) return false;
        if (res.status === 401 || res.status === 403) { unauthorized(); return false; }
        if (!res.ok) throw new Error('Loading escalations failed: HTTP ' + res.status);
        return res.json().then(function (body) {
          var list = Array.isArray(body) ? body : (body && (body.items || body.escalations)) || [];
          state.escalations.clear();
          list.forEach(function (e) { if (e && e.escalationId && e.status !== 'resolved') state.escalations.set(e.escalationId, e); });
          showError('');
          render();
          return true;
        });
      })
      .catch(function (err) { showError(err.message || String(err)); render(); return true; });
  }

  function apply(type, e) {
    if (!e || !e.escalationId) return;
    var isNew = !state.escalations.has(e.escalationId);
    if (type === 'resolved' || type === 'withdrawn' || e.status === 'resolved') {
      state.escalations.delete(e.escalationId);
    } else {
      state.escalations.set(e.escalationId, e);
    }
    if (type === 'withdrawn') { render(); return; }
    render(isNew && type !== 'resolved' ? e.escalationId : null);
    if (type === 'raised' || (isNew && type !== 'resolved')) {
      announce('New ' + e.severity + ' escalation: ' + (e.reasons && e.reasons[0] ? e.reasons[0].detail : e.conversationId));
    }
  }

  function disconnect() {
    if (state.source) { state.source.close(); state.source = null; }
    if (state.retryTimer) { clearTimeout(state.retryTimer); state.retryTimer = null; }
    setStream('idle', 'not connected');
  }

  function setStream(s, text) {
    var n = $('stream-status');
    n.setAttribute('data-state', s);
    n.textContent = text;
  }

  function reconnectLater() {
    setStream('reconnecting', 'reconnecting…');
    state.retryTimer = setTimeout(function () {
      load().then(function (ok) { if (ok && state.signedIn) connect(true); });
    }, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 30000);
  }

  function connect(afterError) {
    disconnect();
    if (!state.signedIn) return;
    setStream('connecting', 'connecting…');
    // A ticket opens one stream once: every (re)connection asks for a fresh one.
    auth.streamUrl().then(function (url) { if (state.signedIn) open(url, afterError); }, function () { if (state.signedIn) reconnectLater(); });
  }

  function open(url, hadError) {
    var source = new EventSource(url);
    state.source = source;
    source.onopen = function () {
      state.retryMs = 1000;
      setStream('connected', 'live');
      // Events may have been missed while the stream was down: reload the list.
      if (hadError) { hadError = false; load(); }
    };
    var handler = function (type) {
      return function (msg) {
        var data;
        try { data = JSON.parse(msg.data); } catch (err) { return; }
        apply(type || (data && data.type) || 'updated', data && data.escalationId ? data : data && data.data);
      };
    };
    EVENT_TYPES.forEach(function (t) { source.addEventListener(t, handler(t)); });
    source.onmessage = handler(null);
    source.onerror = function () {
      // EventSource would retry with the same (used) ticket: close it, check the credential, reconnect with a new ticket.
      source.close();
      state.source = null;
      reconnectLater();
    };
  }

  function post(id, action, button) {
    button.disabled = true;
    return authHeaders().then(function (headers) {
      return fetch(apiUrl('api/escalations/' + encodeURIComponent(id) + '/' + action), { method: 'POST', headers: headers });
    })
      .then(function (res) {
        if (res.status === 401) { unauthorized(); return; }
        if (!res.ok) throw new Error((action === 'ack' ? 'Acknowledging' : 'Resolving') + ' failed: HTTP ' + res.status);
        showError('');
        return res.text().then(function (text) {
          var body = null;
          try { body = text ? JSON.parse(text) : null; } catch (err) { body = null; }
          if (body && body.escalationId) apply(action === 'ack' ? 'acknowledged' : 'resolved', body);
          else if (action === 'resolve') apply('resolved', { escalationId: id, status: 'resolved' });
          else {
            var e = state.escalations.get(id);
            if (e) apply('acknowledged', Object.assign({}, e, { status: 'acknowledged' }));
          }
        });
      })
      .catch(function (err) { button.disabled = false; showError(err.message || String(err)); });
  }

  // ---------------------------------------------------------------- rendering

  function fmtTime(iso) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '' : d.toLocaleString([], { hour: '2-digit', minute: '2-digit', day: '2-digit', month: 'short' });
  }

  function fmtSpan(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    var pad = function (n) { return n < 10 ? '0' + n : String(n); };
    return (h > 0 ? h + 'h ' + pad(m) + 'm ' : m + 'm ') + pad(sec) + 's';
  }

  /** The earliest SLA due time among the reasons (the one that matters most), or null. */
  function slaDue(e) {
    var best = null;
    (e.reasons || []).forEach(function (r) {
      if (!r.sla || !r.sla.dueAt) return;
      var t = Date.parse(r.sla.dueAt);
      if (!isNaN(t) && (best === null || t < best.t)) best = { t: t, metric: r.sla.metric };
    });
    return best;
  }

  function updateCountdown(node) {
    var due = Number(node.getAttribute('data-due'));
    var left = due - Date.now();
    node.setAttribute('data-state', left < 0 ? 'overdue' : left < 5 * 60000 ? 'soon' : 'ok');
    node.textContent = node.getAttribute('data-metric') + (left < 0 ? ' overdue by ' : ' due in ') + fmtSpan(left);
  }

  function list(testid, title, items) {
    return el('div', { 'data-testid': testid }, [el('h3', { text: title }), items.length ? el('ul', null, items) : el('p', { className: 'meta', text: '—' })]);
  }

  function card(e, fresh) {
    var id = e.escalationId;
    var team = (e.target && e.target.team) || '';
    var ctx = e.context || {};
    var due = slaDue(e);

    var head = el('header', null, [
      el('span', { className: 'badge sev', 'data-testid': 'severity-' + id, text: e.severity }),
      el('span', { className: 'title', text: (e.channel ? e.channel + ' · ' : '') + e.conversationId }),
      el('span', { className: 'badge status', 'data-status': e.status, 'data-testid': 'status-' + id, text: e.status }),
      team ? el('span', { className: 'badge', 'data-testid': 'team-' + id, text: 'team ' + team }) : null,
      e.assignee ? el('span', { className: 'badge', 'data-testid': 'assignee-' + id, text: '→ ' + e.assignee.kind + ' ' + e.assignee.id + (e.ladderStep ? ' (step ' + e.ladderStep + ')' : '') }) : null,
      due ? el('span', { className: 'sla', 'data-testid': 'sla-' + id, 'data-due': due.t, 'data-metric': due.metric }) : null,
    ]);

    var reasons = (e.reasons || []).map(function (r, i) {
      var ev = (r.evidence || []).map(function (x) { return el('span', null, [x.kind + ': ', el('q', { text: x.text })]); });
      var evNode = ev.length ? el('div', { className: 'evidence', 'data-testid': 'evidence-' + id + '-' + i }, interleave(ev, ', ')) : null;
      return el('li', { 'data-testid': 'reason-' + id + '-' + i, 'data-code': r.code }, [
        el('strong', { text: r.code.replace(/_/g, ' ') }), ' — ' + r.detail + ' ', el('span', { className: 'meta', text: fmtTime(r.at) }), evNode,
      ]);
    });
    if (e.intents && e.intents.length) {
      reasons.push(el('li', { 'data-testid': 'intents-' + id }, ['Complaint: ' + e.intents.map(function (x) { return x.replace(/_/g, ' '); }).join(', ')]));
    }

    var actions = (e.suggestedActions || []).map(function (a) { return el('li', { text: a }); });

    var ctxItems = [];
    if (ctx.customerId || ctx.tier) ctxItems.push(el('li', { text: 'Customer ' + (ctx.customerId || '?') + (ctx.tier ? ' (' + ctx.tier + ')' : '') }));
    if (ctx.flags && ctx.flags.length) ctxItems.push(el('li', { 'data-testid': 'flags-' + id, text: 'Flags: ' + ctx.flags.join(', ') }));
    (ctx.openPromises || []).forEach(function (p) {
      ctxItems.push(el('li', { 'data-testid': 'promise-' + id + '-' + p.promiseId, text: 'Promised ' + p.kind + ' by ' + fmtTime(p.dueAt) + (p.description ? ': ' + p.description : '') }));
    });
    (ctx.recentInteractions || []).forEach(function (ri, i) {
      ctxItems.push(el('li', { 'data-testid': 'interaction-' + id + '-' + i, text: fmtTime(ri.at) + ' ' + (ri.channel || '') + (ri.negative ? ' (negative)' : '') + ': ' + ri.summary }));
    });

    var ack = el('button', { type: 'button', className: 'primary', 'data-testid': 'ack-' + id, text: 'Acknowledge', disabled: e.status !== 'open' });
    var resolve = el('button', { type: 'button', 'data-testid': 'resolve-' + id, text: 'Resolve' });
    ack.addEventListener('click', function () { post(id, 'ack', ack); });
    resolve.addEventListener('click', function () { post(id, 'resolve', resolve); });

    var node = el('li', {
      className: 'card' + (fresh ? ' fresh' : ''), 'data-testid': 'escalation-' + id, 'data-escalation-id': id,
      'data-severity': e.severity, 'data-status': e.status, 'data-team': team,
    }, [
      head,
      el('div', { className: 'cols' }, [
        list('reasons-' + id, 'Why', reasons),
        list('actions-' + id, 'What to do', actions),
        list('context-' + id, 'Customer context', ctxItems),
      ]),
      el('div', { className: 'meta', text: 'Raised ' + fmtTime(e.createdAt) + ' · updated ' + fmtTime(e.updatedAt) + (e.acknowledgedBy ? ' · acknowledged by ' + e.acknowledgedBy : '') }),
      el('div', { className: 'buttons' }, [ack, resolve]),
    ]);
    var sla = node.querySelector('.sla');
    if (sla) updateCountdown(sla);
    return node;
  }

  function interleave(nodes, sep) {
    var out = [];
    nodes.forEach(function (n, i) { if (i) out.push(sep); out.push(n); });
    return out;
  }

  function renderTeams() {
    var select = $('team-filter');
    var teams = new Set();
    state.escalations.forEach(function (e) { if (e.target && e.target.team) teams.add(e.target.team); });
    if (state.team) teams.add(state.team);
    var wanted = [''].concat(Array.from(teams).sort());
    var have = Array.prototype.map.call(select.options, function (o) { return o.value; });
    if (wanted.join('\u0000') !== have.join('\u0000')) {
      while (select.options.length) select.remove(0);
      wanted.forEach(function (t) { select.appendChild(el('option', { value: t, 'data-testid': 'team-option-' + (t || 'all'), text: t || 'All teams' })); });
    }
    select.value = state.team;
  }

  function render(freshId) {
    renderTeams();
    var groups = {};
    SEVERITIES.forEach(function (s) { groups[s] = []; });
    state.escalations.forEach(function (e) {
      if (state.team && !(e.target && e.target.team === state.team)) return;
      (groups[e.severity] || groups.low).push(e);
    });
    var shown = 0;
    SEVERITIES.forEach(function (s) {
      var ol = document.querySelector('[data-testid="severity-group-' + s + '"] ol');
      var items = groups[s].sort(function (a, b) { return Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.escalationId < b.escalationId ? -1 : 1); });
      shown += items.length;
      ol.replaceChildren.apply(ol, items.map(function (e) { return card(e, e.escalationId === freshId); }));
    });
    $('open-count').textContent = String(shown);
    $('empty').hidden = shown > 0;
  }

  // ---------------------------------------------------------------- wiring

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var key = $('api-key').value.trim();
    if (!key) return;
    $('api-key').value = '';
    auth.signIn({ apiKey: key }).then(signedIn, function (err) { showLogin(err.message); });
  });
  $('api-key-clear').addEventListener('click', function () {
    auth.signOut();
    showLogin('');
  });
  $('team-filter').addEventListener('change', function (ev) {
    state.team = ev.target.value;
    if (state.team) localStorage.setItem(TEAM_STORAGE, state.team); else localStorage.removeItem(TEAM_STORAGE);
    render();
  });
  setInterval(function () {
    document.querySelectorAll('.sla[data-due]').forEach(updateCountdown);
  }, 1000);
  // Reconcile once a minute: the stream only carries what this key may see, so an escalation that
  // moved away (e.g. up the ladder from an agent) sends this client no event.
  setInterval(function () { if (state.signedIn && state.source) load(); }, 60000);

  auth.ready().then(function (who) { if (who) signedIn(who); else showLogin(''); }, function (err) { showLogin(err.message); });
})();
