// Progress of a batch of documents on the "Văn bản, biểu mẫu" page: poll the job, then reload.
(function () {
  "use strict";
  var box = document.querySelector("[data-batch-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-batch-progress-url");
  var bar = box.querySelector("progress");
  var stage = box.querySelector("[data-stage]");
  var text = box.querySelector("[data-count]");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.status !== "running" && job.status !== "queued") {
          window.location.reload();
          return;
        }
        if (job.stage) { stage.textContent = job.stage; }
        text.textContent = job.done + "/" + job.total;
        if (job.total > 0) { bar.value = Math.floor(100 * job.done / job.total); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
