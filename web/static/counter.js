// Counter page: call next, recall, no-show, done, transfer; scan or type a ticket number.
(function () {
  "use strict";
  const root = document.querySelector("main.counter");
  const csrf = root.dataset.csrf;
  let current = null;
  const $ = id => document.getElementById(id);
  const msg = t => { $("msg").textContent = t; };

  async function api(method, url, body) {
    const r = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.detail || ("HTTP " + r.status));
    return data;
  }
  const lines = () => [...document.querySelectorAll("input[name=line]:checked")].map(e => e.value);
  const counter = () => $("counter").value.trim() || "1";

  function show(t) {
    current = t;
    $("number").textContent = t ? t.number : "—";
    $("number").className = t && t.priority ? "priority" : "";
    for (const id of ["recall", "noshow", "done", "transfer"]) $(id).disabled = !t;
  }
  async function refresh() {
    try {
      const ls = await api("GET", "/api/v1/lines");
      for (const l of ls) {
        const s = document.querySelector(`.wait[data-line="${l.line_id}"]`);
        if (s) s.textContent = "(" + l.waiting + " chờ)";
      }
    } catch (e) { /* shown on the next action */ }
  }
  $("call").onclick = async () => {
    try {
      const r = await api("POST", `/api/v1/counters/${encodeURIComponent(counter())}/call-next`, {lines: lines()});
      show(r.ticket);
      msg(r.ticket ? "Đã gọi " + r.ticket.number : "Không còn ai chờ / Nobody waiting");
    } catch (e) { msg(e.message); }
    refresh();
  };
  async function act(path, body, label) {
    if (!current) return;
    try {
      const r = await api("POST", `/api/v1/tickets/${current.id}/${path}`, body);
      msg(label + " " + r.ticket.number);
      show(r.ticket.state === "called" ? r.ticket : null);
    } catch (e) { msg(e.message); }
    refresh();
  }
  $("recall").onclick = () => act("recall?counter=" + encodeURIComponent(counter()), undefined, "Gọi lại");
  $("noshow").onclick = () => act("no-show", undefined, "Vắng mặt");
  $("done").onclick = () => act("done", undefined, "Xong");
  $("transfer").onclick = () => act("transfer", {line_id: $("to").value}, "Đã chuyển");

  $("scan").addEventListener("keydown", async ev => {
    if (ev.key !== "Enter") return;
    const q = $("scan").value.trim();
    $("scan").value = "";
    if (!q) return;
    const box = $("reg");
    try {
      const r = await api("GET", "/api/v1/tickets/" + encodeURIComponent(q) + "/registration");
      box.replaceChildren();
      const add = (k, v) => {
        const p = document.createElement("p");
        const b = document.createElement("b"); b.textContent = k + ": ";
        p.append(b, document.createTextNode(v === null || v === undefined || v === "" ? "—" : String(v)));
        box.append(p);
      };
      add("Số", r.ticket.number); add("Trạng thái", r.ticket.state); add("Dòng", r.ticket.line);
      const g = r.registration || {};
      add("Họ tên", g.name); add("Ngày sinh", g.birth_date); add("Giới tính", g.gender);
      add("Số CCCD", g.citizen_id); add("BHYT", g.insurance_outcome || (r.insurance_verified ? "đã kiểm tra" : "chưa kiểm tra"));
      add("Ghi chú", g.staff_note || r.staff_note); add("Mã hẹn", g.booking_code);
      add("Ưu tiên", g.priority ? g.priority + (g.priority_to_confirm ? " (cần xác nhận)" : "") : "");
      if (!r.registration) add("Hồ sơ", "không có (đã xoá hoặc chưa lưu)");
      box.hidden = false;
    } catch (e) { box.hidden = false; box.textContent = e.message; }
  });
  refresh();
  setInterval(refresh, 10000);
})();
