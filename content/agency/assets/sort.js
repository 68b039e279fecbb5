// Sortable tables for the agency's site: a click (or Enter) on a column's heading sorts the
// rows by it, again to reverse. Numbers sort as numbers ("12 days", "−3", "62%"), dates as
// dates ("13 Nov 2026"), the rest as text; an empty cell ("–") always goes last.
// Milepost's own script, served from the site: no third-party code.
(function () {
  "use strict";
  var MONTHS = {Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8,
                Oct: 9, Nov: 10, Dec: 11};
  var DATE = /^(\d{1,2})\s([A-Z][a-z]{2})\s(\d{4})/;
  var NUMBER = /^[+\u2212-]?\d[\d,]*(\.\d+)?/;

  function key(cell) {
    var text = cell.textContent.replace(/\s+/g, " ").trim();
    if (text === "" || text === "–" || text === "none") return {kind: 0, value: null};
    var date = DATE.exec(text);
    if (date && MONTHS[date[2]] !== undefined) {
      return {kind: 1, value: Date.UTC(+date[3], MONTHS[date[2]], +date[1])};
    }
    var number = NUMBER.exec(text);
    if (number) {
      return {kind: 1, value: parseFloat(number[0].replace(/,/g, "").replace("\u2212", "-"))};
    }
    return {kind: 2, value: text.toLowerCase()};
  }

  function compare(a, b) {
    if (a.value === null || b.value === null) return (a.value === null) - (b.value === null);
    if (a.kind !== b.kind) return a.kind - b.kind;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }

  function sortBy(table, column, heading) {
    var body = table.tBodies[0];
    var down = heading.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
      return {row: row, index: index, key: key(row.cells[column])};
    });
    rows.sort(function (a, b) {
      var empty = (a.key.value === null) - (b.key.value === null);
      if (empty) return empty;                     // empty cells last, either way
      var order = compare(a.key, b.key);
      return (down ? -order : order) || a.index - b.index;
    });
    rows.forEach(function (x) { body.appendChild(x.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.setAttribute("aria-sort", "none");
    });
    heading.setAttribute("aria-sort", down ? "descending" : "ascending");
  }

  function sortable(table) {
    if (!table.tHead || !table.tBodies.length || table.tBodies[0].rows.length < 2) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "mp-sort";
      button.title = "Sort by this column";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(table, column, th); });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".md-typeset table"), sortable);
})();
