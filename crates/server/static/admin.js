// Administration and account pages (CSP: no inline script; each part starts only if
// its elements are on the page).
"use strict";
(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name=csrf-token]');
    return m ? m.content : '';
  };

  // Forms that ask before they act (deactivate, reset, revoke).
  document.querySelectorAll('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (ev) => {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });

  // Copy a one-time password or token.
  document.querySelectorAll('button[data-copy]').forEach((b) => {
    b.addEventListener('click', () => {
      navigator.clipboard.writeText(b.dataset.copy).then(
        () => { b.textContent = '已复制'; },
        () => { b.textContent = '无法复制，请手动选择'; });
    });
  });

  // The scope fields that apply: regions or an agency, by the chosen kind; agency
  // staff always belong to an agency, administrators are everywhere.
  document.querySelectorAll('form.user').forEach((form) => {
    const role = form.querySelector('[data-role-select]');
    const kinds = form.querySelectorAll('input[name=scope_kind]');
    const update = () => {
      if (role && role.value === 'agency_staff') {
        kinds.forEach((k) => { k.checked = k.value === 'agency'; });
      } else if (role && role.value === 'admin') {
        kinds.forEach((k) => { k.checked = k.value === 'everywhere'; });
      }
      const kind = Array.from(kinds).find((k) => k.checked);
      form.querySelectorAll('[data-scope]').forEach((p) => {
        p.hidden = !kind || p.dataset.scope !== kind.value;
      });
    };
    if (role) role.addEventListener('change', update);
    kinds.forEach((k) => k.addEventListener('change', update));
    update();
  });

  // A mapping file sent as it is (UTF-8 or GBK: the server detects which) to the API.
  const upload = document.getElementById('mapping-upload');
  if (upload) {
    const result = document.getElementById('mapping-result');
    const show = (cls, text) => {
      result.textContent = '';
      const p = document.createElement('div');
      p.className = cls;
      p.textContent = text;
      result.appendChild(p);
    };
    upload.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const file = upload.querySelector('input[type=file]').files[0];
      if (!file) return;
      show('flash', '正在应用 ' + file.name + ' …');
      try {
        const res = await fetch(upload.dataset.endpoint, {
          method: 'POST',
          headers: { 'X-CSRF-Token': csrf(), 'Content-Type': 'text/csv' },
          body: file,
          credentials: 'same-origin',
        });
        const body = await res.json().catch(() => null);
        if (res.ok && body) {
          show('flash', '已应用 ' + file.name + '：更改了 ' + body.changed + ' 个机关。');
          const again = document.createElement('a');
          again.href = window.location.href;
          again.textContent = '刷新列表';
          result.firstChild.append(' ', again);
        } else {
          show('flash error', body && body.error ? body.error.message : '上传失败（HTTP ' + res.status + '）');
        }
      } catch (e) {
        show('flash error', '上传失败：' + e);
      }
    });
  }
})();
