// serialgate operator screen. Barcode text is data: it is only ever set
// with textContent, never parsed as markup.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);

  // Access token: taken from ?token= once, kept for the tab, removed from
  // the address bar so it is not shown, bookmarked or sent as a referrer.
  const params = new URLSearchParams(location.search);
  if (params.has('token')) {
    sessionStorage.setItem('serialgate-token', params.get('token'));
    params.delete('token');
    const q = params.toString();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : '') + location.hash);
  }
  const token = sessionStorage.getItem('serialgate-token') || '';
  const headers = (h) => { h = h || {}; if (token) h.Authorization = 'Bearer ' + token; return h; };
  const withToken = (u) => token ? u + (u.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : u;

  async function getJSON(url) {
    const r = await fetch(url, { headers: headers(), cache: 'no-store' });
    if (!r.ok) throw new Error(r.status + ' ' + (await r.text()).trim());
    return r.json();
  }
  async function postJSON(url, body) {
    const r = await fetch(url, { method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) });
    let data = null;
    try { data = await r.json(); } catch (e) { /* not JSON */ }
    return { ok: r.ok, status: r.status, data };
  }

  // Verdicts: a word, a shape and a colour each; the tone says pass or not.
  const VERDICTS = {
    pass: { word: 'PASS', cls: 'v-pass', tone: 'pass' },
    fail: { word: 'FAIL', cls: 'v-fail', tone: 'fail' },
    timed_out: { word: 'FAIL', cls: 'v-fail', tone: 'fail' },
    over_scanned: { word: 'OVER-SCANNED', cls: 'v-fail', tone: 'fail' },
    store_failed: { word: 'NOT RECORDED', cls: 'v-fail v-stripes', tone: 'fail' },
    duplicate: { word: 'DUPLICATE', cls: 'v-dup', tone: 'fail' },
    wrong_model: { word: 'WRONG MODEL', cls: 'v-wrong', tone: 'fail' },
    unknown: { word: 'UNKNOWN', cls: 'v-unknown', tone: 'fail' },
    no_order: { word: 'NO ORDER', cls: 'v-unknown', tone: 'fail' },
    model: { word: 'MODEL SET', cls: 'v-info', tone: 'info' },
    order: { word: 'ORDER', cls: 'v-info', tone: 'info' },
  };
  const verdictOf = (r) => VERDICTS[r.verdict] || (r.ok ? VERDICTS.pass : VERDICTS.fail);
  const counted = (r) => r.verdict !== 'model' && r.verdict !== 'order';

  // Sound: Web Audio tones, loud; muting is local to this browser.
  let audio = null;
  let muted = localStorage.getItem('serialgate-muted') === '1';
  function ensureAudio() {
    if (!audio) {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      audio = new AC();
    }
    if (audio.state === 'suspended') audio.resume();
    return audio;
  }
  function beep(freq, start, dur, type) {
    const ctx = audio, t = ctx.currentTime + start;
    const o = ctx.createOscillator(), g = ctx.createGain();
    o.type = type; o.frequency.value = freq;
    g.gain.setValueAtTime(0.0001, t);
    g.gain.exponentialRampToValueAtTime(0.9, t + 0.01);
    g.gain.setValueAtTime(0.9, t + dur - 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t + dur);
    o.connect(g).connect(ctx.destination);
    o.start(t); o.stop(t + dur + 0.02);
  }
  function tone(kind) {
    if (muted || !ensureAudio()) return;
    if (kind === 'pass') { beep(1046, 0, 0.09, 'sine'); beep(1568, 0.1, 0.14, 'sine'); }
    else if (kind === 'fail') { for (let i = 0; i < 3; i++) beep(196, i * 0.22, 0.18, 'square'); }
    else if (kind === 'alarm') { beep(880, 0, 0.15, 'square'); beep(660, 0.18, 0.15, 'square'); }
    else beep(784, 0, 0.08, 'sine');
  }
  function showMute() {
    $('mute').textContent = muted ? '✕ Sound muted' : '♪ Sound on';
    $('mute').setAttribute('aria-pressed', String(muted));
  }
  $('mute').addEventListener('click', () => {
    muted = !muted;
    localStorage.setItem('serialgate-muted', muted ? '1' : '0');
    showMute();
  // Make the audio context now, not on the first result: opening the audio
  // device can take a while, and the first verdict must not wait for it.
  ensureAudio();
    ensureAudio();
    document.body.focus();
  });
  // Browsers start audio only after a gesture: the first touch or key does.
  addEventListener('pointerdown', ensureAudio, { once: true });
  addEventListener('keydown', ensureAudio, { once: true });
  showMute();

  // State.
  let snap = { counts: { Scans: 0, Pass: 0, Fail: 0, Duplicate: 0 }, recent: [] };
  let status = null;
  let health = null;
  let connected = false;
  const latencies = window.__latencies = [];

  const fmtTime = (s) => {
    const d = new Date(s);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour12: false });
  };

  function setBanner(r) {
    const b = $('banner');
    if (!r) {
      b.className = 'v-ready';
      $('word').textContent = 'READY';
      $('word').classList.remove('long');
      $('serial').textContent = '';
      $('reason').textContent = 'Scan a box';
      $('next').textContent = '';
      return;
    }
    const v = verdictOf(r);
    b.className = v.cls;
    void b.offsetWidth; // restart the flash for a repeated verdict
    b.classList.add('flash');
    $('word').textContent = v.word;
    $('word').classList.toggle('long', v.word.length > 8);
    $('serial').textContent = r.serial || '';
    let reason = r.reason || '';
    if (r.verdict === 'model') reason = 'Line model: ' + (r.model || '');
    if (r.verdict === 'order' && r.order) reason = 'Order ' + r.order.order_id + ' · ' + r.order.asin;
    if (r.verdict === 'pass' && !reason) reason = r.model ? 'Serial matches ' + r.model : 'Serial matches the rule';
    $('reason').textContent = reason;
    $('next').textContent = r.next || '';
  }

  function setTarget() {
    showModelButton();
    const o = snap.order;
    if (o) {
      $('target-label').textContent = 'Order';
      $('target-value').textContent = o.order_id + ' · ' + o.asin;
      $('progress').hidden = false;
      const pct = o.quantity > 0 ? Math.min(100, 100 * o.Scanned / o.quantity) : 0;
      $('progress-fill').style.width = pct + '%';
      $('progress-text').textContent = o.Scanned + ' / ' + o.quantity;
    } else {
      $('target-label').textContent = 'Model';
      $('target-value').textContent = snap.model || (snap.workflow === 'prereg' ? 'scan an order' : 'scan a model, ASIN or GTIN');
      $('progress').hidden = true;
    }
  }

  // The model picker: a verify line's operator picks the model on the
  // screen (a supervisor's PIN where one is set) instead of scanning it.
  function showModelButton() {
    const can = snap.workflow === 'verify' && (snap.models || []).length > 0;
    $('change-model').hidden = !can;
  }
  $('change-model').addEventListener('click', () => {
    const list = $('model-list');
    list.replaceChildren(...(snap.models || []).map((name) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = name; // data, never markup
      if (name === snap.model) b.className = 'current';
      b.addEventListener('click', () => pickModel(name));
      return b;
    }));
    $('model-pin').hidden = !(status && status.model_pin);
    $('model-pin').value = '';
    $('model-error').textContent = '';
    $('models').hidden = false;
  });
  $('models-cancel').addEventListener('click', () => { $('models').hidden = true; });
  async function pickModel(name) {
    const res = await postJSON('/ui/model', { model: name, pin: $('model-pin').value });
    $('model-pin').value = '';
    if (!res.ok) {
      $('model-error').textContent = (res.data && res.data.error) || ('model not changed (' + res.status + ')');
      return;
    }
    snap.model = res.data.model;
    $('models').hidden = true;
    setTarget();
    toast('Line model: ' + (snap.model || ''));
  }

  function setCounts() {
    const c = snap.counts || {};
    $('c-scans').textContent = c.Scans || 0;
    $('c-pass').textContent = c.Pass || 0;
    $('c-fail').textContent = c.Fail || 0;
    $('c-dup').textContent = c.Duplicate || 0;
    const h = (status && status.last_hour) || {};
    $('h-scans').textContent = h.Scans || 0;
    $('h-pass').textContent = h.Pass || 0;
    $('h-fail').textContent = h.Fail || 0;
    $('h-dup').textContent = h.Duplicate || 0;
  }

  function row(r) {
    const tr = document.createElement('tr');
    const v = verdictOf(r);
    const td = (text) => { const c = document.createElement('td'); c.textContent = text; tr.appendChild(c); return c; };
    td(fmtTime(r.time));
    const tag = document.createElement('span');
    tag.className = 'tag ' + v.cls;
    tag.textContent = v.word;
    td('').appendChild(tag);
    td(r.serial || '').title = r.serial || '';
    td(r.reason || r.next || '');
    return tr;
  }

  function setRecent() {
    const rows = $('recent-rows');
    const list = (snap.recent || []).slice(-20).reverse();
    rows.replaceChildren(...list.map(row));
  }

  function renderState(s) {
    snap = s;
    snap.recent = snap.recent || [];
    $('station').textContent = s.station || 'station';
    $('line').textContent = s.line ? 'line ' + s.line : '';
    $('workflow').textContent = s.workflow || '';
    setTarget();
    setCounts();
    setRecent();
    setBanner(snap.recent[snap.recent.length - 1]);
    $('banner').classList.remove('flash');
  }

  function onResult(r) {
    const recv = performance.now();
    const recvWall = Date.now();
    snap.recent.push(r);
    if (snap.recent.length > 50) snap.recent.shift();
    if (counted(r) && r.verdict !== 'store_failed') {
      const c = snap.counts;
      c.Scans++;
      if (r.ok) c.Pass++; else { c.Fail++; if (r.verdict === 'duplicate') c.Duplicate++; }
    }
    if (r.verdict === 'model') snap.model = r.model;
    if (r.order) snap.order = r.order;
    setBanner(r);
    setTarget();
    setCounts();
    const rows = $('recent-rows');
    rows.prepend(row(r));
    while (rows.children.length > 20) rows.lastChild.remove();
    tone(verdictOf(r).tone);
    // Paint time: the frame that shows the result is painted after the
    // animation frame callback; a task queued from it runs after the paint.
    requestAnimationFrame(() => setTimeout(() => {
      const paint = performance.now();
      // Wall-clock time for the comparison with the station's clock:
      // performance.timeOrigin drifts from Date.now() over a long session.
      const wall = Date.now();
      const t = Date.parse(String(r.time).replace(/(\.\d{3})\d+/, '$1'));
      latencies.push({ serial: r.serial, record_id: r.record_id || 0, time: r.time, recv_ms: recv, paint_ms: paint,
        latency_ms: isNaN(t) ? null : wall - t, recv_latency_ms: isNaN(t) ? null : recvWall - t });
      if (latencies.length > 10000) latencies.shift();
    }, 0));
    if (!r.ok) refreshStatus(); else refreshSoon();
  }

  // The server's lock and last-hour counts, and a full state now and then
  // so the counts stay exact.
  let soon = null;
  function refreshSoon() {
    if (soon) return;
    soon = setTimeout(() => { soon = null; refreshStatus(); }, 300);
  }
  async function refreshStatus() {
    try {
      status = await getJSON('/ui/status');
      document.body.dataset.wedge = status.wedge ? 'on' : 'off';
      setCounts();
      showLock();
      showPreview();
    } catch (e) { /* the connection state shows it */ }
  }
  // liveGen counts what the event stream has shown; a state fetched while
  // it moved on is older than the screen and is dropped, or a scan's
  // verdict would be painted over by the state from before it.
  let liveGen = 0;
  async function refreshState() {
    const at = liveGen;
    try {
      const s = await getJSON('/api/state');
      if (liveGen === at) renderState(s);
    } catch (e) {
      if (String(e.message).startsWith('401')) toast('an access token is required: open the screen with ?token=…');
    }
  }

  // Health and alarms.
  async function refreshHealth() {
    try { health = await getJSON('/api/health'); } catch (e) { health = null; }
    showHealth();
  }
  let alarmWas = '';
  function showHealth() {
    const ul = $('health');
    const items = [];
    const alarms = [];
    const item = (text, cls) => { const li = document.createElement('li'); li.textContent = text; li.className = cls; items.push(li); };
    const h = health || {};
    for (const s of h.sources || []) {
      if (s.ok) item(s.name, 'ok');
      else { item(s.name + ': ' + (s.error || 'not working'), 'bad'); alarms.push('SCANNER GONE: ' + s.name + (s.error ? ' — ' + s.error : '')); }
    }
    if (h.store) {
      if (h.store.ok) item('record', 'ok');
      else { item('record: ' + (h.store.error || 'down'), 'bad'); alarms.push('RECORD STORE DOWN' + (h.store.error ? ': ' + h.store.error : '') + ' — scans are not accepted'); }
    }
    const limit = (status && status.backlog_alarm) || 100;
    for (const k of h.sinks || []) {
      const text = k.name + (k.pending ? ' · ' + k.pending + ' waiting' : '');
      if (k.pending >= limit) {
        item(text, 'bad');
        alarms.push('EVENT BACKLOG: ' + k.pending + ' events waiting for ' + k.name + (k.last_error ? ' — ' + k.last_error : ''));
      } else if (k.last_error && k.pending > 0) item(text + ' · retrying', 'warn');
      else item(text, 'ok');
    }
    if (!connected) alarms.unshift('NO CONNECTION TO THE STATION — reconnecting…');
    ul.replaceChildren(...items);
    const text = alarms.join('\n');
    $('alarm-text').textContent = text;
    $('alarm').hidden = text === '';
    if (text && text !== alarmWas) tone('alarm');
    alarmWas = text;
  }

  // The lock: shown from the server's state, cleared only by the PIN.
  function showLock() {
    const l = status && status.lock;
    const locked = !!(l && l.locked);
    const box = $('lock');
    if (locked) {
      $('lock-reason').textContent = l.reason || '';
      $('lock-serial').textContent = l.serial ? 'Serial: ' + l.serial : '';
      if (box.hidden) { box.hidden = false; $('pin').value = ''; $('lock-error').textContent = ''; $('pin').focus(); }
    } else if (!box.hidden) {
      box.hidden = true;
      document.body.focus();
    }
  }
  $('keypad').addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || b.type === 'submit') return;
    if (b.dataset.k === 'clear') $('pin').value = '';
    else $('pin').value += b.textContent;
    $('pin').focus();
  });
  $('lock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await postJSON('/ui/unlock', { pin: $('pin').value });
    $('pin').value = '';
    if (res.ok) { status = res.data; $('lock-error').textContent = ''; showLock(); setCounts(); return; }
    $('lock-error').textContent = (res.data && res.data.error) || ('unlock failed (' + res.status + ')');
  });

  // Camera preview: a frame's JPEG with the barcodes found outlined.
  let previewTimer = null;
  function showPreview() {
    const cam = (status && status.camera) || ((health && health.sources) || []).some((s) => s.kind === 'camera');
    $('preview').hidden = !cam;
    $('bottom').classList.toggle('with-preview', cam);
    if (cam && !previewTimer) previewTimer = setInterval(refreshPreview, 500);
    if (!cam && previewTimer) { clearInterval(previewTimer); previewTimer = null; }
  }
  let previewBusy = false;
  async function refreshPreview() {
    if (previewBusy || document.hidden) return;
    previewBusy = true;
    try {
      const f = await getJSON('/ui/preview.json');
      const img = $('preview-img');
      await new Promise((ok) => { img.onload = img.onerror = ok; img.src = withToken('/ui/preview.jpg?seq=' + f.seq); });
      const svg = $('preview-boxes');
      svg.setAttribute('viewBox', '0 0 ' + (f.width || img.naturalWidth) + ' ' + (f.height || img.naturalHeight));
      const NS = 'http://www.w3.org/2000/svg';
      svg.replaceChildren(...(f.boxes || []).flatMap((b) => {
        const pts = (b.points || []).map((p) => p.X + ',' + p.Y).join(' ');
        const poly = document.createElementNS(NS, 'polygon');
        poly.setAttribute('points', pts);
        if (b.chosen) poly.setAttribute('class', 'chosen');
        const label = document.createElementNS(NS, 'text');
        const p0 = (b.points || [])[0] || { X: 0, Y: 0 };
        label.setAttribute('x', p0.X); label.setAttribute('y', Math.max(20, p0.Y - 6));
        if (b.chosen) label.setAttribute('class', 'chosen');
        label.textContent = (b.chosen ? '\u2605 SERIAL: ' : '') + (b.text || '');
        return [poly, label];
      }));
    } catch (e) { /* the next tick tries again */ }
    previewBusy = false;
  }

  // Toasts for the wedge's answers.
  let toastTimer = null;
  function toast(text) {
    $('toast').textContent = text;
    $('toast').hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { $('toast').hidden = true; }, 4000);
  }

  // Keyboard wedge: a scanner types fast and ends with Enter. The keys
  // and the gaps between them go to the station, which tells a scanner
  // from a person.
  let keys = [];
  addEventListener('keydown', (e) => {
    if (!status || !status.wedge) return;
    if (!$('lock').hidden || !$('models').hidden) return;
    const tgt = e.target;
    if (tgt && (tgt.tagName === 'INPUT' || tgt.tagName === 'TEXTAREA' || tgt.isContentEditable)) return;
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    // The event's own time stamp, not the handler's clock: a busy page
    // runs handlers late and would make a scanner look slow or fast.
    const now = e.timeStamp || performance.now();
    if (e.key === 'Enter') {
      if (keys.length) {
        e.preventDefault();
        const text = keys.map((k) => k.c).join('');
        const gaps = keys.slice(1).map((k, i) => k.t - keys[i].t);
        gaps.push(now - keys[keys.length - 1].t);
        keys = [];
        sendScan(text, gaps);
      }
      return;
    }
    if (e.key.length !== 1) return; // Shift and the like
    if (keys.length && now - keys[keys.length - 1].t > 2000) keys = [];
    keys.push({ c: e.key, t: now });
    e.preventDefault();
  });
  async function sendScan(text, gaps) {
    window.__lastScan = { text, gaps };
    const res = await postJSON('/ui/scan', { text, gaps_ms: gaps });
    if (!res.ok) {
      toast((res.data && res.data.error) || ('scan not taken (' + res.status + ')'));
      if (res.status === 423) refreshStatus();
    }
  }

  // Live results: EventSource reconnects by itself after a network error;
  // when it gives up (an HTTP error, a server that was down), a new one is
  // opened with a backoff. Each (re)connection starts with the full state.
  let es = null;
  let backoff = 1000;
  function setConn(ok, text) {
    connected = ok;
    document.body.dataset.live = ok ? '1' : '0';
    const c = $('conn');
    c.className = ok ? 'conn-ok' : 'conn-lost';
    c.textContent = text;
    showHealth();
  }
  function connect() {
    es = new EventSource(withToken('/api/events'));
    es.addEventListener('open', () => {
      backoff = 1000;
      setConn(true, 'live');
      refreshStatus();
      refreshHealth();
    });
    es.addEventListener('state', (e) => {
      liveGen++;
      try { renderState(JSON.parse(e.data)); } catch (err) { /* a bad event is skipped */ }
    });
    es.addEventListener('result', (e) => {
      liveGen++;
      let r;
      try { r = JSON.parse(e.data); } catch (err) { return; }
      onResult(r);
    });
    es.addEventListener('error', () => {
      setConn(false, 'reconnecting…');
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 10000);
      }
    });
  }

  setBanner(null);
  connect();
  refreshState();
  setInterval(refreshHealth, 3000);
  setInterval(() => { if (connected) { refreshStatus(); refreshState(); } }, 30000);
  document.body.focus();
})();
