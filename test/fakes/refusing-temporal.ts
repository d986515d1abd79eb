/**
 * A Temporal frontend that refuses every call's credentials, as Temporal Cloud answers a wrong API key: a
 * gRPC trailers-only response, `grpc-status: 16` (UNAUTHENTICATED). Plain HTTP/2, so it speaks to the
 * worker's native client and the API's grpc-js client alike, whatever method they call.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface RefusingTemporal {
  address: string;
  /** The gRPC paths called, in order (`/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo`). */
  calls: string[];
  stop(): Promise<void>;
}

export async function startRefusingTemporal(): Promise<RefusingTemporal> {
  const calls: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    calls.push(String(headers[':path']));
    stream.on('error', () => undefined);
    // Read the request, then answer with status and trailers in one HEADERS frame (trailers-only).
    stream.resume();
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized.' }, { endStream: true });
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
