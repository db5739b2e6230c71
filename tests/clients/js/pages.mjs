// A tiny browser for openglip's sign-in and Access Request pages, as RingCentral's SDK
// scenarios drive them (authcode.mjs, oidc.mjs): a cookie jar, no redirect following, the
// forms' hidden fields read back, the CSRF field posted from the cookie.

import assert from 'node:assert/strict';

export function browser(server) {
    const jar = new Map();
    async function browse(url, init = {}) {
        const headers = {...(init.headers || {})};
        if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(url.startsWith('http') ? url : server + url, {...init, headers, redirect: 'manual'});
        for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(';');
            const i = pair.indexOf('=');
            jar.set(pair.slice(0, i), pair.slice(i + 1));
        }
        return {status: res.status, location: res.headers.get('location'), body: await res.text()};
    }
    async function post(path, fields) {
        const body = new URLSearchParams({...fields, _csrf: jar.get('og_csrf') || ''});
        return browse(path, {method: 'POST', body, headers: {'content-type': 'application/x-www-form-urlencoded', origin: server}});
    }
    return {browse, post};
}

export function input(html, name) {
    const m = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`));
    assert.ok(m, `no ${name} field`);
    return m[1].replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

// Signs in on the page `url` leads to and approves the Access Request; answers the redirect
// back to the client (a URL with code and state).
export async function approve({browse, post}, url, email, password) {
    const page = await browse(url);
    assert.equal(page.status, 200, page.body);
    assert.match(page.body, /Sign in/);
    const signin = await post('/oauth/signin', {q: input(page.body, 'q'), login: email, password});
    assert.equal(signin.status, 303, signin.body);
    const consent = await browse(signin.location);
    assert.equal(consent.status, 200);
    assert.match(consent.body, /Access Request/);
    const res = await post('/oauth/consent', {q: input(consent.body, 'q'), decision: 'allow'});
    assert.equal(res.status, 303, res.body);
    return new URL(res.location);
}
