// Live chat: a WebSocket that reconnects (sending the last message number it has, so a dropped
// link misses nothing), and polling when no socket can be opened. Without JavaScript the
// page's form posts and the page reloads.
(function () {
  "use strict";
  var box = document.getElementById("chat");
  if (!box) { return; }
  var list = document.getElementById("chat-messages");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-text");
  var status = document.getElementById("chat-status");
  var last = parseInt(box.dataset.after || "0", 10);
  var socket = null, failures = 0, polling = null;

  function show(m) {
    if (m.seq <= last) { return; }
    last = m.seq;
    var li = document.createElement("li");
    li.className = "chat-" + m.role;
    var who = document.createElement("span");
    who.className = "chat-who";
    who.textContent = box.dataset["role" + m.role.charAt(0).toUpperCase() + m.role.slice(1)] || m.author;
    var text = document.createElement("span");
    text.className = "chat-text";
    text.textContent = m.text;
    li.appendChild(who);
    li.appendChild(text);
    list.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }

  function receive(data) {
    if (data.error) { status.textContent = data.error; return; }
    status.textContent = "";
    (data.messages || []).forEach(show);
  }

  function poll() {
    fetch(box.dataset.poll + "?after=" + last, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(receive)
      .catch(function () {});
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + box.dataset.ws + "?after=" + last;
    try { socket = new WebSocket(url); } catch (e) { socket = null; }
    if (!socket) { polling = polling || setInterval(poll, 2000); return; }
    socket.onopen = function () { failures = 0; if (polling) { clearInterval(polling); polling = null; } };
    socket.onmessage = function (e) { receive(JSON.parse(e.data)); };
    socket.onclose = function () {
      socket = null;
      failures += 1;
      if (failures > 3) { polling = polling || setInterval(poll, 2000); }
      setTimeout(connect, Math.min(1000 * failures, 10000));
    };
  }

  form.addEventListener("submit", function (e) {
    var text = input.value.trim();
    if (!text) { e.preventDefault(); return; }
    if (socket && socket.readyState === WebSocket.OPEN) {
      e.preventDefault();
      socket.send(JSON.stringify({ text: text }));
      input.value = "";
    }
  });
  connect();
})();
