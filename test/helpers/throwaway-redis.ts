import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * A redis-server child process of the test's own, on a free loopback port, that a test may kill
 * (SIGKILL: its data is lost, as in a crash), pause (SIGSTOP: connections stay open and nothing
 * answers) and start again on the same port. Never the shared Redis other tests use.
 */
export interface ThrowawayRedis {
  readonly port: number;
  /** `redis://:<password>@127.0.0.1:<port>` */
  readonly url: string;
  /** SIGKILL: the process and every key are gone; connections are reset. */
  kill(): Promise<void>;
  /** SIGSTOP: the process keeps its sockets but answers nothing. */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Starts a new, empty server on the same port (after `kill()`). */
  restart(): Promise<void>;
  /** Kills the process (if running); call in afterAll. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Spawns redis-server and resolves once it accepts connections (or rejects after 10 s). */
function spawnRedis(port: number, password: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      password,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start: ${output}`));
    }, 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve(child);
      }
    });
    child.stderr.resume();
  });
}

async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (child?.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

/** Starts a throwaway redis-server that requires `password`. */
export async function startThrowawayRedis(password: string): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined = await spawnRedis(port, password);
  return {
    port,
    url: `redis://:${password}@127.0.0.1:${String(port)}`,
    async kill() {
      await killChild(child);
      child = undefined;
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async restart() {
      await killChild(child);
      child = await spawnRedis(port, password);
    },
    async stop() {
      await killChild(child);
      child = undefined;
    },
  };
}
