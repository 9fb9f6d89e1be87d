/**
 * Preloaded into a spawned subgraph: its listener fails to bind with an error that carries
 * every secret (secret-error.ts), as a bind failure quoting too much would, so start-up
 * fails after the configuration is read and the subgraph assembled.
 */
import net from 'node:net';
import { secretError } from './secret-error.js';

net.Server.prototype.listen = function listen(this: net.Server) {
  process.nextTick(() => this.emit('error', secretError()));
  return this;
} as net.Server['listen'];
