/* The member form (templates/members/form.html): the birth date and sex read from the ID number
   as it is typed, and pasted numbers cleaned of spaces, dashes and full-width digits when the
   field is left (the server cleans them again: members/forms.py, core/validators.py). */
(function () {
  "use strict";

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CODES = "10X98765432";

  function clean(value) {
    return (value || "").replace(/[\uFF10-\uFF19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48);
    }).replace(/[\uFF41-\uFF5A\uFF21-\uFF3A]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    }).replace(/[\s\u3000\-\u2010-\u2015\u2212\uFF0D\uFE63]/g, "").toUpperCase();
  }

  function derived(id) {
    if (!/^[0-9]{17}[0-9X]$/.test(id)) return "";
    var y = +id.slice(6, 10), m = +id.slice(10, 12), d = +id.slice(12, 14);
    var date = new Date(y, m - 1, d);
    if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return "";
    var total = 0;
    for (var i = 0; i < 17; i++) total += (+id[i]) * WEIGHTS[i];
    if (CODES[total % 11] !== id[17]) return "";
    return "出生日期 " + id.slice(6, 10) + "-" + id.slice(10, 12) + "-" + id.slice(12, 14) +
      " · 性别 " + ((+id[16]) % 2 ? "男" : "女") + "（由公民身份号码得出）";
  }

  function init() {
    var id = document.getElementById("id_id_number");
    var shown = document.getElementById("id_number_derived");
    if (id && shown) {
      var update = function () {
        var text = derived(clean(id.value));
        if (text) shown.textContent = text;
        else shown.textContent = clean(id.value).length >= 18 ? "号码有误：请核对（出生日期或校验位不正确）" : "";
      };
      id.addEventListener("input", update);
      id.addEventListener("change", function () { id.value = clean(id.value); update(); });
    }
    var phone = document.getElementById("id_phone");
    if (phone) {
      phone.addEventListener("change", function () {
        var v = clean(phone.value).replace(/[()]/g, "");
        if (/^(\+86|0086)1[0-9]{10}$/.test(v)) v = v.slice(v.length - 11);
        phone.value = v;
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
