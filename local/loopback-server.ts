/** Starting and stopping the local HTTP servers (gateway, simulator) on a loopback address. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `host:port` (0 = a free port) and resolves to the port. */
export const listen = async (server: Server, port: number, host: string): Promise<number> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return (server.address() as AddressInfo).port;
};

/** Closes the server, dropping kept-alive connections rather than waiting for them. */
export const close = async (server: Server | undefined): Promise<void> => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
};

/**
 * Stops accepting connections, lets the requests in flight finish (closing each kept-alive
 * connection once idle), and drops whatever is still open after `graceMs`.
 */
export const drain = async (server: Server | undefined, graceMs: number): Promise<void> => {
  if (!server) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  server.closeIdleConnections();
  await closed;
  clearInterval(idle);
  clearTimeout(deadline);
};
