'use strict';
// restify 11 requires spdy when it loads, for HTTP/2 servers this bot never creates. spdy's http-deceiver calls
// process.binding('http_parser'), which Node 24 removed: the real package stops restify from loading at all.
// restify 12 dropped spdy but needs Node 22, and we support Node 20 as well, so package.json overrides spdy with
// this module. Asking it for a server is a mistake worth a clear message.
exports.createServer = function createServer() {
  throw new Error('spdy (HTTP/2) is not available in mfa-helpdesk-bot: see vendor/spdy-unused/index.js');
};
