// Progressive enhancement of the cadre pickers: a filter box narrows the list by name, staff number or
// section as one types. Without JavaScript the whole list (grouped by section) is there to pick from.
document.querySelectorAll("input.picker-filter").forEach(function (box) {
  var target = document.getElementById(box.dataset.for);
  if (!target) { return; }
  box.hidden = false;
  box.addEventListener("input", function () {
    var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    target.querySelectorAll("[data-search]").forEach(function (item) {
      var text = item.dataset.search.toLowerCase();
      var keep = words.every(function (word) { return text.indexOf(word) >= 0; });
      var chosen = item.selected || (item.querySelector("input") || {}).checked;
      item.hidden = !(keep || chosen);
    });
    target.querySelectorAll("optgroup, fieldset.picker-group").forEach(function (group) {
      group.hidden = !group.querySelector("[data-search]:not([hidden])");
    });
  });
});
