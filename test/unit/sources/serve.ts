import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real local HTTP server on 127.0.0.1 whose answers are scripted per request. */

export type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export interface Served {
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

export async function serve(handler: Handler): Promise<Served> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n += 1;
    handler(req, res, n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/opendata/`,
    requests: () => n,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Start a 200 with a Content-Length larger than what is sent, then cut the connection. */
export function truncated(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.write(body.slice(0, Math.floor(body.length / 2)));
  setTimeout(() => res.socket?.destroy(), 20);
}
