/*! Online safety signposting widget 1.1.0 (issues 5, 11, 12, 13).
 * One tag on a school page (example.com stands for the assistant's own host):
 *   <script src="https://example.com/widget/1.1.0/widget.js" defer
 *           data-school-name="..." data-school-contact="..." data-school-contact-how="..."></script>
 * All data- attributes are optional: data-audience (who is asking: an audience id the API lists),
 * data-accent (#rrggbb), data-position (right | left), data-school-name, data-school-contact,
 * data-school-contact-how, data-school-contact-phone, data-school-contact-url (https only),
 * data-exit-url (where "Exit this page" goes; default BBC Weather).
 * Plain JavaScript, no framework, no third-party requests. The UI lives in a Shadow DOM
 * styled by a constructed stylesheet, so it works under a strict Content-Security-Policy
 * (script-src 'self'; style-src 'self'). Every string from the server or the user is set
 * with textContent / createTextNode: nothing is ever parsed as HTML.
 */
(function () {
  "use strict";

  var VERSION = "1.1.0";
  if (document.querySelector("[data-signpost-widget]")) return; // the tag was added twice

  // ---- configuration (data- attributes on the script tag) --------------------------------
  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var cfg = (script && script.dataset) || {};
  var API = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var DEFAULT_EXIT = "https://www.bbc.com/weather";
  var STORE_KEY = "signpost-chat:v1";
  var EXPIRY_MS = 30 * 60 * 1000; // the server forgets a conversation after 30 idle minutes
  var MAX_ENTRIES = 80;
  var SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

  // The topic buttons offered before anything is sent, and the audiences (who may be asking),
  // come from the API (GET /api/v1/topics, from bot/topics.yml), fetched once per page; none are
  // written here.
  var fromApi = null;

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
    audience: clean(cfg.audience, 40) || null, // checked against the API's audiences before it is sent
    left: cfg.position === "left",
    accent: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(cfg.accent || "") ? cfg.accent : "#1d4f91",
    schoolName: clean(cfg.schoolName, 120),
    contact: clean(cfg.schoolContact, 200),
    contactHow: clean(cfg.schoolContactHow, 400),
    contactPhone: clean(cfg.schoolContactPhone, 40),
    contactUrl: clean(cfg.schoolContactUrl, 500),
    exitUrl: exitUrl(cfg.exitUrl || DEFAULT_EXIT)
  };

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

  // ---- links: only https:, tel: and sms: are ever made clickable --------------------------
  function httpsUrl(value) {
    try {
      var u = new URL(value);
      return u.protocol === "https:" ? u : null;
    } catch (e) {
      return null;
    }
  }

  function dialable(value) {
    var digits = String(value || "").replace(/[\s()-]/g, "");
    return /^\+?\d{3,15}$/.test(digits) ? digits : null;
  }

  // ---- stylesheet --------------------------------------------------------------------------
  var CSS = [
    ":host{all:initial}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".root{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b}",
    "[hidden]{display:none!important}",
    ".vh{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}",
    "button,input{font:inherit}",
    "button{cursor:pointer;min-height:44px;border-radius:6px}",
    "a,button,input,.log{outline:none}",
    ":focus-visible{outline:3px solid #0b0c0c!important;outline-offset:2px;box-shadow:0 0 0 2px #ffdd00}",
    "input:focus{outline:3px solid #0b0c0c;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}",
    ".bar{position:fixed;bottom:16px;right:16px;z-index:2147483000;display:flex;flex-wrap:wrap;justify-content:flex-end;align-items:center;gap:8px;max-width:calc(100vw - 32px)}",
    ".left .bar{right:auto;left:16px;justify-content:flex-start}",
    ".exit{background:#b00020;color:#fff;border:2px solid #fff;font-weight:700;padding:6px 14px;box-shadow:0 2px 6px rgba(0,0,0,.35)}",
    ".exit:hover{background:#8a0019}",
    ".launcher{display:flex;align-items:center;gap:8px;background:var(--accent);color:var(--on-accent);border:2px solid #fff;font-weight:700;padding:8px 16px;text-align:left;max-width:17em;box-shadow:0 2px 8px rgba(0,0,0,.35)}",
    ".icon{position:relative;flex:none;width:22px;height:17px;margin-bottom:5px;border-radius:4px;background:currentColor}",
    ".icon::after{content:'';position:absolute;left:4px;bottom:-5px;border-style:solid;border-width:6px 6px 0 0;border-color:currentColor transparent transparent transparent}",
    ".panel{position:fixed;bottom:16px;right:16px;z-index:2147483001;display:flex;flex-direction:column;width:min(420px,calc(100vw - 32px));height:min(680px,calc(100vh - 32px));background:#fff;border:1px solid #505a5f;border-radius:10px;box-shadow:0 6px 24px rgba(0,0,0,.3);overflow:hidden}",
    ".left .panel{right:auto;left:16px}",
    ".head{display:flex;align-items:center;gap:8px;padding:8px;border-bottom:4px solid var(--accent);background:#fff}",
    ".head h2{flex:1;margin:0;font-size:1.05rem;line-height:1.25}",
    "@media (max-width:400px){.head .exit{padding:6px 10px}.head h2{font-size:.95rem}.close{padding:4px 8px}}",
    ".close{background:#fff;color:#1b1b1b;border:2px solid #505a5f;padding:4px 12px}",
    ".close:hover{background:#f3f2f1}",
    ".log{position:relative;flex:1;min-height:0;overflow-y:auto;padding:12px;overscroll-behavior:contain}",
    ".log:focus-visible{outline-offset:-3px}",
    ".msg{margin:0 0 10px;padding:8px 12px;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere;max-width:92%}",
    ".bot{background:#f3f2f1}",
    ".you{background:#e3ecf8;margin-left:auto;width:fit-content}",
    ".urgent{background:#fdecea;border-left:6px solid #b00020;font-weight:700}",
    ".urgent a{color:#1b1b1b;text-decoration:underline;text-underline-offset:2px}",
    ".card.emergency{border-left:6px solid #b00020}",
    ".note{background:#fff7d6;border-left:6px solid #6b5200}",
    ".intro p{margin:0 0 8px}",
    ".intro p:last-child{margin:0}",
    ".strong{font-weight:700}",
    ".card{margin:0 0 10px;padding:10px 12px;border:1px solid #b1b4b6;border-radius:8px;background:#fff;overflow-wrap:anywhere}",
    ".school{border-left:6px solid var(--accent)}",
    ".card h3{margin:0 0 4px;font-size:1rem;line-height:1.3}",
    ".card p{margin:0 0 6px}",
    ".hours{color:#505a5f}",
    ".links{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}",
    ".links a{display:inline-flex;align-items:center;min-height:44px;padding:4px 12px;border:2px solid #1a4480;border-radius:6px;color:#1a4480;font-weight:700;text-decoration:underline;text-underline-offset:2px}",
    ".links a:hover{background:#e3ecf8}",
    ".choices{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 12px}",
    ".choice{background:#fff;color:#1a4480;border:2px solid #1a4480;padding:6px 12px;text-align:left}",
    ".choice:hover{background:#e3ecf8}",
    ".status{margin:0;padding:0 12px;min-height:1.5em;color:#505a5f;font-size:.9rem}",
    ".form{display:flex;gap:8px;padding:8px;border-top:1px solid #b1b4b6}",
    ".form input{flex:1;min-width:0;min-height:44px;padding:8px 10px;border:2px solid #505a5f;border-radius:6px;color:#1b1b1b;background:#fff}",
    ".send{background:var(--accent);color:var(--on-accent);border:2px solid var(--accent);font-weight:700;padding:0 16px}",
    ".overlay{position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483647;display:flex;align-items:center;justify-content:center;background:#fff;color:#1b1b1b;font-size:1.25rem;visibility:visible}",
    "@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:auto;height:auto;border:0;border-radius:0}.left .panel{left:0}.bar{bottom:8px;right:8px;max-width:calc(100vw - 16px)}.left .bar{left:8px}}",
    "@media (prefers-reduced-motion:no-preference){.panel{animation:sp-in .18s ease-out}.typing::after{content:'';display:inline-block;width:1.2em;text-align:left;animation:sp-dots 1.2s steps(4) infinite}}",
    "@keyframes sp-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}",
    "@keyframes sp-dots{0%{content:''}25%{content:'.'}50%{content:'..'}75%{content:'...'}}",
    "@media (forced-colors:active){.exit,.launcher,.send,.choice,.links a{border:2px solid ButtonText}}"
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

  function hidden(text) {
    return el("span", "vh", text);
  }

  function button(className, label) {
    var b = el("button", className, label);
    b.type = "button";
    return b;
  }

  function link(href, label, extra) {
    var a = el("a", null, label);
    a.href = href;
    if (extra) a.appendChild(hidden(extra));
    return a;
  }

  // ---- state: memory + sessionStorage (never localStorage) ----------------------------------
  var state = fresh();

  function fresh() {
    return { v: 1, sessionId: null, audience: config.audience, open: false, entries: [], t: Date.now() };
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (!saved || saved.v !== 1 || !Array.isArray(saved.entries)) return;
      if (Date.now() - saved.t > EXPIRY_MS) return forgetStored();
      state.sessionId = SESSION_ID.test(saved.sessionId || "") ? saved.sessionId : null;
      state.audience = typeof saved.audience === "string" ? saved.audience : config.audience;
      state.open = saved.open === true;
      state.entries = saved.entries.slice(-MAX_ENTRIES);
      state.t = saved.t;
    } catch (e) { /* storage blocked or corrupt: start fresh */ }
  }

  function save() {
    state.entries = state.entries.slice(-MAX_ENTRIES);
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* storage blocked: the chat still works for this page */ }
  }

  function forgetStored() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf("signpost-chat") === 0) sessionStorage.removeItem(key);
      }
    } catch (e) { /* nothing stored */ }
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
  attrs(launcher, { "aria-expanded": "false", "aria-controls": "sp-panel" });
  bar.appendChild(barExit);
  bar.appendChild(launcher);

  // Open: a non-modal dialog with the quick exit first in its header.
  var panel = attrs(el("section", "panel"), {
    id: "sp-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "sp-title", "aria-describedby": "sp-about"
  });
  panel.hidden = true;
  var head = el("div", "head");
  var headExit = button("exit", "Exit this page");
  var title = attrs(el("h2", null, "Online safety help"), { id: "sp-title", tabindex: "-1" });
  var closeBtn = attrs(button("close", "Close"), { "aria-label": "Close chat" });
  head.appendChild(headExit);
  head.appendChild(title);
  head.appendChild(closeBtn);

  // The transcript: role="log" (polite live region); new entries are only ever appended.
  var log = attrs(el("div", "log"), { role: "log", "aria-label": "Conversation", tabindex: "0" });
  var status = attrs(el("p", "status"), { role: "status" });
  var form = el("form", "form");
  form.noValidate = true;
  var label = attrs(el("label", "vh", "Type your message"), { for: "sp-input" });
  var input = attrs(el("input"), {
    id: "sp-input", type: "text", maxlength: "1000", autocomplete: "off", spellcheck: "true",
    placeholder: "Type what's worrying you", enterkeyhint: "send"
  });
  var sendBtn = el("button", "send", "Send");
  sendBtn.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);

  var exitStatus = attrs(el("div", "vh"), { role: "status" }); // triple-Shift countdown
  var overlay = attrs(el("div", "overlay", "Loading."), { role: "alert" });
  overlay.hidden = true;

  root.appendChild(bar);
  root.appendChild(panel);
  root.appendChild(exitStatus);
  root.appendChild(overlay);
  shadow.appendChild(root);

  // ---- rendering -------------------------------------------------------------------------
  function introNode() {
    var box = el("div", "msg bot intro");
    box.id = "sp-about";
    var lines = [
      "This chat is for young people, parents and carers, and school staff in Scotland who are worried about something online. It tells you what you can do and who can help.",
      "It is a computer program, not a person. No one watches this chat live.",
      "You don't need to give your name. Nothing you type is kept after 30 minutes with no new messages." +
        (config.schoolName ? " What you type goes to this help service, not to " + config.schoolName + "." : "")
    ];
    lines.forEach(function (t) { box.appendChild(el("p", null, t)); });
    box.appendChild(el("p", "strong", "If you are in danger now, call 999."));
    box.appendChild(el("p", null,
      "\"Exit this page\" (or pressing Shift 3 times) hides this page and deletes this chat. " +
      "It does not clear your browser history. To do that, delete your history in your browser's settings, or use a private (incognito) window next time."));
    return box;
  }

  function choices(list, heading) {
    var group = attrs(el("div", "choices"), { role: "group", "aria-label": heading || "Suggested replies" });
    list.forEach(function (b) {
      var title = clean(b.title, 120);
      var payload = typeof b.payload === "string" ? b.payload.slice(0, 200) : "";
      if (!title || !payload) return;
      var c = button("choice", title);
      c.addEventListener("click", function (e) {
        send(title, title, payload);
        if (e.detail === 0) input.focus(); // from the keyboard: carry on typing (no phone keyboard popping up on a tap)
      });
      group.appendChild(c);
    });
    return group;
  }

  function starterNode() {
    var box = el("div");
    box.appendChild(el("p", "msg bot", "What is it about? Pick one, or type in your own words below."));
    box.appendChild(choices([], "Topics"));
    loadFromApi().then(function (api) {
      var group = box.querySelector(".choices");
      if (group) box.replaceChild(choices(api.buttons, "Topics"), group);
    });
    return box;
  }

  // {buttons, audiences}; both empty when the API cannot be reached within 10 seconds (then
  // asked again next time: a message is sent without an audience meanwhile).
  function loadFromApi() {
    function list(v) { return Array.isArray(v) ? v : []; }
    if (!fromApi) {
      var controller = "AbortController" in window ? new AbortController() : null;
      var timer = controller && setTimeout(function () { controller.abort(); }, 10000);
      fromApi = fetch(API + "/api/v1/topics", {
        credentials: "omit", referrerPolicy: "no-referrer", signal: controller ? controller.signal : undefined
      })
        .then(function (res) { if (!res.ok) throw new Error("topics " + res.status); return res.json(); })
        .then(function (data) { return { buttons: list(data && data.buttons), audiences: list(data && data.audiences) }; })
        .catch(function () { fromApi = null; return { buttons: [], audiences: [] }; })
        .then(function (api) { clearTimeout(timer); return api; });
    }
    return fromApi;
  }

  // The audience to send: the one chosen (or stored), else data-audience, if the API lists it.
  function knownAudience(audiences) {
    function known(id) { return audiences.some(function (a) { return a && a.id === id; }) ? id : null; }
    return known(state.audience) || known(config.audience);
  }

  function schoolCard() {
    var card = el("div", "card school");
    card.appendChild(el("h3", null, "Talk to someone at your school"));
    var who = "You can talk to " + config.contact + (config.schoolName ? " at " + config.schoolName : "") + ".";
    card.appendChild(el("p", null, who));
    if (config.contactHow) card.appendChild(el("p", null, config.contactHow));
    var links = el("div", "links");
    var tel = dialable(config.contactPhone);
    if (tel) links.appendChild(link("tel:" + tel, "Call " + config.contactPhone));
    var site = httpsUrl(config.contactUrl);
    if (site) {
      var a = link(site.href, "School safeguarding page", " (opens in a new tab)");
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      links.appendChild(a);
    }
    if (links.firstChild) card.appendChild(links);
    return card;
  }

  function serviceCard(s) {
    var card = el("div", "card" + (s.phone === "999" ? " emergency" : ""));
    card.appendChild(el("h3", null, clean(s.name, 120)));
    if (s.summary) card.appendChild(el("p", null, String(s.summary)));
    var links = el("div", "links");
    var tel = dialable(s.phone);
    if (tel) links.appendChild(link("tel:" + tel, "Call " + clean(s.phone, 40)));
    if (s.text) {
      var code = /(\d{4,6})(?!.*\d)/.exec(String(s.text));
      if (code) links.appendChild(link("sms:" + code[1], clean(s.text, 120)));
      else card.appendChild(el("p", null, String(s.text)));
    }
    var site = httpsUrl(s.url);
    if (site) {
      var a = link(site.href, "Website: " + site.hostname.replace(/^www\./, ""), " (opens in a new tab)");
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      links.appendChild(a);
    }
    if (links.firstChild) card.appendChild(links);
    if (s.hours) card.appendChild(el("p", "hours", "Open: " + String(s.hours)));
    return card;
  }

  // The first line of an urgent reply: 999 and the helpline numbers it names (Childline, or
  // Samaritans for a young adult) become tel: links, one tap away. Text nodes and <a> only.
  function emergencyLine(p, text, services) {
    var numbers = { "999": "999" };
    services.forEach(function (s) {
      var tel = dialable(s.phone);
      if (tel && s.phone) numbers[String(s.phone).trim()] = tel;
    });
    String(text).split(/(\d[\d ]*\d)/).forEach(function (part, i) {
      var tel = i % 2 === 1 ? numbers[part.trim()] : null;
      if (tel) p.appendChild(link("tel:" + tel, part));
      else if (part) p.appendChild(document.createTextNode(part));
    });
  }

  function replyNode(r) {
    var group = el("div", "reply");
    var buttons = [];
    r.messages.forEach(function (m, i) {
      var urgent = r.urgent && i === 0;
      var p = el("p", "msg bot" + (urgent ? " urgent" : ""));
      if (i === 0) p.appendChild(hidden(urgent ? "Assistant, urgent: " : "Assistant: "));
      if (urgent) emergencyLine(p, m.text, r.services);
      else p.appendChild(document.createTextNode(m.text));
      group.appendChild(p);
      buttons = buttons.concat(m.buttons);
    });
    // The school's own contact: on every topic reply before the national services, and on
    // every urgent reply (topic or not) right after the emergency (999) card.
    var school = config.contact && (r.topic || r.urgent);
    var schoolAt = r.urgent && r.services.length && r.services[0].phone === "999" ? 1 : 0;
    r.services.forEach(function (s, i) {
      if (school && i === schoolAt) group.appendChild(schoolCard());
      group.appendChild(serviceCard(s));
    });
    if (school && r.services.length <= schoolAt) group.appendChild(schoolCard());
    if (buttons.length) group.appendChild(choices(buttons));
    return group;
  }

  function entryNode(entry) {
    if (entry.who === "you") {
      var p = el("p", "msg you");
      p.appendChild(hidden("You said: "));
      p.appendChild(document.createTextNode(entry.text));
      return p;
    }
    if (entry.who === "bot") return replyNode(entry.reply);
    return el("p", "msg note", entry.text);
  }

  function renderFresh(entries) {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(introNode());
    log.appendChild(starterNode());
    entries.forEach(function (e) { log.appendChild(entryNode(e)); });
  }

  function append(entry) {
    state.entries.push(entry);
    state.t = Date.now();
    save();
    var node = entryNode(entry);
    log.appendChild(node);
    // Show the start of what was just added; a long reply is read from its top.
    log.scrollTop = Math.max(0, node.offsetTop - 8); // offsetParent is the log
  }

  // Only the fields the UI uses are kept, as plain strings; a service card keeps its string
  // fields, whichever the API defines (bot/directory.py), and the renderer picks what it shows.
  function pickReply(data) {
    function str(v) { return typeof v === "string" ? v : null; }
    function card(s) {
      var kept = {};
      Object.keys(s && typeof s === "object" ? s : {}).forEach(function (k) { if (typeof s[k] === "string") kept[k] = s[k]; });
      return kept;
    }
    return {
      topic: str(data.topic),
      urgent: data.urgent === true,
      messages: (data.messages || []).filter(function (m) { return m && typeof m.text === "string"; }).map(function (m) {
        return {
          text: m.text,
          buttons: (Array.isArray(m.buttons) ? m.buttons : []).map(function (b) { return { title: str(b && b.title), payload: str(b && b.payload) }; })
        };
      }),
      services: (Array.isArray(data.services) ? data.services : []).map(card)
    };
  }

  // ---- talking to the API --------------------------------------------------------------------
  var busy = false;
  var exiting = false;

  function setStatus(text, typing) {
    status.textContent = text;
    status.classList.toggle("typing", !!typing);
  }

  function problem(res, data) {
    var server = data && data.error && typeof data.error.message === "string" ? data.error.message + " " : "";
    if (res && res.status === 429) return "You're sending messages very fast. Please wait a minute and try again. If you are in danger now, call 999.";
    return "Sorry, that didn't work. " + server + "Please try again. If you are in danger now, call 999.";
  }

  // A button sends its payload in a field of its own; typed text is only ever `message`.
  function send(message, shown, payload) {
    if (exiting) return;
    if (busy) {
      setStatus("Please wait for the reply to your last message.");
      return;
    }
    if (Date.now() - state.t > EXPIRY_MS) state.sessionId = null; // the server has forgotten it
    busy = true;
    append({ who: "you", text: shown || message });
    setStatus("Writing a reply", true);
    var body = payload ? { payload: payload } : { message: message };
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = null;
    var response = null;
    loadFromApi()
      .then(function (api) {
        if (exiting) throw new Error("exiting"); // the page is going: send nothing
        // A button that says who is asking (a payload the API lists) sets the audience of later turns.
        api.audiences.forEach(function (a) { if (a && payload && a.payload === payload) state.audience = a.id; });
        var audience = knownAudience(api.audiences);
        if (audience) body.audience = audience;
        if (state.sessionId) body.session_id = state.sessionId;
        timer = controller && setTimeout(function () { controller.abort(); }, 30000);
        return fetch(API + "/api/v1/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          credentials: "omit",
          cache: "no-store",
          referrerPolicy: "no-referrer",
          signal: controller ? controller.signal : undefined
        });
      })
      .then(function (res) {
        response = res;
        return res.json().catch(function () { return null; });
      })
      .then(function (data) {
        if (exiting) return;
        if (!response.ok || !data || !Array.isArray(data.messages)) {
          append({ who: "note", text: problem(response, data) });
          return;
        }
        if (SESSION_ID.test(data.session_id || "")) state.sessionId = data.session_id;
        append({ who: "bot", reply: pickReply(data) });
      })
      .catch(function () {
        if (!exiting) append({ who: "note", text: problem(null, null) });
      })
      .then(function () {
        clearTimeout(timer);
        busy = false;
        setStatus("");
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) {
      setStatus("Type a message first, or pick a topic.");
      return;
    }
    if (busy) {
      setStatus("Please wait for the reply to your last message.");
      return;
    }
    input.value = "";
    send(text);
    input.focus();
  });

  // ---- open / close ----------------------------------------------------------------------
  function openPanel(focusTarget) {
    panel.hidden = false;
    bar.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    if (focusTarget) focusTarget.focus();
  }

  function closePanel() {
    panel.hidden = true;
    bar.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  // Opened from the keyboard, focus goes to the message box; opened with a tap or click, to the
  // panel's heading, so a phone does not cover half the screen with its keyboard straight away.
  launcher.addEventListener("click", function (e) { openPanel(e.detail === 0 ? input : title); });
  closeBtn.addEventListener("click", closePanel);
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !panel.hidden) {
      e.stopPropagation();
      closePanel();
    }
  });

  // ---- quick exit --------------------------------------------------------------------------
  function quickExit(e) {
    if (e) e.preventDefault();
    if (exiting) return;
    exiting = true;
    overlay.hidden = false; // covers the page at once
    document.documentElement.style.setProperty("visibility", "hidden"); // the overlay stays visible
    var id = state.sessionId;
    forgetStored();
    state = fresh();
    while (log.firstChild) log.removeChild(log.firstChild);
    input.value = "";
    if (id) {
      try {
        fetch(API + "/api/v1/sessions/" + encodeURIComponent(id), {
          method: "DELETE", keepalive: true, credentials: "omit", referrerPolicy: "no-referrer"
        }).catch(function () {});
      } catch (err) { /* the server forgets it after 30 minutes anyway */ }
    }
    location.replace(config.exitUrl);
  }

  barExit.addEventListener("click", quickExit);
  headExit.addEventListener("click", quickExit);

  // Shift pressed three times within 5 seconds (as GOV.UK's "Exit this page"). A Shift used
  // to type a capital letter does not count, and any other key starts the count again.
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

  // Coming back with the Back button (page restored from the back/forward cache).
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted || !exiting) return;
    exiting = false;
    overlay.hidden = true;
    document.documentElement.style.removeProperty("visibility");
    renderFresh([]);
    panel.hidden = true;
    bar.hidden = false;
  });

  // Nothing is kept after 30 minutes with no new messages, even in an open tab.
  setInterval(function () {
    if (state.entries.length && Date.now() - state.t > EXPIRY_MS) {
      forgetStored();
      state = fresh();
      renderFresh([]);
      log.appendChild(el("p", "msg note", "This chat was deleted after 30 minutes with no new messages."));
    }
  }, 60000);

  // ---- start -------------------------------------------------------------------------------
  load();
  renderFresh(state.entries);
  if (state.entries.length) log.scrollTop = log.scrollHeight;
  if (state.open) openPanel(null); // restored after moving to another page; focus stays put

  function mount() {
    document.body.insertBefore(host, document.body.firstChild);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
