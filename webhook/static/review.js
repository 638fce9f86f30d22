// The moderators' pages without a reload to lose the place (issue #10):
// j/k move, a approve, r reject, b reject and ban, x select, u undo, Esc hides
// the confirmation. A decision still posts the form and the server redirects
// back to the next comment's anchor (the page works without JavaScript); here
// that comment is made current, focused, and put back at the height on the
// screen where the decided one was. No inline script or style: CSP allows none.
(function () {
  "use strict";
  var POSITION = "moderation.position";
  var items = Array.prototype.slice.call(document.querySelectorAll("li.item"));
  var current = -1;
  var busy = false;

  function show(index, how) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    if (how && how.focus) { items[current].focus({ preventScroll: true }); }
    if (how && how.scroll) { items[current].scrollIntoView({ block: "nearest" }); }
  }

  function itemOf(node) {
    var item = node && node.closest ? node.closest("li.item") : null;
    return item ? items.indexOf(item) : -1;
  }

  function remember() {
    // Where the current comment sits on the screen, for the page the redirect brings.
    var item = items[current];
    if (!item) { return; }
    try {
      sessionStorage.setItem(POSITION, JSON.stringify({ path: location.pathname, top: item.getBoundingClientRect().top }));
    } catch (e) { /* storage off: the anchor alone still brings the next comment */ }
  }

  function restore() {
    var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var index = itemOf(target);
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(POSITION) || "null");
      sessionStorage.removeItem(POSITION);
    } catch (e) { saved = null; }
    if (index < 0) {
      // The queue starts at its first comment; elsewhere nothing is current until j or k.
      if (document.body.classList.contains("page-queue")) { show(0); }
      return;
    }
    show(index, { focus: true });
    if (saved && saved.path === location.pathname && typeof saved.top === "number") {
      var top = Math.max(0, saved.top);
      window.scrollTo(0, window.scrollY + items[index].getBoundingClientRect().top - top);
    }
  }

  function press(action) {
    var button = items[current] && items[current].querySelector("form.decide button[value='" + action + "']");
    if (button) { button.click(); }
  }

  function undo() {
    var button = document.querySelector("#toast form.undo button");
    if (button) { button.click(); }
  }

  function dismiss() {
    var toast = document.getElementById("toast");
    if (toast) { toast.remove(); }
  }

  function countSelected() {
    var label = document.querySelector("#bulk .bulk-label");
    if (!label) { return; }
    var n = document.querySelectorAll("input[type=checkbox][form=bulk]:checked").length;
    label.textContent = n ? n + " selected:" : "Selected:";
  }

  document.addEventListener("submit", function (event) {
    // One decision per press: a held key repeats, and a second post would decide twice.
    if (busy) { event.preventDefault(); return; }
    busy = true;
    var index = itemOf(event.target);
    if (index >= 0) { current = index; }
    remember();
  });

  document.addEventListener("focusin", function (event) {
    var index = itemOf(event.target);
    if (index >= 0 && index !== current) { show(index); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=checkbox][form=bulk]")) { countSelected(); }
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.target.isContentEditable) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var keys = {
      j: function () { show(current < 0 ? 0 : current + 1, { focus: true, scroll: true }); },
      k: function () { show(current - 1, { focus: true, scroll: true }); },
      a: function () { press("approve"); },
      r: function () { press("reject"); },
      b: function () { press("ban"); },
      x: function () {
        var box = items[current] && items[current].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; countSelected(); }
      },
      u: undo,
      Escape: dismiss
    };
    if (!keys[event.key]) { return; }
    event.preventDefault();
    if (event.repeat && event.key !== "j" && event.key !== "k") { return; }
    keys[event.key]();
  });

  // A page brought back from the history is a new chance to decide.
  window.addEventListener("pageshow", function () { busy = false; });

  var close = document.querySelector("#toast .dismiss");
  if (close) {
    close.hidden = false;
    close.addEventListener("click", dismiss);
  }
  // After the browser's own jump to the anchor, so the saved height wins.
  if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
}());
