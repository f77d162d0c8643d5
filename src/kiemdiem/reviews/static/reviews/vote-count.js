// Live count of ballots cast (how many, never who or what) on the meeting and projector pages.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-count-url]");
  if (!boxes.length) { return; }
  function poll(box) {
    var url = box.getAttribute("data-count-url");
    var out = box.querySelector("[data-count]");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (out) { out.textContent = state.voted + "/" + state.roll; }
        if (state.open) { window.setTimeout(function () { poll(box); }, 3000); }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 6000); });
  }
  Array.prototype.forEach.call(boxes, function (box) { window.setTimeout(function () { poll(box); }, 3000); });
})();
