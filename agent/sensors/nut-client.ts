/**
 * A client of the NUT network protocol (upsd, TCP 3493; "Network protocol information" in the NUT
 * developer guide): one line per request, answers as lines, `ERR <CODE>` on failure, lists framed
 * by `BEGIN LIST …` / `END LIST …`, multi-word values in double quotes with backslash escapes.
 * One request at a time on one connection, each with a deadline.
 */
import { connect, type Socket } from 'node:net';

/** A failure: upsd's own `ERR` code (`UNKNOWN-UPS`, `ACCESS-DENIED`, `DATA-STALE`…) or a connection one. */
export class NutError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** True for upsd's own `ERR` answers; false when the connection failed. */
    readonly fromUpsd = false,
  ) {
    super(message);
    this.name = 'NutError';
  }
}

export interface NutAddress {
  host: string;
  port: number;
  timeoutMs: number;
}

/** Splits a protocol line into words, honouring quotes and backslash escapes. */
export function splitNutLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (ch === ' ' && !quoted) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quotes an argument the way upsd's parser reads it back. */
export function quoteNut(value: string): string {
  if (/[\r\n]/.test(value)) throw new NutError('BAD-ARGUMENT', 'a NUT argument cannot hold a line break');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export class NutClient {
  private buffer = '';
  private lines: string[] = [];
  private wake: (() => void) | null = null;
  private closed: NutError | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly socket: Socket,
    private readonly address: NutAddress,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts.map((l) => l.replace(/\r$/, '')));
      this.wake?.();
    });
    const end = (why: NutError) => {
      this.closed ??= why;
      this.wake?.();
    };
    socket.on('close', () => end(new NutError('CLOSED', `upsd at ${this.where} closed the connection`)));
    socket.on('error', (err: NodeJS.ErrnoException) => end(new NutError(err.code ?? 'SOCKET', err.message)));
  }

  private get where(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  static connect(address: NutAddress): Promise<NutClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NutError('TIMEOUT', `no answer from upsd at ${address.host}:${address.port}`));
      }, address.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new NutClient(socket, address));
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new NutError(
            err.code ?? 'SOCKET',
            `upsd at ${address.host}:${address.port}: ${err.code ?? err.message}`,
          ),
        );
      });
    });
  }

  /**
   * `USERNAME` then `PASSWORD`. upsd checks them only at a privileged request (LOGIN, SET, INSTCMD),
   * none of which the agent makes: reading variables needs no account unless upsd's host ACLs say so.
   */
  async login(username: string, password: string): Promise<void> {
    await this.single(`USERNAME ${quoteNut(username)}`);
    await this.single(`PASSWORD ${quoteNut(password)}`);
  }

  /** `LIST UPS`: name → description. */
  async listUps(): Promise<Map<string, string>> {
    const rows = await this.list('LIST UPS', 'UPS');
    return new Map(rows.map((w) => [w[1]!, w[2] ?? '']));
  }

  /** `LIST VAR <ups>`: every variable of one UPS. */
  async listVar(ups: string): Promise<Map<string, string>> {
    const rows = await this.list(`LIST VAR ${ups}`, 'VAR');
    return new Map(rows.map((w) => [w[2]!, w[3] ?? '']));
  }

  /** `GET VAR <ups> <name>`. */
  async getVar(ups: string, name: string): Promise<string> {
    const words = splitNutLine(await this.single(`GET VAR ${ups} ${name}`));
    if (words[0] !== 'VAR')
      throw new NutError('PROTOCOL', `unexpected answer to GET VAR: ${words.join(' ')}`);
    return words[3] ?? '';
  }

  /** Says goodbye when upsd still listens, and closes the socket either way. */
  async close(): Promise<void> {
    if (!this.closed) await this.single('LOGOUT').catch(() => {});
    this.socket.destroy();
  }

  private single(request: string): Promise<string> {
    return this.exchange(request, async () => this.answer(await this.next()));
  }

  private list(request: string, kind: string): Promise<string[][]> {
    return this.exchange(request, async () => {
      const first = this.answer(await this.next());
      if (!first.startsWith('BEGIN LIST')) throw new NutError('PROTOCOL', `unexpected answer: ${first}`);
      const rows: string[][] = [];
      for (;;) {
        const line = await this.next();
        if (line.startsWith('END LIST')) return rows;
        const words = splitNutLine(line);
        if (words[0] === kind) rows.push(words);
      }
    });
  }

  private answer(line: string): string {
    if (line.startsWith('ERR ')) {
      const code = line.slice(4).split(' ')[0] ?? 'UNKNOWN';
      throw new NutError(code, `upsd at ${this.where} answered ERR ${code}`, true);
    }
    return line;
  }

  /** Sends one request and reads its answer before the next request goes out. */
  private exchange<T>(request: string, read: () => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.closed) throw this.closed;
      this.socket.write(`${request}\n`);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new NutError(
            'TIMEOUT',
            `upsd at ${this.where} did not answer "${request.split(' ')[0]}" in time`,
          );
          this.closed ??= err;
          this.socket.destroy();
          reject(err);
        }, this.address.timeoutMs);
      });
      try {
        return await Promise.race([read(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private async next(): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.closed) throw this.closed;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
}
