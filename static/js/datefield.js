/* A date typed as text (core.widgets.DateTextInput: 19850312, 1985.3.12, 1985年3月12日 …) gets a
   "日历" button beside it that opens the browser's own date picker; the picked date is written
   into the text box as 1985-03-12. Without this script the text box alone still works. */
(function () {
  "use strict";

  function iso(text) {
    var m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec((text || "").trim());
    if (!m) return "";
    return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
  }

  function enhance(input) {
    if (input.dataset.datefieldReady) return;
    input.dataset.datefieldReady = "1";
    var row = document.createElement("span");
    row.className = "date-row";
    input.parentNode.insertBefore(row, input);
    row.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn date-button";
    button.textContent = "日历";
    button.title = "打开日历";
    var pick = document.createElement("input");
    pick.type = "date";
    pick.className = "date-pick";
    pick.tabIndex = -1;
    pick.setAttribute("aria-hidden", "true");
    row.appendChild(button);
    row.appendChild(pick);
    button.addEventListener("click", function () {
      pick.value = iso(input.value);
      if (typeof pick.showPicker === "function") {
        try { pick.showPicker(); return; } catch (e) { /* not allowed here: fall through */ }
      }
      pick.focus();
      pick.click();
    });
    pick.addEventListener("change", function () {
      if (!pick.value) return;
      input.value = pick.value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function init() {
    document.querySelectorAll("input[data-datefield]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
