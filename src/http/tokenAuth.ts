import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';

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
 * role is answered 403 (known, not allowed here) rather than 401.
 */
export class TokenAuth {
  private readonly allowed: { name: string; hash: Buffer }[];
  private readonly known: Buffer[];

  constructor(
    private readonly realm: string,
    allowed: NamedToken[],
    otherRoles: NamedToken[] = [],
  ) {
    this.allowed = allowed.map((a) => ({ name: a.name, hash: digest(a.token) }));
    this.known = otherRoles.map((a) => digest(a.token));
  }

  /** The principal a request comes from, or undefined after answering 401/403. */
  authenticate(req: Request, res: Response): Principal | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const hash = token ? digest(token) : undefined;
    let found: Principal | undefined;
    let otherRole = false;
    // No early exit: every request costs the same comparisons, whichever token matched.
    for (const a of this.allowed) if (hash && timingSafeEqual(a.hash, hash)) found = { name: a.name };
    for (const k of this.known) if (hash && timingSafeEqual(k, hash)) otherRole = true;
    if (found) return found;
    if (otherRole) {
      res.json(403, { code: 'Forbidden', message: `This token is valid, but not for the ${this.realm} API.` });
      return undefined;
    }
    res.header('WWW-Authenticate', `Bearer realm="${this.realm}"`);
    res.json(401, { code: 'Unauthorized', message: token ? `This ${this.realm} token is not valid.` : `Sign in with a ${this.realm} token (Authorization: Bearer ...).` });
    return undefined;
  }
}
