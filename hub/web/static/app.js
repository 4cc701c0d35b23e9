// The first dashboard page: 28 tiles, coloured by readiness, with the reasons, live over /ws.
const levelText = {
  READY: 'Sẵn sàng',
  DEGRADED: 'Suy giảm',
  NOT_READY: 'Chưa sẵn sàng',
  OFFLINE: 'Mất kết nối',
  POWERED_OFF: 'Đã tắt nguồn',
};
const kindTitle = {
  party: 'Khối Đảng',
  council: 'Hội đồng nhân dân',
  committee: 'Ủy ban nhân dân tỉnh',
  district: 'Huyện, thành phố',
  department: 'Sở, ban, ngành',
};
const kindOrder = ['party', 'council', 'committee', 'district', 'department'];
const rooms = new Map();
const timeParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
// dd/MM/yyyy HH:mm in Vietnam's time, whatever the browser's locale and zone.
function formatTime(date) {
  const p = Object.fromEntries(timeParts.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function tile(room) {
  const level = room.readiness.level;
  const node = el(
    'article',
    { class: `tile ${level}`, 'data-room': room.id, 'data-level': level, tabindex: '0' },
    el('h3', {}, room.name),
    el('div', { class: 'level' }, levelText[level] ?? level),
  );
  if (room.readiness.reasons.length > 0) {
    node.append(el('ul', { class: 'reasons' }, ...room.readiness.reasons.map((r) => el('li', {}, r))));
  }
  const seen = room.lastSeen ? `Lần cuối: ${formatTime(new Date(room.lastSeen))}` : 'Chưa kết nối lần nào';
  node.append(el('div', { class: 'seen' }, seen));
  return node;
}

function render() {
  const fleet = document.getElementById('fleet');
  const sections = kindOrder
    .map((kind) => {
      const list = [...rooms.values()].filter((r) => r.kind === kind).sort((a, b) => a.no - b.no);
      if (list.length === 0) return null;
      return el(
        'section',
        {},
        el('h2', {}, kindTitle[kind]),
        el('div', { class: 'tiles' }, ...list.map(tile)),
      );
    })
    .filter(Boolean);
  fleet.replaceChildren(...sections);
  const all = [...rooms.values()];
  const ready = all.filter((r) => r.readiness.level === 'READY').length;
  const online = all.filter((r) => r.online).length;
  document.getElementById('summary').textContent = `${ready}/${all.length} sẵn sàng · ${online} trực tuyến`;
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  const conn = document.getElementById('connection');
  ws.onopen = () => {
    conn.className = 'conn conn-up';
  };
  ws.onclose = () => {
    conn.className = 'conn conn-down';
    setTimeout(async () => {
      // A session that ended (expired, logged out elsewhere) sends the user back to the login page.
      if ((await fetch('/api/session').catch(() => null))?.status === 401) location.href = '/login.html';
      else connect();
    }, 2000);
  };
  ws.onmessage = (msg) => {
    const data = JSON.parse(msg.data);
    if (data.type === 'snapshot') {
      rooms.clear();
      for (const r of data.rooms) rooms.set(r.id, r);
    } else if (data.type === 'room') {
      rooms.set(data.room.id, data.room);
    } else {
      return;
    }
    scheduleRender();
  };
}

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

// Without a session the API and /ws refuse everything: go to the login page first.
async function start() {
  const res = await fetch('/api/session');
  if (res.status === 401) {
    location.href = '/login.html';
    return;
  }
  const session = await res.json();
  document.getElementById('who').textContent = `${session.username} (${session.role})`;
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/api/logout', { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } });
    location.href = '/login.html';
  });
  connect();
}

start();
