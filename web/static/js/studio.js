/* The studio console: copy buttons, inputs that select themselves on click, and forms
   that ask for confirmation ([data-confirm]). */
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copy);
    var status = document.getElementById("copy-status");
    input.select();
    var done = function () { status.textContent = "Copied."; };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        status.textContent = "Press Ctrl+C (⌘C) to copy the selected text.";
      });
    } else if (document.execCommand("copy")) { done(); }
  });
});

document.querySelectorAll("input[data-select-on-click]").forEach(function (input) {
  input.addEventListener("click", function () { input.select(); });
});
document.querySelectorAll("form[data-confirm]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
