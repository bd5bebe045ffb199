// Keyboard shortcuts of the review queue: decide without the mouse.
(function () {
  "use strict";
  const buttons = { m: "decide-merge", n: "decide-not-a-match", s: "decide-skip" };
  function isTyping(target) {
    return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (isTyping(event.target)) {
      // Letters typed into the comment are text, never a decision.
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    const button = document.getElementById(buttons[event.key]);
    if (button) {
      event.preventDefault();
      if (!button.form.dataset.sent) {  // one decision per page, however fast the keys
        button.form.dataset.sent = "1";
        button.click();
      }
    } else if (event.key === "c" && document.getElementById("comment")) {
      event.preventDefault();
      document.getElementById("comment").focus();
    } else if (event.key === "Enter" && document.querySelector("a.task-link")) {
      event.preventDefault();
      document.querySelector("a.task-link").click();
    }
  });
  const selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll("input[name=task_id]").forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }
})();
