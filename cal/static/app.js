/* Parts of a form shown only when a choice they depend on is made:
   <div data-show-if="help_kinds:tutoring"> is shown while the checkbox named
   help_kinds with the value tutoring is checked, or while the select named
   help_kinds has that value. Without JavaScript everything stays visible, and the
   server ignores what does not apply. */
(function () {
  "use strict";
  function chosen(scope, name, value) {
    var select = scope.querySelector('select[name="' + name + '"]');
    if (select !== null) { return select.value === value; }
    var box = scope.querySelector('input[name="' + name + '"][value="' + value + '"]');
    return box !== null && box.checked;
  }
  function update() {
    document.querySelectorAll("[data-show-if]").forEach(function (part) {
      var spec = part.getAttribute("data-show-if").split(":");
      var scope = part.closest("form") || document;
      part.hidden = !spec[1].split(",").some(function (value) {
        return chosen(scope, spec[0], value);
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox], input[type=radio], select")) { update(); }
  });
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("htmx:load", update);
})();

/* Entries that must not be lost on a bad network. A form marked data-queue gets a
   new key made on the phone each time it is shown (the server stores one entry per
   key, however often it arrives), and sends one request at a time (hx-sync). When
   sending fails for want of a network, the form as sent is kept in this browser's
   storage with the signed-in user's id, the form gives way to a note (so a second tap
   cannot log the same hours again), and the entry is sent again when the connection
   returns, when a page opens, and every half minute, with the page's current CSRF
   token, and only while the same user is signed in. A copy that arrives twice is
   found by its key and stored once. */
(function () {
  "use strict";
  var STORE = "cal-waiting-entries";
  var TIMEOUT_MS = 20000;
  var sending = false;

  function box() { return document.getElementById("queue-status"); }
  function user() {
    var status = box();
    return status === null ? null : status.getAttribute("data-user");
  }
  function everything() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }
  function mine() {
    var me = user();
    return everything().filter(function (item) { return me !== null && item.user === me; });
  }
  function keep(items) {
    window.localStorage.setItem(STORE, JSON.stringify(items));
    show();
  }
  function forget(item) {
    keep(everything().filter(function (other) { return other.id !== item.id; }));
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function say(name, count, what) {
    var status = box();
    if (status === null) { return; }
    var text = status.getAttribute("data-" + name) || "";
    status.textContent = text.replace("{num}", String(count)).replace("{what}", what || "");
    status.hidden = text === "";
    status.setAttribute("data-said", name);
  }
  function show() {
    var count = mine().length;
    var status = box();
    if (count) { say("waiting", count); } else if (status !== null &&
        status.getAttribute("data-said") === "waiting") {
      status.hidden = true;
    }
  }
  function freshKeys(root) {
    root.querySelectorAll("form[data-queue] input[name=key]").forEach(function (field) {
      field.value = newKey();
    });
  }
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta === null ? "" : meta.getAttribute("content");
  }
  function summary(form) {
    var day = form.querySelector("input[name=worked_on]");
    var chip = form.querySelector("input[name=minutes]:checked");
    var label = chip === null ? null : chip.parentNode.querySelector("span");
    return [day === null ? "" : day.value, label === null ? "" : label.textContent]
      .filter(Boolean).join(", ");
  }

  function sendNext() {
    var items = mine();
    if (sending || items.length === 0) { return; }
    sending = true;
    var item = items[0];
    var body = new URLSearchParams(item.body);
    body.set("csrf_token", token());  // the session may have changed since it was kept
    var stop = new AbortController();
    var timer = window.setTimeout(function () { stop.abort(); }, TIMEOUT_MS);
    window.fetch(item.path, {
      method: "POST", body: body, credentials: "same-origin", signal: stop.signal,
      headers: {"HX-Request": "true", "X-CSRFToken": token()}
    }).then(function (response) {
      window.clearTimeout(timer);
      sending = false;
      var signedOut = response.redirected && response.url.indexOf("/login") !== -1;
      if (signedOut || [400, 401, 403].indexOf(response.status) !== -1) {
        say("signin", mine().length);  // kept until the volunteer signs in again
      } else if (response.ok) {
        forget(item);
        if (mine().length) { sendNext(); return; }
        say("sent", 1);
        if (document.querySelector("[data-refresh-when-sent]") !== null) {
          window.location.reload();
        }
      } else if (response.status === 422) {
        forget(item);  // refused by the rules (say, more than 30 days back): log it again
        // with the reason the form gives beside its field (say, "already logged")
        response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var reason = page.querySelector(".field-error");
          say("refused", 1, item.summary + (reason === null ? "" : " (" +
              reason.textContent.trim() + ")"));
        }).catch(function () { say("refused", 1, item.summary); });
      }
      // any other answer (the server is down): kept, and tried again later
    }).catch(function () {  // still no network, or no answer in time: kept
      window.clearTimeout(timer);
      sending = false;
    });
  }

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form[data-queue]");
    if (form === null || user() === null) { return; }
    var items = everything();
    items.push({id: newKey(), user: user(), path: form.getAttribute("hx-post"),
                at: Date.now(), summary: summary(form),
                body: new URLSearchParams(new FormData(form)).toString()});
    keep(items);
    var note = document.createElement("div");
    var text = document.createElement("p");
    text.className = "queue-status";
    text.setAttribute("role", "status");
    text.textContent = form.getAttribute("data-queued");
    var again = document.createElement("button");
    again.type = "button";
    again.className = "outline";
    again.textContent = form.getAttribute("data-again");
    again.addEventListener("click", function () {
      note.remove();
      form.reset();  // a new entry: the form as first shown, with a new key
      freshKeys(form.parentNode);
      form.hidden = false;
    });
    note.append(text, again);
    form.hidden = true;
    form.parentNode.insertBefore(note, form);
  });
  document.addEventListener("htmx:load", function (event) {
    freshKeys(event.detail.elt.parentNode || document);
    show();
  });
  document.addEventListener("DOMContentLoaded", function () {
    freshKeys(document);
    show();
    sendNext();
  });
  window.addEventListener("online", sendNext);
  window.setInterval(function () { if (window.navigator.onLine) { sendNext(); } }, 30000);
})();

