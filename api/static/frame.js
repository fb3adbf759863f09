/*! Online safety signposting widget 1.3.0: the chat, in a frame on the assistant's own origin.
 * The school's page has one tag, <script src="https://example.com/widget/1.3.0/widget.js">
 * (example.com stands for the assistant's own host). That script (widget.js, the launcher) draws
 * the "Exit this page" and launcher buttons on the school's page and loads this page,
 * /widget/1.3.0/frame, in an <iframe>. Everything the person types or reads, and the session id,
 * live here: in this frame's DOM and in this origin's sessionStorage (never localStorage). The
 * school's page is another origin, so none of its scripts (analytics, plug-ins) can read them.
 * The launcher passes the tag's data- attributes in the frame URL's fragment (never sent to
 * the server): school name and contact, audience, accent, and its own origin.
 * The frame and the launcher speak in fixed messages that carry no text (tell and heard below),
 * each checked for its window and origin on receipt. The chat itself talks to /api/v1/chat on
 * this same origin, so it needs no CORS; which school sites may show it is the frame's
 * Content-Security-Policy frame-ancestors (SIGNPOST_CORS_ORIGINS).
 * Plain JavaScript, no framework, no third-party requests, works under a strict
 * Content-Security-Policy (script-src 'self'; style-src 'self'; frame.css). Every string from
 * the server or the user is set with textContent / createTextNode: nothing is parsed as HTML.
 */
