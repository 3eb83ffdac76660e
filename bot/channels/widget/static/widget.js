/*
 * CSP Direct-Bill Eligibility Assistant – the web chat widget.
 *
 * Plain JavaScript, no build step, no framework. Include it with
 *   <script src="https://<bot>/widget.js" defer></script>
 * Optional attributes on that tag:
 *   data-mode="page"              fill the page instead of showing a launcher button
 *   data-lang="de" | "en"         the widget's language (else the browser's)
 *   data-transports="websocket" | "polling" | "polling,websocket" (default)
 *
 * Everything lives in a Shadow DOM, so host page CSS and ours do not meet. Every text, the user's
 * and the bot's, is put into the page with textContent/createElement only: nothing is ever parsed
 * as HTML or markdown (CONTRACT.md §5). Styles come from widget.css only (no inline styles), so the
 * widget works under a Content-Security-Policy without 'unsafe-inline'.
 *
 * Protocol with the server (bot/channels/widget/channel.py), socket.io v4 on /socket.io/:
 *   -> session_request {token, locale[, new: true]}     after every connect, and to start afresh
 *   <- session_confirm {conversation_id, token, resumed, forgotten}
 *   <- conversation_forgotten {}   "delete my data" done: token and transcript leave the browser
 *   -> user_uttered    {message, locale}                 only once the session is confirmed
 *   <- bot_typing      {typing: bool}
 *   <- bot_uttered     Rasa message dict: text, buttons, custom (eligibility_verdict)
 *   <- bot_error       {code: "too_long" | "rate_limited" | "unavailable"}
 */
