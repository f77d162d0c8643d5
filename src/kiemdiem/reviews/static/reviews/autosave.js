// Autosave of a review draft (bản kiểm điểm): every ~20 s, when something changed, POST the form with
// its version to the autosave URL and keep the version the server returns. A stale or locked review is
// refused by the server; the message is shown and autosave stops so nothing is overwritten.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form || !form.getAttribute("data-autosave-url")) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var version = form.querySelector("input[name=version]");
  var dirty = false;
  var busy = false;
  var stopped = false;

  function show(text, bad) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", Boolean(bad));
  }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { stopped = true; });

  function save() {
    if (!dirty || busy || stopped) { return; }
    busy = true;
    dirty = false;
    var data = new FormData(form);
    data.delete("action");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        busy = false;
        if (result.body.ok) {
          version.value = result.body.version;
          show("Đã tự động lưu nháp lúc " + result.body.saved_at + ".", false);
          return;
        }
        if (result.status === 409 || result.status === 403) {
          stopped = true;
        } else {
          dirty = true;
        }
        show(result.body.error || "Chưa lưu được bản nháp.", true);
      })
      .catch(function () {
        busy = false;
        dirty = true;
        show("Mất kết nối: chưa lưu được bản nháp, sẽ thử lại.", true);
      });
  }
  window.setInterval(save, 20000);
})();
