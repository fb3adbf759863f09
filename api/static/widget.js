/*! Online safety signposting widget 1.3.0.
 * One tag on a school page (example.com stands for the assistant's own host):
 *   <script src="https://example.com/widget/1.3.0/widget.js" defer
 *           data-school-name="..." data-school-contact="..." data-school-contact-how="..."></script>
 * All data- attributes are optional: data-audience (who is asking: an audience id the API lists),
 * data-accent (#rrggbb), data-position (right | left), data-school-name, data-school-contact,
 * data-school-contact-how (and data-school-contact-how-<audience id>), data-school-contact-phone,
 * data-school-contact-url (https only), data-exit-url (where "Exit this page" goes; default BBC Weather).
 *
 * 1.3.0: this script is only the launcher. On the school's page it draws "Exit this page" and
 * the launcher button, and loads the chat in an <iframe> from the assistant's own origin
 * (/widget/1.3.0/frame: frame.html, frame.js, which talks to /api/v1/chat there). What the
 * person types, the replies and the session id live only in that frame and in that origin's
 * sessionStorage: the school's page, and every other script on it (analytics, plug-ins),
 * cannot read them (the same-origin policy). This script keeps nothing in any storage, and
 * removes what an earlier version (1.2.0 and before) left in the page's sessionStorage.
 * When a service's call, text or website link is opened in the chat, the frame tells the server
 * once per conversation, with no body (POST /api/v1/sessions/<id>/opened), for a school's insights.
 * The frame and this script exchange fixed messages that carry no text (ready, state, open,
 * close, exit, exited), each checked for its window and origin.
 * The quick exit still leaves the school's page at once: the page is hidden in the same moment,
 * the frame forgets the conversation (storage and server) and says so, and the page is replaced
 * by the exit page (after at most EXIT_WAIT_MS if the frame does not answer).
 * Plain JavaScript, no framework, no third-party requests. Its UI lives in a Shadow DOM styled
 * by a constructed stylesheet, so it works under a strict Content-Security-Policy (the school
 * adds the assistant's origin to script-src and frame-src). Text is set with textContent only.
 */