(() => {
  "use strict";

  // Must be read while this script runs: later it is null.
  const script =
    document.currentScript ||
    Array.from(document.getElementsByTagName("script")).find((s) =>
      /\/widget\.js(\?|#|$)/.test(s.src || ""),
    );
  if (!script || !script.src) return;
  const TAG = "csp-direct-bill-assistant";
  // Included twice: one widget is enough.
  if (document.querySelector(TAG)) return;

  const ORIGIN = new URL(script.src, document.baseURI).origin;
  const MODE = script.dataset.mode === "page" ? "page" : "launcher";
  const TRANSPORTS = (() => {
    const wanted = (script.dataset.transports || "polling,websocket")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t === "polling" || t === "websocket");
    return wanted.length ? wanted : ["polling", "websocket"];
  })();

  const KEY = "csp-direct-bill-assistant:";
  const KEY_TOKEN = KEY + "token";
  const KEY_TRANSCRIPT = KEY + "transcript";
  const KEY_LANG = KEY + "lang";
  const KEY_OPEN = KEY + "open";
  const MAX_TRANSCRIPT = 100;

  // The widget's texts in both languages and its message limit come from the product's catalog
  // (bot/texts/widget.yml): the server writes them in between the markers when it serves this
  // file (bot/channels/widget/assets.py).
  const SERVED = /*served*/ { labels: {}, card: {}, maxLength: 0 } /*served*/;
  const LABELS = SERVED.labels;
  const MAX_LENGTH = SERVED.maxLength;
  // The phrase the assistant understands as "switch to this language" (CONTRACT.md §5).
  const SWITCH_PHRASE = { de: "auf Deutsch bitte", en: "in English please" };

  // The verdict card speaks the verdict's own language, whatever the widget's labels are.
  const CARD = SERVED.card;
  const SYMBOL = { met: "✓", unmet: "✗", unknown: "?", pending: "…" };
  // The text report's line marks (bot/eligibility/report.py) and the status they stand for.
  const MARKS = { x: "met", " ": "unmet", "?": "unknown", "~": "pending" };

  // --- storage (may be unavailable: private modes, blocked third-party storage) ---------------

  const store = {
    get(area, key) {
      try {
        return window[area].getItem(key);
      } catch {
        return null;
      }
    },
    set(area, key, value) {
      try {
        if (value === null) window[area].removeItem(key);
        else window[area].setItem(key, value);
      } catch {
        /* full or blocked: the widget works on without it */
      }
    },
  };

  function loadTranscript() {
    try {
      const data = JSON.parse(store.get("localStorage", KEY_TRANSCRIPT) || "[]");
      return Array.isArray(data) ? data.filter((e) => e && typeof e === "object") : [];
    } catch {
      return [];
    }
  }

  function saveTranscript() {
    transcript = transcript.slice(-MAX_TRANSCRIPT);
    store.set("localStorage", KEY_TRANSCRIPT, JSON.stringify(transcript));
  }

  // --- language ----------------------------------------------------------------------------------

  function browserLanguage() {
    return /^de\b/i.test(navigator.language || "") ? "de" : "en";
  }

  function initialLanguage() {
    const chosen = store.get("localStorage", KEY_LANG);
    if (chosen === "de" || chosen === "en") return chosen;
    const given = (script.dataset.lang || "").toLowerCase();
    if (given === "de" || given === "en") return given;
    return browserLanguage();
  }

  function localeFor(language) {
    const nav = navigator.language || "";
    const match = /^([a-z]{2})-([a-z]{2})$/i.exec(nav);
    if (match && match[1].toLowerCase() === language) {
      return `${language}-${match[2].toUpperCase()}`;
    }
    return language === "de" ? "de-DE" : "en-US";
  }

  let lang = initialLanguage();
  let transcript = loadTranscript();

  // --- DOM helpers ---------------------------------------------------------------------------------

  let ids = 0;
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "className") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function srOnly(text) {
    return el("span", { className: "sr-only", text });
  }

  /** A speech bubble drawn as SVG: no emoji font or image file needed. */
  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "launcher-icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  function uid(prefix) {
    ids += 1;
    return `${prefix}-${ids}`;
  }

  // --- the widget's DOM ------------------------------------------------------------------------

  if (!customElements.get(TAG)) {
    customElements.define(TAG, class extends HTMLElement {});
  }
  const host = document.createElement(TAG);
  host.dataset.mode = MODE;
  const shadow = host.attachShadow({ mode: "open" });

  const panelId = uid("panel");
  const titleId = uid("title");
  const stylesheet = el("link", { rel: "stylesheet" });
  const root = el("div", { className: `root mode-${MODE}`, hidden: true });

  const launcher =
    MODE === "page"
      ? null
      : el(
          "button",
          {
            type: "button",
            className: "launcher",
            "aria-expanded": "false",
            "aria-controls": panelId,
            onclick: () => (panelOpen() ? closePanel() : openPanel()),
          },
          chatIcon(),
          el("span", { className: "label" }),
        );

  const title = el("h2", { className: "title", id: titleId });
  const toggleButton = el("button", { type: "button", className: "toggle", onclick: toggleLanguage });
  const newButton = el("button", { type: "button", className: "new", onclick: newConversation });
  const closeButton =
    MODE === "page" ? null : el("button", { type: "button", className: "close", onclick: closePanel });
  const status = el("div", { className: "status", role: "status", hidden: true });
  const log = el("div", {
    className: "log",
    role: "log",
    "aria-live": "polite",
    // Focusable, so that a keyboard user can scroll a long conversation.
    tabindex: "0",
  });
  const intro = el("p", { className: "intro" });
  const typing = el(
    "div",
    { className: "typing", role: "status", hidden: true },
    el("span", { className: "typing-text" }),
    el("span", { className: "dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")),
  );
  const inputId = uid("input");
  const inputLabel = el("label", { className: "sr-only", for: inputId });
  const input = el("textarea", {
    id: inputId,
    rows: "1",
    maxlength: String(MAX_LENGTH),
    autocomplete: "off",
    enterkeyhint: "send",
  });
  const sendButton = el("button", { type: "submit", className: "send" });
  const composer = el(
    "form",
    { className: "composer", novalidate: true, onsubmit: onSubmit },
    inputLabel,
    input,
    sendButton,
  );
  const panel = el(
    "div",
    {
      className: "panel",
      id: panelId,
      role: MODE === "page" ? "main" : "dialog",
      "aria-labelledby": titleId,
      hidden: MODE !== "page",
    },
    el(
      "div",
      { className: "header" },
      title,
      el("div", { className: "actions" }, toggleButton, newButton, closeButton),
    ),
    status,
    log,
    typing,
    composer,
  );
  root.append(panel);
  if (launcher) root.append(launcher);
  shadow.append(stylesheet, root);

  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onSubmit(event);
    }
  });
  shadow.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && MODE !== "page" && panelOpen()) {
      event.preventDefault();
      closePanel();
    }
  });

  function applyLabels() {
    const t = LABELS[lang];
    root.setAttribute("lang", lang);
    if (launcher) launcher.querySelector(".label").textContent = t.launcher;
    title.textContent = t.title;
    toggleButton.textContent = t.toggle;
    toggleButton.setAttribute("lang", t.toggleLang);
    toggleButton.setAttribute("aria-label", `${t.toggle} – ${t.toggleName}`);
    newButton.textContent = t.newConversation;
    if (closeButton) closeButton.textContent = t.close;
    log.setAttribute("aria-label", t.log);
    intro.textContent = t.intro;
    typing.querySelector(".typing-text").textContent = t.typing;
    inputLabel.textContent = t.input;
    input.placeholder = t.placeholder;
    sendButton.textContent = t.send;
    if (!status.hidden) status.textContent = t.reconnecting;
    for (const note of log.querySelectorAll(".queued")) note.textContent = t.queued;
    if (MODE === "page") {
      document.documentElement.lang = lang;
      document.title = t.title;
    }
  }

  // --- panel -----------------------------------------------------------------------------------

  function panelOpen() {
    return !panel.hidden;
  }

  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    store.set("sessionStorage", KEY_OPEN, "1");
    scrollToLatest();
    input.focus();
    connect();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    store.set("sessionStorage", KEY_OPEN, null);
    launcher.focus();
  }

  // --- rendering ---------------------------------------------------------------------------------

  const elements = new WeakMap(); // transcript entry -> its element
  let turnStart = null; // the first bot element since the user's last message

  function showIntro() {
    if (!log.querySelector(".msg, .verdict, .note")) log.prepend(intro);
    else intro.remove();
  }

  /** A bot text: each line its own block; report lines ("[x] ", "1. ", "- ") list items. */
  function renderText(parent, text) {
    let list = null;
    let listKind = null;
    for (const line of String(text).split(/\r?\n/)) {
      if (!line.trim()) {
        list = null;
        continue;
      }
      let kind = null;
      let item = null;
      let match = /^\[([x ?~])\] (.*)$/.exec(line);
      if (match) {
        const statusName = MARKS[match[1]];
        kind = "marks";
        item = el(
          "li",
          { "data-status": statusName },
          el("span", { className: "mark", "aria-hidden": "true", text: SYMBOL[statusName] }),
          srOnly(`${CARD[lang].status[statusName]}: `),
          match[2],
        );
      } else if ((match = /^(\d{1,3})\. (.*)$/.exec(line))) {
        kind = "ol";
        item = el("li", { value: match[1] }, match[2]);
      } else if ((match = /^[-!] (.*)$/.exec(line))) {
        kind = "ul";
        item = el("li", {}, match[1]);
      }
      if (!kind) {
        list = null;
        parent.append(el("p", {}, line));
        continue;
      }
      if (!list || listKind !== kind) {
        list = el(kind === "ol" ? "ol" : "ul", { className: kind === "marks" ? "marks" : null });
        listKind = kind;
        parent.append(list);
      }
      list.append(item);
    }
  }

  function renderVerdict(verdict) {
    const language = verdict.language === "de" || verdict.language === "en" ? verdict.language : lang;
    const c = CARD[language];
    const headingId = uid("verdict");
    const summary =
      typeof verdict.summary === "string" && verdict.summary
        ? verdict.summary
        : c.verdict[verdict.status] || c.card;
    const card = el(
      "section",
      {
        className: "verdict",
        lang: language,
        "data-status": String(verdict.status || ""),
        "aria-labelledby": headingId,
      },
      el("h3", { id: headingId }, summary),
    );
    const rows = el("ul", { className: "reqs" });
    for (const req of Array.isArray(verdict.requirements) ? verdict.requirements : []) {
      const state = Object.hasOwn(SYMBOL, req.status) ? req.status : "unknown";
      const body = el(
        "span",
        { className: "body" },
        el("span", { className: "req-title" }, srOnly(`${c.status[state]}: `), String(req.title ?? "")),
        req.detail ? el("span", { className: "req-detail" }, String(req.detail)) : null,
        req.next_step && state !== "met"
          ? el("span", { className: "req-next" }, `${c.nextStep} ${req.next_step}`)
          : null,
      );
      rows.append(
        el(
          "li",
          { className: "req", "data-code": String(req.code ?? ""), "data-status": state },
          el("span", { className: "symbol", "aria-hidden": "true", text: SYMBOL[state] }),
          body,
        ),
      );
    }
    card.append(rows);
    const steps = Array.isArray(verdict.next_steps) ? verdict.next_steps.filter(Boolean) : [];
    if (steps.length) {
      card.append(
        el("h4", {}, c.nextSteps),
        el("ol", { className: "steps" }, ...steps.map((s) => el("li", {}, String(s)))),
      );
    }
    const warnings = Array.isArray(verdict.warnings) ? verdict.warnings.filter(Boolean) : [];
    if (warnings.length) {
      card.append(
        el("h4", {}, c.warnings),
        el("ul", { className: "warnings" }, ...warnings.map((w) => el("li", {}, String(w)))),
      );
    }
    const comparison = verdict.comparison;
    if (comparison && typeof comparison === "object" && comparison.rules_version) {
      const state = c.verdict[comparison.status] || String(comparison.status ?? "");
      card.append(el("p", { className: "comparison" }, `${c.comparison}${comparison.rules_version}: ${state}`));
    }
    if (verdict.rules_version) {
      card.append(el("p", { className: "rules" }, c.rules + String(verdict.rules_version)));
    }
    collapseTextVersion(summary, c.showText);
    return card;
  }

  /** The verdict's text version comes just before the card: fold it away, keep it reachable. */
  function collapseTextVersion(summary, label) {
    const previous = log.lastElementChild;
    if (!previous || !previous.classList.contains("msg-bot") || previous.querySelector(".choices")) {
      return;
    }
    const first = previous.querySelector("p");
    if (!first || first.textContent.trim() !== summary.trim()) return;
    const details = el("details", { className: "as-text" }, el("summary", {}, label));
    const content = Array.from(previous.childNodes).filter((n) => !n.classList?.contains("sr-only"));
    details.append(...content);
    previous.append(details);
  }

  function renderChoices(entry, buttons) {
    const box = el("div", { className: "choices" });
    for (const button of buttons) {
      box.append(
        el("button", {
          type: "button",
          disabled: Boolean(entry.answered),
          text: button.title,
          onclick: (event) => {
            if (event.currentTarget.disabled) return;
            answer(entry);
            sendUser(button.title, button.payload);
            // A disabled button loses the focus: a keyboard user (Enter/Space, detail 0) goes on
            // in the input. A pointer click leaves it alone (no on-screen keyboard popping up).
            if (event.detail === 0) input.focus();
          },
        }),
      );
    }
    return box;
  }

  function renderEntry(entry) {
    const t = LABELS[lang];
    let node = null;
    if (entry.kind === "user") {
      node = el(
        "div",
        { className: "msg msg-user" },
        srOnly(t.you + " "),
        el("span", { className: "text" }, String(entry.text)),
        entry.queued ? el("span", { className: "queued", text: t.queued }) : null,
      );
      turnStart = null;
      log.append(node);
    } else if (entry.kind === "bot") {
      const message = entry.message || {};
      if (message.text || message.buttons) {
        node = el("div", { className: "msg msg-bot" }, srOnly(t.assistant + " "));
        if (message.text) renderText(node, message.text);
        if (message.buttons && message.buttons.length) {
          node.append(renderChoices(entry, message.buttons));
        }
        log.append(node);
      }
      if (message.custom) {
        const card = renderVerdict(message.custom);
        log.append(card);
        node = node || card;
      }
      if (node && !turnStart) turnStart = node;
    } else if (entry.kind === "note") {
      node = el("p", { className: "note" }, LABELS[lang][entry.note] || "");
      log.append(node);
    }
    if (node) elements.set(entry, node);
    showIntro();
    return node;
  }

  /** Shows the latest turn from its start when it is longer than the log, else the end. */
  function scrollToLatest() {
    const bottom = log.scrollHeight - log.clientHeight;
    log.scrollTop = turnStart ? Math.min(bottom, turnStart.offsetTop - 8) : bottom;
  }

  function note(text, className) {
    log.append(el("p", { className: className || "note" }, text));
    showIntro();
    scrollToLatest();
  }

  // A question answered (by a click or by anything the user sent after it) keeps no live buttons:
  // a late click on an old question would answer the current one.
  function answer(entry) {
    entry.answered = true;
    const node = elements.get(entry);
    if (node) for (const b of node.querySelectorAll(".choices button")) b.disabled = true;
  }

  // --- messages ----------------------------------------------------------------------------------

  /** A Rasa message dict, reduced to what the widget shows; anything else is dropped. */
  function cleanMessage(raw) {
    if (!raw || typeof raw !== "object") return null;
    const message = {};
    if (typeof raw.text === "string" && raw.text) message.text = raw.text;
    const buttons = Array.isArray(raw.buttons) ? raw.buttons : raw.quick_replies;
    if (Array.isArray(buttons)) {
      const clean = buttons
        .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
        .map((b) => ({ title: b.title, payload: b.payload }));
      if (clean.length) message.buttons = clean;
    }
    const custom = raw.custom;
    if (custom && typeof custom === "object" && custom.type === "eligibility_verdict") {
      message.custom = custom;
    }
    return message.text || message.buttons || message.custom ? message : null;
  }

  function sendUser(text, payload) {
    for (const entry of transcript) if (entry.kind === "bot" && !entry.answered) answer(entry);
    const entry = { kind: "user", text, queued: true, locale: localeFor(lang) };
    if (payload !== undefined && payload !== text) entry.payload = payload;
    transcript.push(entry);
    renderEntry(entry);
    saveTranscript();
    scrollToLatest();
    flush();
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    sendUser(text.slice(0, MAX_LENGTH));
    input.focus();
  }

  // Queued messages go out once each, in order, and only on a confirmed session.
  function flush() {
    if (!socket || !socket.connected || !confirmed) return;
    for (const entry of transcript) {
      if (entry.kind !== "user" || !entry.queued) continue;
      entry.queued = false;
      socket.emit("user_uttered", {
        message: entry.payload ?? entry.text,
        locale: entry.locale || localeFor(lang),
      });
      const queuedNote = elements.get(entry)?.querySelector(".queued");
      if (queuedNote) queuedNote.remove();
    }
    saveTranscript();
  }

  function toggleLanguage() {
    lang = lang === "de" ? "en" : "de";
    store.set("localStorage", KEY_LANG, lang);
    applyLabels();
    sendUser(SWITCH_PHRASE[lang]);
  }

  /** Drops the conversation from the page and from the browser's storage. */
  function clearConversation() {
    transcript = [];
    store.set("localStorage", KEY_TRANSCRIPT, null);
    store.set("localStorage", KEY_TOKEN, null);
    log.replaceChildren();
    turnStart = null;
    showIntro();
    setTyping(false);
  }

  function newConversation() {
    clearConversation();
    fresh = true;
    if (socket && socket.connected) requestSession();
    input.focus();
  }

  /**
   * The conversation was deleted on the server and its token revoked ("delete my data"): nothing
   * of it stays in this browser either, and a new conversation begins. The note saying so is
   * shown but not stored.
   */
  function onForgotten() {
    clearConversation();
    note(LABELS[lang].forgotten);
    fresh = true;
    if (socket && socket.connected) requestSession();
  }

  // --- connection --------------------------------------------------------------------------------

  let socket = null;
  let connecting = null;
  let confirmed = false;
  let pendingRequests = 0; // session_requests on this connection not yet confirmed
  let fresh = false; // the next session starts a new conversation
  let sentToken = null;
  let firstSession = true;
  let typingTimer = null;

  function requestSession() {
    confirmed = false;
    pendingRequests += 1;
    const request = { token: null, locale: localeFor(lang) };
    if (fresh) request.new = true;
    else request.token = store.get("localStorage", KEY_TOKEN) || null;
    sentToken = request.token;
    socket.emit("session_request", request);
  }

  function onSessionConfirm(data) {
    if (!data || typeof data !== "object") return;
    pendingRequests = Math.max(0, pendingRequests - 1);
    if (pendingRequests > 0) return; // a later request is still on its way; its answer counts
    if (data.forgotten === true && !fresh) {
      // The token was of a conversation deleted meanwhile (from another tab or device).
      clearConversation();
      note(LABELS[lang].forgotten);
    }
    if (typeof data.token === "string" && data.token) {
      store.set("localStorage", KEY_TOKEN, data.token);
    }
    const hadConversation = transcript.length > 0;
    if (!fresh && sentToken && hadConversation) {
      if (data.resumed && firstSession) note(LABELS[lang].resumed);
      if (!data.resumed) {
        // The server no longer knows that conversation: what is shown above is history only.
        for (const entry of transcript) if (entry.kind === "bot") answer(entry);
        const entry = { kind: "note", note: "restarted" };
        transcript.push(entry);
        renderEntry(entry);
        scrollToLatest();
      }
    }
    fresh = false;
    firstSession = false;
    confirmed = true;
    saveTranscript();
    flush();
  }

  function onBotMessage(raw) {
    if (fresh || pendingRequests > 0) return; // belongs to the conversation just left
    const message = cleanMessage(raw);
    if (!message) return;
    const entry = { kind: "bot", message };
    transcript.push(entry);
    renderEntry(entry);
    saveTranscript();
    scrollToLatest();
  }

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    // Never a spinner forever should the "typing: false" get lost.
    if (on) typingTimer = setTimeout(() => setTyping(false), 90000);
  }

  function setReconnecting(on) {
    status.hidden = !on;
    status.textContent = on ? LABELS[lang].reconnecting : "";
  }

  function connect() {
    if (!connecting) {
      connecting = assets
        .then((urls) => loadSocketIo(urls.socketio))
        .then((io) => {
          socket = io(ORIGIN, {
            path: "/socket.io/",
            transports: TRANSPORTS,
            reconnection: true,
            reconnectionDelay: 1000,
            reconnectionDelayMax: 10000,
            randomizationFactor: 0.5,
            withCredentials: false,
          });
          socket.on("connect", () => {
            setReconnecting(false);
            pendingRequests = 0;
            requestSession();
          });
          socket.on("disconnect", (reason) => {
            confirmed = false;
            pendingRequests = 0;
            setTyping(false);
            setReconnecting(true);
            // A server-side disconnect is not retried by socket.io itself: retry, calmly.
            if (reason === "io server disconnect") {
              setTimeout(() => socket.connect(), 5000 + Math.random() * 5000);
            }
          });
          socket.on("connect_error", () => setReconnecting(true));
          socket.on("session_confirm", onSessionConfirm);
          socket.on("conversation_forgotten", onForgotten);
          socket.on("bot_uttered", onBotMessage);
          socket.on("bot_typing", (data) => setTyping(Boolean(data && data.typing)));
          socket.on("bot_error", (data) => {
            setTyping(false);
            const errors = LABELS[lang].errors;
            const code = data && typeof data.code === "string" ? data.code : "other";
            note(Object.hasOwn(errors, code) ? errors[code] : errors.other, "note error");
          });
        })
        .catch(() => setReconnecting(true));
    }
    return connecting;
  }

  // --- assets ----------------------------------------------------------------------------------

  // Script URLs through a Trusted Types policy where the host page enforces them; the policy only
  // lets through URLs on the bot's own origin.
  let policy = null;
  try {
    if (window.trustedTypes && window.trustedTypes.createPolicy) {
      policy = window.trustedTypes.createPolicy(TAG, {
        createScriptURL: (url) => {
          if (new URL(url).origin !== ORIGIN) throw new TypeError("not the bot's origin");
          return url;
        },
      });
    }
  } catch {
    policy = null; // a host page that allows only its own policy names
  }

  /** The content-hashed URLs of our static files (cached for a year), else the plain ones. */
  const assets = (async () => {
    const plain = {
      css: `${ORIGIN}/widget/static/widget.css`,
      socketio: `${ORIGIN}/widget/static/socket.io.min.js`,
    };
    try {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5000);
      const response = await fetch(`${ORIGIN}/widget/manifest.json`, {
        credentials: "omit",
        cache: "no-cache",
        signal: controller.signal,
      });
      clearTimeout(timer);
      if (!response.ok) return plain;
      const manifest = await response.json();
      const pick = (name, fallback) => {
        const path = manifest && manifest[name];
        if (typeof path !== "string" || !path.startsWith("/widget/static/")) return fallback;
        const url = new URL(path, ORIGIN);
        return url.origin === ORIGIN ? url.href : fallback;
      };
      return { css: pick("widget.css", plain.css), socketio: pick("socket.io.min.js", plain.socketio) };
    } catch {
      return plain;
    }
  })();

  function isCompatibleIo(candidate) {
    // socket.io-client >= 4.6 (emitWithAck); v3/v4 speak the server's protocol (Engine.IO 4).
    return (
      typeof candidate === "function" &&
      candidate.Socket &&
      typeof candidate.Socket.prototype.emitWithAck === "function"
    );
  }

  /**
   * Loads our vendored socket.io-client and captures it at once. Whatever `window.io` the host
   * page had (maybe another version, maybe none) is put back, so the widget never depends on, nor
   * changes, the host page's copy. Only if ours could not set the global (a page with an AMD
   * loader makes the UMD bundle call define() instead) is a compatible host copy used.
   */
  function loadSocketIo(url) {
    return new Promise((resolve, reject) => {
      const had = Object.hasOwn(window, "io");
      const previous = window.io;
      const tag = document.createElement("script");
      tag.src = policy ? policy.createScriptURL(url) : url;
      tag.async = true;
      tag.onload = () => {
        const ours = window.io;
        tag.remove();
        if (ours !== previous && typeof ours === "function") {
          if (had) window.io = previous;
          else delete window.io;
          resolve(ours);
        } else if (isCompatibleIo(previous)) {
          resolve(previous);
        } else {
          reject(new Error("socket.io-client did not load"));
        }
      };
      tag.onerror = () => {
        tag.remove();
        reject(new Error("socket.io-client did not load"));
      };
      (document.head || document.documentElement).append(tag);
    });
  }

  // --- start -------------------------------------------------------------------------------------

  function start() {
    applyLabels();
    for (const entry of transcript) renderEntry(entry);
    showIntro();
    document.body.append(host);
    assets.then((urls) => {
      // Shown once styled, so that nothing unstyled flashes on the host page.
      const reveal = () => {
        root.hidden = false;
        scrollToLatest();
      };
      stylesheet.addEventListener("load", reveal, { once: true });
      stylesheet.addEventListener("error", reveal, { once: true });
      setTimeout(reveal, 4000);
      stylesheet.href = urls.css;
    });
    const hasQueued = transcript.some((e) => e.kind === "user" && e.queued);
    if (MODE === "page") {
      connect();
    } else if (store.get("sessionStorage", KEY_OPEN) === "1") {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      connect();
    } else if (hasQueued) {
      connect();
    }
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