/* The kiosk's keypad: digits typed into the card field with large buttons (a QR or
   barcode reader types into the same field), and the greeting that gives way to the
   keypad again after a few seconds. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var key = event.target.closest("form[data-keypad] [data-key]");
    if (key === null) { return; }
    var field = key.closest("form").querySelector("input[name=card]");
    var value = key.getAttribute("data-key");
    field.value = value === "back" ? field.value.slice(0, -1) : (field.value + value).slice(0, 12);
    field.focus();
  });
  function resetLater(root) {
    root.querySelectorAll("[data-reset-after]").forEach(function (box) {
      var seconds = parseInt(box.getAttribute("data-reset-after"), 10) || 8;
      window.setTimeout(function () {
        window.location.assign(box.getAttribute("data-reset-to"));
      }, seconds * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { resetLater(document); });
  document.addEventListener("htmx:load", function (event) { resetLater(event.detail.elt); });
})();

/* Attendance taps on a bad network. Inside an element marked data-unsaved (the
   session's attendance list), a tap whose request gets no answer (no network, no
   answer in time) or a server error (5xx) swaps nothing in: the button stays as it
   was, with the same mark to send, and a note beside it (role="alert", the text of
   data-unsaved) says it was not saved, so one more tap sends it again. A tap refused
   by the rules (409) is answered with its own button and swapped as usual. */
