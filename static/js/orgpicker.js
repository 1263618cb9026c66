/* The organization tree picker (core.widgets.OrgTreeSelect): a select over organizations becomes
   a button showing the choice and, when opened, a filter box over the tree (indented by depth).
   The filter matches the name or its pinyin initials (东街村 by "djc"); a match is shown with the
   organizations above it. The select stays in the form (hidden) and is what is submitted, so the
   server's checks are unchanged; without this script the plain select is used. */
(function () {
  "use strict";

  function enhance(select) {
    if (select.dataset.orgpickerReady) return;
    select.dataset.orgpickerReady = "1";
    var options = Array.prototype.slice.call(select.options);
    var box = document.createElement("div");
    box.className = "orgpicker";
    var current = document.createElement("button");
    current.type = "button";
    current.className = "orgpicker-current";
    current.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "orgpicker-panel";
    panel.hidden = true;
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "orgpicker-filter";
    filter.placeholder = "输入名称或拼音首字母筛选";
    filter.setAttribute("aria-label", "筛选党组织");
    filter.autocomplete = "off";
    var list = document.createElement("ul");
    list.className = "orgpicker-list";
    var none = document.createElement("p");
    none.className = "orgpicker-none muted";
    none.textContent = "没有符合的党组织。";
    none.hidden = true;
    panel.appendChild(filter);
    panel.appendChild(list);
    panel.appendChild(none);

    // Each option's parent: the nearest option above it that is less deep. A parent that is not
    // itself a choice (branches listed under their committees) is shown as a heading instead.
    var items = options.map(function (option) {
      return { option: option, depth: +(option.dataset.depth || 0), name: option.textContent.replace(/^\u3000+/, ""),
               py: option.dataset.py || "", parent: null };
    });
    items.forEach(function (item, i) {
      for (var j = i - 1; j >= 0; j--) {
        if (items[j].option.value && items[j].depth < item.depth) { item.parent = items[j]; break; }
      }
    });
    var real = items.filter(function (it) { return it.option.value; });
    var orphans = real.some(function (it) { return !it.parent && it.option.dataset.parent; });
    var base = real.length ? Math.min.apply(null, real.map(function (it) { return it.depth; })) - (orphans ? 1 : 0) : 0;
    function indent(depth) { return " op-d" + Math.min(Math.max(depth - base, 0), 8); }
    var heading = null;
    items.forEach(function (item, i) {
      var option = item.option;
      if (option.value && !item.parent && option.dataset.parent) {
        if (!heading || heading.name !== option.dataset.parent || heading.depth !== item.depth - 1) {
          var hli = document.createElement("li");
          hli.className = "orgpicker-heading" + indent(item.depth - 1);
          hli.textContent = option.dataset.parent;
          list.appendChild(hli);
          heading = { name: option.dataset.parent, depth: item.depth - 1, li: hli, parent: null };
        }
        item.parent = heading;
      } else if (!item.parent) {
        heading = null;
      }
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "orgpicker-item" + indent(item.depth) + (option.value ? "" : " orgpicker-empty");
      b.textContent = item.name;
      b.dataset.index = String(i);
      li.appendChild(b);
      list.appendChild(li);
      item.li = li;
      item.button = b;
    });
    var headings = Array.prototype.slice.call(list.querySelectorAll(".orgpicker-heading"));

    function showCurrent() {
      var chosen = select.selectedIndex >= 0 ? items[select.selectedIndex] : null;
      current.textContent = chosen ? chosen.name : "请选择";
      items.forEach(function (item, i) {
        item.button.setAttribute("aria-pressed", i === select.selectedIndex ? "true" : "false");
      });
    }

    function apply() {
      var q = filter.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) { item.li.hidden = !!q; item.button.classList.remove("orgpicker-context"); });
      headings.forEach(function (h) { h.hidden = !!q; });
      if (!q) { none.hidden = true; return; }
      items.forEach(function (item) {
        if (!item.option.value) return;
        if (item.name.toLowerCase().indexOf(q) >= 0 || item.py.indexOf(q) >= 0) {
          item.li.hidden = false;
          shown++;
          for (var p = item.parent; p; p = p.parent) {
            if (p.li.hidden) {
              p.li.hidden = false;
              if (p.button) p.button.classList.add("orgpicker-context");
            }
          }
        }
      });
      none.hidden = shown > 0;
    }

    function open(yes) {
      panel.hidden = !yes;
      current.setAttribute("aria-expanded", yes ? "true" : "false");
      if (yes) { filter.focus(); }
    }

    current.addEventListener("click", function () { open(panel.hidden); });
    filter.addEventListener("input", apply);
    filter.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {  // Enter picks the first match instead of submitting the form
        e.preventDefault();
        var first = items.filter(function (it) {
          return !it.li.hidden && it.option.value && !it.button.classList.contains("orgpicker-context");
        })[0];
        if (first) first.button.click();
      } else if (e.key === "Escape") {
        open(false);
        current.focus();
      }
    });
    list.addEventListener("click", function (e) {
      var b = e.target.closest("button.orgpicker-item");
      if (!b) return;
      select.selectedIndex = +b.dataset.index;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      showCurrent();
      open(false);
      current.focus();
    });

    select.classList.add("orgpicker-select");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(box, select.nextSibling);
    box.appendChild(current);
    box.appendChild(panel);
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      current.id = select.id + "_picker";
      label.htmlFor = current.id;
    }
    showCurrent();
  }

  function init() {
    document.querySelectorAll("select[data-orgpicker]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
