// Walk-in tickets are issued only while the office takes them (issue 17 item 6): its calendar,
// each service's cut-off. The suites run at any hour, so before a relay's first ticket the
// demo office is opened today and tomorrow 00:00–24:00 as an administrator opens a 休日開庁
// day (its weekly hours stay as they are). The hours themselves are tested in hours.spec.mjs.

/** `YYYY-MM-DD` in Japan, `offsetDays` from today. */
export function tokyoDay(offsetDays = 0, now = Date.now()) {
  const jst = new Date(now + 9 * 3_600_000 + offsetDays * 86_400_000);
  return jst.toISOString().slice(0, 10);
}

/** Logs in as `admin` with `password` and returns the session cookie. */
export async function adminCookie(base, password) {
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password }),
  });
  if (login.status !== 200) throw new Error(`login at ${base}: ${login.status} ${await login.text()}`);
  return login.headers.get('set-cookie').split(';')[0];
}

/** Changes the demo office's settings with `change(settings)` and saves them. */
export async function changeSettings(base, password, change) {
  const cookie = await adminCookie(base, password);
  const url = `${base}/api/offices/kokurakita/settings`;
  const got = await fetch(url, { headers: { cookie } });
  if (got.status !== 200) throw new Error(`GET ${url}: ${got.status} ${await got.text()}`);
  const settings = await got.json();
  change(settings);
  const put = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(settings),
  });
  if (put.status !== 200) throw new Error(`PUT ${url}: ${put.status} ${await put.text()}`);
  return put.json();
}

/** Opens the demo office today and tomorrow (in Japan) 00:00–24:00. */
export async function openAllDay(base, password) {
  await changeSettings(base, password, (s) => {
    for (const day of [tokyoDay(0), tokyoDay(1)]) {
      if (!s.calendar.extra.some(([d]) => d === day)) s.calendar.extra.push([day, [[0, 24 * 60]]]);
    }
  });
}
