// Dues grid: 全选未交, a running total, arrow keys between the amounts; the standard form shows the
// fields of the chosen basis. The pages work without it.
document.addEventListener("DOMContentLoaded", function () {
  var grid = document.querySelector("[data-dues-grid]");
  if (grid) {
    var boxes = Array.prototype.slice.call(grid.querySelectorAll("input[type=checkbox][name^=pay_]"));
    var total = grid.querySelector("[data-grid-total]");
    var update = function () {
      var n = 0, sum = 0;
      boxes.forEach(function (b) {
        if (!b.checked) { return; }
        n += 1;
        var input = grid.querySelector("input[name=amount_" + b.name.slice(4) + "]");
        var v = parseFloat((input ? input.value : "").replace(/[^0-9.]/g, ""));
        if (!isNaN(v)) { sum += v; }
      });
      if (total) { total.textContent = "已选 " + n + " 人，合计 " + sum.toFixed(2) + " 元"; }
    };
    grid.addEventListener("change", update);
    grid.addEventListener("input", update);
    var all = grid.querySelector("[data-check-all]");
    if (all) {
      all.addEventListener("click", function () {
        var on = boxes.some(function (b) { return !b.checked; });
        boxes.forEach(function (b) { b.checked = on; });
        all.textContent = on ? "全部取消" : "全选未交";
        update();
      });
    }
    var amounts = Array.prototype.slice.call(grid.querySelectorAll("input[name^=amount_]"));
    amounts.forEach(function (input, i) {
      input.addEventListener("keydown", function (e) {
        var next = e.key === "ArrowDown" ? amounts[i + 1] : e.key === "ArrowUp" ? amounts[i - 1] : null;
        if (next) { e.preventDefault(); next.focus(); next.select(); }
      });
      input.addEventListener("input", function () {  // typing an amount means the member paid
        var box = grid.querySelector("input[name=pay_" + input.name.slice(7) + "]");
        if (box && input.value.trim()) { box.checked = true; }
      });
    });
    update();
  }
  var basis = document.querySelector("[data-dues-basis]");
  if (basis) {
    var show = function () {
      var v = basis.value;
      document.querySelectorAll("[data-for-basis]").forEach(function (el) {
        el.hidden = el.getAttribute("data-for-basis").split(" ").indexOf(v) < 0;
      });
    };
    basis.addEventListener("change", show);
    show();
    var reduced = document.querySelector("[data-dues-reduced]");
    var box = document.querySelector(".dues-reduce");
    if (reduced && box) {
      var toggle = function () { box.hidden = !reduced.checked; };
      reduced.addEventListener("change", toggle);
      toggle();
    }
  }
});