(function () {
  "use strict";
  function scope(elt) {
    return elt && elt.closest ? elt.closest("[data-unsaved]") : null;
  }
  function noteId(elt) { return (elt.id || "tap") + "-unsaved"; }
  function clear(elt) {
    var note = document.getElementById(noteId(elt));
    if (note !== null) { note.remove(); }
    elt.classList.remove("unsaved");
    if (elt.getAttribute("aria-describedby") === noteId(elt)) {
      elt.removeAttribute("aria-describedby");
    }
  }
  function requester(event) {  // htmx names the target as elt of the swap's events
    var config = event.detail.requestConfig;
    return config && config.elt ? config.elt : event.detail.elt;
  }
  function notSaved(event) {
    var elt = requester(event);
    var where = scope(elt);
    if (where === null || !elt.isConnected) { return; }
    clear(elt);
    var note = document.createElement("p");
    note.id = noteId(elt);
    note.className = "flash flash-error unsaved-note";
    note.setAttribute("role", "alert");
    note.textContent = where.getAttribute("data-unsaved");
    elt.classList.add("unsaved");
    elt.setAttribute("aria-describedby", note.id);
    elt.after(note);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (scope(requester(event)) !== null) { clear(requester(event)); }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (scope(requester(event)) === null || event.detail.xhr.status < 500) { return; }
    event.detail.shouldSwap = false;  // not the error page in place of the button
    notSaved(event);
  });
  document.addEventListener("htmx:sendError", notSaved);
  document.addEventListener("htmx:timeout", notSaved);
})();

/* Focus after htmx swaps a part of the page: when what had the focus is gone (a button
   that the answer replaced or took away, as "everyone else present" once all are
   marked), it goes to the element of the same id in what came in, else to the swapped
   part itself, without scrolling: never back to the top of the page. A refusal (422)
   is left to the handler below, which moves it to what must be corrected. */
(function () {
  "use strict";
  var had = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    had = active !== null && active !== document.body ? active.id || "" : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = had;
    had = null;
    var xhr = event.detail.xhr;
    var active = document.activeElement;
    if (id === null || (xhr && xhr.status === 422)) { return; }
    if (active !== null && active !== document.body && active.isConnected) { return; }
    var next = id ? document.getElementById(id) : null;
    if (next === null) {
      next = event.detail.target;
      if (next === null || !next.isConnected) { return; }
      if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) {
        next.setAttribute("tabindex", "-1");
      }
    }
    next.focus({ preventScroll: true });
  });
})();

/* A form sent back refused (422): the first field marked wrong, or the form's summary,
   takes the focus, so that a phone's screen shows what to correct (a long form's field
   may be far below the top of the page htmx has just swapped in). */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 422) { return; }
    var first = document.querySelector("[aria-invalid='true'], .form-summary, .field-error");
    if (first === null) { return; }
    if (!first.matches("input, select, textarea, button")) { first.setAttribute("tabindex", "-1"); }
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: "center" });
  });
})();

/* The phone without a signal (cal/core/offline.py): a volunteer's page starts the
   service worker, which keeps the app and the volunteer's own pages last seen; any
   other page (signed out, another role) tells a worker already there to forget the
   pages it kept. */
(function () {
  "use strict";
  if (!("serviceWorker" in window.navigator)) { return; }
  document.addEventListener("DOMContentLoaded", function () {
    var worker = document.querySelector('meta[name="service-worker"]');
    var workers = window.navigator.serviceWorker;
    if (worker !== null) {
      workers.register(worker.getAttribute("content"), {scope: "/"})
        .catch(function () { /* no worker: the app works as before, online */ });
    } else if (workers.controller !== null) {
      workers.controller.postMessage("forget-pages");
    }
  });
})();

/* A table wider than its box scrolls in it (.table-wrap): that box then takes keyboard
   focus, so it can be scrolled without a mouse, and is named by the table's caption. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (caption !== null) { wrap.setAttribute("aria-label", caption.textContent.trim()); }
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:load", mark);
  window.addEventListener("resize", mark);
})();

/* A file chosen for a field with data-max-bytes that is larger than that is said to be
   too large beside the field (its element id + "-size") and taken out of the form, before
   megabytes travel only to be refused. The server checks the size again. */
(function () {
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("input[type=file][data-max-bytes]")) { return; }
    var said = document.getElementById(field.id + "-size");
    var limit = Number(field.getAttribute("data-max-bytes"));
    var large = field.files.length > 0 && field.files[0].size > limit;
    if (said !== null) { said.hidden = !large; }
    if (large) { field.value = ""; }
  });
})();
