/**
 * How each injected fault plays out on the socket. `delay` and `truncated` wrap the route's
 * normal answer, so the WeChat checks still run; the others never reach the route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatedFault } from './fault-queue.js';
import { errorAnswer, writeAnswer, writeRaw, type WechatAnswer } from './wechat-answer.js';

export async function answerWithFault(
  fault: SimulatedFault,
  route: () => WechatAnswer,
  incoming: IncomingMessage,
  response: ServerResponse,
  /** Aborted by stop(), so a delayed answer does not outlive the server. */
  running: AbortSignal,
): Promise<void> {
  switch (fault.kind) {
    case 'errcode':
      return writeAnswer(response, errorAnswer(fault.errcode));
    case 'delay':
      await sleep(fault.ms, undefined, { signal: running });
      return writeAnswer(response, route());
    case 'hang':
      return; // stop() closes the socket.
    case 'http':
      return writeRaw(response, fault.status, fault.body, fault.contentType ?? 'text/html; charset=utf-8');
    case 'truncated':
      return writeAnswer(response, route(), { truncated: true });
    case 'reset':
      incoming.socket.resetAndDestroy();
      return;
  }
}
