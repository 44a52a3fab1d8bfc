// The console's page: plain JavaScript, no library. Every check and every rule is the
// server's; this script only sends what the person does and shows what the server says.
"use strict";
(function () {
  const T = JSON.parse(document.getElementById("words").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const k of kids) e.append(k);
    return e;
  };
  const fmt = (s, ...args) => { let i = 0; return s.replace(/%[sd]/g, () => String(args[i++])); };

  // api sends a request and returns its JSON; an error answer throws its message.
  async function api(method, path, body) {
    const opts = { method, headers: {}, credentials: "same-origin" };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    const res = await fetch(path, opts);
    const text = await res.text();
    let data;
    try { data = JSON.parse(text); } catch (_) { data = { error: text }; }
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }
  function showError(id, err) {
    const p = $(id);
    p.hidden = !err;
    p.textContent = err ? T.error + ": " + err.message : "";
  }

  // Tabs follow the address's #hash, so that each page has an address.
  function showTab() {
    const name = (location.hash || "#import").slice(1);
    for (const s of document.querySelectorAll("section.tab")) s.hidden = s.id !== "tab-" + name;
    for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === name);
    if (name === "history") loadHistory();
  }
  window.addEventListener("hashchange", showTab);

  // Mappings: the built-in samples and the ones uploaded.
  async function loadMappings(select) {
    const list = await api("GET", "/api/mappings");
    for (const s of document.querySelectorAll(".mapping-select")) {
      const keep = s.value;
      s.textContent = "";
      if (s.dataset.all) s.append(el("option", { value: "", text: T.all_fields }));
      for (const m of list) s.append(el("option", { value: m.name, text: m.name }));
      if (keep) s.value = keep;
    }
    if (select) $("upload-mapping").value = select;
    updateTemplateLink();
  }
  $("mapping-file").addEventListener("change", async () => {
    const f = $("mapping-file").files[0];
    if (!f) return;
    const fd = new FormData();
    fd.append("file", f);
    try {
      const m = await api("POST", "/api/mappings", fd);
      showError("upload-error", null);
      await loadMappings(m.name);
    } catch (err) { showError("upload-error", err); }
  });

  // The mapping builder: each header of the sheet matched to a column of the base mapping.
  let built = null;
  $("builder-go").addEventListener("click", async () => {
    const fd = new FormData();
    fd.append("file", $("upload-file").files[0]);
    fd.append("mapping", $("upload-mapping").value);
    try {
      built = await api("POST", "/api/builder/suggest", fd);
      showError("upload-error", null);
    } catch (err) { showError("upload-error", err); return; }
    const t = $("builder-table");
    t.textContent = "";
    for (const col of built.columns) {
      const sel = el("select", { class: "builder-field", "data-header": col.header });
      sel.append(el("option", { value: "", text: T.builder_skip }));
      for (const f of built.fields) sel.append(el("option", { value: f.field, text: `${f.header} (${f.field})` }));
      sel.value = col.field;
      t.append(el("tr", {}, el("td", { text: col.letter }), el("td", { text: col.header }), el("td", {}, sel)));
    }
    $("builder-box").hidden = false;
    $("builder-download").hidden = true;
  });
  $("builder-save").addEventListener("click", async () => {
    const columns = [...document.querySelectorAll("#builder-table select")].map((s) => ({ header: s.dataset.header, field: s.value }));
    try {
      const r = await api("POST", "/api/builder/save", { base: built.base, name: $("builder-name").value, columns });
      showError("upload-error", null);
      await loadMappings(r.name);
      $("builder-download").href = `/api/mappings/${encodeURIComponent(r.name)}/yaml`;
      $("builder-download").hidden = false;
    } catch (err) { showError("upload-error", err); }
  });

  // Import: upload, grid, fix, plan, run.
  let grid = null; // the page of the grid shown
  const pageSize = 100;
  $("upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData();
    fd.append("file", $("upload-file").files[0]);
    fd.append("mapping", $("upload-mapping").value);
    $("upload-go").disabled = true;
    try {
      showGrid(await api("POST", "/api/imports", fd));
      showError("upload-error", null);
      $("plan-box").hidden = true;
    } catch (err) { showError("upload-error", err); $("grid-box").hidden = true; }
    $("upload-go").disabled = false;
  });

  function showGrid(g) {
    grid = g;
    $("grid-box").hidden = false;
    $("grid-summary").textContent = `${g.name} · ${g.mapping}${g.sheet ? " · " + g.sheet : ""} · ${g.total} ${T.rows} · ` +
      (g.bad ? `${g.bad} ${T.bad_rows}` : T.all_good);
    $("grid-summary").className = g.bad ? "error" : "ok";
    const warn = $("grid-warnings");
    warn.textContent = "";
    for (const w of g.warnings || []) warn.append(el("li", { text: w }));
    const table = $("grid");
    table.textContent = "";
    const head = el("tr", {}, el("th", { text: T.row }));
    g.header.forEach((h, i) => head.append(el("th", { title: g.letters[i], text: `${g.letters[i]} ${h}` })));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    for (const r of g.rows) {
      const bad = r.bad || {};
      const tr = el("tr", { class: Object.keys(bad).length || r.note ? "badrow" : "" }, el("td", { class: "rownum", text: r.row }));
      g.header.forEach((_, i) => {
        const v = r.cells[i] || "";
        const td = el("td", { "data-row": r.row, "data-col": i, title: v });
        td.append(v);
        if (bad[i] !== undefined) {
          td.className = "bad";
          td.append(el("span", { class: "msg", text: bad[i] }));
          td.addEventListener("click", () => editCell(td, r.row, i, v));
        }
        tr.append(td);
      });
      if (r.note) tr.append(el("td", { class: "note", text: r.note }));
      body.append(tr);
    }
    table.append(body);
    $("grid-page").textContent = `${g.page + 1} / ${g.pages} ${T.page}`;
    $("grid-prev").disabled = g.page === 0;
    $("grid-next").disabled = g.page + 1 >= g.pages;
  }
  async function gotoPage(p) {
    showGrid(await api("GET", `/api/imports/${grid.id}/rows?page=${p}&size=${pageSize}`));
  }
  $("grid-prev").addEventListener("click", () => gotoPage(grid.page - 1));
  $("grid-next").addEventListener("click", () => gotoPage(grid.page + 1));

  function editCell(td, row, col, value) {
    if (td.querySelector("input")) return;
    const input = el("input", { type: "text", class: "fix" });
    input.value = value;
    td.textContent = "";
    td.append(input);
    input.focus();
    input.addEventListener("keydown", async (ev) => {
      if (ev.key === "Escape") { showGrid(grid); return; }
      if (ev.key !== "Enter") return;
      input.disabled = true;
      try {
        showGrid(await api("POST", `/api/imports/${grid.id}/fix`, { row, col, value: input.value, page: grid.page, size: pageSize }));
        showError("upload-error", null);
        $("plan-box").hidden = true; // the plan was of the file before the fix
      } catch (err) { showError("upload-error", err); input.disabled = false; }
    });
  }

  const importRequest = () => ({ mode: $("import-mode").value, skip_invalid: $("skip-invalid").checked });
  $("plan-go").addEventListener("click", async () => {
    $("plan-go").disabled = true;
    $("plan-line").textContent = T.working;
    $("plan-box").hidden = false;
    try {
      const p = await api("POST", `/api/imports/${grid.id}/plan`, importRequest());
      $("plan-line").textContent = p.line;
      const rows = $("plan-rows");
      rows.textContent = "";
      for (const line of p.rows) rows.append(el("li", { text: line }));
      if (p.more) rows.append(el("li", { text: fmt(T.plan_more, p.more) }));
      const probs = $("plan-problems");
      probs.textContent = "";
      for (const line of p.problems) probs.append(el("li", { text: line }));
      $("plan-problems-box").hidden = p.problems.length === 0;
      $("plan-problems-box").open = p.problems.length > 0;
      $("run-go").disabled = p.summary.created + p.summary.updated === 0;
    } catch (err) { $("plan-line").textContent = T.error + ": " + err.message; $("run-go").disabled = true; }
    $("plan-go").disabled = false;
  });
  $("run-go").addEventListener("click", async () => {
    if (!confirm(fmt(T.confirm_run, $("server").textContent + " / " + $("account").textContent))) return;
    $("run-go").disabled = true; // one run per plan: a new plan enables it again
    try {
      const r = await api("POST", `/api/imports/${grid.id}/run`, importRequest());
      follow(r.id, $("import-run"));
    } catch (err) { showError("upload-error", err); }
  });

  // A run: live progress over server-sent events; the page may close and come back.
  const sources = new Map();
  function follow(id, box) {
    box.hidden = false;
    box.dataset.run = id;
    localStorage.setItem("run:" + box.id, id);
    if (sources.has(box.id)) sources.get(box.id).close();
    const es = new EventSource(`/api/runs/${id}/events`);
    sources.set(box.id, es);
    es.onmessage = (ev) => {
      const st = JSON.parse(ev.data);
      drawRun(box, id, st);
      if (st.finished) { es.close(); sources.delete(box.id); }
    };
    es.onerror = () => { es.close(); sources.delete(box.id); setTimeout(() => { if (box.dataset.run === id) reconnect(box, id); }, 1000); };
  }
  async function reconnect(box, id) {
    try {
      const r = await api("GET", `/api/runs/${id}`);
      if (r.state.finished) drawRun(box, id, r.state); else follow(id, box);
    } catch (_) { /* the console restarted: the run is gone */ }
  }
  function drawRun(box, id, st) {
    box.textContent = "";
    box.className = "run" + (st.finished ? (st.error ? " done-bad" : " done-ok") : "");
    const pct = st.total ? Math.min(100, Math.round(st.done * 100 / st.total)) : null;
    const bar = el("progress", { max: 100 });
    if (pct !== null) bar.value = pct;
    if (st.finished && !st.error) bar.value = 100;
    box.append(bar);
    box.append(el("div", { class: "stats" },
      el("span", { text: `${T.phase}: ${T["phase_" + st.phase] || st.phase || "…"}` }),
      el("span", { class: "done-count", text: `${T.done}: ${st.done}${st.total ? " / " + st.total : ""}` }),
      el("span", { text: `${T.rate}: ${st.rate.toFixed(1)}` }),
      el("span", { text: `${T.limited}: ${st.rate_limited}` }),
      el("span", { text: `${T.left}: ${st.left ? st.left + T.seconds : "—"}` }),
      el("span", { text: `${st.seconds.toFixed(1)}${T.seconds}` })));
    if (!st.finished) {
      const stop = el("button", { type: "button", class: "stop", text: T.stop });
      stop.addEventListener("click", () => api("POST", `/api/runs/${id}/stop`));
      box.append(stop);
      return;
    }
    const word = st.stopped ? T.stopped : st.error ? T.failed : T.finished;
    box.append(el("p", { class: "result", text: `${word}${st.result ? ": " + st.result : ""}` }));
    if (st.error) box.append(el("p", { class: "error", text: st.error }));
    const links = el("div", { class: "row" });
    for (const f of st.files) {
      links.append(el("a", { class: "button download", "data-file": f, href: `/api/runs/${id}/files/${f}`, text: `${T.download} ${T["file_" + f.replace("-", "_")] || f}` }));
    }
    if (st.undoable && !st.undone_by) {
      const u = el("button", { type: "button", class: "undo", text: T.undo });
      u.addEventListener("click", async () => {
        if (!confirm(T.confirm_undo)) return;
        try {
          const r = await api("POST", `/api/runs/${id}/undo`);
          const undoBox = el("div", { class: "run", id: box.id + "-undo" });
          box.after(undoBox);
          u.disabled = true;
          follow(r.id, undoBox);
        } catch (err) { box.append(el("p", { class: "error", text: err.message })); }
      });
      links.append(u);
    } else if (st.undone_by) {
      links.append(el("span", { text: `${T.undone} (${st.undone_by})` }));
    }
    box.append(links);
  }

  // Export.
  $("export-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      mapping: $("export-mapping").value, format: $("export-format").value,
      created_start: $("created-start").value, created_end: $("created-end").value,
      updated_start: $("updated-start").value, updated_end: $("updated-end").value,
      query: $("export-query").value, include_deleted: $("export-deleted").checked,
    };
    try {
      const r = await api("POST", "/api/exports", body);
      showError("export-error", null);
      follow(r.id, $("export-run"));
    } catch (err) { showError("export-error", err); }
  });

  // Template.
  function updateTemplateLink() {
    $("template-go").href = "/api/template?mapping=" + encodeURIComponent($("template-mapping").value);
  }
  $("template-mapping").addEventListener("change", updateTemplateLink);

  // Extension checker.
  $("ext-form").addEventListener("submit", (ev) => { ev.preventDefault(); checkExtension({ url: $("ext-url").value }); });
  $("ext-build-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    checkExtension({ params: {
      table_name: $("ext-table-name").value, table_id: $("ext-table-id").value, cpara: $("ext-cpara").value,
      filter: $("ext-filter").value, display: $("ext-display").value, pick: $("ext-pick").value,
    } });
  });
  async function checkExtension(body) {
    const out = $("ext-result");
    out.textContent = T.working;
    try {
      const a = await api("POST", "/api/extension", body);
      out.textContent = "";
      out.append(el("p", { class: a.ok ? "ok verdict" : "error verdict", text: a.ok ? T.ext_ok : T.ext_bad }));
      for (const p of a.problems) {
        const d = el("div", { class: "problem" + (p.severity.match(/warn|警告/) ? " warn" : "") });
        d.append(el("b", { text: `${p.severity} [${p.rule}] ${p.param}${p.value ? " “" + p.value + "”" : ""}` }));
        if (p.what) d.append(el("div", { text: p.what }));
        d.append(el("div", { text: p.message }));
        if (p.fix) d.append(el("div", { class: "fix", text: `${T.ext_fix}: ${p.fix}` }));
        out.append(d);
      }
      if (a.url) out.append(el("p", {}, T.ext_url + ": ", el("code", { class: "url", text: a.url })));
    } catch (err) { out.textContent = T.error + ": " + err.message; }
  }

  // History.
  async function loadHistory() {
    const runs = await api("GET", "/api/runs");
    const t = $("history");
    t.textContent = "";
    if (!runs.length) { t.append(el("tr", {}, el("td", { text: T.none }))); return; }
    t.append(el("tr", {}, ...[T.started, "", "", T.result, ""].map((h) => el("th", { text: h }))));
    for (const r of runs) {
      const open = el("button", { type: "button", text: T.open });
      open.addEventListener("click", () => follow(r.id, $("history-run")));
      const st = r.state;
      const word = !st.finished ? T.working : st.stopped ? T.stopped : st.error ? T.failed : T.finished;
      t.append(el("tr", {},
        el("td", { text: new Date(r.started).toLocaleString() }),
        el("td", { text: T["kind_" + r.kind] || r.kind }),
        el("td", { text: r.title }),
        el("td", { text: word + (st.result ? ": " + st.result : "") }),
        el("td", {}, open)));
    }
  }

  loadMappings().then(() => {
    // A run this page followed before it was closed or reloaded is followed again.
    for (const id of ["import-run", "export-run"]) {
      const run = localStorage.getItem("run:" + id);
      if (run) reconnect($(id), run);
    }
  });
  showTab();
})();
