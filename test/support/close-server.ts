/** Takes a test's loopback HTTP stand-in down at once: open connections are cut, so a client sees a refused or reset connection, not a slow answer. */
import type { Server } from 'node:http';

export async function closeServerNow(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
