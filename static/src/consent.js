// consentproxy banner. The contract (DOM hooks, API, events) is notes/banner.md;
// browser tests are written against it, so keep every id, attribute and name.
//
// CSP: no eval, no inline script or style, no innerHTML (it also runs under
// Trusted Types); every node is built with createElement and textContent.
// __CP_CSS__ is replaced at build time with the stylesheet's content hash.
(() => {
  const w = window
  const d = document
  if (w.consentproxy) return // loaded twice: the first copy owns the page

  // 1. Consent Mode v2 defaults, synchronously, before anything else can
  // load a Google tag. gtag() must push the arguments object itself.
  const dl = (w.dataLayer = w.dataLayer || [])
  const gtag = (w.gtag = w.gtag || function () { dl.push(arguments) })
  const DENIED = 'denied'
  const GRANTED = 'granted'
  gtag('consent', 'default', {
    ad_storage: DENIED, analytics_storage: DENIED, ad_user_data: DENIED, ad_personalization: DENIED,
    wait_for_update: 500,
  })
  gtag('set', 'ads_data_redaction', true)

  const me = d.currentScript || d.querySelector('script[data-measurement-id][src*="consent.js"]')
  const ds = (me && me.dataset) || {}
  const src = me ? me.src.split(/[?#]/)[0] : location.href
  const base = src.replace(/\/[^/]*$/, '') // the proxy, with any path prefix it is mounted under
  const crossOrigin = new URL(src).origin !== location.origin
  const id = ds.measurementId || ''
  const nonce = (me && me.nonce) || null
  const nav = navigator
  const gpc = nav.globalPrivacyControl === true || nav.globalPrivacyControl === '1'
  const dnt = (nav.doNotTrack || w.doNotTrack) === '1'
  const NONE = { analytics: false, marketing: false }

  let cfg // /consent/config.json
  let t // texts of cfg.lang
  let choice = null // {analytics, marketing, revision, time} as stored
  let optedOut = false
  let signal = '' // 'gpc' | 'dnt' when honoured
  let loaded = false
  let banner, modal, notice, back, fromBanner

  // Every cookie of a name: the browser sends one per scope (host, parent
  // domain, path), and a sibling subdomain may set one on the parent.
  const cookies = (n) => d.cookie.split('; ').filter((c) => c.startsWith(n + '=')).map((c) => c.slice(n.length + 1))
  const cookie = (n) => cookies(n)[0]
  const store = (k, v) => {
    try {
      return v === undefined ? sessionStorage.getItem(k) : sessionStorage.setItem(k, v)
    } catch (e) { /* storage blocked: behave as if empty */ }
  }
  const req = (path, opts) => fetch(base + path, Object.assign({ credentials: 'include' }, opts))
  const noop = () => {}

  // el builds an element; attributes with null/false values are left out.
  const el = (tag, attrs, ...kids) => {
    const e = d.createElement(tag)
    for (const k in attrs) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? '' : attrs[k])
    e.append(...kids.filter((k) => k)) // false, null and '' are 'leave out'
    return e
  }
  const button = (action, cls, label, aria) =>
    el('button', { type: 'button', class: 'cp-b' + (cls ? ' ' + cls : ''), 'data-cp-action': action, 'aria-label': aria }, label || t[action])

  // The signed cookie, read without its signature (the proxy verifies it):
  // 1.<id>.<unix seconds>.<revision>.<n|a|m|am>.<signature>
  const parse = (v) => {
    const f = (v || '').split('.')
    return f.length === 6 && f[0] === '1'
      ? { analytics: f[4].includes('a'), marketing: f[4].includes('m'), revision: f[3], time: f[2] * 1000 }
      : null
  }
  const fromRecord = (r) => r && { analytics: r.analytics, marketing: r.marketing, revision: r.revision, time: Date.parse(r.time) }

  // readChoice trusts a cookie the proxy has already verified this session;
  // otherwise it asks the proxy once (GET /consent), which also covers a
  // rotated secret and a proxy whose cookies this page cannot read.
  const readChoice = () => {
    // An opt-out in any scope wins; of several consent cookies the proxy
    // decides (the most restrictive), so none of them is trusted here.
    optedOut = cookies('cp_optout').some(Boolean)
    const all = cookies('cp_consent')
    const v = all.length === 1 ? all[0] : undefined
    if (all.length < 2 && (v ? store('cp_v') === v : !crossOrigin)) return (choice = parse(v))
    return req('/consent')
      .then((r) => r.json())
      .then((j) => {
        optedOut = optedOut || !!j.opted_out
        choice = fromRecord(j.consent)
        if (v && choice) store('cp_v', v)
      })
      .catch(() => (choice = parse(v)))
  }

  const revision = () => ds.revision || cfg.revision
  const current = (c) =>
    c && c.revision === cfg.revision && (!ds.revision || cookie('cp_rev') === encodeURIComponent(ds.revision)) &&
    Date.now() - c.time < cfg.expiry_days * 864e5
  // A privacy signal or the opt-out cookie silences everything, unless the
  // proxy lets an explicit opt-in through the modal win over the signal.
  const suppressed = () =>
    optedOut || (!!signal && !(cfg.allow_opt_in_over_signals && choice && (choice.analytics || choice.marketing)))
  const effective = () => (choice && !suppressed() ? choice : NONE)

  // Under Trusted Types a script URL needs a policy; this one only ever
  // passes the proxy's own gtag.js. Sites that list allowed policies add
  // "trusted-types consentproxy" to their CSP.
  let policy = { createScriptURL: String }
  try {
    if (w.trustedTypes) {
      policy = w.trustedTypes.createPolicy('consentproxy', {
        createScriptURL: (u) => {
          if (u.indexOf(base + '/gtag/js?') !== 0) throw new TypeError('consentproxy: not the proxy')
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
      const host = location.hostname.split('.')
      for (; host.length; host.shift()) d.cookie = n + '=;max-age=0;path=/;domain=' + host.join('.')
      d.cookie = n + '=;max-age=0;path=/'
    }
  }

  const mayLoad = () => !suppressed() && (effective().analytics || mode() === 'advanced')
  // apply tells Consent Mode, loads or keeps gtag (unless told to wait), and
  // announces the state.
  const apply = (wait) => {
    const e = effective()
    const ads = e.marketing ? GRANTED : DENIED
    gtag('consent', 'update', {
      analytics_storage: e.analytics ? GRANTED : DENIED, ad_storage: ads, ad_user_data: ads, ad_personalization: ads,
    })
    if (!e.analytics) clearGa()
    if (!wait && mayLoad()) load()
    d.dispatchEvent(new CustomEvent('consentproxy:change', {
      detail: { analytics: e.analytics, marketing: e.marketing, revision: revision() },
    }))
  }
  const mode = () => ds.mode || cfg.mode

  const decide = (c, viaModal) => {
    c = { analytics: !!c.analytics, marketing: !!c.marketing }
    // Under a privacy signal only a visitor's own opt-in in the modal can
    // grant anything, and only where the proxy allows it.
    if (signal && !(viaModal && cfg.allow_opt_in_over_signals)) c = Object.assign({}, NONE)
    if (viaModal && optedOut && (c.analytics || c.marketing)) {
      optedOut = false
      req('/optout', { method: 'DELETE' }).catch(noop)
    }
    // A grant reaches gtag only once the proxy has stored it: gtag answers
    // a consent update at once with granted hits, and a hit that arrives
    // before the cookie is (rightly) dropped. A refusal applies at once.
    const was = effective()
    const grants = (c.analytics && !was.analytics) || (c.marketing && !was.marketing)
    choice = Object.assign(c, { revision: cfg.revision, time: Date.now() })
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
        store('cp_v', cookie('cp_consent') || '')
        if (grants) apply(true)
        if (mayLoad()) load()
      })
      .catch(noop)
      .then(state)
  }

  const state = () => {
    const e = cfg ? effective() : NONE
    return { analytics: e.analytics, marketing: e.marketing, revision: cfg ? revision() : ds.revision, decided: !!choice, signal, optedOut }
  }

  const mount = (node) => {
    node.setAttribute('lang', cfg.lang)
    d.body.prepend(node) // early in the DOM, so screen readers meet it first
    return node
  }
  const privacy = () => cfg.privacy_url && el('a', { href: cfg.privacy_url }, t.privacy_link)
  // The proxy's own notice, generated from its configuration, unless the
  // site's policy link already points there.
  const details = () => {
    const u = base + '/privacy'
    return (cfg.privacy_url && new URL(cfg.privacy_url, location.href).href) !== u && el('a', { href: u }, t.details_link)
  }
  const focus = (node) => node && node.focus({ preventScroll: true })
  const remember = () => {
    if (!banner && !modal) back = d.activeElement
  }
  const restore = () => {
    if (back && back.isConnected && back !== d.body) focus(back)
    else if (d.activeElement && d.activeElement !== d.body) d.activeElement.blur()
    back = null
  }

  const showBanner = () => {
    remember()
    banner = mount(el('div', { id: 'cp-banner', class: 'cp', role: 'dialog', 'aria-labelledby': 'cp-bt', 'aria-describedby': 'cp-bd', tabindex: -1 },
      el('h2', { id: 'cp-bt' }, t.title),
      el('p', { id: 'cp-bd' }, t.description),
      el('div', { class: 'cp-row' }, button('reject'), button('accept')),
      el('div', { class: 'cp-more' }, button('preferences', 'cp-l'), privacy()),
      button('close', 'cp-x', '\u00d7', t.close)))
    banner.onkeydown = (e) => {
      if (e.key === 'Escape') decide(NONE)
    }
    banner.onclick = onAction
    focus(banner)
  }

  const openModal = () => {
    if (modal) return
    remember()
    fromBanner = !!banner
    if (banner) banner.remove(), (banner = null)
    const e = effective()
    const locked = !!signal && !cfg.allow_opt_in_over_signals
    modal = mount(el('div', { id: 'cp-modal', class: 'cp', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'cp-mt', 'aria-describedby': 'cp-md', tabindex: -1 },
      el('div', { class: 'cp-box' },
        el('h2', { id: 'cp-mt' }, t.modal_title),
        button('close', 'cp-x', '\u00d7', t.modal_close),
        el('p', { id: 'cp-md' }, t.modal_description),
        locked && el('p', { class: 'cp-k' }, t.signal_locked),
        ...cfg.categories.map((c) => el('div', { class: 'cp-c' },
          el('label', {},
            el('input', {
              type: 'checkbox', name: c.id, 'aria-describedby': 'cp-d-' + c.id,
              checked: c.required || (!locked && !!e[c.id]), disabled: c.required || locked,
            }),
            c.title,
            c.required && el('span', { class: 'cp-on' }, t.always_on)),
          el('p', { id: 'cp-d-' + c.id }, c.description))),
        el('div', { class: 'cp-row' }, button('save')),
        privacy(), details())))
    modal.onclick = (ev) => (ev.target === modal ? closeModal() : onAction(ev))
    modal.onkeydown = (ev) => {
      if (ev.key === 'Escape') closeModal()
      if (ev.key !== 'Tab') return
      const f = modal.querySelectorAll('button,a[href],input:not([disabled])')
      const first = f[0]
      const last = f[f.length - 1]
      const at = d.activeElement
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
    notice = el('div', { id: 'cp-notice', class: 'cp', role: 'status' }, el('p', {}, t.notice), button('dismiss', 'cp-x', '\u00d7', t.dismiss))
    d.body.append(notice)
    notice.setAttribute('lang', cfg.lang)
    notice.onclick = onAction
  }

  function onAction(ev) {
    const a = ev.target.closest('[data-cp-action]')
    if (!a) return
    const act = a.getAttribute('data-cp-action')
    if (act === 'accept') decide({ analytics: true, marketing: true })
    else if (act === 'reject') decide(NONE)
    else if (act === 'preferences') openModal()
    else if (act === 'close') modal ? closeModal() : decide(NONE)
    else if (act === 'save') {
      const on = (n) => modal.querySelector('input[name="' + n + '"]').checked
      decide({ analytics: on('analytics'), marketing: on('marketing') }, true)
    } else if (act === 'dismiss') {
      notice.remove()
      try {
        localStorage.setItem('cp_notice', '1')
      } catch (e) { /* storage blocked: it shows again next page */ }
    }
  }

  // The focus trap also holds against clicks and scripts moving focus away.
  d.addEventListener('focusin', (e) => {
    if (modal && !modal.contains(e.target)) focus(modal)
  })
  d.addEventListener('click', (e) => {
    const o = e.target.closest && e.target.closest('[data-consentproxy-open]')
    if (o) e.preventDefault(), api.open()
  })

  const init = () => {
    signal = cfg.honor_gpc && gpc ? 'gpc' : cfg.honor_dnt && dnt ? 'dnt' : ''
    if (!current(choice)) choice = null
    if (choice) apply()
    else if (!suppressed() && mode() === 'advanced') load()
    if (signal && suppressed()) showNotice()
    else if (!choice && !optedOut && !signal) showBanner()
    if (ds.floatingButton === 'true') {
      d.body.append(el('button', { id: 'cp-open', class: 'cp', type: 'button', 'aria-label': t.open, title: t.open, 'data-consentproxy-open': true }))
    }
  }

  const css = el('link', { rel: 'stylesheet', href: base + '/consent.css?v=' + __CP_CSS__, nonce })
  d.head.append(css)
  const langs = [ds.lang, d.documentElement.lang, nav.language].filter(Boolean).join(',')
  const ready = Promise.all([
    req('/consent/config.json?lang=' + encodeURIComponent(langs)).then((r) => {
      if (!r.ok) throw new Error('consentproxy: config ' + r.status)
      return r.json()
    }),
    readChoice(),
    new Promise((r) => (d.readyState === 'loading' ? d.addEventListener('DOMContentLoaded', r) : r())),
    new Promise((r) => (css.onload = css.onerror = r)),
  ]).then((r) => {
    cfg = r[0]
    t = cfg.texts
    init()
  })
  // Without the proxy nothing is granted and nothing is shown: Consent Mode
  // stays denied, which is the safe failure.
  ready.catch(noop)

  const api = (w.consentproxy = {
    open: () => ready.then(openModal),
    state,
    accept: () => ready.then(() => decide({ analytics: true, marketing: true })),
    reject: () => ready.then(() => decide(NONE)),
    save: (c) => ready.then(() => decide(c || NONE)),
  })
})()
