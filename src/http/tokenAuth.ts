import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';
import type { RateLimits } from './rateLimits.js';

export interface Principal {
  name: string;
}

export interface NamedToken {
  name: string;
  token: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer-token authentication for one role (agents, admins). Tokens are compared as fixed-length digests in
 * constant time, so neither a token's length nor its prefix leaks through timing. A valid token of another
 * role is answered 403 (known, not allowed here) rather than 401. Failures count against the client address
 * (429 once it has failed too often); a valid token is limited by its holder's name, so nobody guessing from
 * the same address or proxy can lock its holder out.
 */
export class TokenAuth {
  private readonly allowed: { name: string; hash: Buffer }[];
  private readonly known: Buffer[];

  constructor(
    private readonly realm: string,
    allowed: NamedToken[],
    otherRoles: NamedToken[],
    private readonly limits: RateLimits,
  ) {
    this.allowed = allowed.map((a) => ({ name: a.name, hash: digest(a.token) }));
    this.known = otherRoles.map((a) => digest(a.token));
  }

  /** The principal a request comes from, or undefined after answering 401/403/429. */
  async authenticate(req: Request, res: Response): Promise<Principal | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const hash = token ? digest(token) : undefined;
    let found: Principal | undefined;
    let otherRole = false;
    // No early exit: every request costs the same comparisons, whichever token matched.
    for (const a of this.allowed) if (hash && timingSafeEqual(a.hash, hash)) found = { name: a.name };
    for (const k of this.known) if (hash && timingSafeEqual(k, hash)) otherRole = true;
    if (found) return (await this.limits.allowPrincipal(`${this.realm}:${found.name}`, res)) ? found : undefined;
    if (otherRole) {
      res.json(403, { code: 'Forbidden', message: `This token is valid, but not for the ${this.realm} API.` });
      return undefined;
    }
    if (!(await this.limits.authFailed(req, res))) return undefined;
    res.header('WWW-Authenticate', `Bearer realm="${this.realm}"`);
    res.json(401, {
      code: 'Unauthorized',
      message: token ? `This ${this.realm} token is not valid.` : `Sign in with a ${this.realm} token (Authorization: Bearer ...).`,
    });
    return undefined;
  }
}
