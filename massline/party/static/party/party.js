// Study time: while a lesson page is visible, post a heartbeat every `data-interval` seconds;
// the server credits the real time between beats. Hidden → no beats; visible again → a
// "resume" beat that restarts the server's clock without credit.
(function () {
  "use strict";
  var page = document.querySelector("[data-study]");
  if (!page) return;
  var url = page.getAttribute("data-beat-url");
  var session = page.getAttribute("data-session");
  var interval = Math.max(1, parseInt(page.getAttribute("data-interval"), 10) || 30) * 1000;
  var status = page.querySelector("[data-study-status]");
  var token = "";
  try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
  var timer = null;
  var gained = 0;

  function say(text) { if (status) status.textContent = text; }

  function send(resume) {
    var body = new URLSearchParams();
    body.set("session", session);
    if (resume) body.set("resume", "1");
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (data.error) { say(data.error); stop(); return; }
      gained += data.points;
      var minutes = Math.floor(data.seconds / 60), seconds = data.seconds % 60;
      var text = "有效学习 " + minutes + " 分 " + seconds + " 秒";
      if (gained) text += "，本次已得 " + gained + " 分";
      if (data.capped) text += "（今日该项积分已达上限）";
      say(text + "。总积分 " + data.total + "。");
    }).catch(function () { say("网络中断，学习时长暂未记录。"); });
  }

  function start() { if (!timer) timer = window.setInterval(function () { send(false); }, interval); }
  function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { send(true); start(); } else { stop(); }
  });
  if (document.visibilityState === "visible") start();
})();
