/** The login page: posts the credentials as JSON and goes to the dashboard; the session is an HttpOnly cookie. */
import { currentLang, setLang, t } from './i18n/i18n.js';

const form = document.getElementById('login-form') as HTMLFormElement;
const error = document.getElementById('login-error')!;
const username = document.getElementById('username') as HTMLInputElement;
const password = document.getElementById('password') as HTMLInputElement;

function words(): void {
  document.title = `${t('app.short')} — ${t('login.title')}`;
  document.getElementById('app-title')!.textContent = t('app.title');
  document.getElementById('login-title')!.textContent = t('login.title');
  document.getElementById('username-label')!.textContent = t('login.username');
  document.getElementById('password-label')!.textContent = t('login.password');
  document.getElementById('login-submit')!.textContent = t('login.submit');
  document.getElementById('lang')!.textContent = t('nav.language');
}

document.getElementById('lang')!.addEventListener('click', () => {
  setLang(currentLang() === 'vi' ? 'en' : 'vi');
  words();
});
setLang(currentLang());
words();

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: username.value.trim(), password: password.value }),
  });
  if (res.ok) {
    location.href = '/';
    return;
  }
  if (res.status === 429)
    error.textContent = t('login.tooMany', { wait: res.headers.get('retry-after') ?? '60' });
  else if (res.status === 401) error.textContent = t('login.wrong');
  else error.textContent = t('login.failed', { status: res.status });
});
