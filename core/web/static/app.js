// nutpp upsweb status page: reads /api/v1, then follows /api/v1/events (Server-Sent Events).
// Plain browser JavaScript, no build step, no external files.
"use strict";

const FIELDS = [
  ["ups.status", "Status"],
  ["battery.charge", "Charge", "%"],
  ["battery.runtime", "Runtime", "runtime"],
  ["ups.load", "Load", "%"],
  ["input.voltage", "Input", "V"],
];
const HOUR = 3600;
const state = new Map(); // ups -> {vars, error, history: [{t, charge}], el}
let events = 0;

const STATUS_WORDS = { OL: "on line", OB: "on battery", LB: "low battery", CHRG: "charging",
  DISCHRG: "discharging", BYPASS: "bypass", CAL: "calibrating", OFF: "off", OVER: "overloaded",
  TRIM: "trimming", BOOST: "boosting", FSD: "forced shutdown", RB: "replace battery" };

function describeStatus(s) {
  if (!s) return "unknown";
  return s.split(/\s+/).map((f) => STATUS_WORDS[f] || f).join(", ");
}

function formatValue(v, unit) {
  if (v === undefined || v === null || v === "") return "–";
  if (unit === "runtime") {
    const s = Number(v);
    if (!isFinite(s)) return v;
    const m = Math.floor(s / 60);
    return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min ${Math.round(s % 60)} s`;
  }
  return unit ? `${v} ${unit}` : v;
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function card(name) {
  let u = state.get(name);
  if (u) return u;
  u = { vars: {}, error: null, history: [], el: null, initialStatus: null };
  const c = el("section", { class: "ups", id: "ups-" + name, "data-ups": name });
  c.append(el("h2", {}, name), el("p", { class: "desc" }, ""));
  const dl = el("dl");
  for (const [key, label] of FIELDS) {
    dl.append(el("dt", {}, label), el("dd", { "data-var": key, class: key === "ups.status" ? "status" : "" }, "–"));
  }
  c.append(dl, el("div", { class: "chart-label" }, "Battery charge, last hour"));
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("viewBox", "0 0 3600 100");
  svg.setAttribute("preserveAspectRatio", "none");
  svg.append(document.createElementNS("http://www.w3.org/2000/svg", "polyline"));
  c.append(svg);
  document.getElementById("upses").append(c);
  u.el = c;
  state.set(name, u);
  return u;
}

function render(name) {
  const u = state.get(name);
  if (!u) return;
  const status = u.vars["ups.status"] || "";
  for (const [key, , unit] of FIELDS) {
    const dd = u.el.querySelector(`dd[data-var="${key}"]`);
    dd.textContent = key === "ups.status" ? describeStatus(status) : formatValue(u.vars[key], unit);
    if (key === "ups.status") dd.setAttribute("data-raw", status);
  }
  const flags = status.split(/\s+/);
  u.el.dataset.state = u.error ? "error" : flags.includes("LB") ? "low" : flags.includes("OB") ? "battery" : "ok";
  u.el.dataset.error = u.error || "";
  const now = Date.now() / 1000;
  u.history = u.history.filter((p) => now - p.t <= HOUR);
  const pts = u.history.filter((p) => p.charge !== null && !isNaN(p.charge))
    .map((p) => `${Math.round(HOUR - (now - p.t))},${100 - p.charge}`).join(" ");
  u.el.querySelector("polyline").setAttribute("points", pts);
}

async function getJson(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function load(name) {
  const u = card(name);
  const [detail, history] = await Promise.all([getJson(`/api/v1/ups/${encodeURIComponent(name)}`),
    getJson(`/api/v1/ups/${encodeURIComponent(name)}/history`)]);
  u.el.querySelector(".desc").textContent = detail.description || "";
  u.vars = Object.assign({}, detail.variables, u.vars);
  u.error = detail.error;
  if (u.initialStatus === null) {
    u.initialStatus = detail.status;
    u.el.dataset.initialStatus = detail.status;
  }
  u.history = history.map((p) => ({ t: p.t, charge: p["battery.charge"] })).concat(u.history);
  render(name);
}

function onEvent(kind, ev) {
  const e = JSON.parse(ev.data);
  events++;
  document.getElementById("upses").dataset.events = String(events);
  if (kind === "removed") {
    const u = state.get(e.ups);
    if (u) u.el.remove();
    state.delete(e.ups);
    return;
  }
  const known = state.has(e.ups);
  const u = card(e.ups);
  if (!known) load(e.ups).catch(() => {});
  if (kind === "variable") {
    if (e.value === null) delete u.vars[e.name];
    else u.vars[e.name] = e.value;
    if (e.name === "battery.charge") u.history.push({ t: e.time, charge: Number(e.value) });
  } else if (kind === "comm") {
    u.error = e.error;
  }
  render(e.ups);
}

function follow() {
  const live = document.getElementById("live");
  const src = new EventSource("/api/v1/events");
  src.onopen = () => { live.dataset.state = "live"; live.textContent = "live"; };
  src.onerror = () => { live.dataset.state = "lost"; live.textContent = "reconnecting…"; };
  for (const kind of ["variable", "comm", "removed"]) src.addEventListener(kind, (ev) => onEvent(kind, ev));
}

async function main() {
  follow(); // first, so no change between the read below and the stream is missed
  const list = await getJson("/api/v1/ups");
  await Promise.all(list.map((u) => load(u.name)));
  setInterval(() => state.forEach((_, name) => render(name)), 30000); // slide the chart
}

main().catch((e) => {
  const live = document.getElementById("live");
  live.dataset.state = "lost";
  live.textContent = String(e);
});
