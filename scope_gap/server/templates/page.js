(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("strings").textContent);
  var form = document.getElementById("work");
  var filesInput = document.getElementById("files");
  var chosen = new DataTransfer();
  var columnMap = null; // {file name: {their header: our column}} once the user changes one
  var PAGE = 100; // invalid rows shown at a time: a long list never freezes the tab

  function t(key, values) {
    var text = T[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  document.querySelectorAll(".nojs").forEach(function (node) { node.hidden = true; });

  // --- status line -------------------------------------------------------------------------
  var statusText = document.getElementById("status-text");
  var progress = document.getElementById("progress");
  function status(text, busy, percent) {
    statusText.textContent = text;
    progress.hidden = !busy;
    if (percent === undefined || percent === null) progress.removeAttribute("value");
    else { progress.max = 100; progress.value = percent; }
  }
  function failure(target, message) {
    clear(target);
    target.appendChild(el("p", t("failed", { message: message }), { "class": "error", role: "alert" }));
    status(t("failed", { message: message }), false);
  }

  // --- files: every choice and drop adds up; each can be removed ------------------------------
  var list = document.getElementById("file-list");
  function showFiles() {
    clear(list);
    Array.prototype.forEach.call(chosen.files, function (file, index) {
      var item = el("li", file.name + " ");
      var remove = el("button", "×", { type: "button", "aria-label": t("remove", { name: file.name }) });
      remove.addEventListener("click", function () {
        var kept = new DataTransfer();
        Array.prototype.forEach.call(chosen.files, function (f, i) { if (i !== index) kept.items.add(f); });
        chosen = kept;
        filesInput.files = chosen.files;
        columnMap = null;
        showFiles();
        filesInput.focus();
      });
      item.appendChild(remove);
      list.appendChild(item);
    });
  }
  function addFiles(files) {
    var merged = new DataTransfer();
    var names = {};
    Array.prototype.forEach.call(chosen.files, function (f) { merged.items.add(f); names[f.name + "/" + f.size] = true; });
    Array.prototype.forEach.call(files, function (f) { if (!names[f.name + "/" + f.size]) merged.items.add(f); });
    chosen = merged;
    filesInput.files = chosen.files;
    columnMap = null;
    showFiles();
  }
  filesInput.addEventListener("change", function () {
    var picked = Array.prototype.slice.call(filesInput.files);
    addFiles(picked);
  });
  var drop = document.getElementById("drop");
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
  });
  var langSelect = document.getElementById("lang");
  var template = document.getElementById("template");
  langSelect.addEventListener("change", function () {
    template.href = "/api/template?lang=" + encodeURIComponent(langSelect.value);
  });

  // --- the form's fields, as the API takes them --------------------------------------------
  function value(id) { var node = document.getElementById(id); return node ? node.value.trim() : ""; }
  function fields(kind) {
    var data = new FormData();
    if (!chosen.files.length) throw new Error(t("noFiles"));
    Array.prototype.forEach.call(chosen.files, function (file) { data.append("files", file, file.name); });
    var ruleFile = document.getElementById("mandate_file").files[0];
    if (kind === "compare") {
      var count = 0;
      document.querySelectorAll("input[name=compare]:checked").forEach(function (box) {
        data.append("mandate", box.value);
        count += 1;
      });
      if (document.getElementById("c-own").checked) {
        if (!ruleFile) throw new Error(t("noRuleFile"));
        data.append("mandate_file", ruleFile, ruleFile.name);
        count += 1;
      }
      if (count < 2) throw new Error(t("twoMandates"));
    } else {
      var picked = document.querySelector("input[name=mandate]:checked");
      if (picked && picked.value) data.append("mandate", picked.value);
      else if (ruleFile) data.append("mandate_file", ruleFile, ruleFile.name);
      else throw new Error(t("noRuleFile"));
    }
    data.append("lang", langSelect.value);
    ["sheet", "header_row", "encoding"].forEach(function (name) {
      if (value(name)) data.append(name, value(name));
    });
    var order = document.querySelector("input[name=date_order]:checked");
    if (order && order.value) data.append(order.value, "true");
    var map = columnsFile();
    if (map) data.append("columns_file", map, "columns.yaml");
    return data;
  }
  function columnsFile() {
    if (!columnMap) return null;
    var columns = {};
    Object.keys(columnMap).forEach(function (file) {
      Object.keys(columnMap[file]).forEach(function (header) {
        if (columnMap[file][header]) columns[header] = columnMap[file][header];
      });
    });
    // JSON is YAML: the column map file of `--columns`
    return new Blob([JSON.stringify({ columns: columns }, null, 2)], { type: "application/yaml" });
  }

  // --- sending, with the upload's progress ---------------------------------------------------
  function send(url, data) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open("POST", url);
      request.responseType = "json";
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          var percent = Math.round((100 * event.loaded) / event.total);
          if (percent < 100) status(t("sending", { percent: percent }), true, percent);
          else status(t("working"), true);
        }
      });
      request.addEventListener("load", function () {
        var body = request.response || {};
        if (request.status === 200) { resolve(body); return; }
        var problem = new Error(body.error || String(request.status));
        problem.body = body;
        reject(problem);
      });
      request.addEventListener("error", function () { reject(new Error(t("network"))); });
      status(t("working"), true);
      request.send(data);
    });
  }
  function start(kind, target) {
    try { return fields(kind); } catch (problem) { failure(target, problem.message); return null; }
  }

  // --- 3. how the table was read -------------------------------------------------------------
  var checkOut = document.getElementById("check-out");
  function columnsTable(file, columns, editable) {
    var wrap = el("div", null, { "class": "scroll" });
    var table = el("table");
    var name = file.path + (file.sheet ? " (" + t("sheet", { name: file.sheet }) + ")" : "");
    table.appendChild(el("caption", t("columnsCaption", { name: name, rows: file.rows })));
    var head = el("tr");
    head.appendChild(el("th", t("header"), { scope: "col" }));
    head.appendChild(el("th", t("readAs"), { scope: "col" }));
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    file.columns.forEach(function (column, index) {
      var row = el("tr");
      row.appendChild(el("th", column.header, { scope: "row" }));
      var cell = el("td");
      if (editable) {
        var id = "map-" + file.index + "-" + index;
        var label = el("label", t("readAs") + ": " + column.header, { "for": id, "class": "vh" });
        if (column.computed) { cell.textContent = t("computed"); row.appendChild(cell); body.appendChild(row); return; }
        var select = el("select", null, { id: id });
        select.appendChild(el("option", t("extra"), { value: "" }));
        columns.forEach(function (choice) {
          var option = el("option", choice.label + " (" + choice.id + ")", { value: choice.id });
          if (choice.id === column.column) option.selected = true;
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          columnMap = columnMap || {};
          columnMap[file.path] = columnMap[file.path] || {};
          file.columns.forEach(function (c) {
            if (c.column && columnMap[file.path][c.header] === undefined) columnMap[file.path][c.header] = c.column;
          });
          columnMap[file.path][column.header] = select.value;
          status(t("mapChanged"), false);
        });
        cell.appendChild(label);
        cell.appendChild(select);
      } else {
        var reading = columns.filter(function (c) { return c.id === column.column; })[0];
        cell.textContent = column.computed ? t("computed") : reading ? reading.label + " (" + reading.id + ")" : t("extra");
      }
      row.appendChild(cell);
      body.appendChild(row);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }
  function invalidTable(rows) {
    var box = el("div");
    if (!rows.length) { box.appendChild(el("p", t("noInvalid"))); return box; }
    var wrap = el("div", null, { "class": "scroll" });
    var table = el("table", null, { id: "invalid-rows" });
    table.appendChild(el("caption", t("invalidCaption", { count: rows.length })));
    var head = el("tr");
    head.appendChild(el("th", t("where"), { scope: "col" }));
    head.appendChild(el("th", t("problems"), { scope: "col" }));
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    table.appendChild(body);
    wrap.appendChild(table);
    box.appendChild(wrap);
    var shown = 0;
    var more = el("button", "", { type: "button" });
    function page() {
      rows.slice(shown, shown + PAGE).forEach(function (row) {
        var tr = el("tr");
        var where = row.origin.path + (row.origin.sheet ? " [" + row.origin.sheet + "]" : "") + ":" + row.origin.row;
        tr.appendChild(el("th", where, { scope: "row" }));
        var cell = el("td");
        var items = el("ul", null, { "class": "plain" });
        row.errors.forEach(function (problem) { items.appendChild(el("li", problem)); });
        cell.appendChild(items);
        tr.appendChild(cell);
        body.appendChild(tr);
      });
      shown = Math.min(rows.length, shown + PAGE);
      more.textContent = t("more", { count: Math.min(PAGE, rows.length - shown) });
      more.hidden = shown >= rows.length;
    }
    more.addEventListener("click", page);
    page();
    box.appendChild(more);
    return box;
  }
  function warningsList(warnings) {
    var box = el("div");
    if (!warnings || !warnings.length) return box;
    box.appendChild(el("h3", t("warnings")));
    var items = el("ul");
    warnings.forEach(function (w) { items.appendChild(el("li", w)); });
    box.appendChild(items);
    return box;
  }
  function showCheck(body, problem) {
    clear(checkOut);
    var summary;
    if (problem) {
      summary = el("p", t("failed", { message: problem }), { id: "check-summary", tabindex: "-1", "class": "error", role: "alert" });
    } else {
      summary = el("p", t("checked", { incidents: body.incidents, invalid: body.invalid.length }), { id: "check-summary", tabindex: "-1" });
    }
    checkOut.appendChild(summary);
    checkOut.appendChild(el("p", body.column_map ? t("mapNote") : t("mapUnsupported"), { "class": "note" }));
    body.files.forEach(function (file, index) {
      file.index = index;
      checkOut.appendChild(columnsTable(file, body.columns, body.column_map));
    });
    if (!problem) {
      checkOut.appendChild(invalidTable(body.invalid));
      checkOut.appendChild(warningsList(body.warnings));
    }
    status(problem ? t("failed", { message: problem }) : t("done"), false);
    summary.focus();
  }
  document.getElementById("check").addEventListener("click", function () {
    var data = start("check", checkOut);
    if (!data) return;
    send("/api/check", data).then(function (body) { showCheck(body, null); }, function (problem) {
      if (problem.body && problem.body.files) showCheck(problem.body, problem.message);
      else failure(checkOut, problem.message);
    });
  });

  // --- 4. the report, 5. the comparison --------------------------------------------------------
  function downloads(target, label, links) {
    clear(target);
    target.className = "downloads";
    target.appendChild(el("span", label + " "));
    Object.keys(links).forEach(function (fmt) {
      target.appendChild(el("a", fmt, { href: links[fmt], download: "", id: target.id + "-" + fmt }));
    });
  }
  function statusCell(code) {
    // the report's palette: each status by its colour and its border, and by its name
    var cell = el("th", null, { scope: "row" });
    cell.appendChild(el("span", T["status_" + code], { "class": "st st-" + code }));
    return cell;
  }
  var result = document.getElementById("result");
  var finding = document.getElementById("finding");
  finding.setAttribute("tabindex", "-1");
  document.getElementById("analyze").addEventListener("click", function () {
    var data = start("analyze", finding);
    if (!data) { result.hidden = false; return; }
    send("/page/analyze", data).then(function (body) {
      result.hidden = false;
      finding.className = "finding";
      finding.textContent = body.finding;
      var counts = document.querySelector("#counts tbody");
      clear(counts);
      ["in_scope", "context_only", "out_of_scope", "indeterminate", "invalid"].forEach(function (code) {
        var row = el("tr");
        row.appendChild(statusCell(code));
        row.appendChild(el("td", String(body.summary[code]), { "class": "n" }));
        counts.appendChild(row);
      });
      downloads(document.getElementById("downloads"), T.downloads, body.downloads);
      document.getElementById("report").src = body.view;
      status(t("done"), false);
      finding.focus();
    }, function (problem) { result.hidden = false; failure(finding, problem.message); });
  });
  var compared = document.getElementById("compare-result");
  document.getElementById("compare").addEventListener("click", function () {
    var matrix = document.getElementById("matrix");
    var head = matrix.querySelector("thead");
    var body = matrix.querySelector("tbody");
    var note = document.getElementById("compare-downloads");
    var data = start("compare", note);
    if (!data) { compared.hidden = false; clear(head); clear(body); return; }
    send("/page/compare", data).then(function (answer) {
      compared.hidden = false;
      clear(head);
      clear(body);
      var top = el("tr");
      top.appendChild(el("td"));
      answer.mandates.forEach(function (m) { top.appendChild(el("th", m.title + " (" + m.id + ")", { scope: "col" })); });
      head.appendChild(top);
      ["in_scope", "context_only", "out_of_scope", "indeterminate", "invalid"].forEach(function (code) {
        var row = el("tr");
        row.appendChild(statusCell(code));
        answer.mandates.forEach(function (m) { row.appendChild(el("td", String(answer.counts[m.id][code]), { "class": "n" })); });
        body.appendChild(row);
      });
      var adds = document.getElementById("adds");
      clear(adds);
      answer.mandates.forEach(function (m) {
        var ids = answer.adds[m.id] || [];
        adds.appendChild(el("li", ids.length
          ? t("adds", { mandate: m.id, count: ids.length, ids: ids.join(", ") })
          : t("addsNothing", { mandate: m.id })));
      });
      downloads(note, T.downloadsCompare, answer.downloads);
      document.getElementById("compare-report").src = answer.view;
      status(t("done"), false);
      matrix.querySelector("caption").setAttribute("tabindex", "-1");
      matrix.querySelector("caption").focus();
    }, function (problem) { compared.hidden = false; failure(note, problem.message); });
  });
})();
