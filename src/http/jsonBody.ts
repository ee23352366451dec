import bodyParser from 'body-parser';
import type { Next, Request, RequestHandler, Response } from 'restify';
import { jsonTextTooDeep, MAX_JSON_DEPTH } from './jsonDepth.js';

interface ParseError extends Error {
  status?: number;
  type?: string;
}

const REASONS: Record<string, [number, string, (err: ParseError, req: Request) => string]> = {
  'entity.too.large': [413, 'PayloadTooLarge', () => 'The request body is too large.'],
  'encoding.unsupported': [
    415,
    'UnsupportedMediaType',
    (_e, req) => `Content-Encoding "${req.headers['content-encoding']}" is not accepted: send identity, gzip, deflate or br.`,
  ],
  'charset.unsupported': [415, 'UnsupportedMediaType', () => 'The body must be JSON in UTF-8.'],
  'entity.parse.failed': [400, 'BadRequest', (err) => `The body is not valid JSON: ${err.message}`],
  'entity.too.deep': [400, 'BadRequest', () => `The body's JSON is nested deeper than ${MAX_JSON_DEPTH} levels.`],
};

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads JSON request bodies for every route, with express's body-parser instead of restify's bodyParser: that
 * one lets a Gunzip error escape as an unhandled 'error' event (one request with "Content-Encoding: gzip" and
 * a body that is not gzip stopped the process). body-parser decodes gzip, deflate and br with the size limit
 * applied to the decoded bytes, so a small compressed body cannot inflate past it. Every body it cannot take
 * gets a 4xx with the reason: too large (413), an unknown or stacked coding (415), data that does not decode
 * or parse (400), or nesting deeper than MAX_JSON_DEPTH (400, found by a byte scan before parsing).
 */
export function jsonBody(maxBodyBytes: number): RequestHandler {
  const parse = bodyParser.json({
    limit: maxBodyBytes,
    type: () => true,
    verify: (_req, _res, buf) => {
      if (jsonTextTooDeep(buf)) throw Object.assign(new Error('too deep'), { status: 400, type: 'entity.too.deep' });
    },
  });
  return (req: Request, res: Response, next: Next): void => {
    if (!hasBody(req)) {
      req.body = undefined;
      return next();
    }
    const refuse = (status: number, code: string, message: string): void => {
      res.json(status, { code, message });
      next(false);
    };
    if (!req.is('json')) return refuse(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    // Compressed bodies are limited after decoding; their encoded size must not exceed the limit either.
    if (Number(req.headers['content-length']) > maxBodyBytes) return refuse(413, 'PayloadTooLarge', 'The request body is too large.');
    parse(req, res, (err?: ParseError) => {
      if (!err) return next();
      const known = err.type ? REASONS[err.type] : undefined;
      if (known) return refuse(known[0], known[1], known[2](err, req));
      const encoding = req.headers['content-encoding'];
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      refuse(
        status,
        'BadRequest',
        encoding ? `The body could not be decoded as ${encoding}: ${err.message}.` : `The body could not be read: ${err.message}.`,
      );
    });
  };
}
