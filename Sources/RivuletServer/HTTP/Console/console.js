// The Rivulet web console: three pages over the JSON API of /api/v1 (routes in the URL's
// hash), plus the SQL editor. Every text from the server goes through esc() or textContent.
"use strict";

const page = document.getElementById("page");
const editorPage = document.getElementById("editor-page");
let refreshTimer = null;

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function api(path, options) {
  const response = await fetch("/api/v1" + path, options);
  const body = await response.json();
  return { ok: response.ok, status: response.status, body };
}

function rate(n) { return n >= 100 ? n.toFixed(0) : n.toFixed(1); }
function duration(seconds) {
  if (seconds == null) return "";
  const s = Math.floor(seconds);
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
  return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
}
function bytes(n) { return n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB"; }

// A small chart of rows in (blue) and out (green) per second over the kept history.
function sparkline(history, width = 160, height = 36) {
  const ins = history.map(r => r.rowsInPerSecond), outs = history.map(r => r.rowsOutPerSecond);
  const top = Math.max(1, ...ins, ...outs);
  const path = values => values.map((v, i) => {
    const x = values.length < 2 ? 0 : (i / (values.length - 1)) * (width - 2) + 1;
    const y = height - 2 - (v / top) * (height - 4);
    return (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
  }).join(" ");
  return `<svg class="spark" width="${width}" height="${height}" role="img" aria-label="rows per second">
    <path d="${path(ins)}" stroke="#2463eb" fill="none" stroke-width="1.5"/>
    <path d="${path(outs)}" stroke="#2e7d32" fill="none" stroke-width="1.5"/></svg>`;
}

function stateCell(q) {
  let text = `<span class="state-${esc(q.state)}">${esc(q.state)}</span>`;
  if (q.error) text += `<div class="error-text query-error">${esc(q.error)}</div>`;
  if (!q.sinkAvailable) text += `<div class="error-text">sink unavailable: ${esc(q.sinkError)}</div>`;
  return text;
}

function watermarkText(q) {
  if (!q.watermark) return '<span class="muted">none</span>';
  return `${esc(q.watermark.replace("T", " ").replace("Z", ""))}<div class="muted">${duration(q.watermarkLagSeconds)} behind the clock</div>`;
}

async function showQueries() {
  const { body } = await api("/queries");
  const rows = body.queries.map(q => `
    <tr data-query="${esc(q.id)}">
      <td><a href="#/queries/${encodeURIComponent(q.id)}">${esc(q.id)}</a></td>
      <td>${stateCell(q)}</td>
      <td class="num">${duration(q.uptimeSeconds)}</td>
      <td class="num rows-in">${q.rowsIn}</td><td class="num rows-out">${q.rowsOut}</td>
      <td class="num rate-in">${rate(q.rowsInPerSecond)}</td><td class="num rate-out">${rate(q.rowsOutPerSecond)}</td>
      <td>${sparkline(q.history)}</td>
      <td>${watermarkText(q)}</td>
      <td class="num">${q.lateRows}</td><td class="num">${q.badRecords}</td><td class="num">${q.stateSize}</td>
      <td>${q.checkpoints.taken ? `#${q.checkpoints.lastId} (${q.checkpoints.lastSeconds.toFixed(3)}s, ${bytes(q.checkpoints.lastBytes)})` : '<span class="muted">none</span>'}</td>
      <td>${q.consumerLag.map(l => `${esc(l.topic)}/${l.partition}: ${l.lag}`).join("<br>")}</td>
      <td><code>${esc(q.sql)}</code></td>
    </tr>`).join("");
  page.innerHTML = `<h1>Queries</h1>
    ${body.queries.length ? `<table id="queries">
      <tr><th>id</th><th>state</th><th>uptime</th><th>rows in</th><th>rows out</th><th>in/s</th><th>out/s</th>
      <th>last minutes <span style="color:#2463eb">in</span> / <span style="color:#2e7d32">out</span></th>
      <th>watermark</th><th>late</th><th>bad</th><th>state</th><th>checkpoint</th><th>consumer lag</th><th>SQL</th></tr>
      ${rows}</table>` : '<p class="muted" id="no-queries">No persistent query yet: start one from the SQL editor.</p>'}`;
}

// The operator graph, sources on the left and the sink on the right: a node's column is its
// distance from the farthest source below it. Each node shows its rows out per second and, when
// it keeps state, its state size; the page redraws every second, so they stay current.
function graphSVG(graph) {
  const byId = new Map(graph.nodes.map(n => [n.id, n]));
  const level = new Map();
  const depthOf = id => {
    if (level.has(id)) return level.get(id);
    const inputs = byId.get(id).inputs;
    const d = inputs.length ? 1 + Math.max(...inputs.map(depthOf)) : 0;
    level.set(id, d);
    return d;
  };
  graph.nodes.forEach(n => depthOf(n.id));
  const columns = [];
  graph.nodes.forEach(n => { (columns[level.get(n.id)] ??= []).push(n); });
  const boxW = 230, boxH = 74, gapX = 60, gapY = 22;
  const place = new Map();
  columns.forEach((nodes, c) => nodes.forEach((n, r) => place.set(n.id, { x: 10 + c * (boxW + gapX), y: 10 + r * (boxH + gapY) })));
  const width = 20 + columns.length * (boxW + gapX) - gapX;
  const height = 20 + Math.max(...columns.map(c => c.length)) * (boxH + gapY) - gapY;
  let edges = "", boxes = "";
  graph.nodes.forEach(n => {
    const to = place.get(n.id);
    n.inputs.forEach(i => {
      const from = place.get(i);
      edges += `<path class="edge" d="M${from.x + boxW} ${from.y + boxH / 2} C${from.x + boxW + gapX / 2} ${from.y + boxH / 2}, ${to.x - gapX / 2} ${to.y + boxH / 2}, ${to.x} ${to.y + boxH / 2}"/>`;
    });
    const detail = n.detail.length > 31 ? n.detail.slice(0, 30) + "…" : n.detail;
    const state = n.stateSize == null ? "" : `state ${n.stateSize}${n.stateBytes == null ? "" : " · " + bytes(n.stateBytes)}`;
    boxes += `<g class="node" data-node="${n.id}" data-operator="${esc(n.operator)}"><title>${esc(n.operator)}: ${esc(n.detail)}</title>
      <rect x="${to.x}" y="${to.y}" width="${boxW}" height="${boxH}"/>
      <text x="${to.x + 8}" y="${to.y + 18}" font-weight="600">${esc(n.operator)}</text>
      <text x="${to.x + 8}" y="${to.y + 34}" fill="#6b7385">${esc(detail)}</text>
      <text class="node-rate" x="${to.x + 8}" y="${to.y + 50}" fill="#2463eb">${rate(n.rowsPerSecond)} rows/s</text>
      <text class="node-state" x="${to.x + 8}" y="${to.y + 66}" fill="#2e7d32">${esc(state)}</text></g>`;
  });
  return `<svg class="graph" id="graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
    <path d="M0 0 L10 5 L0 10 z" fill="#8893a8"/></marker></defs>${edges}${boxes}</svg>`;
}

async function showQuery(id) {
  const { ok, body } = await api("/queries/" + encodeURIComponent(id));
  if (!ok) { page.innerHTML = `<h1>Query ${esc(id)}</h1><p class="error-text">${esc(body.message)}</p>`; return; }
  const q = body.query;
  const bad = body.badRecords.length ? `<table id="bad-records"><tr><th>time</th><th>source</th><th>position</th><th>reason</th><th>record</th></tr>
    ${body.badRecords.map(b => `<tr><td>${esc(b.time)}</td><td>${esc(b.source)}</td><td>${esc(b.position)}</td><td>${esc(b.reason)}</td><td><code>${esc(b.rawText)}</code></td></tr>`).join("")}</table>`
    : '<p class="muted">No bad records.</p>';
  const late = body.lateRows.length ? `<table id="late-rows"><tr><th>dropped</th><th>source</th><th>operator</th><th>event time</th><th>watermark</th><th>window missed</th><th>row</th></tr>
    ${body.lateRows.map(l => `<tr><td>${esc(l.time)}</td><td>${esc(l.source)}</td><td>${esc(l.operatorName)}</td><td>${esc(l.eventTime)}</td><td>${esc(l.watermark)}</td><td>${l.windowStart ? esc(l.windowStart) + " – " + esc(l.windowEnd) : ""}</td><td><code>${esc(l.row)}</code></td></tr>`).join("")}</table>`
    : '<p class="muted">No late rows.</p>';
  page.innerHTML = `<h1>Query ${esc(q.id)} ${stateCell(q)}</h1>
    <div class="figures">
      <div class="figure">rows in/s<b class="rate-in">${rate(q.rowsInPerSecond)}</b></div>
      <div class="figure">rows out/s<b class="rate-out">${rate(q.rowsOutPerSecond)}</b></div>
      <div class="figure">rows in<b>${q.rowsIn}</b></div><div class="figure">rows out<b>${q.rowsOut}</b></div>
      <div class="figure">late rows<b>${q.lateRows}</b></div><div class="figure">bad records<b>${q.badRecords}</b></div>
      <div class="figure">state size<b>${q.stateSize}</b></div><div class="figure">uptime<b>${duration(q.uptimeSeconds)}</b></div>
      <div class="figure">watermark<b>${watermarkText(q)}</b></div>
      <div class="figure">${sparkline(q.history, 240, 48)}</div>
    </div>
    <h2>Operator graph</h2>${graphSVG(body.graph)}
    <h2>SQL</h2><pre class="block" id="query-sql">${esc(q.sql)}</pre>
    <h2>EXPLAIN</h2><pre class="block" id="explain">${esc(body.explain.join("\n"))}</pre>
    <h2>Recent bad records</h2>${bad}
    <h2>Recent late rows</h2>${late}`;
}

async function showCatalog() {
  const { body } = await api("/catalog");
  const link = id => `<a href="#/queries/${encodeURIComponent(id)}">${esc(id)}</a>`;
  const cards = body.relations.map(r => `
    <div class="card" data-relation="${esc(r.name)}">
      <h3>${esc(r.name)} <span class="muted">${esc(r.kind)}${r.connector ? " · " + esc(r.connector) : ""}</span></h3>
      <table><tr><th>column</th><th>type</th></tr>
        ${r.columns.map(c => `<tr><td>${esc(c.name)}${r.primaryKey.includes(c.name) ? " 🔑" : ""}</td><td>${esc(c.type)}${c.nullable ? "" : " NOT NULL"}</td></tr>`).join("")}</table>
      ${r.options && Object.keys(r.options).length ? `<div class="muted">${Object.entries(r.options).map(([k, v]) => esc(k) + " = " + esc(v)).join(", ")}</div>` : ""}
      ${r.sql ? `<pre class="block">${esc(r.sql)}</pre>` : ""}
      <div>read by: ${r.readBy.map(link).join(", ") || '<span class="muted">none</span>'}</div>
      <div>written by: ${r.writtenBy.map(link).join(", ") || '<span class="muted">none</span>'}</div>
    </div>`).join("");
  page.innerHTML = `<h1>Catalog</h1>${body.relations.length ? `<div class="cards">${cards}</div>` : '<p class="muted">No streams or tables yet.</p>'}`;
}

// --- SQL editor -------------------------------------------------------------------------

const sql = document.getElementById("sql");
const gutter = document.getElementById("gutter");
const runButton = document.getElementById("run");
const cancelButton = document.getElementById("cancel");
const runStatus = document.getElementById("run-status");
const errorBox = document.getElementById("error");
const results = document.getElementById("results");
let push = null;

function drawGutter(errorLine) {
  const count = sql.value.split("\n").length;
  gutter.innerHTML = Array.from({ length: count }, (_, i) =>
    i + 1 === errorLine ? `<span class="error-line">${i + 1}</span>` : String(i + 1)).join("\n");
}
sql.addEventListener("input", () => drawGutter());
sql.addEventListener("scroll", () => { gutter.scrollTop = sql.scrollTop; });
sql.addEventListener("keydown", e => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });

function resultTable(columns, rows, id) {
  return `<table ${id ? `id="${id}"` : ""}><thead><tr>${columns.map(c => `<th title="${esc(c.type)}">${esc(c.name)}</th>`).join("")}</tr></thead>
    <tbody>${rows.map(r => `<tr>${r.map(v => v == null ? '<td class="muted">NULL</td>' : `<td>${esc(v)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

// An error with a place marks its line in the gutter, selects its column in the text, and
// shows the line with a caret under the spot.
function showError(error) {
  errorBox.hidden = false;
  let html = `<b class="error-text">ERROR ${esc(error.code)}:</b> <span id="error-message">${esc(error.message)}</span>`;
  if (error.line) {
    html += ` <span id="error-place">(line ${error.line}, column ${error.column})</span>`;
    const lines = sql.value.split("\n");
    const text = lines[error.line - 1] ?? "";
    // The whole span when it ends on the same line, else its first character.
    const width = error.endLine === error.line && error.endColumn > error.column ? error.endColumn - error.column : 1;
    html += `<pre>${esc(text)}\n${" ".repeat(error.column - 1)}${"^".repeat(width)}</pre>`;
    drawGutter(error.line);
    const offset = lines.slice(0, error.line - 1).reduce((n, l) => n + l.length + 1, 0) + error.column - 1;
    sql.focus();
    sql.setSelectionRange(offset, offset + width);
  }
  if (error.hint) html += `<div class="muted">hint: ${esc(error.hint)}</div>`;
  errorBox.innerHTML = html;
}

function clearOutput() {
  errorBox.hidden = true;
  errorBox.innerHTML = "";
  results.innerHTML = "";
  drawGutter();
}

async function run() {
  if (push) return;
  clearOutput();
  const text = sql.value;
  if (/\bEMIT\s+CHANGES\b/i.test(text)) return runPush(text);
  runButton.disabled = true;
  runStatus.textContent = "running…";
  try {
    const { body } = await api("/statements", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sql: text }) });
    results.innerHTML = body.results.map(r => `<div class="result"><div class="muted tag">${esc(r.tag)}</div>
      ${r.columns ? resultTable(r.columns, r.rows) : ""}</div>`).join("");
    if (body.error) showError(body.error);
    runStatus.textContent = body.error ? "failed" : "done";
  } catch (e) {
    runStatus.textContent = "request failed: " + e;
  } finally {
    runButton.disabled = false;
  }
}

// A push query: rows arrive as Server-Sent Events on a POST, read as a stream, until the
// query ends or Cancel aborts the request (which stops the query on the server).
async function runPush(text) {
  const controller = new AbortController();
  push = controller;
  runButton.disabled = true;
  cancelButton.disabled = false;
  runStatus.textContent = "streaming…";
  let columns = [], count = 0, tbody = null;
  const handle = (name, data) => {
    if (name === "columns") {
      columns = data.columns;
      results.innerHTML = `<div class="muted">rows received: <span id="push-count">0</span></div>${resultTable(columns, [], "push-rows")}`;
      tbody = results.querySelector("tbody");
    } else if (name === "rows") {
      for (const row of data.rows) tbody.insertAdjacentHTML("beforeend", `<tr>${row.map(v => v == null ? '<td class="muted">NULL</td>' : `<td>${esc(v)}</td>`).join("")}</tr>`);
      count += data.rows.length;
      document.getElementById("push-count").textContent = count;
    } else if (name === "end") {
      runStatus.textContent = `ended after ${data.rows} rows`;
    } else if (name === "error") {
      showError(data.error);
      runStatus.textContent = "failed";
    }
  };
  try {
    const response = await fetch("/api/v1/push", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sql: text }), signal: controller.signal });
    if (!response.ok) {
      const body = await response.json();
      showError(body.error);
      runStatus.textContent = "failed";
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) name = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data) handle(name, JSON.parse(data));
      }
    }
  } catch (e) {
    if (e.name === "AbortError") runStatus.textContent = `cancelled after ${count} rows`;
    else runStatus.textContent = "request failed: " + e;
  } finally {
    push = null;
    runButton.disabled = false;
    cancelButton.disabled = true;
  }
}

runButton.addEventListener("click", run);
cancelButton.addEventListener("click", () => push && push.abort());

// --- Routing ----------------------------------------------------------------------------

async function route() {
  clearInterval(refreshTimer);
  const hash = location.hash || "#/queries";
  const [, section, id] = hash.split("/");
  for (const name of ["queries", "catalog", "editor"]) {
    document.getElementById("nav-" + name).classList.toggle("active", name === section);
  }
  const editing = section === "editor";
  editorPage.hidden = !editing;
  page.hidden = editing;
  if (editing) { drawGutter(); return; }
  const show = section === "catalog" ? showCatalog : id ? () => showQuery(decodeURIComponent(id)) : showQueries;
  const refresh = async () => {
    try { await show(); document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString(); }
    catch (e) { document.getElementById("status").textContent = "server unreachable"; }
  };
  await refresh();
  if (section !== "catalog") refreshTimer = setInterval(refresh, 1000);
}

window.addEventListener("hashchange", route);
route();
