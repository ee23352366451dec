// Shared by the console pages (agent console, admin page), loaded before each page's own script: the sign-in
// form, the token kept in the tab's sessionStorage, and the error the pages' API calls throw. Each page keeps
// its own API calls and its own signIn/signOut (what they show and reset differs); this only wires them up.
(function () {
  'use strict';

  /** An error from the API ({ code, message } with a 4xx/5xx status), or status 0 when the server is unreachable. */
  const apiError = (status, code, message) => Object.assign(new Error(message), { status, code });

  /** sessionStorage, or null when the browser has it disabled (signing in then lasts for this page load). */
  function storage(action) {
    try {
      return action(window.sessionStorage);
    } catch {
      return null;
    }
  }

  /** The token kept under `key` in this tab's sessionStorage (never in the page or a URL). */
  function tokenStore(key) {
    return {
      saved: () => storage((s) => s.getItem(key)),
      save: (token) => storage((s) => s.setItem(key, token)),
      clear: () => storage((s) => s.removeItem(key)),
    };
  }

  /**
   * The submit handler of the sign-in form (#signin-form): the trimmed #token goes to the page's
   * `signIn(token)`, whose errors go to `report`; an empty box shows `emptyMessage` instead.
   */
  function signInSubmit({ emptyMessage, signIn, showAlert, report }) {
    return async (event) => {
      event.preventDefault();
      const box = document.getElementById('token');
      const token = box.value.trim();
      if (!token) {
        showAlert(emptyMessage);
        box.focus();
        return;
      }
      await signIn(token).catch(report);
    };
  }

  /** On load: signs in with the token saved in this tab, if any, keeping the sign-in form (#signin) hidden meanwhile. */
  function resume(tokens, signIn, report) {
    const form = document.getElementById('signin');
    const saved = tokens.saved();
    form.hidden = Boolean(saved);
    if (!saved) return;
    signIn(saved).catch((err) => {
      form.hidden = false;
      report(err);
    });
  }

  window.consoleAuth = Object.freeze({ apiError, tokenStore, signInSubmit, resume });
})();
