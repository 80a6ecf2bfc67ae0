(function () {
  "use strict";
  var doc = document;
  var controls = doc.getElementById("controls");
  var rows = Array.prototype.slice.call(doc.querySelectorAll("tbody.inc > tr"));
  var texts = null;

  function text(i) {
    if (!texts) {
      texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    }
    return texts[i];
  }

  function field(id) { return doc.getElementById(id); }

  var q = field("f-text"), fs = field("f-status"), fl = field("f-level"), fg = field("f-gap");
  var count = field("f-count");

  function apply() {
    var t = q.value.trim().toLowerCase(), s = fs.value, l = fl.value, g = fg.value, shown = 0;
    rows.forEach(function (r, i) {
      var ok = (!s || r.getAttribute("data-s") === s) &&
        (!l || r.getAttribute("data-l") === l) &&
        (!g || (" " + r.getAttribute("data-g") + " ").indexOf(" " + g + " ") >= 0) &&
        (!t || text(i).indexOf(t) >= 0);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    Array.prototype.forEach.call(doc.querySelectorAll(".group"), function (group) {
      group.hidden = !group.querySelector("tbody.inc > tr:not([hidden])");
    });
    Array.prototype.forEach.call(doc.querySelectorAll(".none-match"), function (note) {
      var list = doc.getElementById(note.getAttribute("data-for"));
      note.hidden = !list || !!list.querySelector("tbody.inc > tr:not([hidden])");
    });
    count.textContent = {{ count_expression }};
  }

  function reset() {
    q.value = ""; fs.value = ""; fl.value = ""; fg.value = "";
    apply();
  }

  if (controls && q) {
    controls.hidden = false;
    q.addEventListener("input", apply);
    [fs, fl, fg].forEach(function (el) { el.addEventListener("change", apply); });
    field("f-reset").addEventListener("click", reset);
    apply();
  }

  // Sorting: every column header of a sortable table becomes a button; the "Sort by" list
  // (usable on a phone, where the headers are hidden) sorts every incident table at once.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  rows.forEach(function (r, i) { r.setAttribute("data-i", i); });

  function sortTable(table, column, ascending) {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (cell) { cell.removeAttribute("aria-sort"); });
    if (column >= 0) {
      headers[column].setAttribute("aria-sort", ascending ? "ascending" : "descending");
    }
    var body = table.tBodies[0];
    var items = Array.prototype.map.call(body.rows, function (r, i) {
      var cell = column >= 0 ? r.cells[column] : null;
      var key = cell ? cell.textContent.trim() : "";
      var order = r.hasAttribute("data-i") ? Number(r.getAttribute("data-i")) : i;
      return { row: r, key: key, index: order };
    });
    items.sort(function (a, b) {
      if (column < 0) { return a.index - b.index; }
      if (!a.key !== !b.key) { return a.key ? -1 : 1; }  // blanks last either way
      var c = collator.compare(a.key, b.key);
      if (!ascending) { c = -c; }
      return c || a.index - b.index;
    });
    var fragment = doc.createDocumentFragment();
    items.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  Array.prototype.forEach.call(doc.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = doc.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortTable(table, column, th.getAttribute("aria-sort") !== "ascending");
      });
    });
  });

  var sortBy = field("f-sort");
  if (sortBy) {
    sortBy.addEventListener("change", function () {
      var value = sortBy.value;
      var column = value === "" ? -1 : Math.abs(Number(value));
      var ascending = value.charAt(0) !== "-";
      Array.prototype.forEach.call(doc.querySelectorAll("table.inc"), function (table) {
        sortTable(table, column, ascending);
      });
    });
  }

  // A link to an incident hidden by the filters clears them.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && doc.getElementById(id);
    if (target && target.hidden && q) {
      reset();
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);

  // Print every incident's details, then restore what the reader had open.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [];
    Array.prototype.forEach.call(doc.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
