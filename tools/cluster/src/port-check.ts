/** Whether a TCP port can be published on the laptop, checked by binding it on loopback for a moment. */
import { createServer } from 'node:net';

/** Result of {@link probePort}. */
export type PortState = 'free' | 'in-use' | 'not-checkable';

/**
 * Binds `host:port` and releases it at once. `in-use` when another process holds it (EADDRINUSE);
 * `not-checkable` when this user may not bind it (EACCES for ports < 1024; Docker binds as root).
 */
export function probePort(port: number, host = '127.0.0.1'): Promise<PortState> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code === 'EADDRINUSE' ? 'in-use' : 'not-checkable');
    });
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve('free'));
    });
  });
}
