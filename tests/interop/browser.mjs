// A headless `BROWSER` for `mcp-auth login` against oidc-provider (tests/interop only): opens the
// authorization URL given as its argument, follows redirects with a cookie jar, and submits the dev
// interaction pages as a user would — the login form (any login, any password) and the consent form —
// until the authorization server redirects to the loopback callback, which it then loads.
// Loopback only; at most 20 steps; exits 1 when the flow does not reach the callback.

const start = process.argv[process.argv.length - 1];
const jar = new Map();

function remember(res) {
  for (const c of res.headers.getSetCookie?.() ?? []) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(pair.slice(0, eq));
    else jar.set(pair.slice(0, eq), value);
  }
}

async function request(url, init = {}) {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`refusing to leave loopback: ${u.host}`);
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(u, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie } });
  remember(res);
  return res;
}

let url = start;
let init = {};
for (let step = 0; step < 20; step += 1) {
  const res = await request(url, init);
  init = {};
  if (new URL(url).pathname === '/callback') process.exit(res.ok ? 0 : 1);
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) {
    url = new URL(location, url).href;
    continue;
  }
  const html = await res.text();
  const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html)?.[1];
  const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !prompt) {
    process.stderr.write(`browser.mjs: no redirect and no form at ${url} (HTTP ${res.status})\n`);
    process.exit(1);
  }
  const body = new URLSearchParams({ prompt });
  if (prompt === 'login') {
    body.set('login', 'interop-user');
    body.set('password', 'any');
  }
  url = new URL(action.replace(/&amp;/g, '&'), url).href;
  init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}
process.stderr.write('browser.mjs: too many steps\n');
process.exit(1);
