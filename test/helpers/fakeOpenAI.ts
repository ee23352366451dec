import type { OpenAIConfig } from '../../src/config.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** One request the fake received, as the real client sent it. */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    messages: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  };
  /** The structured-output schema name: "route", "answer" or "summary". */
  task: string;
  /** The user message's JSON, parsed (what the bot sent as data). */
  data: Record<string, unknown>;
}

/** How the fake answers one request. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant message's content, serialised as JSON (a structured reply). */
  json?: unknown;
  /** The assistant message's content as-is (to send malformed JSON). */
  content?: string;
  /** A whole response body instead of a chat completion (error bodies). */
  body?: unknown;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export type Responder = (req: ReceivedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeOpenAI {
  /** Base URL for OPENAI_BASE_URL, e.g. http://127.0.0.1:1234/v1 */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Replies used in order before falling back to the responder. */
  queue(...replies: FakeReply[]): void;
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

const completion = (content: string, model: string) => ({
  id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
  object: 'chat.completion',
  created: Math.floor(Date.now() / 1000),
  model,
  choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
});

/**
 * An OpenAI-compatible chat-completions server on loopback, answering from fixtures, so tests run the real
 * `openai` client over real HTTP. Unanswered requests get a 500 saying so.
 */
export async function startFakeOpenAI(responder?: Responder): Promise<FakeOpenAI> {
  const requests: ReceivedRequest[] = [];
  const queued: FakeReply[] = [];
  let respond: Responder = responder ?? (() => ({ status: 500, body: { error: { message: 'no fixture for this request' } } }));
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(raw || '{}') as ReceivedRequest['body'];
        const user = body.messages?.find((m) => m.role === 'user')?.content ?? '{}';
        let data: Record<string, unknown>;
        try {
          data = JSON.parse(user) as Record<string, unknown>;
        } catch {
          data = { unparsed: user };
        }
        const received: ReceivedRequest = {
          path: req.url ?? '',
          headers: req.headers,
          body,
          task: body.response_format?.json_schema?.name ?? '',
          data,
        };
        requests.push(received);
        const reply = queued.shift() ?? (await respond(received));
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        if (res.destroyed) return;
        const content = reply.content ?? JSON.stringify(reply.json ?? {});
        const payload = reply.body ?? completion(content, body.model);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(payload));
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    queue: (...replies) => void queued.push(...replies),
    setResponder: (r) => void (respond = r),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A route reply as the model would send it. */
export const routeReply = (
  nodeId: string | null,
  confidence = 0.9,
  kind: 'problem' | 'question' | 'unclear' = 'problem',
  fields: Record<string, string | null> = {},
) => ({
  json: {
    kind,
    node_id: nodeId,
    confidence,
    fields: { user_id: null, error_code: null, session_id: null, correlation_id: null, page_url: null, error_message: null, ...fields },
  },
});

// `tsx test/helpers/fakeOpenAI.ts labels.yaml`: a fake for trying `npm run eval:routing` offline. It routes
// each phrase to its label (an oracle), so the "model" rows show the plumbing and its latency, not a model.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { loadLabelledSet } = await import('../../src/recognizer/evaluate.js');
  const labels = new Map(loadLabelledSet(process.argv[2] ?? 'test/fixtures/recognizer-phrases.yaml').map((p) => [p.text, p.intent]));
  const fake = await startFakeOpenAI((req) => {
    const intent = labels.get(String(req.data.message));
    return intent ? routeReply(intent, 0.9) : routeReply(null, 0, 'unclear');
  });
  console.log(`fake OpenAI-compatible server: OPENAI_BASE_URL=${fake.baseUrl}`);
}

/** The model settings the assistant tests run with: a short timeout and a breaker that opens after 3 failures. */
export function testModelConfig(fake: FakeOpenAI, overrides: Partial<OpenAIConfig> = {}): OpenAIConfig {
  return {
    apiKey: 'sk-test',
    baseUrl: fake.baseUrl,
    model: 'test-model',
    timeoutMs: 400,
    budgetPerConversation: 20,
    breaker: { failures: 3, cooldownMs: 60_000 },
    routeThreshold: 0.6,
    ...overrides,
  };
}
