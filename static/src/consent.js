// consentproxy banner. The contract (DOM hooks, API, events) is docs/banner.md;
// browser tests are written against it, so keep every id, attribute and name.
//
// CSP: no eval, no inline script or style, no innerHTML (it also runs under
// Trusted Types); every node is built with createElement and textContent.
// Build-time placeholders, replaced by static.New: __CP_BOOT__ (the settings
// and the texts of this copy's language, the same object config.json
// serves), __CP_CFGV__ (the version of every language's config.json),
// __CP_CSS__ (the stylesheet) and __CP_CSSV__ (its hash).
(() => {
  const w = window
  const d = document
  if (w.consentproxy) return // loaded twice: the first copy owns the page

  // The settings come with the script, so a stored choice applies before
  // anything else loads; only the texts may need one more request, when
  // the page's language is not the one this copy was picked for. J is the
  // visitor's jurisdiction, as the proxy decides their hits: opt-in,
  // opt-out (no banner; GPC and the "Do not sell or share" link stop
  // measurement) or notice-only (a notice; refusing stops it).
  const cfg = __CP_BOOT__
  const J = cfg.jurisdiction || {}
  const M = !!J.model && J.model !== 'opt-in' // measures until refused
  const optout = J.model === 'opt-out'
  const nav = navigator
  const gpc = nav.globalPrivacyControl === true || nav.globalPrivacyControl === '1'
  const dnt = (nav.doNotTrack || w.doNotTrack) === '1'
  // GPC is the law's opt-out where the model is opt-out, whatever the flag.
  const signal = (cfg.honor_gpc || optout) && gpc ? 'gpc' : cfg.honor_dnt && dnt ? 'dnt' : ''

  // 1. Consent Mode v2 defaults, synchronously, before anything else can
  // load a Google tag. gtag() must push the arguments object itself.
  // Where the model measures until refused, analytics is granted by
  // default; the opt-in places stay denied by region, should Google place
  // the visitor there.
  const dl = (w.dataLayer = w.dataLayer || [])
  const gtag = (w.gtag = w.gtag || function () { dl.push(arguments) })
  const DENIED = 'denied'
  const GRANTED = 'granted'
  // Consent Mode's four signals from analytics (a) and marketing (m).
  const modes = (a, m) => {
    m = m ? GRANTED : DENIED
    return { ad_storage: m, analytics_storage: a ? GRANTED : DENIED, ad_user_data: m, ad_personalization: m }
  }
  const g = M && !signal
  // Granted by default needs no update to wait for: no delay to the first hit.
  gtag('consent', 'default', { ...modes(g, g && J.marketing), wait_for_update: g ? 0 : 500 })
  if (J.strict) gtag('consent', 'default', { ...modes(), wait_for_update: 500, region: J.strict })
  gtag('set', 'ads_data_redaction', true)

  const me = d.currentScript || d.querySelector('script[data-measurement-id][src*="consent.js"]')
  const ds = (me && me.dataset) || {}
  const src = me ? me.src.split(/[?#]/)[0] : location.href
  const base = src.replace(/\/[^/]*$/, '') // the proxy, with any path prefix it is mounted under
  const crossOrigin = new URL(src).origin !== location.origin
  const id = ds.measurementId || ''
  const nonce = me && me.nonce
  const NONE = { analytics: false, marketing: false }
  const ALL = { analytics: true, marketing: true }
  const DEF = { analytics: true, marketing: !!J.marketing } // the model's default
  const CATS = ['necessary', 'analytics', 'marketing']
  let t = cfg.texts
  let lang = cfg.lang
  let choice = null // {analytics, marketing, revision, time} as stored
  let optedOut = false
  let loaded = false
  let host, root, banner, modal, notice, back, fromBanner

  // Every cookie of a name: the browser sends one per scope (host, parent
  // domain, path), and a sibling subdomain may set one on the parent.
  const cookies = (n) => d.cookie.split('; ').filter((c) => c.startsWith(n + '=')).map((c) => c.slice(n.length + 1))
  const cookie = (n) => cookies(n)[0]
  const req = (path, opts) => fetch(base + path, { credentials: 'include', ...opts })
  const noop = () => {}

  // el builds an element; attributes with null/false values are left out.
  const el = (tag, attrs, ...kids) => {
    const e = d.createElement(tag)
    for (const k in attrs) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k])
    e.append(...kids.filter((k) => k)) // false, null and '' are 'leave out'
    return e
  }
  const button = (action, cls, label, aria) =>
    el('button', { type: 'button', class: 'cp-b' + (cls ? ' ' + cls : ''), part: 'button ' + action, 'data-cp-action': action, 'aria-label': aria }, label || t[action])

  // The signed cookie, read without its signature (the proxy verifies it,
  // on every hit): 1.<id>.<unix seconds>.<revision>.<n|a|m|am>.<signature>
  const parse = (v) => {
    const f = (v || '').split('.')
    return f.length === 6 && f[0] === '1'
      ? { analytics: f[4].includes('a'), marketing: f[4].includes('m'), revision: f[3], time: f[2] * 1000 }
      : null
  }
  const revision = () => ds.revision || cfg.revision
  // A refusal outlives a new revision, and lasts the jurisdiction's
  // re-ask period; a grant lasts the consent lifetime, for its revision.
  const current = (c) =>
    c && (c.revision === cfg.revision || !c.analytics) && (!ds.revision || cookie('cp_rev') === encodeURIComponent(ds.revision)) &&
    Date.now() - c.time < (c.analytics ? cfg.expiry_days : J.reask_days || cfg.expiry_days) * 864e5 ? c : null
  // A privacy signal or the opt-out cookie silences everything, unless the
  // proxy lets an explicit opt-in through the modal win over the signal.
  const suppressed = () =>
    optedOut || (!!signal && !(cfg.allow_opt_in_over_signals && choice && (choice.analytics || choice.marketing)))
  const effective = () => (suppressed() ? NONE : choice || (M ? DEF : NONE))
  const mode = () => ds.mode || cfg.mode

  // Under Trusted Types a script URL needs a policy; this one only ever
  // passes the proxy's own gtag.js. Sites that list allowed policies add
  // "trusted-types consentproxy" to their CSP.
  let policy = { createScriptURL: String }
  try {
    if (w.trustedTypes) {
      policy = w.trustedTypes.createPolicy('consentproxy', {
        createScriptURL: (u) => {
          if (u.indexOf(base + '/gtag/js?') !== 0) throw new TypeError(u)
          return u
        },
      })
    }
  } catch (e) { /* policy name not allowed: gtag.js stays blocked, nothing else breaks */ }

  const load = () => {
    if (loaded || !id) return
    loaded = true
    gtag('js', new Date())
    // transport_url, not server_container_url: the latter makes gtag.js
    // drop the proxy's port, switch on server-side tagging (sst.* and ecid
    // parameters, a service-worker frame) and is not needed for anything
    // else. Google signals would send ping pixels straight to Google.
    gtag('config', id, { transport_url: base, allow_google_signals: false })
    try {
      const s = el('script', { nonce })
      s.async = true
      s.src = policy.createScriptURL(base + '/gtag/js?id=' + encodeURIComponent(id))
      d.head.append(s)
    } catch (e) { /* blocked by the page's policies: the choice is still stored */ }
  }

  const clearGa = () => {
    for (const c of d.cookie.split('; ')) {
      const n = c.split('=')[0]
      if (n.indexOf('_ga') !== 0) continue
      const h = location.hostname.split('.')
      for (; h.length; h.shift()) d.cookie = n + '=;max-age=0;path=/;domain=' + h.join('.')
      d.cookie = n + '=;max-age=0;path=/'
    }
  }

  const mayLoad = () => !suppressed() && (effective().analytics || mode() === 'advanced')
  // apply tells Consent Mode, loads or keeps gtag (unless told to wait), and
  // announces the state.
  const apply = (wait) => {
    const e = effective()
    // Without a choice the defaults hold, region by region.
    if (choice || suppressed()) gtag('consent', 'update', modes(e.analytics, e.marketing))
    if (!e.analytics) clearGa()
    if (!wait && mayLoad()) load()
    d.dispatchEvent(new CustomEvent('consentproxy:change', {
      detail: { analytics: e.analytics, marketing: e.marketing, revision: revision() },
    }))
  }

  const decide = (c, viaModal) => {
    c = { analytics: !!c.analytics, marketing: !!c.marketing }
    // Under a privacy signal only a visitor's own opt-in in the modal can
    // grant anything, and only where the proxy allows it.
    if (signal && !(viaModal && cfg.allow_opt_in_over_signals)) c = { ...NONE }
    if (viaModal && optedOut && (c.analytics || c.marketing)) {
      optedOut = false
      req('/optout', { method: 'DELETE' }).catch(noop)
    }
    // A grant reaches gtag only once the proxy has stored it: gtag answers
    // a consent update at once with granted hits, and a hit that arrives
    // before the cookie is (rightly) dropped. A refusal applies at once.
    const was = effective()
    const grants = (c.analytics && !was.analytics) || (c.marketing && !was.marketing)
    choice = { ...c, revision: cfg.revision, time: Date.now() }
    if (ds.revision) {
      d.cookie = 'cp_rev=' + encodeURIComponent(ds.revision) + ';path=/;samesite=lax;max-age=' + cfg.expiry_days * 86400 +
        (location.protocol === 'https:' ? ';secure' : '')
    }
    closeAll()
    if (!grants) apply(true)
    // The proxy sees a withdrawal in the POST itself (the old cookie granted
    // more): it counts it once and expires its side's _ga cookies.
    return req('/consent', { method: 'POST', body: new URLSearchParams({ analytics: c.analytics, marketing: c.marketing, site: id }) })
      .then((r) => r.ok && r.json())
      .then((rec) => {
        if (!rec) return
        if (grants) apply(true)
        if (mayLoad()) load()
      })
      .catch(noop)
      .then(state)
  }

  const state = () => {
    const e = effective()
    return { analytics: e.analytics, marketing: e.marketing, revision: revision(), decided: !!choice, signal, optedOut }
  }

  // Everything the banner shows lives in one shadow root: no rule of the
  // site reaches in, none of ours leaks out. Themes use the --cp-*
  // properties, which inherit through it, and ::part().
  const mount = (node) => {
    if (!host) {
      host = el('consent-proxy', { lang })
      root = host.attachShadow({ mode: 'open' })
      if (root.adoptedStyleSheets && 'replaceSync' in CSSStyleSheet.prototype) {
        const s = new CSSStyleSheet()
        s.replaceSync(__CP_CSS__)
        root.adoptedStyleSheets = [s]
      } else {
        // Older engines: the same stylesheet as a file, shown once loaded.
        host.hidden = true
        root.append(el('link', { rel: 'stylesheet', href: base + '/consent.css?v=' + __CP_CSSV__, nonce }))
        root.firstChild.onload = root.firstChild.onerror = () => (host.hidden = false)
      }
      root.addEventListener('click', onAction)
      d.body.prepend(host) // early in the DOM, so screen readers meet it first
    }
    root.append(node) // its language is the host's
    return node
  }
  // The focused element, inside the shadow root too.
  const active = () => (host && d.activeElement === host ? root.activeElement : d.activeElement)
  const privacy = () => cfg.privacy_url && el('a', { href: cfg.privacy_url }, t.privacy_link)
  // The proxy's own notice, generated from its configuration, unless the
  // site's policy link already points there.
  const details = () => {
    const u = base + '/privacy'
    return (cfg.privacy_url && new URL(cfg.privacy_url, location.href).href) !== u && el('a', { href: u }, t.details_link)
  }
  const focus = (node) => node && node.focus({ preventScroll: true })
  const remember = () => {
    if (!banner && !modal) back = active()
  }
  const restore = () => {
    const a = active()
    if (back && back.isConnected && back !== d.body) focus(back)
    else if (a && a !== d.body) a.blur()
    back = null
  }
  const dialog = (id, part, modalish, ...kids) =>
    el('div', { id, class: 'cp', part, role: 'dialog', 'aria-modal': modalish, 'aria-labelledby': id.slice(0, 4) + 't', 'aria-describedby': id.slice(0, 4) + 'd', tabindex: -1 }, ...kids)

  const showBanner = () => {
    remember()
    banner = mount(dialog('cp-banner', 'banner', false,
      el('h2', { id: 'cp-bt' }, t.title),
      el('p', { id: 'cp-bd' }, M ? t.notice_description : t.description),
      el('div', { class: 'cp-row' }, button('reject'), button(M ? 'ok' : 'accept')),
      el('div', { class: 'cp-more' }, button('preferences', 'cp-l'), privacy()),
      button('close', 'cp-x', '\u00d7', t.close)))
    banner.onkeydown = (e) => {
      if (e.key === 'Escape') decide(NONE)
    }
    focus(banner)
  }

  const openModal = () => {
    if (modal) return
    remember()
    fromBanner = !!banner
    if (banner) banner.remove(), (banner = null)
    const e = effective()
    const locked = !!signal && !cfg.allow_opt_in_over_signals
    // Each category: its name opens its details, and a switch beside it.
    // Nothing is on unless the visitor's choice has it on.
    modal = mount(dialog('cp-modal', 'modal', 'true',
      el('div', { class: 'cp-box', part: 'box' },
        el('h2', { id: 'cp-mt' }, t.modal_title),
        button('close', 'cp-x', '\u00d7', t.modal_close),
        el('p', { id: 'cp-md' }, t.modal_description),
        locked && el('p', { class: 'cp-k' }, t.signal_locked),
        ...CATS.map((c, i) => el('div', { class: 'cp-c' },
          el('details', {}, el('summary', { id: 'cp-s-' + c }, t[c]), el('p', { id: 'cp-d-' + c }, t[c + '_desc'])),
          !i && el('span', { class: 'cp-on' }, t.always_on),
          el('input', {
            type: 'checkbox', role: 'switch', name: c, part: 'switch', 'aria-labelledby': 'cp-s-' + c, 'aria-describedby': 'cp-d-' + c,
            checked: !i || (!locked && !!e[c]), disabled: !i || locked,
          }))),
        el('div', { class: 'cp-row' }, button('reject'), button('accept'), button('save')),
        el('div', { class: 'cp-more' }, privacy(), details()))))
    modal.onkeydown = (ev) => {
      if (ev.key === 'Escape') closeModal()
      if (ev.key !== 'Tab') return
      const f = modal.querySelectorAll('button,a[href]') // the first and the last focusable are of these
      const first = f[0]
      const last = f[f.length - 1]
      const at = active()
      if (ev.shiftKey ? at === first || at === modal : at === last) {
        ev.preventDefault()
        focus(ev.shiftKey ? last : first)
      }
    }
    focus(modal)
  }

  // closeModal without a decision goes back to the banner if it was open.
  const closeModal = () => {
    modal.remove()
    modal = null
    if (fromBanner && !choice) {
      const b = back
      showBanner()
      back = b
      focus(banner.querySelector('[data-cp-action="preferences"]'))
    } else restore()
  }

  const closeAll = () => {
    const open = banner || modal
    if (banner) banner.remove()
    if (modal) modal.remove()
    banner = modal = null // before restoring focus, or the trap pulls it back
    if (open) restore()
  }

  const showNotice = () => {
    try {
      if (localStorage.getItem('cp_notice')) return
    } catch (e) { /* storage blocked: show it */ }
    notice = mount(el('div', { id: 'cp-notice', class: 'cp', part: 'notice', role: 'status' }, el('p', {}, t.notice), button('dismiss', 'cp-x', '\u00d7', t.dismiss)))
  }

  function onAction(ev) {
    const a = ev.target.closest('[data-cp-action]')
    if (ev.target === modal) return closeModal() // the backdrop
    if (!a) return
    const act = a.getAttribute('data-cp-action')
    const on = (n) => modal.querySelector('input[name="' + n + '"]').checked
    if (act === 'accept') decide(ALL, !!modal)
    else if (act === 'ok') decide(DEF)
    else if (act === 'dns') {
      // One click opts out; the preferences then show what holds.
      ev.preventDefault()
      decide(NONE)
      openModal()
    }
    else if (act === 'reject') decide(NONE, !!modal)
    else if (act === 'preferences' || act === 'open') openModal()
    else if (act === 'close') modal ? closeModal() : decide(NONE)
    else if (act === 'save') decide({ analytics: on('analytics'), marketing: on('marketing') }, true)
    else if (act === 'dismiss') {
      notice.remove()
      try {
        localStorage.setItem('cp_notice', '1')
      } catch (e) { /* storage blocked: it shows again next page */ }
    }
  }

  // The focus trap also holds against clicks and scripts moving focus
  // away; focus inside the shadow root shows here as its host.
  d.addEventListener('focusin', (e) => {
    if (modal && e.target !== host) focus(modal)
  })
  d.addEventListener('click', (e) => {
    const o = e.target.closest && e.target.closest('[data-consentproxy-open]')
    if (o) e.preventDefault(), api.open()
  })

  // 2. The stored choice, from the cookie, at once: a repeat visitor's
  // gtag.js starts loading now. The proxy verifies the signature of every
  // hit, so a forged cookie gains nothing. The banner still asks the proxy
  // (GET /consent) in the background and corrects itself if the proxy
  // disagrees: an opt-out it holds, a rotated secret, or a newer policy
  // revision than this (cached) script knows.
  optedOut = cookies('cp_optout').some(Boolean)
  const all = cookies('cp_consent')
  const v = all.length === 1 && all[0]
  const stored = parse(v)
  choice = current(stored)
  if (choice || (M && optedOut)) apply()
  else if (mayLoad()) load()
  const key = () => JSON.stringify(state())
  const was = key()
  // It waits for the answer only where it cannot know the choice itself:
  // several cookies (the proxy decides which wins), a proxy whose cookies
  // the page cannot read, or a cookie of another revision than its own.
  const wait = all.length > 1 || (!v && crossOrigin) || (stored && stored.revision !== cfg.revision)
  const asked = (v || wait) && req('/consent')
    .then((r) => r.json())
    .then((j) => {
      optedOut = optedOut || !!j.opted_out
      cfg.revision = j.revision
      const r = j.consent // {analytics, marketing, revision, time, ...}
      choice = current(r && { ...r, time: Date.parse(r.time) })
    }, noop)

  // 3. The texts: this copy's, when they are the page's language (as the
  // proxy picks it, i18n.Pick: the tag, its primary subtag, a regional
  // variant), else config.json of that language, cached for good under
  // the version. A page in no language the proxy has keeps this copy's,
  // which the proxy picked from the browser's languages.
  const want = (() => {
    for (let l of [ds.lang, d.documentElement.lang, nav.language]) {
      l = (l || '').toLowerCase()
      const p = l.split('-')[0]
      const m = [l, p].find((x) => cfg.languages.includes(x)) || cfg.languages.find((x) => x.indexOf(p + '-') === 0)
      if (m) return m
    }
    return cfg.lang
  })()
  const texts = want === cfg.lang
    ? 0
    : fetch(base + '/consent/config.json?lang=' + want + '&v=' + __CP_CFGV__)
      .then((r) => r.json())
      .then((j) => ((t = j.texts), (lang = j.lang)), noop)
  const ready = Promise.all([
    texts,
    wait && asked,
    d.body || new Promise((r) => d.addEventListener('DOMContentLoaded', r)),
  ]).then(() => {
    if (key() !== was) apply()
    if (signal && suppressed()) showNotice()
    else if (!choice && !optedOut && !signal && !optout) showBanner()
    // Where the law is opt-out, the link it asks for, always there.
    if (optout) mount(el('a', { id: 'cp-dns', class: 'cp', part: 'dns', href: base + '/optout', 'data-cp-action': 'dns' }, t.dns_link))
    if (ds.floatingButton === 'true') {
      mount(el('button', { id: 'cp-open', class: 'cp', part: 'open', type: 'button', 'aria-label': t.open, title: t.open, 'data-cp-action': 'open' }))
    }
    // The proxy's late answer, where the banner did not wait for it.
    if (asked && !wait) {
      asked.then(() => {
        if (key() === was) return
        apply()
        if (optedOut) closeAll()
        else if (!choice && !signal && !optout && !banner && !modal) showBanner()
      })
    }
  })
  ready.catch(noop)

  const api = (w.consentproxy = {
    open: () => ready.then(openModal),
    state,
    accept: () => ready.then(() => decide(ALL)),
    reject: () => ready.then(() => decide(NONE)),
    save: (c) => ready.then(() => decide(c || NONE)),
  })
})()
