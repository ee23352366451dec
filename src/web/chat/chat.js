// @ts-check
// Starts Web Chat against this server's local Direct Line. A separate file (not an inline script) so the
// page's Content-Security-Policy can forbid inline scripts. A classic script, run after the Web Chat bundle
// (both deferred), which puts window.WebChat there: see webchat.d.ts.
(function () {
  'use strict';

  var root = document.getElementById('webchat');
  var USER_KEY = 'signin-help.userId';

  // One id per browser tab, kept across reloads, so the bot's per-user data stays with this person.
  // getRandomValues works on plain http too (randomUUID needs a secure context).
  function userId() {
    /** @type {string | null} */
    var id;
    try {
      id = sessionStorage.getItem(USER_KEY);
    } catch {
      id = null; // storage disabled: a fresh id per load is still correct, just not remembered
    }
    if (!id) {
      var bytes = crypto.getRandomValues(new Uint8Array(9));
      id =
        'u_' +
        Array.from(bytes, function (b) {
          return b.toString(16).padStart(2, '0');
        }).join('');
      try {
        sessionStorage.setItem(USER_KEY, id);
      } catch {
        /* see above */
      }
    }
    return id;
  }

  /** @param {string} message */
  function showError(message) {
    var p = document.createElement('p');
    p.className = 'notice';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    if (root) root.replaceChildren(p);
  }

  function typingDots() {
    var dots = [8, 24, 40].map(function (cx, i) {
      return (
        "<circle cx='" +
        cx +
        "' cy='10' r='5'><animate attributeName='opacity' values='.3;1;.3' dur='1.2s' begin='" +
        i * 0.2 +
        "s' repeatCount='indefinite'/></circle>"
      );
    });
    var svg = "<svg xmlns='http://www.w3.org/2000/svg' width='48' height='20' fill='#4a5a6a'>" + dots.join('') + '</svg>';
    return 'data:image/svg+xml,' + encodeURIComponent(svg);
  }

  /** @type {WebChatStyleOptions} */
  var styleOptions = {
    hideUploadButton: true,
    sendBoxTextWrap: true,
    primaryFont: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
    backgroundColor: '#f5f7fa',
    accent: '#0b5cad',
    bubbleBackground: '#ffffff',
    bubbleBorderColor: '#dde3ea',
    bubbleBorderWidth: 1,
    bubbleBorderRadius: 12,
    bubbleNubSize: 0,
    bubbleFromUserBackground: '#0b5cad',
    bubbleFromUserTextColor: '#ffffff',
    bubbleFromUserBorderWidth: 0,
    bubbleFromUserBorderRadius: 12,
    bubbleFromUserNubSize: 0,
    botAvatarInitials: 'SH',
    botAvatarBackgroundColor: '#0b5cad',
    // Buttons wrap onto several lines instead of scrolling sideways in a carousel.
    suggestedActionLayout: 'flow',
    suggestedActionBorderRadius: 16,
    suggestedActionBorderColor: '#0b5cad',
    suggestedActionTextColor: '#0b5cad',
    suggestedActionBackgroundColor: '#ffffff',
    sendBoxButtonColor: '#0b5cad',
    // Text in messages and cards is markdown, never HTML: a user's "<b>" or an agent's pasted markup shows as typed.
    markdownRenderHTML: false,
    // Web Chat's own "typing" dots are a pale grey GIF that hardly shows on this background: three dark dots
    // that pulse in turn instead (an SVG data: URL, which the page's CSP allows for images).
    typingAnimationBackgroundImage: 'url("' + typingDots() + '")',
    typingAnimationWidth: 48,
    typingAnimationHeight: 20,
    // Web Chat's grey timestamps (#767676) fall under 4.5:1 on this page's background; this one passes.
    timestampColor: '#4a5a6a',
  };
  var strings = { TEXT_INPUT_PLACEHOLDER: 'Describe the problem, or pick an option' };

  async function start() {
    if (!window.WebChat) throw new Error('webchat.js did not load');
    if (!root) throw new Error('the page has no #webchat');
    var id = userId();
    var response = await fetch('/directline/tokens/generate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: id } }),
    });
    if (!response.ok) throw new Error('token request failed with ' + response.status);
    /** @type {{ token: string }} what POST /directline/tokens/generate answers (Direct Line 3.0) */
    var generated = await response.json();
    var token = generated.token;
    var directLine = window.WebChat.createDirectLine({
      domain: location.origin + '/directline',
      token: token,
      webSocket: true,
    });
    window.WebChat.renderWebChat(
      {
        directLine: directLine,
        userID: id,
        locale: 'en-US',
        styleOptions: styleOptions,
        overrideLocalizedStrings: strings,
      },
      root,
    );
  }

  start().catch(function (/** @type {unknown} */ err) {
    console.error(err);
    showError('The chat could not start. Please reload the page; if it keeps failing, contact your help desk.');
  });
})();
