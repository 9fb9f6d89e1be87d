/** A stand-in for the platform's authorization event URL, for tests of the simulator's ticket pushes. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEventXml } from '../../src/events/event-xml.js';
import { MessageCrypto } from '../../src/events/message-crypto.js';
import type { PushTarget } from '../../src/simulator/index.js';
import { closeServerNow } from './close-server.js';
import type { PushKeys } from './wechat-push.js';

/**
 * The platform's authorization event URL: it decrypts each push with the message crypto the
 * receiver uses, keeps the ticket, and answers what `answers` says next (then `success`).
 * For tests of WeChat's pushes that need no subgraph behind the URL.
 */
export class EventUrlStandIn {
  readonly tickets: string[] = [];
  readonly answers: Array<{ status: number; text: string }> = [];
  readonly #server: Server;
  #url = '';

  constructor(private readonly keys: PushKeys) {
    const crypto = new MessageCrypto(keys.messageToken, keys.encodingAesKey);
    this.#server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += String(chunk)));
      request.on('end', () => {
        const { message } = crypto.decrypt(parseEventXml(body)['Encrypt'] ?? '');
        this.tickets.push(parseEventXml(message)['ComponentVerifyTicket'] ?? '');
        const { status, text } = this.answers.shift() ?? { status: 200, text: 'success' };
        response.writeHead(status).end(text);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/wechat/component/events`;
  }

  get target(): PushTarget {
    return { url: this.#url, ...this.keys };
  }

  stop(): Promise<void> {
    return closeServerNow(this.#server);
  }
}
