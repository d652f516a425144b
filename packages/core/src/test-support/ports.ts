import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a process that must be told its port
 * before it starts (a server that cannot listen on port 0 and report it, or one clients reconnect to).
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
