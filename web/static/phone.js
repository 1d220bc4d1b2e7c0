// Phone status page: number, people ahead, wait range, "go to counter N" once called.
(function () {
  "use strict";
  const root = document.getElementById("phone");
  const conn = document.getElementById("conn");
  function render(v) {
    const state = document.getElementById("state");
    if (!v.found) { state.textContent = "Không tìm thấy vé (hết hạn?) / Ticket not found"; return; }
    document.getElementById("num").textContent = v.number;
    document.getElementById("line").textContent = v.line;
    root.className = "s-" + v.state;
    if (v.state === "called") {
      state.replaceChildren();
      const b = document.createElement("b");
      b.textContent = "Mời bạn đến quầy số " + v.counter;
      const s = document.createElement("small");
      s.textContent = "Please go to counter " + v.counter;
      state.append(b, s);
    } else if (v.state === "waiting") {
      let t = "Còn " + v.people_ahead + " người trước bạn";
      if (v.wait_min) {
        t += v.wait_min[0] === v.wait_min[1] ? " · khoảng " + v.wait_min[0] + " phút"
          : " · khoảng " + v.wait_min[0] + "–" + v.wait_min[1] + " phút";
      }
      state.textContent = t;
    } else if (v.state === "done") {
      state.textContent = "Đã phục vụ / Served";
    } else {
      state.textContent = "Vé không còn hiệu lực (" + v.state + ")";
    }
  }
  const es = new EventSource("/t/" + encodeURIComponent(root.dataset.token) + "/events");
  es.addEventListener("state", ev => { conn.hidden = true; render(JSON.parse(ev.data)); });
  es.onerror = () => { conn.hidden = false; };
})();