(function () {
  "use strict";

  var VERSION = "1.3.0";

  // ---- configuration (from the frame URL's fragment, set by widget.js) --------------------
  var params = new URLSearchParams(location.hash.replace(/^#/, ""));
  function param(name) { return params.get(name) || ""; }
  var API = location.origin; // the frame is served by the assistant: the API is same-origin
  var DEFAULT_EXIT = "https://www.bbc.com/weather";
  var STORE_KEY = "signpost-chat:v1";
  var EXPIRY_MS = 30 * 60 * 1000; // the server forgets a conversation after 30 idle minutes
  var MAX_ENTRIES = 80;
  var SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;
  // The server gives a slow turn its degraded reply after 10 s (SIGNPOST_TURN_TIMEOUT_SECONDS);
  // past this, the widget stops waiting and gives its own failure reply with the numbers.
  var TURN_TIMEOUT_MS = 20000;
  // The setting a school's origin must be added to (api/settings.py: cors_origins).
  var ORIGINS_SETTING = "SIGNPOST_CORS_ORIGINS";
  // The numbers the widget gives when the service cannot answer (down, slow, refused, rate
  // limited): then nothing can be asked of the API, so they are written here. Each must match
  // bot/services.yml (emergency_999, childline, samaritans): tests/browser/test_widget_phone.py.
  var EMERGENCY = { id: "emergency_999", name: "999", phone: "999" };
  var HELPLINES = [
    { id: "childline", name: "Childline", phone: "0800 1111", who: "under 19" },
    { id: "samaritans", name: "Samaritans", phone: "116 123", who: "any age" }
  ];

  // The topic buttons offered before anything is sent, and the audiences (who may be asking),
  // come from the API (GET /api/v1/topics, from bot/topics.yml), fetched once per page; none are
  // written here.
  var fromApi = null;

  function clean(value, max) {
    return typeof value === "string" ? value.replace(/\s+/g, " ").trim().slice(0, max || 300) : "";
  }

  function originOf(value) {
    try {
      var u = new URL(value);
      return (u.protocol === "https:" || u.protocol === "http:") ? u.origin : null;
    } catch (e) {
      return null;
    }
  }

  // The school page's origin, where messages to the launcher go (and the only origin whose
  // messages are read). The browser's own record of the parent wins over the fragment.
  var framed = window.parent !== window;
  var HOST = (framed && location.ancestorOrigins && location.ancestorOrigins.length ?
    location.ancestorOrigins[0] : originOf(param("host"))) || null;

  var config = {
    audience: clean(param("audience"), 40) || null, // checked against the API's audiences before it is sent
    accent: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(param("accent")) ? param("accent") : "#1d4f91",
    schoolName: clean(param("school-name"), 120),
    contact: clean(param("school-contact"), 200),
    contactHow: clean(param("school-contact-how"), 400),
    contactPhone: clean(param("school-contact-phone"), 40),
    contactUrl: clean(param("school-contact-url"), 500)
  };

  // ---- messages to and from the launcher (widget.js): fixed signals, never any text ---------
  // To the launcher: ready {open}, state {open}, close, exit, exited. From it: open {focus}, exit.
  function tell(type, extra) {
    if (!framed || !HOST || HOST === "null") return;
    var message = { signpost: VERSION, type: type };
    if (extra && typeof extra.open === "boolean") message.open = extra.open;
    try {
      window.parent.postMessage(message, HOST);
    } catch (e) { /* the launcher is gone */ }
  }

  function heard(e) {
    if (!framed || e.source !== window.parent || e.origin !== HOST) return null;
    var d = e.data;
    return d && typeof d === "object" && typeof d.type === "string" ? d : null;
  }

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
  var docEl = document.documentElement;
  docEl.style.setProperty("--accent", config.accent); // CSSOM, allowed under a strict CSP
  docEl.style.setProperty("--on-accent", onAccent(config.accent));

  var root = attrs(el("div", "root"), { "data-signpost-chat": VERSION });

  // A non-modal dialog with the quick exit first in its header; the launcher on the school's
  // page shows and hides the frame around it.
  var panel = attrs(el("section", "panel"), {
    id: "sp-panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "sp-title", "aria-describedby": "sp-privacy"
  });
  var head = el("div", "head");
  var headExit = button("exit", "Exit this page");
  var title = attrs(el("h2", null, "Online safety help"), { id: "sp-title", tabindex: "-1" });
  var closeBtn = attrs(button("close", "Close"), { "aria-label": "Close chat" });
  head.appendChild(headExit);
  head.appendChild(closeBtn);
  head.appendChild(title);

  // The transcript is a scrollable region, not itself live: with role="log" a screen reader
  // read a whole reply (text, cards, buttons) at once. Each new message's text is put once
  // into `announcer` instead, so it is said once, and re-drawing the transcript (another page,
  // reopening) says nothing again.
  var log = attrs(el("div", "log"), { role: "region", "aria-label": "Conversation", tabindex: "0" });
  var announcer = attrs(el("div", "vh"), { "aria-live": "polite" });
  var tools = el("div", "tools");
  var status = attrs(el("p", "status"), { role: "status" });
  // "End chat" forgets (here and on the server); "Close" only hides the panel.
  var endBtn = button("end", "End chat");
  endBtn.hidden = true;
  tools.appendChild(status);
  tools.appendChild(endBtn);
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
  panel.appendChild(announcer);
  panel.appendChild(tools);
  panel.appendChild(form);

  var exitStatus = attrs(el("div", "vh"), { role: "status" }); // triple-Shift countdown
  var overlay = attrs(el("div", "overlay", "Loading."), { role: "alert" });
  overlay.hidden = true;

  root.appendChild(panel);
  root.appendChild(exitStatus);
  root.appendChild(overlay);
  function mount() { document.body.appendChild(root); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  // ---- rendering -------------------------------------------------------------------------
  // A touch screen (a phone): no keyboard-only hints, and after sending the keyboard goes down
  // and focus moves to the new reply, so the reply has the whole screen.
  function touch() {
    return !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }

  // The first screen: a greeting, the topics, one line on privacy and 999; the rest on request.
  function introNode() {
    var box = el("div", "intro");
    box.appendChild(el("p", "msg bot", "Hi. What's worrying you online? Pick a topic, or type below."));
    var privacy = attrs(el("p", "about"), { id: "sp-privacy" });
    privacy.appendChild(document.createTextNode("You don't need to give your name. In danger now? Call "));
    privacy.appendChild(link("tel:999", "999"));
    privacy.appendChild(document.createTextNode(". "));
    var more = attrs(button("more", "More about this chat"), { "aria-expanded": "false", "aria-controls": "sp-about" });
    privacy.appendChild(more);
    box.appendChild(privacy);
    var about = aboutNode();
    about.hidden = true;
    box.appendChild(about);
    var topics = box.appendChild(choices([], "Topics"));
    more.addEventListener("click", function () {
      about.hidden = !about.hidden;
      more.setAttribute("aria-expanded", String(!about.hidden));
    });
    loadFromApi().then(function (api) {
      if (api.refused) box.replaceChild(failNode({ who: "fail", origin: true }), topics);
      else if (topics.parentNode) box.replaceChild(choices(api.buttons, "Topics"), topics);
      retire();
    });
    return box;
  }

  function aboutNode() {
    var box = el("div", "msg bot");
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
      "\"Exit this page\"" + (touch() ? "" : " (or pressing Shift 3 times)") + " hides this page and deletes this chat. " +
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
        if (e.detail === 0 && !touch()) input.focus(); // from the keyboard: carry on typing
      });
      group.appendChild(c);
    });
    return group;
  }

  // Buttons of earlier turns leave the Tab order (they still work when tapped or clicked): after
  // one reply, Tab reaches the newest reply's buttons, not 38 stops of old ones.
  function retire() {
    var replies = log.querySelectorAll(".reply");
    var current = replies.length ? replies[replies.length - 1] : log.querySelector(".intro");
    Array.prototype.forEach.call(log.querySelectorAll(".choice"), function (c) {
      if (current && current.contains(c)) c.removeAttribute("tabindex");
      else c.setAttribute("tabindex", "-1");
    });
  }

  // {buttons, audiences, refused}; both lists empty when the API cannot be reached within 10
  // seconds (then asked again next time: a message is sent without an audience meanwhile).
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
        .catch(function (err) {
          fromApi = null;
          return refusedOrigin(err).then(function (refused) { return { buttons: [], audiences: [], refused: refused }; });
        })
        .then(function (api) { clearTimeout(timer); return api; });
    }
    return fromApi;
  }

  // A browser hides why a cross-origin call failed. If the API's origin answers a no-cors
  // request (its response is opaque, but it came), the server is up and this page's origin is
  // what it refused: the school is not on the allowed origins yet. Said once in the console.
  var refusedSaid = false;

  function refusedOrigin(err) {
    if (API === location.origin || !(err instanceof TypeError)) return Promise.resolve(false); // always, in the frame
    return fetch(API + "/healthz", { mode: "no-cors", credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store" })
      .then(function () { sayRefused(); return true; }, function () { return false; });
  }

  function sayRefused() {
    if (refusedSaid) return;
    refusedSaid = true;
    if (window.console) console.error("Online safety widget: this website (" + (HOST || "unknown") + ") is not allowed to use the assistant at " +
      API + ". Its operator must add " + (HOST || "its origin") + " to the " + ORIGINS_SETTING + " setting (comma-separated origins) and restart it.");
  }

  // The audience to send: the one chosen (or stored), else data-audience, if the API lists it.
  function knownAudience(audiences) {
    function known(id) { return audiences.some(function (a) { return a && a.id === id; }) ? id : null; }
    return known(state.audience) || known(config.audience);
  }

  // How to reach the school's contact, in the words for who is asking: data-school-contact-how
  // is for the default audience (pupils); data-school-contact-how-<audience id> (e.g. -parent)
  // for another. An adult is never told a pupil's way ("at break or lunch"): no override, no text.
  function contactHow(audience) {
    if (!audience || audience.isDefault) return config.contactHow;
    if (typeof audience.id !== "string" || !audience.id) return "";
    return clean(param("school-contact-how-" + audience.id), 400);
  }

  function schoolCard(audience) {
    var card = el("div", "card school");
    var pupil = !audience || audience.isDefault;
    card.appendChild(el("h3", null, pupil ? "Talk to someone at your school" : "Contact the school"));
    var who = "You can talk to " + config.contact + (config.schoolName ? " at " + config.schoolName : "") + ".";
    card.appendChild(el("p", null, who));
    var how = contactHow(audience);
    if (how) card.appendChild(el("p", null, how));
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

  // The numbers a reply's services (and 999) have: where a message names one, it is a tel: link.
  function numbersOf(services) {
    var numbers = { "999": "999" };
    services.forEach(function (s) {
      var tel = dialable(s.phone);
      if (tel) numbers[String(s.phone).trim()] = tel;
    });
    return numbers;
  }

  // Text with its line breaks; numbers in `numbers` become tel: links. Text nodes and <a> only.
  function addText(node, text, numbers) {
    String(text).split(/(\d[\d ]*\d)/).forEach(function (part, i) {
      var tel = i % 2 === 1 && numbers ? numbers[part.trim()] : null;
      if (tel) node.appendChild(link("tel:" + tel, part));
      else if (part) node.appendChild(document.createTextNode(part));
    });
  }

  // Lines starting with "•" become a real list (ul/li): a screen reader says "list, 4 items"
  // and reads each step on its own. Other lines stay paragraphs.
  function richText(box, text, numbers) {
    var lines = [];
    var list = null;
    function flush() {
      if (lines.length) addText(box.appendChild(el("p")), lines.join("\n"), numbers);
      lines = [];
    }
    String(text).split("\n").forEach(function (line) {
      var bullet = /^\s*•\s*(.*)$/.exec(line);
      if (!bullet) {
        list = null;
        lines.push(line);
        return;
      }
      flush();
      if (!list) list = box.appendChild(el("ul"));
      addText(list.appendChild(el("li")), bullet[1], numbers);
    });
    flush();
  }

  function callLink(kind, phone, label, small) {
    var a = link("tel:" + dialable(phone), label);
    a.className = "call " + kind;
    if (small) a.appendChild(el("small", null, " " + small)); // the space keeps the name readable
    return a;
  }

  // The helplines to offer: those of the reply (the server chose them for the age it knows),
  // else the fallback list. The widget knows the age only through the server, so with no reply
  // to go by it offers both Childline (under 19) and Samaritans (any age).
  function helplinesOf(services) {
    var known = HELPLINES.map(function (h) { return h.id; });
    var named = services.filter(function (s) { return known.indexOf(s.id) >= 0 && dialable(s.phone); });
    if (!named.length) {
      named = services.filter(function (s) { return dialable(s.phone) && s.phone !== EMERGENCY.phone; }).slice(0, 1);
    }
    if (!named.length) return HELPLINES;
    return named.slice(0, 2).map(function (s) {
      var h = HELPLINES.filter(function (x) { return x.id === s.id; })[0];
      return { name: clean(s.name, 60), phone: clean(s.phone, 40), who: h ? h.who : "" };
    });
  }

  // An urgent reply opens with 999 and the right helpline as big buttons, before anything else,
  // so they are on the first screen of a phone even with its keyboard up.
  function callsNode(helplines) {
    var box = attrs(el("div", "calls"), { role: "group", "aria-label": "Call for help now" });
    box.appendChild(callLink("now", EMERGENCY.phone, "Call 999", null));
    helplines.forEach(function (h) {
      box.appendChild(callLink("line", h.phone, "Call " + h.name, h.phone + (h.who ? " (" + h.who + ")" : "")));
    });
    return box;
  }

  // The widget's own reply when the service could not answer: the server's text when it sent
  // one (the rate limit's names the lines), else the widget's; always 999 and the helplines as
  // tel: links. A refused origin says so plainly (the console says what the school must set).
  function failNode(entry) {
    var box = el("div", "msg note fail");
    var numbers = numbersOf([EMERGENCY].concat(HELPLINES));
    var text = entry.origin ? "This chat is not set up for this website yet, so it cannot answer here." :
      entry.text || "Sorry, that didn't work. Please try again in a minute.";
    richText(box, text, numbers);
    box.appendChild(el("p", "strong", "If you need help now:"));
    var links = el("div", "links");
    links.appendChild(link("tel:999", "Call 999", " (emergency)"));
    HELPLINES.forEach(function (h) {
      var a = links.appendChild(link("tel:" + dialable(h.phone), h.name + " " + h.phone));
      a.appendChild(el("small", null, " (" + h.who + ")"));
    });
    box.appendChild(links);
    return box;
  }

  // Each message's buttons sit right under it; the cards follow the first message that has
  // buttons ("People who can help:"), between its text and its buttons, or come last.
  function replyNode(r) {
    var group = el("div", "reply");
    if (r.urgent) group.appendChild(callsNode(helplinesOf(r.services)));
    var numbers = numbersOf(r.services);
    var cardsAt = r.messages.length - 1;
    for (var k = 0; k < r.messages.length; k++) {
      if (r.messages[k].buttons.length) { cardsAt = k; break; }
    }
    r.messages.forEach(function (m, i) {
      var urgent = r.urgent && i === 0;
      var box = el("div", "msg bot" + (urgent ? " urgent" : ""));
      if (i === 0) box.appendChild(hidden(urgent ? "Assistant, urgent: " : "Assistant: "));
      richText(box, m.text, numbers);
      group.appendChild(box);
      if (i === cardsAt) cards(group, r);
      if (m.buttons.length) group.appendChild(choices(m.buttons));
    });
    if (!r.messages.length) cards(group, r);
    return group;
  }

  // The school's own contact (when the reply says so: see schoolDue), before the national
  // services, or right after the emergency (999) card of an urgent reply.
  function cards(group, r) {
    var school = config.contact && r.school;
    var schoolAt = r.urgent && r.services.length && r.services[0].phone === EMERGENCY.phone ? 1 : 0;
    r.services.forEach(function (s, i) {
      if (school && i === schoolAt) group.appendChild(schoolCard(r.audience));
      group.appendChild(serviceCard(s));
    });
    if (school && r.services.length <= schoolAt) group.appendChild(schoolCard(r.audience));
  }

  function entryNode(entry) {
    if (entry.who === "you") {
      var p = el("p", "msg you");
      p.appendChild(hidden("You said: "));
      p.appendChild(document.createTextNode(entry.text));
      return p;
    }
    if (entry.who === "bot") return replyNode(entry.reply);
    if (entry.who === "fail") return failNode(entry);
    return el("p", "msg note", entry.text);
  }

  function renderFresh(entries) {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(introNode());
    entries.forEach(function (e) { log.appendChild(entryNode(e)); });
    endBtn.hidden = !entries.length;
    retire();
  }

  // The start of the newest reply (or failure) at the top of the transcript: a long reply is
  // read from its top; a reopened chat shows its latest message, not the first screen.
  function showLatest() {
    var node = log.lastElementChild;
    if (node) log.scrollTop = Math.max(0, node.offsetTop - 8); // offsetParent is the log
  }

  function append(entry) {
    state.entries.push(entry);
    state.t = Date.now();
    save();
    var node = entryNode(entry);
    log.appendChild(node);
    endBtn.hidden = false;
    retire();
    showLatest();
    if (entry.who !== "you") arrived(node, entry);
  }

  // A new reply is said once: on a touch screen focus moves to its start (the keyboard goes
  // down, and a screen reader reads from there); elsewhere focus stays put and each message's
  // text is announced once through the live region.
  function arrived(node, entry) {
    if (touch() && state.open) {
      var start = node.querySelector(".msg") || node;
      start.setAttribute("tabindex", "-1");
      start.focus({ preventScroll: true });
      return;
    }
    while (announcer.firstChild) announcer.removeChild(announcer.firstChild);
    var texts = entry.who === "bot" ? entry.reply.messages.map(function (m) { return m.text; }) : [node.textContent];
    if (entry.who === "bot" && entry.reply.services.length) {
      texts.push(entry.reply.services.length + " services to contact are shown below.");
    }
    texts.forEach(function (t) { announcer.appendChild(el("p", null, t.replace(/•/g, ""))); });
  }

  // Only the fields the UI uses are kept, as plain strings; a service card keeps its string
  // fields, whichever the API defines (bot/directory.py), and the renderer picks what it shows.
  // An urgent reply offers no audience buttons ("I'm a parent or carer"): not to a child in crisis.
  function pickReply(data, audiences) {
    function str(v) { return typeof v === "string" ? v : null; }
    function card(s) {
      var kept = {};
      Object.keys(s && typeof s === "object" ? s : {}).forEach(function (k) { if (typeof s[k] === "string") kept[k] = s[k]; });
      return kept;
    }
    var urgent = data.urgent === true;
    var who = (audiences || []).map(function (a) { return a && a.payload; });
    return {
      topic: str(data.topic),
      urgent: urgent,
      messages: (data.messages || []).filter(function (m) { return m && typeof m.text === "string"; }).map(function (m) {
        return {
          text: m.text,
          buttons: (Array.isArray(m.buttons) ? m.buttons : []).map(function (b) { return { title: str(b && b.title), payload: str(b && b.payload) }; })
            .filter(function (b) { return !(urgent && who.indexOf(b.payload) >= 0); })
        };
      }),
      services: (Array.isArray(data.services) ? data.services : []).map(card)
    };
  }

  // The school card is shown once in a conversation (it came back on every turn): on the first
  // topic or urgent reply, and once more on the first urgent reply if it was shown before one.
  function schoolDue(reply) {
    if (!reply.topic && !reply.urgent) return false;
    var shown = state.entries.filter(function (e) { return e.who === "bot" && e.reply.school; });
    if (!shown.length) return true;
    return reply.urgent && !shown.some(function (e) { return e.reply.urgent; });
  }

  // ---- talking to the API --------------------------------------------------------------------
  var busy = false;
  var exiting = false;

  function setStatus(text, typing) {
    status.textContent = text;
    status.classList.toggle("typing", !!typing);
  }

  // The failure entry for an answer that is not a reply. The server's own text is kept when it
  // is meant for the person (429: it names the lines; 5xx: "Something went wrong ...");
  // a 4xx's technical text is wrapped in an apology.
  function problem(res, data) {
    var server = data && data.error && typeof data.error.message === "string" ? clean(data.error.message, 600) : "";
    var code = data && data.error && data.error.code;
    if (res && (res.status === 403 && code === "origin_not_allowed")) {
      sayRefused();
      return { who: "fail", origin: true };
    }
    if (server && res && (res.status === 429 || res.status >= 500)) return { who: "fail", text: server };
    return { who: "fail", text: "Sorry, that didn't work. " + (server ? server + " " : "") + "Please try again in a minute." };
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
    var slow = null;
    var response = null;
    var audiences = [];
    loadFromApi()
      .then(function (api) {
        if (exiting) throw new Error("exiting"); // the page is going: send nothing
        audiences = api.audiences;
        // A button that says who is asking (a payload the API lists) sets the audience of later turns.
        api.audiences.forEach(function (a) { if (a && payload && a.payload === payload) state.audience = a.id; });
        var audience = knownAudience(api.audiences);
        if (audience) body.audience = audience;
        if (state.sessionId) body.session_id = state.sessionId;
        timer = controller && setTimeout(function () { controller.abort(); }, TURN_TIMEOUT_MS);
        // A slow answer: while still waiting, the emergency number is said (the status is announced).
        slow = setTimeout(function () { setStatus("Still waiting for a reply. If you are in danger now, call 999.", true); }, 8000);
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
          append(problem(response, data));
          return;
        }
        if (SESSION_ID.test(data.session_id || "")) state.sessionId = data.session_id;
        var reply = pickReply(data, audiences);
        reply.school = schoolDue(reply);
        var id = knownAudience(audiences);
        reply.audience = id ? { id: id, isDefault: !!audiences[0] && audiences[0].id === id } : null;
        append({ who: "bot", reply: reply });
      })
      .catch(function (err) {
        if (exiting) return Promise.resolve();
        return refusedOrigin(err).then(function (refused) {
          if (!exiting) append(refused ? { who: "fail", origin: true } : problem(null, null));
        });
      })
      .then(function () {
        clearTimeout(timer);
        clearTimeout(slow);
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
    // On a phone the keyboard goes down, so the reply gets the whole screen (focus moves to it
    // when it comes); with a keyboard, typing carries on.
    if (touch()) input.blur();
    else input.focus();
  });

  // ---- open / close (the launcher shows and hides the frame) --------------------------------
  // Opened from the keyboard, focus goes to the message box; opened with a tap or click, to the
  // panel's heading, so a phone does not cover half the screen with its keyboard straight away.
  function opened(focus) {
    state.open = true;
    save();
    if (state.entries.length) showLatest(); // measured now: a hidden frame has no height
    var target = focus === "input" ? input : focus === "title" ? title : null;
    if (target) {
      window.focus();
      target.focus();
    }
  }

  function closePanel() {
    state.open = false;
    save();
    tell("close"); // the launcher hides the frame and gives focus back to its button
  }

  closeBtn.addEventListener("click", closePanel);

  // Asks the server to delete the conversation now (it forgets it after 30 minutes anyway).
  function forgetOnServer(id) {
    if (!id) return;
    try {
      fetch(API + "/api/v1/sessions/" + encodeURIComponent(id), {
        method: "DELETE", keepalive: true, credentials: "omit", referrerPolicy: "no-referrer"
      }).catch(function () {});
    } catch (err) { /* nothing more to do */ }
  }

  // A service's link (a card's call, text or website link, or an urgent reply's call button) was
  // opened: the server is told once per conversation, with nothing but the session id in the path
  // (a school's insights count "a service card was opened", never which one or when).
  var openedFor = null;
  function reportOpened() {
    var id = state.sessionId;
    if (!id || openedFor === id || exiting) return;
    openedFor = id;
    try {
      fetch(API + "/api/v1/sessions/" + encodeURIComponent(id) + "/opened", {
        method: "POST", keepalive: true, credentials: "omit", referrerPolicy: "no-referrer"
      }).catch(function () {});
    } catch (err) { /* nothing more to do */ }
  }
  log.addEventListener("click", function (e) {
    var a = e.target && e.target.closest ? e.target.closest("a") : null;
    if (a && (a.classList.contains("call") || (a.closest(".card") && !a.closest(".card.school")))) reportOpened();
  });

  // "End chat": the conversation is forgotten here and on the server; the chat stays open.
  endBtn.addEventListener("click", function () {
    if (busy) {
      setStatus("Please wait for the reply to your last message.");
      return;
    }
    forgetOnServer(state.sessionId);
    forgetStored();
    state = fresh();
    state.open = true;
    save();
    renderFresh([]);
    log.appendChild(el("p", "msg note", "Chat ended. Nothing from it is kept on this device."));
    setStatus("Chat ended.");
    title.focus();
  });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      e.stopPropagation();
      closePanel();
    }
  });

  // ---- quick exit --------------------------------------------------------------------------
  // The conversation is forgotten here (storage, server, screen), then the launcher is told to
  // leave the school's page (it hides that page at once and replaces it with the exit page).
  function forgetAll() {
    exiting = true;
    overlay.hidden = false; // covers the frame at once
    forgetOnServer(state.sessionId);
    forgetStored();
    state = fresh();
    wipePage();
  }

  function quickExit(e) {
    if (e) e.preventDefault();
    if (exiting) return;
    forgetAll();
    if (framed) tell("exit");
    else location.replace(DEFAULT_EXIT); // the frame opened on its own: leave it
  }

  headExit.addEventListener("click", quickExit);

  // From the launcher: open (the frame is shown), exit (its own "Exit this page" or triple
  // Shift on the school's page: forget, then say so, and the launcher leaves the page).
  window.addEventListener("message", function (e) {
    var m = heard(e);
    if (!m) return;
    if (m.type === "open" && !exiting) opened(m.focus);
    if (m.type === "exit") {
      if (!exiting) forgetAll();
      tell("exited");
    }
  });

  // Shift pressed three times within 5 seconds (as GOV.UK's "Exit this page"). A Shift used
  // to type a capital letter does not count, and any other key starts the count again. This
  // counts the presses made in the chat; the launcher counts those made on the school's page.
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

  // The transcript leaves the page (the DOM, the live region, the message box).
  function wipePage() {
    while (log.firstChild) log.removeChild(log.firstChild);
    while (announcer.firstChild) announcer.removeChild(announcer.firstChild);
    input.value = "";
  }

  // The back/forward cache keeps a page as it was left, this frame with it. A chat on page A,
  // then page B, then "Exit this page" on B, then Back: A came back with the conversation on
  // screen. So a frame that is left keeps no transcript (pagehide), and one shown again from
  // that cache is drawn from sessionStorage, the one record: empty after an exit or "End chat"
  // elsewhere. The launcher is told whether to show it.
  window.addEventListener("pagehide", function () {
    state = fresh(); // in memory only: storage is left as it is for the next page
    wipePage();
  });

  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    exiting = false;
    overlay.hidden = true;
    state = fresh();
    load();
    renderFresh(state.entries);
    tell("state", { open: state.open });
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
  // Restored after moving to another page (the launcher shows the frame; focus stays put).
  tell("ready", { open: state.open });
})();
