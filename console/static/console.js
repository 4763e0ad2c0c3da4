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

// A card is a thread: the buttons act on every post of it in the view (data-ids); 入摘报 and
// 升级 name the card's lead post (data-id), the one shown on it.
async function triage(button) {
  const card = button.closest("article.post");
  const status = button.dataset.action;
  card.querySelectorAll("button").forEach(b => { b.disabled = true; });
  try {
    const data = await post("/api/docs/status",
                            {ids: card.dataset.ids.split(" "), lead: card.dataset.id, status: status});
    const filter = document.getElementById("feed-rows").dataset.statusFilter;
    let msg = ACTION_DONE[status];
    if (data.ids.length > 1) msg += "（" + data.ids.length + " 条帖子）";
    if (data.incident_id) msg += "（事件单 #" + data.incident_id + "）";
    if (filter === "all" || filter === status) {
      await refreshFeed();  // the card stays: redraw its counts
    } else {
      card.remove();  // the thread no longer matches the view: it leaves the queue
    }
    toast(msg);
  } catch (e) {
    card.querySelectorAll("button").forEach(b => { b.disabled = false; });
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

let fresh = {count: 0, threads: 0};

async function poll() {
  const feed = document.getElementById("feed");
  const rows = document.getElementById("feed-rows");
  if (!feed || !rows) return;
  const params = new URLSearchParams(feed.dataset.query);
  params.set("after", rows.dataset.cursor);
  try {
    const resp = await fetch("/api/feed/new?" + params.toString(), {credentials: "same-origin"});
    if (!resp.ok) return;
    fresh = await resp.json();
  } catch (e) {
    return;  // the console restarts or the network blips: try again next time
  }
  const banner = document.getElementById("new-banner");
  banner.hidden = fresh.count === 0;
  banner.textContent = fresh.count + " 条新帖（" + fresh.threads + " 个主题帖），点击刷新";
  document.title = (fresh.count ? "(" + fresh.count + ") " : "") + document.title.replace(/^\(\d+\) /, "");
}

async function refreshFeed() {
  const feed = document.getElementById("feed");
  const resp = await fetch("/feed/rows?" + feed.dataset.query, {credentials: "same-origin"});
  if (!resp.ok) { toast("刷新失败：" + resp.status, true); return; }
  const doc = new DOMParser().parseFromString(await resp.text(), "text/html");
  const next = doc.getElementById("feed-rows");
  if (!next) return;
  document.getElementById("feed-rows").replaceWith(document.adoptNode(next));
  fresh = {count: 0, threads: 0};
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
