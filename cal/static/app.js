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
   key, however often it arrives). When sending fails for want of a network, the
   form as sent is kept in this browser's storage, the volunteer sees it waiting, and
   it is sent again when the connection returns, when a page opens, and every half
   minute; a second copy that arrives is found by its key and stored once. */
(function () {
  "use strict";
  var STORE = "cal-waiting-entries";
  var sending = false;

  function waiting() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }
  function keep(items) {
    window.localStorage.setItem(STORE, JSON.stringify(items));
    show();
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function say(name, count) {
    var box = document.getElementById("queue-status");
    if (box === null) { return; }
    var text = box.getAttribute("data-" + name) || "";
    box.textContent = text.replace("{num}", String(count));
    box.hidden = text === "";
  }
  function show() {
    var count = waiting().length;
    if (count) { say("waiting", count); } else {
      var box = document.getElementById("queue-status");
      if (box !== null && box.getAttribute("data-shown") !== "done") { box.hidden = true; }
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

  function sendNext() {
    var items = waiting();
    if (sending || items.length === 0) { return; }
    sending = true;
    var item = items[0];
    function forget() {
      keep(waiting().filter(function (other) { return other.id !== item.id; }));
    }
    window.fetch(item.path, {
      method: "POST", body: item.body, credentials: "same-origin",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                "X-CSRFToken": token()}
    }).then(function (response) {
      sending = false;
      if (response.redirected && response.url.indexOf("/login") !== -1) {
        say("signin", waiting().length);  // kept until the volunteer signs in again
        return;
      }
      if (response.ok) {
        forget();
        if (waiting().length) { sendNext(); return; }
        say("sent", 1);
        var box = document.getElementById("queue-status");
        if (box !== null) { box.setAttribute("data-shown", "done"); }
        if (document.querySelector("[data-refresh-when-sent]") !== null) {
          window.location.reload();
        }
      } else if (response.status === 422) {
        forget();  // refused by the rules (say, more than 30 days back): log it again
        say("refused", 1);
      }
      // any other answer: kept, and tried again later
    }).catch(function () { sending = false; });  // still no network: kept
  }

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest("form[data-queue]");
    if (form === null) { return; }
    var items = waiting();
    items.push({id: newKey(), path: form.getAttribute("hx-post"), at: Date.now(),
                body: new URLSearchParams(new FormData(form)).toString()});
    keep(items);
    freshKeys(form.parentNode);  // the next entry is a new one
    // The form gives way to a note, so a second tap cannot log the same hours twice.
    var note = document.createElement("div");
    var text = document.createElement("p");
    text.className = "queue-status";
    text.setAttribute("role", "status");
    text.textContent = form.getAttribute("data-queued");
    var again = document.createElement("button");
    again.type = "button";
    again.className = "outline";
    again.textContent = form.getAttribute("data-again");
    again.addEventListener("click", function () { note.remove(); form.hidden = false; });
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
