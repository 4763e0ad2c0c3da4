// yqwatch console: in-place triage, event acknowledgement, and the "N 条新帖" poll.
"use strict";

const POLL_MS = 15000;
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

function toast(text, isError) {
  const el = document.getElementById("toast");
  el.textContent = text;  // textContent: server messages are never parsed as HTML
  el.className = isError ? "toast error" : "toast";
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 4000);
}

async function post(url, body) {
  const resp = await fetch(url, {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
    body: JSON.stringify(body || {}),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await resp.json(); } catch (e) { /* not JSON: keep the status line */ }
  if (!resp.ok) throw new Error(data.error || ("请求失败：" + resp.status));
  return data;
}

const ACTION_DONE = {read: "已标记为已读", ignored: "已忽略", selected: "已入今日摘报", escalated: "已升级为事件单"};

async function triage(button) {
  const row = button.closest("article.post");
  const status = button.dataset.action;
  row.querySelectorAll("button").forEach(b => { b.disabled = true; });
  try {
    const data = await post("/api/docs/" + encodeURIComponent(row.dataset.id) + "/status", {status: status});
    const rows = document.getElementById("feed-rows");
    const filter = rows.dataset.statusFilter;
    let msg = ACTION_DONE[status];
    if (data.incident_id) msg += "（#" + data.incident_id + "）";
    if (filter === "all" || filter === status) {
      row.dataset.status = status;
      row.querySelector(".status").textContent = data.status_label;
      row.querySelectorAll("button").forEach(b => { b.disabled = false; });
    } else {
      row.remove();  // the row no longer matches the view: it leaves the queue
    }
    toast(msg);
  } catch (e) {
    row.querySelectorAll("button").forEach(b => { b.disabled = false; });
    toast(e.message, true);
  }
}

async function acknowledge(button) {
  button.disabled = true;
  try {
    const data = await post("/api/events/" + encodeURIComponent(button.dataset.ack) + "/ack");
    button.parentElement.textContent = "已确认（" + data.by + "）";
  } catch (e) {
    button.disabled = false;
    toast(e.message, true);
  }
}

let fresh = 0;

async function poll() {
  const feed = document.getElementById("feed");
  const rows = document.getElementById("feed-rows");
  if (!feed || !rows) return;
  const params = new URLSearchParams(feed.dataset.query);
  params.set("after", rows.dataset.cursor);
  try {
    const resp = await fetch("/api/feed/new?" + params.toString(), {credentials: "same-origin"});
    if (!resp.ok) return;
    fresh = (await resp.json()).count;
  } catch (e) {
    return;  // the console restarts or the network blips: try again next time
  }
  const banner = document.getElementById("new-banner");
  banner.hidden = fresh === 0;
  banner.textContent = fresh + " 条新帖，点击刷新";
  document.title = (fresh ? "(" + fresh + ") " : "") + document.title.replace(/^\(\d+\) /, "");
}

async function refreshFeed() {
  const feed = document.getElementById("feed");
  const resp = await fetch("/feed/rows?" + feed.dataset.query, {credentials: "same-origin"});
  if (!resp.ok) { toast("刷新失败：" + resp.status, true); return; }
  const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
  const next = doc.getElementById("feed-rows");
  if (!next) return;
  document.getElementById("feed-rows").replaceWith(document.adoptNode(next));
  fresh = 0;
  document.getElementById("new-banner").hidden = true;
  document.title = document.title.replace(/^\(\d+\) /, "");
}

document.addEventListener("click", (ev) => {
  const t = ev.target;
  if (!(t instanceof HTMLElement)) return;
  if (t.matches("article.post button[data-action]")) triage(t);
  else if (t.matches("button[data-ack]")) acknowledge(t);
  else if (t.id === "new-banner") refreshFeed();
});

if (document.getElementById("feed")) setInterval(poll, POLL_MS);
