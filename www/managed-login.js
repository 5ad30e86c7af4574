// Managed login: the emulator serves this page at /login for an OAuth 2.0 authorization request, with
// <html data-managed-login="true"> (emulator README "OAuth 2.0 and managed login"). Once the user is signed
// in, the session is handed over to the emulator, which answers the pending authorization request with a
// code and sends the browser back to the app.
//
// The hand-over is a top-level form POST to /login on this origin: the browser sends the request's HttpOnly
// cookie with it and follows the reply's redirect to the app's callback. The access token travels in the
// POST body, never in a URL; the app gets its own tokens by exchanging the code.

export const managedLogin = document.documentElement.dataset.managedLogin === 'true';

function post(fields) {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = '/login';
  form.hidden = true;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

/** Completes the authorization request with the signed-in session. */
export const completeAuthorization = (session) => post({ access_token: session.accessToken });

/** Sends the app `error=access_denied`. */
export const cancelAuthorization = () => post({ cancel: '1' });
