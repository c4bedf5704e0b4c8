// The router API as the console uses it, through window.cxAuth (API key or single sign-on).
// URLs are relative to the page, so the console works at "/" and behind a path prefix.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = Object.assign({ Accept: 'application/json' }, await window.cxAuth.authHeaders());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) {
    window.cxAuth.signOut();
    throw new ApiError(401, 'signed out');
  }
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  if (!res.ok) throw new ApiError(res.status, (json && json.message) || text || res.statusText);
  return json;
}

/** Fetches a file with the auth header and hands it to the browser as a download. */
export async function download(path, filename) {
  const res = await fetch(path, { headers: await window.cxAuth.authHeaders() });
  if (!res.ok) throw new ApiError(res.status, await res.text());
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = (res.headers.get('content-disposition') || '').match(/filename="([^"]+)"/)?.[1] || filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
