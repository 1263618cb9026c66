// The roster's organization tree (templates/members/roster.html): folded away on a desk, it stays
// folded on the next page, as a clerk who wants the list wide expects. The page works without this.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector(".roster-tree-box");
  if (!box) { return; }
  var key = "roster-tree-open";
  try {
    if (window.localStorage.getItem(key) === "0") { box.open = false; }
    box.addEventListener("toggle", function () { window.localStorage.setItem(key, box.open ? "1" : "0"); });
  } catch (e) { /* storage refused (private mode): the tree simply opens each time */ }
});
