// Lobby board: live state over SSE, keeps the last state while reconnecting, announces calls.
(function () {
  "use strict";
  const root = document.getElementById("board");
  const history = parseInt(root.dataset.history, 10) || 8;
  const conn = document.getElementById("conn");
  const seen = new Set();
  let first = true;
  const queue = [];
  let playing = false;
  window.boardAnnounced = [];

  function clock() {
    const d = new Date();
    document.getElementById("clock").textContent =
      d.toLocaleTimeString("vi-VN", {hour: "2-digit", minute: "2-digit"}) + " · " +
      d.toLocaleDateString("vi-VN");
  }
  setInterval(clock, 1000); clock();

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function playNext() {
    if (playing || !queue.length) return;
    playing = true;
    const url = queue.shift();
    const audio = new Audio(url);
    const finish = () => { playing = false; setTimeout(playNext, 400); };
    audio.onended = finish; audio.onerror = finish;
    audio.play().catch(finish);
  }

  function announce(call, repeat) {
    const url = "/audio/" + call.audio + ".wav";
    window.boardAnnounced.push({number: call.number, counter: call.counter, url: url});
    for (let i = 0; i < repeat; i++) queue.push(url);
    playNext();
  }

  function render(state) {
    const calls = state.calls || [];
    const cur = document.getElementById("calls");
    cur.replaceChildren();
    calls.slice(0, 2).forEach((c, i) => {
      const row = el("div", "call" + (c.priority ? " priority" : "") + (i === 0 ? " latest" : ""));
      row.append(el("span", "number", c.number), el("span", "arrow", "→"),
                 el("span", "where", "Quầy " + c.counter));
      if (c.priority) row.append(el("span", "tag", "Ưu tiên"));
      cur.append(row);
    });
    const hist = document.getElementById("history");
    hist.replaceChildren();
    calls.slice(2, 2 + history).forEach(c => {
      const li = el("li", c.priority ? "priority" : "");
      li.append(el("b", "", c.number), el("span", "", " → Quầy " + c.counter));
      hist.append(li);
    });
    const wait = document.getElementById("waiting");
    wait.replaceChildren();
    (state.waiting || []).filter(w => w.waiting > 0 || !w.priority).forEach(w => {
      const li = el("li", w.priority ? "priority" : "");
      const name = el("span", "name", w.name);
      if (root.dataset.lang2) name.append(el("small", "", w.name2));
      li.append(name, el("b", "", String(w.waiting)));
      wait.append(li);
    });
    calls.slice().reverse().forEach(c => {
      const key = c.seq + ":" + c.recall;
      if (seen.has(key)) return;
      seen.add(key);
      if (!first) announce(c, state.repeat || 1);
    });
    first = false;
    root.dataset.updated = String(Date.now());
  }

  function connect() {
    const es = new EventSource("/board/events");
    es.addEventListener("state", ev => { conn.hidden = true; render(JSON.parse(ev.data)); });
    es.onopen = () => { conn.hidden = true; };
    es.onerror = () => {
      conn.hidden = false;  // keep showing the last state
      if (es.readyState === EventSource.CLOSED) { setTimeout(connect, 2000); }
    };
  }
  document.getElementById("sound").onclick = ev => {
    new Audio("data:audio/wav;base64,UklGRiQAAABXQVZFZm10IBAAAAABAAEAIlYAAESsAAACABAAZGF0YQAAAAA=").play().catch(() => {});
    ev.target.hidden = true;
  };
  // a TV started with autoplay allowed needs no button
  new Audio("data:audio/wav;base64,UklGRiQAAABXQVZFZm10IBAAAAABAAEAIlYAAESsAAACABAAZGF0YQAAAAA=")
    .play().then(() => { document.getElementById("sound").hidden = true; }).catch(() => {});
  connect();
})();
