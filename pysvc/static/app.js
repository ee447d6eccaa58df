// The svctrade page: a fact file in (example, upload or paste), the engine's answer out, through
// the same /v1 API that other systems call. Data is only ever written as text (never as HTML);
// the report is shown in a sandboxed frame.
"use strict";

const TEXT = {
  zh: {
    title: "服务贸易促进指导目录 · 资格评估",
    subtitle: "《上海市服务贸易促进指导目录（2023年版）》",
    facts: "事实文件",
    example: "示例",
    pick: "— 选择示例 —",
    upload: "上传文件",
    paste: "或在此粘贴、编辑（YAML 或 JSON）",
    keys: "字段提示（点击插入）",
    year: "申请年度",
    yearHint: "文件中的年度",
    all: "显示全部项目（含未申报的业务）",
    readings: "解释口径",
    assess: "评估",
    result: "评估结果",
    empty: "选择示例、上传或粘贴事实文件后点击“评估”。",
    working: "评估中…",
    invalid: "事实文件有问题，未能评估：",
    programme: "项目",
    name: "名称",
    verdict: "结论",
    downloadHtml: "下载报告（HTML）",
    downloadJson: "下载结果（JSON）",
    footer: "同一引擎亦提供 Web API：",
    year_of: "申请年度",
    none: "未申报任何目录业务领域；勾选“显示全部项目”查看全部。",
    groups: {
      top: "顶层",
      entity: "主体 entity",
      business_lines: "业务领域 business_lines",
      figures: "数据 figures.<年度>",
      certifications: "认证 certifications",
      licences: "许可 licences",
      recognitions: "认定 recognitions",
      registered_scope: "经营范围 registered_scope",
      agreements: "协议 agreements",
      findings: "评估意见 findings",
    },
  },
  en: {
    title: "Service Trade Promotion Guidance Catalogue · eligibility",
    subtitle: "Shanghai Service Trade Promotion Guidance Catalogue (2023)",
    facts: "Fact file",
    example: "Example",
    pick: "— pick an example —",
    upload: "Upload a file",
    paste: "or paste / edit it here (YAML or JSON)",
    keys: "Keys (click to insert)",
    year: "Application year",
    yearHint: "the file's year",
    all: "Show every programme (also undeclared business)",
    readings: "Readings",
    assess: "Assess",
    result: "Result",
    empty: "Pick an example, upload or paste a fact file, then press “Assess”.",
    working: "Assessing…",
    invalid: "The fact file has problems and was not assessed:",
    programme: "Programme",
    name: "Title",
    verdict: "Verdict",
    downloadHtml: "Download report (HTML)",
    downloadJson: "Download result (JSON)",
    footer: "The same engine answers a web API:",
    year_of: "application year",
    none: "No catalogue business line declared; tick “Show every programme” to see them all.",
    groups: {
      top: "top level",
      entity: "entity",
      business_lines: "business_lines",
      figures: "figures.<year>",
      certifications: "certifications",
      licences: "licences",
      recognitions: "recognitions",
      registered_scope: "registered_scope",
      agreements: "agreements",
      findings: "findings",
    },
  },
};

