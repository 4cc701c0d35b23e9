// The login page: posts the credentials as JSON and goes to the dashboard; the session is an HttpOnly cookie.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.username.value.trim(), password: form.password.value }),
  });
  if (res.ok) {
    location.href = '/';
    return;
  }
  if (res.status === 429) {
    const wait = res.headers.get('retry-after');
    error.textContent = `Đăng nhập sai quá nhiều lần; thử lại sau ${wait ?? 'ít phút'} giây.`;
  } else if (res.status === 401) {
    error.textContent = 'Sai tên đăng nhập hoặc mật khẩu.';
  } else {
    error.textContent = `Không đăng nhập được (HTTP ${res.status}).`;
  }
});
