// Sign-in for the console: finishes a single sign-on redirect if there is one, else shows the
// sign-in section (one button per identity provider the router offers, and the API-key form)
// until window.cxAuth (auth.js: OIDC code + PKCE, or an API key) has a principal.
import { $, h } from './dom.js';
import { t } from './i18n.js';

export async function signIn() {
  let error = null;
  try {
    const p = await window.cxAuth.ready();
    if (p) return p;
  } catch (e) {
    error = e; // a failed redirect or a credential the router refused: say so on the form
  }
  return form(error);
}

function form(error) {
  const section = $('login');
  const input = $('api-key');
  const keyError = $('login-error');
  const ssoError = $('sso-error');
  section.hidden = false;
  if (error) { ssoError.textContent = String(error.message || error); ssoError.hidden = false; }
  $('sso').replaceChildren(...window.cxAuth.providers().map((p) => {
    const b = h('button', { type: 'button', class: 'primary', 'data-testid': `sso-${p.id}`, text: t('auth.sso', { name: p.name }) });
    b.addEventListener('click', () => window.cxAuth.signIn({ provider: p.id }).catch((e) => {
      ssoError.textContent = String(e.message || e);
      ssoError.hidden = false;
    }));
    return b;
  }));
  input.focus();
  return new Promise((resolve) => {
    const f = $('login-form');
    f.addEventListener('submit', function submit(ev) {
      ev.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      window.cxAuth.signIn({ apiKey: key }).then((p) => {
        input.value = '';
        keyError.hidden = true;
        section.hidden = true;
        f.removeEventListener('submit', submit);
        resolve(p);
      }, () => { keyError.hidden = false; input.select(); });
    });
  });
}

export function signOut() {
  window.cxAuth.signOut();
  location.reload();
}
