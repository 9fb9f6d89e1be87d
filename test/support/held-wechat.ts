/**
 * A loopback stand-in in front of the WeChat simulator that holds every request until the
 * test releases them, then passes each on and its answer back: the test, not a delay that
 * a busy machine may outrun, decides when WeChat answers.
 */
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServerNow } from './close-server.js';

export interface HeldWechat {
  readonly url: string;
  /** Requests received and not yet passed on. */
  readonly held: () => number;
  /** Passes every held request, and every later one, on to the simulator. */
  release(): void;
  close(): Promise<void>;
}

export async function startHeldWechat(simulatorUrl: string): Promise<HeldWechat> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  const pass = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    held += 1;
    await released;
    held -= 1;
    const answer = await fetch(new URL(request.url ?? '/', simulatorUrl), {
      method: request.method ?? 'POST',
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      body: Buffer.concat(chunks),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
  const server = createServer((request, response) => {
    pass(request, response).catch(() => response.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, held: () => held, release, close: () => closeServerNow(server) };
}