const state = { lang: "zh", source: "pasted", type: "application/yaml", statuses: {}, readings: [], result: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

async function getJSON(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

function applyLanguage() {
  const words = TEXT[state.lang];
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = words[node.dataset.text];
  for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = words[node.dataset.placeholder];
  $("lang-zh").classList.toggle("active", state.lang === "zh");
  $("lang-en").classList.toggle("active", state.lang === "en");
  renderReadings();
  renderKeys();
}

// -- hints: the schema's keys and their 中文 labels ------------------------------------------------
function enumTerms(schema) {
  const labels = Object.fromEntries(
    (schema.description || "").split("; ").map((pair) => pair.split(": ")).filter((p) => p.length === 2),
  );
  return (schema.enum || []).map((key) => [key, labels[key] || ""]);
}

function keyGroups(schema) {
  const p = schema.properties;
  const titled = (props) => Object.entries(props).map(([key, s]) => [key, s.title || "", `${key}: `]);
  const values = (s) => enumTerms(s.items || s).map(([key, label]) => [key, label, key]);
  return [
    ["top", titled(p)],
    ["entity", titled(p.entity.properties).concat(values(p.entity.properties.kind))],
    ["business_lines", values(p.business_lines)],
    ["figures", titled(p.figures.additionalProperties.properties)],
    ["certifications", values(p.certifications)],
    ["licences", values(p.licences)],
    ["recognitions", values(p.recognitions)],
    ["registered_scope", values(p.registered_scope)],
    ["agreements", titled(p.agreements.items.properties)],
    ["findings", titled(p.findings.properties)],
  ];
}

function insertAtCursor(text) {
  const area = $("facts");
  const start = area.selectionStart;
  area.setRangeText(text, start, area.selectionEnd, "end");
  area.focus();
}

function renderKeys() {
  const box = $("key-groups");
  box.replaceChildren();
  if (!state.schema) return;
  for (const [group, keys] of keyGroups(state.schema)) {
    box.append(el("h3", {}, TEXT[state.lang].groups[group]));
    for (const [key, label, insert] of keys) {
      const button = el("button", { type: "button", class: "hint", title: insert }, el("code", {}, key));
      if (label) button.append(` ${label}`);
      button.addEventListener("click", () => insertAtCursor(insert));
      box.append(button);
    }
  }
}

// -- readings --------------------------------------------------------------------------------------
function renderReadings() {
  const box = $("readings");
  const chosen = Object.fromEntries([...box.querySelectorAll("select")].map((s) => [s.name, s.value]));
  box.replaceChildren();
  for (const reading of state.readings) {
    const select = el("select", { name: reading.name, id: `reading-${reading.name}` });
    for (const option of reading.values) {
      const suffix = option.default ? (state.lang === "zh" ? "（默认）" : " (default)") : "";
      const item = el("option", { value: option.value }, `${option.value}${suffix} — ${option[state.lang]}`);
      select.append(item);
    }
    select.value = chosen[reading.name] || reading.in_force;
    select.title = reading.question[state.lang];
    const label = el("label", { for: select.id, title: reading.question[state.lang] }, reading.name);
    box.append(el("div", { class: "row" }, label, select));
  }
}

function query() {
  const params = new URLSearchParams({ lang: state.lang, source: state.source });
  const year = $("year").value.trim();
  if (year) params.set("year", year);
  if ($("all").checked) params.set("all", "true");
  for (const select of $("readings").querySelectorAll("select")) {
    const reading = state.readings.find((r) => r.name === select.name);
    if (reading && select.value !== reading.in_force) params.append("readings", `${select.name}=${select.value}`);
  }
  return params.toString();
}

// -- assessing ---------------------------------------------------------------------------------------
function showProblems(error) {
  const list = $("problems");
  list.replaceChildren(...error.problems.map((p) => el("li", {}, `${error.source}: ${p}`)));
  list.hidden = false;
  $("status").textContent = TEXT[state.lang].invalid;
  $("summary").hidden = true;
}

function download(anchor, content, type, name) {
  if (anchor.href) URL.revokeObjectURL(anchor.href);
  anchor.href = URL.createObjectURL(new Blob([content], { type }));
  anchor.download = name;
}

function showResult(result, report) {
  const words = TEXT[state.lang];
  $("problems").hidden = true;
  $("status").textContent = "";
  const entity = result.entity;
  $("entity").textContent =
    `${entity.name}${entity.credit_code ? `（${entity.credit_code}）` : ""} · ${words.year_of} ${result.year}`;
  const rows = result.programmes
    .filter((p) => $("all").checked || p.status !== "out_of_scope")
    .map((p) =>
      el(
        "tr",
        { "data-programme": p.id },
        el("td", {}, p.id),
        el("td", {}, p.title[state.lang]),
        el("td", { class: "status", "data-status": p.status }, state.statuses[state.lang][p.status]),
      ),
    );
  if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: "3" }, words.none)));
  $("verdicts").tBodies[0].replaceChildren(...rows);
  const stem = state.source.replace(/^.*[\\/]/, "").replace(/\.(ya?ml|json)$/i, "") || "result";
  download($("download-html"), report, "text/html;charset=utf-8", `${stem}.report.html`);
  download($("download-json"), JSON.stringify(result, null, 2), "application/json", `${stem}.result.json`);
  $("report").srcdoc = report;
  $("summary").hidden = false;
}

async function assess() {
  const body = $("facts").value;
  if (!body.trim()) return;
  $("status").textContent = TEXT[state.lang].working;
  const options = { method: "POST", body, headers: { "Content-Type": state.type } };
  const params = query();
  try {
    const answer = await fetch(`/v1/assess?${params}`, options);
    const result = await answer.json();
    if (!answer.ok) return showProblems(result);
    const report = await (await fetch(`/v1/report?${params}`, options)).text();
    state.result = result;
    showResult(result, report);
  } catch (error) {
    showProblems({ source: state.source, problems: [String(error)] });
  }
}

function useText(text, source) {
  $("facts").value = text;
  state.source = source;
  state.type = /\.json$/i.test(source) || /^\s*[{[]/.test(text) ? "application/json" : "application/yaml";
  return assess();
}

async function start() {
  $("lang-zh").addEventListener("click", () => { state.lang = "zh"; applyLanguage(); if (state.result) assess(); });
  $("lang-en").addEventListener("click", () => { state.lang = "en"; applyLanguage(); if (state.result) assess(); });
  $("assess").addEventListener("click", () => {
    const text = $("facts").value;
    state.type = /^\s*[{[]/.test(text) ? "application/json" : "application/yaml";
    assess();
  });
  $("facts").addEventListener("input", () => { if (!state.source.startsWith("pasted")) state.source = "pasted"; });
  $("example").addEventListener("change", async (event) => {
    const name = event.target.value;
    if (!name) return;
    const response = await fetch(`/v1/examples/${encodeURIComponent(name)}`);
    await useText(await response.text(), name);
  });
  $("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (file) await useText(await file.text(), file.name);
  });
  const [examples, readings, schema, version] = await Promise.all([
    getJSON("/v1/examples"),
    getJSON("/v1/interpretations"),
    getJSON("/v1/facts/schema"),
    getJSON("/v1/version"),
  ]);
  for (const name of examples) $("example").append(el("option", { value: name }, name));
  state.readings = readings;
  state.schema = schema;
  state.statuses = version.statuses;
  applyLanguage();
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
