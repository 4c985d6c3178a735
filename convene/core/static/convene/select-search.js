/* Long selects (data-searchable): a search field before each narrows its options as one types.
   No framework; the select stays the field that is sent, so the page works the same without this. */
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(select) {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    var all = Array.prototype.slice.call(select.options).map(function (option) {
      return {option: option, text: fold(option.text)};
    });
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.className = "select-search";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "select-search-label";
    label.textContent = select.dataset.searchLabel || "Search";
    // Which list it searches is said by the select's own label, as the field's description.
    var own = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (own) {
      own.id = own.id || select.id + "-label";
      input.setAttribute("aria-describedby", own.id);
    }
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var keep = all.filter(function (item) {
        return item.option.value === "" || item.option.value === chosen ||
          words.every(function (word) { return item.text.indexOf(word) !== -1; });
      });
      select.replaceChildren.apply(select, keep.map(function (item) { return item.option; }));
      select.value = chosen;  // searching never changes what was chosen: picking a match does
      // While searching, the matches show as an open list to pick from.
      select.size = words.length ? Math.min(Math.max(keep.length, 2), 8) : 0;
    });
  }
  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-searchable]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
