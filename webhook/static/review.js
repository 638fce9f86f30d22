// Keyboard decisions on the queue: j/k move, a approve, r reject, b ban, x select.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".item"));
  var current = 0;
  function show(index) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    items[current].scrollIntoView({ block: "nearest" });
  }
  function press(action) {
    var button = items[current] && items[current].querySelector("form.decide button[value='" + action + "']");
    if (button) { button.click(); }
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var keys = { j: function () { show(current + 1); }, k: function () { show(current - 1); },
                 a: function () { press("approve"); }, r: function () { press("reject"); }, b: function () { press("ban"); },
                 x: function () { var box = items[current] && items[current].querySelector("input[type=checkbox]"); if (box) { box.checked = !box.checked; } } };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
  show(0);
}());