(function () {
  "use strict";

  var VERSION = "1.3.0";
  if (document.querySelector("[data-signpost-widget]")) return; // the tag was added twice

  // ---- configuration (data- attributes on the script tag) --------------------------------
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var cfg = (script && script.dataset) || {};
  var API = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var FRAME = API + "/widget/" + VERSION + "/frame";
  var DEFAULT_EXIT = "https://www.bbc.com/weather";
  // The frame says "ready" as it starts. Without it READY_WAIT_MS after the frame has loaded
  // (or LOAD_WAIT_MS in all), it did not start: the assistant is down, or this site is not
  // one it may be shown on. Then this script's own panel gives the numbers.
  var READY_WAIT_MS = 3000;
  var LOAD_WAIT_MS = 15000;
  // How long the quick exit waits for the frame to say it has forgotten the conversation
  // before it leaves anyway (the page is hidden meanwhile).
  var EXIT_WAIT_MS = 250;
  // The setting a school's origin must be added to (api/settings.py: cors_origins).
  var ORIGINS_SETTING = "SIGNPOST_CORS_ORIGINS";
  // The numbers given when the chat cannot load. Each must match bot/services.yml
  // (emergency_999, childline, samaritans): tests/browser/test_widget_phone.py.
  var EMERGENCY = { id: "emergency_999", name: "999", phone: "999" };
  var HELPLINES = [
    { id: "childline", name: "Childline", phone: "0800 1111", who: "under 19" },
    { id: "samaritans", name: "Samaritans", phone: "116 123", who: "any age" }
  ];

  function clean(value, max) {
    return typeof value === "string" ? value.replace(/\s+/g, " ").trim().slice(0, max || 300) : "";
  }

  function exitUrl(value) {
    try {
      var u = new URL(value, location.href);
      if (u.protocol === "https:" || u.protocol === "http:") return u.href;
    } catch (e) { /* fall through to the default */ }
    return DEFAULT_EXIT;
  }

  var config = {
    left: cfg.position === "left",
    accent: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(cfg.accent || "") ? cfg.accent : "#1d4f91",
    exitUrl: exitUrl(cfg.exitUrl || DEFAULT_EXIT)
  };

  // What the chat needs from the tag goes in the frame URL's fragment, which is never sent to
  // any server: the school's own settings, never anything about the person.
  function frameUrl() {
    var p = new URLSearchParams();
    p.set("host", location.origin);
    p.set("accent", config.accent);
    [["audience", "audience", 40], ["school-name", "schoolName", 120], ["school-contact", "schoolContact", 200],
      ["school-contact-how", "schoolContactHow", 400], ["school-contact-phone", "schoolContactPhone", 40],
      ["school-contact-url", "schoolContactUrl", 500]].forEach(function (f) {
      var v = clean(cfg[f[1]], f[2]);
      if (v) p.set(f[0], v);
    });
    // data-school-contact-how-<audience id> (e.g. -parent): the school contact in an adult's words.
    Object.keys(cfg).forEach(function (k) {
      var m = /^schoolContactHow(\w+)$/.exec(k);
      var v = m && clean(cfg[k], 400);
      if (v) p.set("school-contact-how-" + m[1].charAt(0).toLowerCase() + m[1].slice(1), v);
    });
    return FRAME + "#" + p.toString();
  }

  // An earlier version (1.2.0 and before) kept the conversation in this page's sessionStorage:
  // it is removed, so nothing of it stays where the page's scripts can read it. (Not on the
  // assistant's own pages, whose storage is the chat's.)
  if (API !== location.origin) try {
    for (var i = sessionStorage.length - 1; i >= 0; i--) {
      var key = sessionStorage.key(i);
      if (key && key.indexOf("signpost-chat") === 0) sessionStorage.removeItem(key);
    }
  } catch (e) { /* storage blocked: nothing to remove */ }

  // Text on the accent colour is white or black, whichever passes 4.5:1.
  function onAccent(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    var lum = [0, 2, 4].map(function (i) {
      var c = parseInt(h.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return 1.05 / (L + 0.05) >= 4.5 ? "#ffffff" : "#000000";
  }

  // ---- stylesheet --------------------------------------------------------------------------
  var CSS = [
    ":host{all:initial}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".root{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b}",
    "[hidden]{display:none!important}",
    ".vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}",
    "button{font:inherit;cursor:pointer;min-height:44px;border-radius:6px}",
    "a,button{outline:none}",
    ":focus-visible{outline:3px solid #0b0c0c!important;outline-offset:2px;box-shadow:0 0 0 2px #ffdd00}",
    ".bar{position:fixed;bottom:16px;right:16px;z-index:2147483000;display:flex;flex-wrap:wrap;justify-content:flex-end;align-items:center;gap:8px;max-width:calc(100vw - 32px)}",
    ".left .bar{right:auto;left:16px;justify-content:flex-start}",
    ".exit{background:#b00020;color:#fff;border:2px solid #fff;font-weight:700;padding:6px 14px;box-shadow:0 2px 6px rgba(0,0,0,.35)}",
    ".exit:hover{background:#8a0019}",
    ".launcher{display:flex;align-items:center;gap:8px;background:var(--accent);color:var(--on-accent);border:2px solid #fff;font-weight:700;padding:8px 16px;text-align:left;max-width:17em;box-shadow:0 2px 8px rgba(0,0,0,.35)}",
    ".icon{position:relative;flex:none;width:22px;height:17px;margin-bottom:5px;border-radius:4px;background:currentColor}",
    ".icon::after{content:'';position:absolute;left:4px;bottom:-5px;border-style:solid;border-width:6px 6px 0 0;border-color:currentColor transparent transparent transparent}",
    // The chat's frame, and this script's own panel for when the chat cannot load.
    ".frame,.panel{position:fixed;bottom:16px;right:16px;z-index:2147483001;display:block;width:min(420px,calc(100vw - 32px));height:min(680px,calc(100vh - 32px));margin:0;padding:0;background:#fff;border:1px solid #505a5f;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.3);overflow:hidden;color-scheme:light}",
    ".panel{display:flex;flex-direction:column}",
    ".left .frame,.left .panel{right:auto;left:16px}",
    ".head{display:flex;align-items:center;gap:8px;padding:8px;border-bottom:4px solid var(--accent);background:#fff}",
    ".head h2{flex:1;order:1;margin:0;font-size:1.05rem;line-height:1.25}",
    ".head .exit{order:2}",
    ".head .close{order:0}",
    ".close{background:#fff;color:#1b1b1b;border:2px solid #505a5f;padding:4px 12px}",
    ".close:hover{background:#f3f2f1}",
    ".body{flex:1;min-height:0;overflow-y:auto;padding:12px}",
    ".note{margin:0 0 10px;padding:8px 12px;border-radius:8px;background:#fff7d6;border-left:6px solid #6b5200}",
    ".note p{margin:0 0 6px}",
    ".strong{font-weight:700}",
    ".links{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}",
    ".links a{display:inline-flex;flex-wrap:wrap;column-gap:.3em;align-items:center;min-height:44px;padding:4px 12px;border:2px solid #1a4480;border-radius:6px;background:#fff;color:#1a4480;font-weight:700;text-decoration:underline;text-underline-offset:2px}",
    ".links small{font-weight:400}",
    ".overlay{position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;display:flex;align-items:center;justify-content:center;background:#fff;color:#1b1b1b;font-size:1.25rem;visibility:visible}",
    // On a phone the chat is the whole screen.
    "@media (max-width:480px){.frame,.panel{top:0;left:0;right:auto;bottom:auto;width:100%;height:100%;border:0;border-radius:0}.left .frame,.left .panel{left:0}.bar{bottom:8px;right:8px;max-width:calc(100vw - 16px)}.left .bar{left:8px}.head .exit{padding:6px 10px}.head h2{font-size:.95rem}.close{padding:4px 8px}}",
    "@media (prefers-reduced-motion:no-preference){.frame,.panel{animation:sp-in .18s ease-out}}",
    "@keyframes sp-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}",
    "@media (forced-colors:active){.exit,.launcher,.links a{border:2px solid ButtonText}}"
  ].join("\n");

  // ---- DOM helpers (text only) -------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function attrs(node, values) {
    Object.keys(values).forEach(function (k) { node.setAttribute(k, values[k]); });
    return node;
  }

  function button(className, label) {
    var b = el("button", className, label);
    b.type = "button";
    return b;
  }

  function link(href, label, extra) {
    var a = el("a", null, label);
    a.href = href;
    if (extra) a.appendChild(el("span", "vh", extra));
    return a;
  }

  // ---- build the UI --------------------------------------------------------------------------
  var host = el("div");
  host.setAttribute("data-signpost-widget", VERSION);
  host.style.setProperty("--accent", config.accent); // CSSOM, allowed under a strict CSP
  host.style.setProperty("--on-accent", onAccent(config.accent));
  var shadow = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.appendChild(el("style", null, CSS)); // older browsers (no constructed stylesheets)
  }

  var root = attrs(el("aside", "root" + (config.left ? " left" : "")), { "aria-label": "Online safety help" });

  // Closed: the quick exit and the launcher. The host is the first thing in <body>, so the
  // quick exit is the first stop when tabbing through the page.
  var bar = el("div", "bar");
  var barExit = button("exit", "Exit this page");
  var launcher = button("launcher");
  launcher.appendChild(attrs(el("span", "icon"), { "aria-hidden": "true" }));
  launcher.appendChild(el("span", null, "Worried about something online?"));
  attrs(launcher, { "aria-expanded": "false", "aria-controls": "sp-frame" });
  bar.appendChild(barExit);
  bar.appendChild(launcher);

  // Open: the chat, in its frame from the assistant's origin.
  var frame = attrs(el("iframe", "frame"), {
    id: "sp-frame", title: "Online safety help", referrerpolicy: "no-referrer"
  });
  frame.hidden = true;

  // This script's own panel, shown only while the chat has not loaded or cannot: fixed text and
  // the numbers, never anything typed (it has no message box).
  var fallback = attrs(el("section", "panel"), { role: "dialog", "aria-modal": "false", "aria-labelledby": "sp-fb-title" });
  fallback.hidden = true;
  var head = el("div", "head");
  var fbExit = button("exit", "Exit this page");
  var fbTitle = attrs(el("h2", null, "Online safety help"), { id: "sp-fb-title", tabindex: "-1" });
  var fbClose = attrs(button("close", "Close"), { "aria-label": "Close chat" });
  head.appendChild(fbExit);
  head.appendChild(fbClose);
  head.appendChild(fbTitle);
  var body = el("div", "body");
  var note = attrs(el("div", "note fail"), { role: "status" });
  var noteText = el("p");
  note.appendChild(noteText);
  note.appendChild(el("p", "strong", "If you need help now:"));
  var links = el("div", "links");
  links.appendChild(link("tel:999", "Call 999", " (emergency)"));
  HELPLINES.forEach(function (h) {
    var a = links.appendChild(link("tel:" + h.phone.replace(/\s/g, ""), h.name + " " + h.phone));
    a.appendChild(el("small", null, " (" + h.who + ")"));
  });
  note.appendChild(links);
  body.appendChild(note);
  fallback.appendChild(head);
  fallback.appendChild(body);

  var exitStatus = attrs(el("div", "vh"), { role: "status" }); // triple-Shift countdown
  var overlay = attrs(el("div", "overlay", "Loading."), { role: "alert" });
  overlay.hidden = true;

  root.appendChild(bar);
  root.appendChild(frame);
  root.appendChild(fallback);
  root.appendChild(exitStatus);
  root.appendChild(overlay);
  shadow.appendChild(root);

  // ---- the frame: loading, and the messages it sends -------------------------------------------
  var ready = false;     // the frame said it has started
  var failed = null;     // null, "down" or "refused"
  var waitTimer = null;
  var pendingFocus = null; // where focus goes when the chat appears after the launcher was pressed

  function post(type, focus) {
    if (!frame.contentWindow) return;
    var message = { signpost: VERSION, type: type };
    if (focus) message.focus = focus;
    try {
      frame.contentWindow.postMessage(message, API);
    } catch (e) { /* the frame is gone */ }
  }

  function loadFrame() {
    ready = false;
    failed = null;
    clearTimeout(waitTimer);
    waitTimer = setTimeout(notStarted, LOAD_WAIT_MS);
    frame.src = frameUrl();
  }

  frame.addEventListener("load", function () {
    if (ready) return;
    clearTimeout(waitTimer);
    waitTimer = setTimeout(notStarted, READY_WAIT_MS);
  });

  // A browser hides why a frame did not load. If the assistant's origin answers a no-cors
  // request (its response is opaque, but it came), it is up, and it refused to be shown on this
  // page's origin (frame-ancestors): the school is not on the allowed origins yet.
  function notStarted() {
    if (ready) return;
    var probe = API === location.origin ? Promise.reject(new Error("same origin")) :
      fetch(API + "/healthz", { mode: "no-cors", credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store" });
    probe.then(function () {
      failed = "refused";
      sayRefused();
    }, function () {
      failed = "down";
    }).then(function () {
      if (!ready) drawFallback();
    });
  }

  var refusedSaid = false;

  function sayRefused() {
    if (refusedSaid) return;
    refusedSaid = true;
    if (window.console) console.error("Online safety widget: this website (" + location.origin + ") is not allowed to use the assistant at " +
      API + ". Its operator must add " + location.origin + " to the " + ORIGINS_SETTING + " setting (comma-separated origins) and restart it.");
  }

  function drawFallback() {
    noteText.textContent = failed === "refused" ? "This chat is not set up for this website yet, so it cannot answer here." :
      failed === "down" ? "Sorry, the chat cannot load right now. Please try again in a minute." : "Loading the chat.";
  }

  window.addEventListener("message", function (e) {
    if (e.source !== frame.contentWindow || e.origin !== API) return;
    var m = e.data;
    if (!m || typeof m !== "object" || typeof m.type !== "string") return;
    if (m.type === "ready") {
      ready = true;
      failed = null;
      clearTimeout(waitTimer);
      // Open on the last page (restored; focus stays put), or the launcher was pressed while it loaded.
      if (!fallback.hidden) showFrame(pendingFocus);
      else if (m.open === true && !exiting) showFrame(null);
    } else if (m.type === "state") { // shown again from the back/forward cache
      if (m.open === true && !exiting) showFrame(null);
      else hideAll(false);
    } else if (m.type === "close") {
      hideAll(true);
    } else if (m.type === "exit") {
      quickExit(null, true);
    } else if (m.type === "exited") {
      leave();
    }
  });

  // ---- open / close ----------------------------------------------------------------------
  function shown() {
    bar.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
  }

  function showFrame(focus) {
    fallback.hidden = true;
    frame.hidden = false;
    shown();
    if (focus) frame.focus(); // focus moves into the frame; the chat puts it on its heading or message box
    post("open", focus);
  }

  function showFallback(focus) {
    drawFallback();
    frame.hidden = true;
    fallback.hidden = false;
    shown();
    if (focus) fbTitle.focus();
  }

  function hideAll(giveFocus) {
    frame.hidden = true;
    fallback.hidden = true;
    bar.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    if (giveFocus) launcher.focus();
  }

  // Opened from the keyboard, focus goes to the message box; opened with a tap or click, to the
  // chat's heading, so a phone does not cover half the screen with its keyboard straight away.
  launcher.addEventListener("click", function (e) {
    var focus = e.detail === 0 ? "input" : "title";
    if (ready) return showFrame(focus);
    pendingFocus = focus;
    if (failed === "down") loadFrame(); // try again: the assistant may be back
    showFallback(focus);
  });
  fbClose.addEventListener("click", function () { hideAll(true); });
  fallback.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.stopPropagation();
      hideAll(true);
    }
  });

  // ---- quick exit --------------------------------------------------------------------------
  var exiting = false;
  var gone = false;
  var exitTimer = null;

  // The page is hidden at once. The frame forgets the conversation (its storage, the server,
  // its screen) and says "exited"; then, or after EXIT_WAIT_MS, the page is replaced.
  function quickExit(e, fromFrame) {
    if (e) e.preventDefault();
    if (exiting) return;
    exiting = true;
    overlay.hidden = false; // covers the page at once
    document.documentElement.style.setProperty("visibility", "hidden"); // the overlay stays visible
    if (fromFrame || !ready) return leave(); // the frame has forgotten already, or never started
    post("exit");
    exitTimer = setTimeout(leave, EXIT_WAIT_MS);
  }

  function leave() {
    if (gone) return;
    gone = true;
    clearTimeout(exitTimer);
    if (frame.parentNode) frame.parentNode.removeChild(frame);
    location.replace(config.exitUrl);
  }

  barExit.addEventListener("click", quickExit);
  fbExit.addEventListener("click", quickExit);

  // Shift pressed three times within 5 seconds (as GOV.UK's "Exit this page"), on the school's
  // page (the chat counts those pressed in it). A Shift used to type a capital letter does not
  // count, and any other key starts the count again.
  var shifts = 0;
  var shiftTimer = null;
  var shiftAsModifier = false;

  function resetShifts() {
    shifts = 0;
    clearTimeout(shiftTimer);
    exitStatus.textContent = "";
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Shift") return;
    if (e.shiftKey) shiftAsModifier = true;
    if (shifts) resetShifts();
  }, true);

  document.addEventListener("keyup", function (e) {
    if (e.key !== "Shift") return;
    if (shiftAsModifier) {
      shiftAsModifier = false;
      return;
    }
    shifts += 1;
    if (shifts >= 3) {
      resetShifts();
      quickExit();
      return;
    }
    if (shifts === 1) shiftTimer = setTimeout(resetShifts, 5000);
    var left = 3 - shifts;
    exitStatus.textContent = "Shift, press " + left + " more time" + (left === 1 ? "" : "s") + " to exit.";
  }, true);

  // The back/forward cache keeps a page as it was left, the frame with it. The page comes back
  // closed and visible; the frame, drawn again from its own storage, says whether it is open.
  window.addEventListener("pagehide", function () {
    hideAll(false);
  });

  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    exiting = false;
    gone = false;
    overlay.hidden = true;
    document.documentElement.style.removeProperty("visibility");
  });

  // ---- start -------------------------------------------------------------------------------
  function mount() {
    document.body.insertBefore(host, document.body.firstChild);
    loadFrame();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
