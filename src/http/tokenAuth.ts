import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'restify';

export interface Agent {
  name: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Bearer-token authentication for agents. Tokens are compared as fixed-length digests in constant time, so
 * neither a token's length nor its prefix leaks through response timing.
 */
export class AgentAuth {
  private readonly agents: { name: string; hash: Buffer }[];

  constructor(agents: { name: string; token: string }[]) {
    this.agents = agents.map((a) => ({ name: a.name, hash: digest(a.token) }));
  }

  get configured(): boolean {
    return this.agents.length > 0;
  }

  /** The agent a request comes from, or undefined after answering 401. */
  authenticate(req: Request, res: Response): Agent | undefined {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const hash = token ? digest(token) : undefined;
    let found: Agent | undefined;
    for (const a of this.agents) if (hash && timingSafeEqual(a.hash, hash)) found = { name: a.name };
    if (!found) {
      res.header('WWW-Authenticate', 'Bearer realm="agent"');
      res.json(401, { code: 'Unauthorized', message: token ? 'This agent token is not valid.' : 'Sign in with an agent token (Authorization: Bearer ...).' });
    }
    return found;
  }
}
