// Phone menu: a real button that screen readers and keyboards can reach.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-button");
  var menu = document.getElementById("main-menu");
  if (!button || !menu) return;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", open ? "false" : "true");
    menu.classList.toggle("open", !open);
  });
});
