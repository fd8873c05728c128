// lazygraph dashboard: renders the snapshots /events sends a few times a second.
"use strict";
(function () {
  const WINDOW_MS = 60000;      // the task stream shows at most the last minute
  const MIN_WINDOW_MS = 2000;   // and zooms in on shorter histories
  const MAX_SPANS = 600;        // bars kept at most (each costs the browser)
  const PALETTE = ["#5eb1ff", "#3ecf8e", "#f5b942", "#c58bff", "#ff8a5c", "#4dd4d4",
    "#ff6fb5", "#a3d65c", "#8f9cff", "#e6d25a", "#5ce0a0", "#ff9e9e"];
  const SVGNS = "http://www.w3.org/2000/svg";

  const colours = new Map();    // function name -> colour, in order of appearance
  const spans = new Map();      // span id -> span
  const rates = new Map();      // function name -> {done, at, rate}
  let last = null;
  let totalRate = { done: -1, at: 0, rate: 0 };

  const $ = (id) => document.getElementById(id);
  const colourOf = (name) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name);
  };

  function bytes(n) {
    if (n == null || n < 0) return "–";
    const u = ["B", "KiB", "MiB", "GiB", "TiB"];
    let k = 0;
    while (n >= 1024 && k < u.length - 1) { n /= 1024; k++; }
    return (k === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 1 : 0)) + " " + u[k];
  }
  function dur(ms) {
    if (ms == null || !isFinite(ms)) return "–";
    if (ms < 1) return (ms * 1000).toFixed(ms < 0.01 ? 2 : 0) + " µs";
    if (ms < 1000) return ms.toFixed(ms < 10 ? 1 : 0) + " ms";
    const s = ms / 1000;
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + " s";
    const m = Math.floor(s / 60);
    if (m < 60) return m + " min " + Math.round(s - m * 60) + " s";
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }
  function count(n) {
    if (n == null) return "–";
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M";
    if (n >= 1e4) return (n / 1e3).toFixed(0) + "k";
    return String(n);
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function td(text, cls) { return el("td", cls, text); }
  // setText and sync touch the page only where a snapshot changed something: an unchanged
  // element costs the browser no layout and no paint.
  function setText(id, text) {
    const e = $(id);
    if (e.textContent !== text) e.textContent = text;
  }
  function sync(parent, nodes) {
    const old = parent.children;
    nodes.forEach((n, k) => {
      const o = old[k];
      if (!o) parent.appendChild(n);
      else if (!o.isEqualNode(n)) o.replaceWith(n);
    });
    while (parent.children.length > nodes.length) parent.lastElementChild.remove();
  }

  // rate is a smoothed tasks-per-second figure from successive done counts.
  function rate(state, done, now) {
    if (state.done < 0 || done < state.done) { state.done = done; state.at = now; state.rate = 0; return 0; }
    const dt = (now - state.at) / 1000;
    if (dt >= 0.5) {
      const r = (done - state.done) / dt;
      state.rate = state.rate ? 0.6 * state.rate + 0.4 * r : r;
      state.done = done; state.at = now;
    }
    return state.rate;
  }

  function bar(parts, total) {
    const b = el("div", "bar");
    for (const [cls, n, colour] of parts) {
      if (!n) continue;
      const seg = el("div", cls);
      seg.style.width = (100 * n / Math.max(total, 1)) + "%";
      if (colour) seg.style.background = colour;
      b.appendChild(seg);
    }
    return b;
  }

  function renderTiles(s, workers) {
    let total = 0, done = 0, failed = 0, running = 0, etaMs = 0, etaKnown = true, remaining = 0;
    for (const f of s.functions) {
      total += f.total; done += f.done; failed += f.failed; running += f.running;
      const left = f.queued + f.running;
      remaining += left;
      if (left > 0) {
        // The mean of the timed tasks (short ones are sampled where tasks run in-process).
        if (f.timed > 0) etaMs += left * f.total_ns / f.timed / 1e6;
        else etaKnown = false;
      }
    }
    const par = Math.max(workers, 1);
    setText("t-done", count(done));
    setText("t-total", total ? "of " + count(total) + " (" + Math.floor(100 * done / total) + "%)" : "");
    const r = rate(totalRate, done + failed, performance.now());
    setText("t-rate", r ? count(Math.round(r)) : (remaining ? "…" : "–"));
    setText("t-eta", remaining === 0 ? (total ? "done" : "–") : (etaKnown ? dur(etaMs / par) : "…"));
    setText("t-running", count(running));
    setText("t-workers", workers + (workers === 1 ? " worker" : " workers"));
    setText("t-failed", count(failed));
    $("t-failed").classList.toggle("nonzero", failed > 0);
    setText("t-rss", bytes(s.process.rss));
    setText("t-heap", "heap " + bytes(s.process.heap_bytes) + " · " + s.process.goroutines + " goroutines");
    setText("t-cpu", s.process.cpu >= 0 ? s.process.cpu.toFixed(2) : "–");
    return par;
  }

  function renderFunctions(s, par) {
    const body = $("functions").tBodies[0];
    const rows = [];
    const now = performance.now();
    for (const f of s.functions) {
      const tr = el("tr");
      tr.dataset.function = f.name;
      tr.dataset.done = f.done;
      tr.dataset.total = f.total;
      const name = td(null, "name");
      const chip = el("span", "chip");
      chip.style.background = colourOf(f.name);
      name.append(chip, f.name);
      name.title = f.name;
      tr.appendChild(name);
      const cell = el("td", "bar-col");
      // Finished: done, failed, or skipped (its computation ended without running it).
      const pct = f.total ? Math.floor(100 * (f.done + f.failed + f.skipped) / f.total) : 0;
      cell.append(bar([["done", f.done, colourOf(f.name)], ["running", f.running], ["failed", f.failed],
        ["skipped", f.skipped]], f.total));
      cell.lastChild.title = pct + "%" + (f.skipped ? " (" + f.skipped + " skipped)" : "");
      tr.appendChild(cell);
      tr.append(td(count(f.done), "num"), td(count(f.running), "num"), td(count(f.queued), "num"),
        td(count(f.failed), "num"));
      const mean = f.timed ? f.total_ns / f.timed / 1e6 : null;
      tr.append(td(dur(mean), "num"));
      if (!rates.has(f.name)) rates.set(f.name, { done: -1, at: 0, rate: 0 });
      const r = rate(rates.get(f.name), f.done + f.failed, now);
      tr.append(td(r ? count(Math.round(r)) : "–", "num"));
      const left = f.queued + f.running;
      const eta = left === 0 ? "done" : (mean != null ? dur(left * mean / par) : "…");
      const etaCell = td(eta, "num");
      if (left === 0) etaCell.classList.add("state-done");
      tr.append(etaCell);
      tr.dataset.percent = pct;
      rows.push(tr);
    }
    sync(body, rows);
    $("functions-empty").hidden = s.functions.length > 0;
  }

  function renderWorkers(s) {
    const body = $("workers").tBodies[0];
    const rows = [];
    let maxHeld = 0;
    for (const w of s.workers) maxHeld = Math.max(maxHeld, w.held_bytes);
    // Threads and synchronous keep values in this process; worker processes report what they hold.
    const run = s.computations.length ? s.computations[s.computations.length - 1] : null;
    const inProcess = run !== null && (run.scheduler === "threads" || run.scheduler === "synchronous");
    for (const w of s.workers) {
      const tr = el("tr");
      const name = td(w.name, "name");
      name.title = w.name; // a long name is cut short: whole on hover
      tr.append(name, td(count(w.running), "num"), td(count(w.done), "num"), td(count(w.queued), "num"),
        td(bytes(w.held_bytes), "num"));
      const cell = el("td", "bar-col");
      if (maxHeld > 0) cell.appendChild(bar([["running", w.held_bytes, "var(--accent)"]], maxHeld));
      else cell.append(el("span", "hint", inProcess ? "kept in this process" : "none held"));
      tr.append(cell, td(bytes(w.rss), "num"), td(w.cpu >= 0 ? w.cpu.toFixed(2) : "–", "num"));
      rows.push(tr);
    }
    sync(body, rows);
    $("workers-empty").hidden = s.workers.length > 0;
  }

  function renderComputations(s) {
    const body = $("computations").tBodies[0];
    const rows = [];
    for (const c of [...s.computations].reverse()) {
      const tr = el("tr");
      const state = td(c.state, "state-" + c.state);
      if (c.error) state.title = c.error;
      const end = c.end_ms || s.now_ms;
      const client = td(c.client, "name");
      client.title = c.client; // a long name is cut short: whole on hover
      tr.append(td(String(c.id)), client, td(c.scheduler), state, td(count(c.tasks), "num"),
        td(count(c.done), "num"), td(count(c.failed), "num"), td(dur(end - c.start_ms), "num"));
      rows.push(tr);
    }
    sync(body, rows);
    $("computations-empty").hidden = s.computations.length > 0;
  }

  function renderFailures(s) {
    const list = $("failures");
    const items = [];
    for (const f of [...s.failures].reverse()) {
      const li = el("li");
      const head = el("div");
      // The task by its function's display name and which of its tasks it is; the key as the
      // scheduler knows it on hover. The function is named again only when the label lacks it.
      const label = f.task || f.key || "(no key)";
      const key = el("span", "key", label);
      if (f.key && f.key !== label) key.title = f.key;
      const meta = [];
      if (f.function && !label.startsWith(f.function)) meta.push(f.function);
      if (f.computation) meta.push("computation " + f.computation);
      meta.push(f.worker_name || "worker " + f.worker);
      head.append(key, el("span", "meta", "  " + meta.join(" · ")));
      li.append(head, el("div", "err", f.error));
      items.push(li);
    }
    sync(list, items);
    $("failures-empty").hidden = s.failures.length > 0;
  }

  function renderLegend() {
    const legend = $("legend");
    const items = [];
    for (const [name, colour] of colours) {
      const item = el("span");
      const chip = el("i", "sw");
      chip.style.background = colour;
      item.append(chip, name);
      items.push(item);
    }
    sync(legend, items);
  }

  // The task stream is drawn incrementally: each bar is made once, placed in a group of bars
  // whose time origin is fixed, and the group slides left as time passes (one attribute per
  // snapshot). Bars are placed again only when the scale or the lanes change: the window
  // grows by steps, not continuously. A snapshot costs the browser its new bars, not all of them.
  const WINDOWS = [2000, 5000, 10000, 20000, 30000, WINDOW_MS];
  const bars = new Map();       // span id -> its rect
  const view = { win: 0, width: 0, lanes: "", origin: 0, k: 0, laneH: 0, row: null, group: null, grid: null };

  function placeBar(r, sp) {
    const k = view.row.get(sp.w);
    r.setAttribute("x", (sp.s - view.origin) * view.k);
    r.setAttribute("width", Math.max(sp.d * view.k, 2));
    r.setAttribute("y", 6 + k * view.laneH + 2);
    r.setAttribute("height", view.laneH - 4);
  }

  // width is the stream's, read before the snapshot changed the page (reading it after would
  // make the browser lay the page out twice).
  function renderStream(s, width) {
    for (const sp of s.stream) spans.set(sp.id, sp);
    const oldest = s.now_ms - WINDOW_MS;
    let first = s.now_ms;
    for (const [id, sp] of spans) {
      if (sp.s + sp.d < oldest) spans.delete(id);
      else first = Math.min(first, sp.s);
    }
    if (spans.size > MAX_SPANS) {
      const extra = spans.size - MAX_SPANS;
      let k = 0;
      for (const id of spans.keys()) { if (k++ >= extra) break; spans.delete(id); }
    }
    for (const [id, r] of bars) {
      if (!spans.has(id)) { r.remove(); bars.delete(id); }
    }
    // The window: the last minute, or less when the stream is younger, with a margin.
    const age = (s.now_ms - first) * 1.1;
    const win = WINDOWS.find((w) => w >= age) || WINDOW_MS;
    const from = s.now_ms - win;
    const svg = $("stream");
    const lanes = new Set(s.workers.map((w) => w.id));
    for (const sp of spans.values()) lanes.add(sp.w);
    const order = [...lanes].sort((a, b) => a - b);
    const left = 74, top = 6, axis = 18;
    const laneH = Math.max(14, Math.min(28, 220 / Math.max(order.length, 1)));
    const height = top + order.length * laneH + axis;
    const make = (tag, attrs, text) => {
      const e = document.createElementNS(SVGNS, tag);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (text != null) e.textContent = text;
      return e;
    };
    const relayout = view.group === null || win !== view.win || width !== view.width || order.join() !== view.lanes;
    if (relayout) {
      view.win = win; view.width = width; view.lanes = order.join(); view.laneH = laneH;
      view.origin = from; view.k = (width - left - 8) / win;
      view.row = new Map(order.map((w, k) => [w, k]));
      svg.setAttribute("viewBox", "0 0 " + width + " " + height);
      svg.style.height = height + "px";
      const defs = make("defs", {});
      const clip = make("clipPath", { id: "stream-clip" });
      clip.appendChild(make("rect", { x: left, y: 0, width: Math.max(width - left - 8, 0), height: height }));
      defs.appendChild(clip);
      view.grid = make("g", {});
      const labels = make("g", {});
      for (const [w, k] of view.row) {
        labels.appendChild(make("text", { x: 8, y: top + k * laneH + laneH / 2 + 4, class: "lane-label" }, "worker " + w));
      }
      const clipped = make("g", { "clip-path": "url(#stream-clip)" });
      view.group = make("g", {});
      clipped.appendChild(view.group);
      for (const [id, sp] of spans) {
        let r = bars.get(id);
        if (!r) { r = newBar(make, sp); bars.set(id, r); }
        placeBar(r, sp);
        view.group.appendChild(r);
      }
      svg.replaceChildren(defs, view.grid, labels, clipped);
    } else {
      const frag = document.createDocumentFragment();
      for (const sp of s.stream) {
        if (!spans.has(sp.id) || bars.has(sp.id)) continue;
        const r = newBar(make, sp);
        placeBar(r, sp);
        bars.set(sp.id, r);
        frag.appendChild(r);
      }
      view.group.appendChild(frag);
    }
    view.group.setAttribute("transform", "translate(" + (left + (view.origin - from) * view.k) + ",0)");
    if (relayout) {
      // The time axis: lines and labels at fixed distances from now, drawn with the layout.
      const x = (ms) => left + (width - left - 8) * (ms - from) / win;
      const steps = [100, 200, 250, 500, 1000, 2000, 5000, 10000, 15000];
      const step = steps.find((st) => win / st <= 8) || 10000;
      const grid = document.createDocumentFragment();
      for (let t = 0; t <= win; t += step) {
        const gx = x(s.now_ms - t);
        grid.appendChild(make("line", { x1: gx, x2: gx, y1: top, y2: top + order.length * laneH, class: "grid" }));
        grid.appendChild(make("text", { x: gx, y: height - 4, "text-anchor": t === 0 ? "end" : "middle", class: "axis" },
          t === 0 ? "now" : "−" + (step < 1000 ? (t / 1000).toFixed(1) : t / 1000) + " s"));
      }
      view.grid.replaceChildren(grid);
    }
    setText("stream-hint", "one bar per task, a lane per worker, last " + dur(win));
    if (svg.dataset.bars !== String(bars.size)) svg.dataset.bars = bars.size;
  }

  function newBar(make, sp) {
    const r = make("rect", { rx: 2, fill: colourOf(sp.f), class: sp.x ? "task failed" : "task" });
    r.dataset.id = sp.id;
    return r;
  }

  function showTip(ev) {
    const tip = $("tip");
    const t = ev.target;
    if (!(t instanceof SVGRectElement) || !t.dataset.id) { tip.hidden = true; return; }
    const sp = spans.get(t.dataset.id);
    if (!sp) { tip.hidden = true; return; }
    tip.textContent = sp.f + (sp.k ? " · " + sp.k : "") + " · " + dur(sp.d) + (sp.x ? " · failed" : "");
    const box = $("stream-wrap").getBoundingClientRect();
    tip.style.left = (ev.clientX - box.left + 12) + "px";
    tip.style.top = (ev.clientY - box.top + 12) + "px";
    tip.hidden = false;
  }

  function render(s) {
    last = s;
    const width = $("stream").clientWidth || 800;
    setText("title", s.title || "");
    const lastRun = s.computations.length ? s.computations[s.computations.length - 1] : null;
    setText("scheduler", s.scheduler || (lastRun ? lastRun.scheduler + " · idle" : "idle"));
    for (const f of s.functions) colourOf(f.name);
    const workers = s.workers.filter((w) => w.running > 0 || w.done > 0 || w.queued > 0).length || s.workers.length;
    const par = renderTiles(s, workers);
    renderFunctions(s, par);
    renderWorkers(s);
    renderComputations(s);
    renderFailures(s);
    renderLegend();
    renderStream(s, width);
    document.body.dataset.snapshots = String((Number(document.body.dataset.snapshots) || 0) + 1);
  }

  function connect() {
    const conn = $("conn"), text = $("conn-text");
    const es = new EventSource("events");
    es.onopen = () => { conn.dataset.state = "live"; text.textContent = "live"; };
    es.onmessage = (ev) => {
      let s;
      try { s = JSON.parse(ev.data); } catch (e) { return; }
      render(s);
    };
    es.onerror = () => { conn.dataset.state = "lost"; text.textContent = "reconnecting"; };
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("stream").addEventListener("mousemove", showTip);
    $("stream").addEventListener("mouseleave", () => { $("tip").hidden = true; });
    window.addEventListener("resize", () => { if (last) renderStream({ ...last, stream: [] }, $("stream").clientWidth || 800); });
    connect();
  });
})();
