// The rating grid (templates/ratings/sheet.html): live star count and grade, the "全部得星" quick
// action, the basis field shown where a star is withheld, and the draft saved as the secretary goes
// (to the server; to this browser's storage first, so a reload or a lost connection loses nothing).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("rq-form");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave");
  var key = "rq-draft-" + form.getAttribute("data-sheet");
  var excellent = parseInt(form.getAttribute("data-excellent"), 10);
  var qualified = parseInt(form.getAttribute("data-qualified"), 10);
  var labels = {
    excellent: form.getAttribute("data-label-excellent"),
    qualified: form.getAttribute("data-label-qualified"),
    unqualified: form.getAttribute("data-label-unqualified")
  };
  var status = form.querySelector("[data-save-status]");
  var timer = null;

  function show(row) {
    var stars = row.querySelectorAll("[data-star]");
    var n = 0;
    stars.forEach(function (s) { if (s.checked) { n += 1; } });
    var rated = row.querySelector("[data-rated]").value === "1";
    var off = row.querySelector("[data-not-rated]").checked;
    var grade = n >= excellent ? labels.excellent : (n >= qualified ? labels.qualified : labels.unqualified);
    row.querySelector("[data-count]").textContent = off ? "不评定" : (rated ? n + "星 · " + grade : "未评");
    row.classList.toggle("rq-off", off);
    row.classList.toggle("rq-low", rated && !off && n < qualified);
    var basis = row.querySelector("[data-basis]");
    basis.hidden = !rated || off || n === stars.length;
  }

  function state() {
    var out = {};
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.name === "row") { return; }
      out[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return out;
  }

  function save() {
    if (!url) { return; }
    var data = new URLSearchParams(new FormData(form));  // URL-encoded: quicker to read than multipart
    data.delete("action");
    fetch(url, {method: "POST", body: data, credentials: "same-origin"}).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    }).then(function (res) {
      if (res.ok) {
        localStorage.removeItem(key);
        status.textContent = "草稿已自动保存（" + new Date().toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit"}) + "）";
      } else {
        status.textContent = "未能自动保存：" + res.body.error;
      }
    }).catch(function () {
      status.textContent = "网络中断：草稿暂存在本机，恢复后自动保存。";
    });
  }

  function changed(row) {
    if (row) { row.querySelector("[data-rated]").value = "1"; show(row); }
    if (!url) { return; }
    try { localStorage.setItem(key, JSON.stringify(state())); } catch (e) { /* storage full or off */ }
    status.textContent = "正在保存…";
    clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  form.addEventListener("change", function (ev) {
    var row = ev.target.closest("[data-row]");
    if (row && (ev.target.matches("[data-star]") || ev.target.matches("[data-not-rated]"))) { changed(row); }
    else { changed(null); }
  });
  form.addEventListener("input", function (ev) {
    if (ev.target.type === "text" || ev.target.tagName === "TEXTAREA" || !ev.target.type) { changed(null); }
  });

  var all = form.querySelector("[data-all-stars]");
  if (all) {
    all.addEventListener("click", function (ev) {
      ev.preventDefault();
      form.querySelectorAll("[data-row]").forEach(function (row) {
        if (row.querySelector("[data-not-rated]").checked) { return; }
        row.querySelectorAll("[data-star]").forEach(function (s) { s.checked = true; });
        row.querySelector("[data-rated]").value = "1";
        show(row);
      });
      changed(null);
    });
  }

  // Submitting sends the form itself: nothing is left for the autosave to do.
  form.addEventListener("submit", function () { clearTimeout(timer); localStorage.removeItem(key); });
  window.addEventListener("pagehide", function () {
    if (timer && url && navigator.sendBeacon) { clearTimeout(timer); navigator.sendBeacon(url, new URLSearchParams(new FormData(form))); }
  });

  // A draft this browser kept but could not send: put it back and send it now.
  var kept = url && localStorage.getItem(key);
  if (kept) {
    try {
      var values = JSON.parse(kept);
      Object.keys(values).forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (!el || el.length) { return; }
        if (el.type === "checkbox") { el.checked = values[name]; } else { el.value = values[name]; }
      });
      status.textContent = "已恢复本机暂存的草稿，正在保存…";
      save();
    } catch (e) { localStorage.removeItem(key); }
  }
  form.querySelectorAll("[data-row]").forEach(show);
  // On a wide screen the criteria stand open beside the grid.
  var box = document.querySelector(".rq-criteria-box");
  if (box && window.matchMedia("(min-width: 900px)").matches) { box.open = true; }
});
