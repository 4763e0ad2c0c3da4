// yqwatch console: in-place triage, event acknowledgement, the "N 条新帖" poll, and the
// truth about the watch: a live Beijing-time clock, the last crawl, and a red banner when the
// console cannot be reached or no crawl has finished lately (every page polls).
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
  const feed = document.getElementById("feed");
  feed.setAttribute("aria-busy", "true");  // until the list is redrawn with the new counts
  try {
    const data = await post("/api/docs/status",
                            {ids: card.dataset.ids.split(" "), lead: card.dataset.id, status: status});
    const filter = document.getElementById("feed-rows").dataset.statusFilter;
    let msg = ACTION_DONE[status];
    if (data.ids.length > 1) msg += "（" + data.ids.length + " 条帖子）";
    if (data.incident_id) msg += "（事件单 #" + data.incident_id + "）";
    if (filter !== "all" && filter !== status) {
      card.remove();  // the thread no longer matches the view: it leaves the queue
    }
    toast(msg);
    await refreshFeed();  // redraw the counts (the list's and the cards' that stay)
  } catch (e) {
    card.querySelectorAll("button").forEach(b => { b.disabled = false; });
    toast(e.message, true);
  } finally {
    feed.removeAttribute("aria-busy");
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

let fresh = {count: 0, threads: 0, worst: null};
const GRADE_WORD = {red: "红", orange: "橙", yellow: "黄", blue: "蓝"};

// -- the watch's state: clock, last crawl, red banner -------------------------------------------

let clockOffset = 0;  // server time minus this machine's: the clock shows the watch's time
const BEIJING = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"});

function beijing(ms) {
  const p = {};
  for (const part of BEIJING.formatToParts(new Date(ms))) p[part.type] = part.value;
  return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute + ":" + p.second;
}

function syncClock(iso) {
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) clockOffset = t - Date.now();
}

function tick() {
  const el = document.getElementById("clock");
  if (el) el.textContent = "北京时间 " + beijing(Date.now() + clockOffset);
}

function setAlarm(text) {
  const el = document.getElementById("watch-alarm");
  if (!el) return;
  el.textContent = text || "";
  el.hidden = !text;
}

let lastContact = Date.now();

function connectionLost(why) {
  setAlarm("连接中断：无法连接值班控制台（" + why + "），自 " + beijing(lastContact + clockOffset).slice(11) +
           " 起未收到数据，页面内容可能已过时，采集可能已停止");
}

function showWatch(w) {
  lastContact = Date.now();
  syncClock(w.now);
  const last = document.getElementById("last-crawl");
  if (last) last.textContent = "最近采集 " + w.last_crawl;
  setAlarm(w.stale ? w.message : "");
}

// -- sound for 红/橙 new posts (WebAudio; muted per browser) --------------------------------------

const MUTE_KEY = "yq-muted";
let audio = null;

function muted() { return localStorage.getItem(MUTE_KEY) === "1"; }

function showSound() {
  const b = document.getElementById("sound-toggle");
  if (b) b.textContent = muted() ? "提示音：关" : "提示音：开";
}

function beep() {
  if (muted()) return false;
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  } catch (e) {
    return false;  // no audio device: the red banner still shows
  }
  const banner = document.getElementById("new-banner");
  banner.dataset.beeps = String(Number(banner.dataset.beeps || 0) + 1);  // how many were sounded
  return true;
}

// -- the poll -------------------------------------------------------------------------------------

async function fetchJSON(url) {
  let resp;
  try {
    resp = await fetch(url, {credentials: "same-origin"});
  } catch (e) {
    connectionLost("网络错误");
    return null;
  }
  if (!resp.ok) {
    connectionLost(resp.status === 401 ? "登录已失效，请刷新页面" : "HTTP " + resp.status);
    return null;
  }
  try {
    return await resp.json();
  } catch (e) {
    connectionLost("响应无效");
    return null;
  }
}

async function poll() {
  const feed = document.getElementById("feed");
  const rows = document.getElementById("feed-rows");
  if (!feed || !rows) {
    const w = await fetchJSON("/api/status");
    if (w) showWatch(w);
    return;
  }
  const params = new URLSearchParams(feed.dataset.query);
  params.set("after", rows.dataset.cursor);
  const data = await fetchJSON("/api/feed/new?" + params.toString());
  if (!data) return;
  showWatch(data.watch);
  const before = fresh.count;
  fresh = data;
  const banner = document.getElementById("new-banner");
  banner.hidden = fresh.count === 0;
  banner.className = "banner" + (fresh.worst ? " grade-" + fresh.worst : "");
  banner.textContent = fresh.count + " 条新帖（" + fresh.threads + " 个主题帖）" +
    (fresh.worst ? "，最高等级：" + GRADE_WORD[fresh.worst] : "") + "，点击刷新";
  if (fresh.count > before && (fresh.worst === "red" || fresh.worst === "orange")) beep();
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
  fresh = {count: 0, threads: 0, worst: null};
  document.getElementById("new-banner").hidden = true;
  document.title = document.title.replace(/^\(\d+\) /, "");
}

document.addEventListener("click", (ev) => {
  const t = ev.target;
  if (!(t instanceof HTMLElement)) return;
  if (t.matches("article.post button[data-action]")) triage(t);
  else if (t.matches("button[data-ack]")) acknowledge(t);
  else if (t.id === "new-banner") refreshFeed();
  else if (t.id === "sound-toggle") {
    localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
    showSound();
  }
  if (audio && audio.state === "suspended") audio.resume();  // browsers start audio on a gesture
});

const clockEl = document.getElementById("clock");
if (clockEl) {
  syncClock(clockEl.dataset.now);
  tick();
  setInterval(tick, 1000);
}
showSound();
if (!document.querySelector("form.login")) setInterval(poll, POLL_MS);  // signed out: nothing to poll
