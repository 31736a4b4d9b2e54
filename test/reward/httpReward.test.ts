import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BondInputError } from '../../src/core/index.js';
import { httpReward, type RewardInput } from '../../src/reward/index.js';

/** A loopback server recording every request body; `reply` gets the parsed body and the 1-based request number. */
interface TestServer {
  readonly url: string;
  readonly bodies: unknown[];
}
type Reply = (body: { prompts: string[]; completions: string[] }, request: number, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function startServer(reply: Reply): Promise<TestServer> {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(data) as { prompts: string[]; completions: string[] };
      bodies.push(body);
      reply(body, bodies.length, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/score`, bodies };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The reward the test servers compute: the completion's length, so the order can be checked. */
const lengthRewards: Reply = (body, _n, res) => json(res, 200, { rewards: body.completions.map((c) => c.length) });

const inputs = (n: number): RewardInput[] =>
  Array.from({ length: n }, (_, i) => ({ prompt: `p${i}`, completion: 'x'.repeat(i), promptTokens: [], completionTokens: [] }));

describe('httpReward', () => {
  it('sends ceil(n / batchSize) requests with the prompts and completions of each batch, in order', async () => {
    const server = await startServer(lengthRewards);
    const batch = inputs(7);
    const rewards = await httpReward(server.url, { batchSize: 3 }).score(batch);
    expect(rewards).toEqual(batch.map((b) => b.completion.length));
    expect(server.bodies).toHaveLength(Math.ceil(7 / 3));
    const expectedBodies = [0, 3, 6].map((start) => ({
      prompts: batch.slice(start, start + 3).map((b) => b.prompt),
      completions: batch.slice(start, start + 3).map((b) => b.completion),
    }));
    expect(server.bodies).toEqual(expectedBodies);
  });
  it('sends no request for an empty batch', async () => {
    const server = await startServer(lengthRewards);
    expect(await httpReward(server.url).score([])).toEqual([]);
    expect(server.bodies).toHaveLength(0);
  });
  it('rejects a reply with the wrong number of rewards', async () => {
    const server = await startServer((_b, _n, res) => json(res, 200, { rewards: [1, 2] }));
    await expect(httpReward(server.url).score(inputs(3))).rejects.toThrow(`httpReward ${server.url}: expected 3 rewards, got 2`);
  });
  it('rejects a non-number reward, naming its index', async () => {
    const server = await startServer((_b, _n, res) => json(res, 200, { rewards: [1, 'x', 3] }));
    const run = httpReward(server.url).score(inputs(3));
    await expect(run).rejects.toBeInstanceOf(BondInputError);
    await expect(httpReward(server.url).score(inputs(3))).rejects.toThrow(`httpReward ${server.url}: rewards.1: expected Finite, got "x"`);
  });
  it('rejects a body that is not JSON without retrying', async () => {
    const server = await startServer((_b, _n, res) => res.end('<html>oops</html>'));
    await expect(httpReward(server.url, { backoffMs: 1 }).score(inputs(1))).rejects.toThrow(
      `httpReward ${server.url}: expected a JSON reply, got "<html>oops</html>"`,
    );
    expect(server.bodies).toHaveLength(1);
  });
  it('times out a server that never answers, after every attempt', async () => {
    const server = await startServer(() => undefined);
    const started = Date.now();
    await expect(httpReward(server.url, { timeoutMs: 50, retries: 2, backoffMs: 1 }).score(inputs(2))).rejects.toThrow(
      `httpReward ${server.url}: timed out after 50 ms (3 attempts)`,
    );
    expect(server.bodies).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 50 - 5);
  });
  it('retries a 5xx with backoff and succeeds on the next attempt', async () => {
    const server = await startServer((body, n, res) => (n < 3 ? json(res, 503, { error: 'busy' }) : lengthRewards(body, n, res)));
    const started = Date.now();
    const rewards = await httpReward(server.url, { retries: 2, backoffMs: 20 }).score(inputs(4));
    expect(rewards).toEqual([0, 1, 2, 3]);
    expect(server.bodies).toHaveLength(3);
    // Two waits: 20 ms, then 40 ms (exponential backoff).
    expect(Date.now() - started).toBeGreaterThanOrEqual(60 - 5);
  });
  it('gives up after retries + 1 attempts on repeated 5xx', async () => {
    const server = await startServer((_b, _n, res) => json(res, 503, {}));
    await expect(httpReward(server.url, { retries: 2, backoffMs: 1 }).score(inputs(1))).rejects.toThrow(
      `httpReward ${server.url}: expected status 2xx, got 503 after 3 attempts`,
    );
    expect(server.bodies).toHaveLength(3);
  });
  it('fails at once on a 4xx, without retrying', async () => {
    const server = await startServer((_b, _n, res) => json(res, 422, { error: 'bad input' }));
    await expect(httpReward(server.url, { retries: 5, backoffMs: 1 }).score(inputs(1))).rejects.toThrow(
      `httpReward ${server.url}: expected status 2xx, got 422`,
    );
    expect(server.bodies).toHaveLength(1);
  });
  it('retries a refused connection and names the network error', async () => {
    const server = await startServer(lengthRewards);
    const url = server.url;
    // Close the server so the port refuses connections.
    for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
    await expect(httpReward(url, { retries: 1, backoffMs: 1 }).score(inputs(1))).rejects.toThrow(
      `httpReward ${url}: expected a reply, got network error ECONNREFUSED after 2 attempts`,
    );
  });
  it('validates its URL and options', () => {
    expect(() => httpReward('ftp://127.0.0.1/x')).toThrow('httpReward: expected an http(s) URL, got "ftp://127.0.0.1/x"');
    expect(() => httpReward('not a url')).toThrow(BondInputError);
    const url = 'http://127.0.0.1:9/score';
    expect(() => httpReward(url, { batchSize: 0 })).toThrow(`httpReward ${url} options: batchSize: expected PositiveInt, got 0`);
    expect(() => httpReward(url, { timeoutMs: -1 })).toThrow(`httpReward ${url} options: timeoutMs: expected Positive, got -1`);
    expect(() => httpReward(url, { retries: 1.5 })).toThrow(`httpReward ${url} options: retries: expected NonNegativeInt, got 1.5`);
    expect(() => httpReward(url, { backoffMs: NaN })).toThrow(`httpReward ${url} options: backoffMs: expected NonNegative, got NaN`);
  });
  it('is named after its URL', () => {
    expect(httpReward('http://127.0.0.1:9/score').name).toBe('httpReward http://127.0.0.1:9/score');
  });
});
