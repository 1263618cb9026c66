// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Phone: the sidebar collapses behind a menu button.
  var toggle = document.querySelector("[data-menu-toggle]");
  var sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    toggle.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Phone: the filters collapse behind a button.
  document.querySelectorAll("[data-filter-toggle]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var box = document.getElementById(btn.getAttribute("aria-controls"));
      var open = box.classList.toggle("open");
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // 我的下载: poll the jobs still being built and show their progress.
  document.querySelectorAll("[data-job-status]").forEach(function (row) {
    var url = row.getAttribute("data-job-status");
    var bar = row.querySelector("progress");
    var label = row.querySelector("[data-job-label]");
    function poll() {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (job) {
        if (bar) { bar.value = job.percent; }
        if (label) { label.textContent = job.status_display + "（" + job.percent + "%）"; }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 2000); }
      }).catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1500);
  });
});

// 组织生活: the reason of an absence shows only when 缺席 is ticked; the counts follow the ticks.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-attendance]");
  if (!box) { return; }
  document.documentElement.classList.add("js");
  var counter = box.querySelector("[data-att-count]");
  function update() {
    var present = 0, absent = 0;
    box.querySelectorAll("[data-att-row]").forEach(function (row) {
      var checked = row.querySelector("input[type=radio]:checked");
      var state = checked ? checked.value : "";
      row.classList.toggle("is-absent", state === "absent");
      if (state === "present") { present++; } else if (state === "absent") { absent++; }
    });
    if (counter) { counter.textContent = "出席 " + present + " 人，缺席 " + absent + " 人"; }
  }
  box.addEventListener("change", update);
  update();
});
