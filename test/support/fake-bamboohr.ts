/** A stand-in for BambooHR's employee API on 127.0.0.1: GET /{subdomain}/v1/employees/{id}/ with Basic auth. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeEmployee {
  workEmail?: string;
  department?: string;
  status?: string;
}

export class FakeBambooHr {
  readonly employees = new Map<string, FakeEmployee>();
  readonly requests: { path: string; authorization?: string }[] = [];
  #server?: Server;
  url = '';

  constructor(
    readonly subdomain: string,
    readonly apiKey: string,
  ) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
      const expected = `Basic ${Buffer.from(`${this.apiKey}:x`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401).end();
        return;
      }
      const match = new RegExp(`^/${this.subdomain}/v1/employees/([^/?]+)/?\\?`).exec(req.url ?? '');
      const employee = match ? this.employees.get(match[1]!) : undefined;
      if (!employee) {
        res.writeHead(404).end();
        return;
      }
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ id: match![1], ...employee }));
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
