// Progress of a background job (an import, a batch of documents): poll its state, then reload.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("[data-progress-bar]");
  var stage = box.querySelector("[data-progress-stage]");
  var text = box.querySelector("[data-progress-text]");
  var unit = box.getAttribute("data-progress-unit") || "dòng";

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.status !== "running" && job.status !== "queued") {
          window.location.reload();
          return;
        }
        if (job.stage) { stage.textContent = job.stage; }
        text.textContent = job.done + "/" + job.total + " " + unit;
        if (job.total > 0) { bar.value = Math.floor(100 * job.done / job.total); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
