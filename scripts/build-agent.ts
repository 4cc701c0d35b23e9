/**
 * `npm run build:agent [-- --arch x64,arm64,armhf]`: the agent alone, as a room controller installs
 * it, without the registry or a compiler: `dist-agent/hnth-agent-<version>-linux-<arch>.tar.gz`,
 * unpacked by `deploy/install-agent.sh --artefact`.
 *
 * Inside, `hnth-agent/`: the agent and its pure-JS dependencies bundled by esbuild into `cli.js`
 * (plus chunks loaded on first use), and a package.json and node_modules holding only what is
 * loaded from disk: fast-xml-parser (only a Cisco codec parses XML), ws (only a broker reached over
 * ws:// or wss://), onoff with epoll (GPIO over sysfs) and unix-dgram (the systemd notify socket,
 * only under systemd). The last two are native:
 * their `.node` files are built here for each architecture, the foreign ones with Debian's cross
 * compilers (g++-aarch64-linux-gnu, g++-arm-linux-gnueabihf) against this Node's headers, so the
 * module version matches Node 20 (Debian 13's nodejs, and NodeSource's 20.x). Nothing of the hub is
 * in it; `agent/` and `shared/` never import `hub/`.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { slimFunctions } from './agent-bundle/systeminformation-slim.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = path.join(root, 'node_modules');

export type AgentArch = 'x64' | 'arm64' | 'armhf';

/** Node's and Debian's names for each architecture, and the cross compiler's prefix. */
const arches: Record<AgentArch, { gyp: string; cross: string | null }> = {
  x64: { gyp: 'x64', cross: null },
  arm64: { gyp: 'arm64', cross: 'aarch64-linux-gnu-' },
  armhf: { gyp: 'arm', cross: 'arm-linux-gnueabihf-' },
};

/** Loaded from the artefact's node_modules rather than bundled: native, or kept out of the start. */
const fromDisk = ['fast-xml-parser', 'onoff', 'unix-dgram', 'ws'];
/** Packages with a `.node` file, and the name of that file. */
const natives: Record<string, string> = { epoll: 'epoll.node', 'unix-dgram': 'unix_dgram.node' };
/** Build-time only (C++ headers for the natives): never shipped. */
const buildOnly = new Set(['nan']);

export class AgentBuildError extends Error {
  readonly code = 'AGENT_BUILD';
}

const packageJson = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };

/** The agent calls only what the slim systeminformation has; anything else would read as null. */
function checkSystemInformationUse(): void {
  const used = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts'))
        for (const m of readFileSync(file, 'utf8').matchAll(/\bsi\.(\w+)\(/g)) used.add(m[1]!);
    }
  };
  walk(path.join(root, 'agent'));
  const missing = [...used].filter((f) => !(slimFunctions as readonly string[]).includes(f));
  if (missing.length > 0) {
    throw new AgentBuildError(
      `the agent calls systeminformation's ${missing.join(', ')}: add them to scripts/agent-bundle/systeminformation-slim.ts`,
    );
  }
}

/**
 * V8's settings for a small daemon on a Pi, in the artefact's `#!` line, so the agent runs with them
 * however it is started (systemd, a technician's shell): a 1 MB young generation instead of up to
 * 16 MB, and no optimising compiler (its code and its profiles cost memory; the agent's work is a
 * reading a second). Measured by `npm run bench` (agent footprint): about 10 MB less resident memory,
 * CPU unchanged within noise. `env -S` (coreutils 8.30+, Debian 11 on) splits the arguments.
 */
export const agentNodeFlags = ['--max-semi-space-size=1', '--lite-mode'] as const;
const hashbang = `#!/usr/bin/env -S node ${agentNodeFlags.join(' ')}`;

async function bundle(out: string): Promise<void> {
  checkSystemInformationUse();
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'agent/cli.ts' },
    outdir: out,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: fromDisk,
    plugins: [
      {
        name: 'slim-systeminformation',
        setup(b) {
          b.onResolve({ filter: /^systeminformation$/ }, () => ({
            path: path.join(root, 'scripts/agent-bundle/systeminformation-slim.ts'),
          }));
        },
      },
      {
        // readable-stream is Node's stream module copied for browsers (MQTT.js, bl): Node's own,
        // already in every process, instead of a second one evaluated at start (about 0.7 MB
        // resident, `npm run bench`, agent footprint).
        name: 'node-stream',
        setup(b) {
          b.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'node:stream', external: true }));
        },
      },
      {
        // What MQTT.js loads on its first connect whatever the URL: its WebSocket transport (kept,
        // loaded on first use), its SOCKS client (left out) and a browser's worker timers (Node's).
        name: 'mqtt-stand-ins',
        setup(b) {
          const mqttConnect = path.join(modules, 'mqtt/build/lib/connect');
          const standIn = (file: string) => ({ path: path.join(root, 'scripts/agent-bundle', file) });
          b.onResolve({ filter: /^\.\/(ws|socks)$/ }, (args) =>
            args.resolveDir === mqttConnect
              ? standIn(args.path === './ws' ? 'lazy-mqtt-ws.ts' : 'no-socks.ts')
              : undefined,
          );
          b.onResolve({ filter: /^hnth-real-mqtt-ws$/ }, () => ({ path: path.join(mqttConnect, 'ws.js') }));
          b.onResolve({ filter: /^worker-timers$/ }, () => standIn('node-timers.ts'));
        },
      },
      {
        name: 'lazy-fast-xml-parser',
        setup(b) {
          // The agent's own import only; the stand-in itself loads the real one from disk.
          b.onResolve({ filter: /^fast-xml-parser$/ }, (args) =>
            args.importer.includes('agent-bundle')
              ? { path: 'fast-xml-parser', external: true }
              : { path: path.join(root, 'scripts/agent-bundle/lazy-fast-xml-parser.ts') },
          );
        },
      },
    ],
    banner: {
      // The bundled CommonJS packages call require(); an ES module has none of its own.
      // (cli.ts's own #! line stays first: esbuild keeps an entry's hashbang above the banner.)
      js: "import { createRequire as __hnthRequire } from 'node:module';\nconst require = __hnthRequire(import.meta.url);",
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const cli = path.join(out, 'cli.js');
  writeFileSync(cli, readFileSync(cli, 'utf8').replace(/^#!.*\n/, `${hashbang}\n`));
  const chunks = path.join(out, 'chunks');
  const scripts = [cli, ...readdirSync(chunks).map((name) => path.join(chunks, name))];
  for (const file of scripts) writeFileSync(file, asciiOnly(readFileSync(file, 'utf8')));
}

/**
 * The bundle in ASCII. V8 keeps a script's source in memory (lazy compilation compiles from it),
 * one byte a character, or two for the whole script once one character is past U+00FF. esbuild
 * escapes non-ASCII in strings, regular expressions and identifiers, but leaves the comments it
 * keeps as written (an em dash, a Vietnamese word): they doubled the 1.5 MB cli.js in memory, about
 * 1.5 MB resident (`npm run bench`, agent footprint). Only comments are left to escape, and there a
 * \uXXXX means nothing.
 */
function asciiOnly(code: string): string {
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every package `names` needs at run time, each once: the names and their dependencies. */
function runtimeClosure(names: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || buildOnly.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(packageJson(path.join(modules, name)).dependencies ?? {})) visit(dep);
  };
  for (const name of names) visit(name);
  return [...seen].sort();
}

function nodeGyp(): string {
  const candidates = [
    path.join(
      path.dirname(process.execPath),
      '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ),
    path.join(modules, 'node-gyp/bin/node-gyp.js'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new AgentBuildError('node-gyp not found (it comes with npm): install npm');
  return found;
}

/** Compiles one native package for `arch` and returns its `.node` file. */
function compileNative(name: string, arch: AgentArch, work: string): string {
  const { gyp, cross } = arches[arch];
  if (!cross) return path.join(modules, name, 'build/Release', natives[name]!);
  const compiler = `${cross}g++`;
  try {
    execFileSync('sh', ['-c', `command -v ${compiler}`], { stdio: 'ignore' });
  } catch {
    const pkg = arch === 'arm64' ? 'g++-aarch64-linux-gnu' : 'g++-arm-linux-gnueabihf';
    throw new AgentBuildError(`${compiler} not found: apt-get install ${pkg} to build the ${arch} artefact`);
  }
  const dir = path.join(work, `${name}-${arch}`);
  cpSync(path.join(modules, name), dir, { recursive: true, filter: (src) => !src.includes('/build/') });
  cpSync(path.join(modules, 'nan'), path.join(dir, 'node_modules/nan'), { recursive: true });
  execFileSync(
    process.execPath,
    [nodeGyp(), 'rebuild', `--arch=${gyp}`, `--nodedir=${path.dirname(path.dirname(process.execPath))}`],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, CC: `${cross}gcc`, CXX: compiler, LINK: compiler, AR: `${cross}ar` },
    },
  );
  return path.join(dir, 'build/Release', natives[name]!);
}

/** Builds the artefact for each architecture; returns the tarballs' paths. */
export async function buildAgent(
  archList: AgentArch[],
  outDir = path.join(root, 'dist-agent'),
): Promise<string[]> {
  const version = packageJson(root).version;
  const work = mkdtempSync(path.join(tmpdir(), 'hnth-agent-build-'));
  try {
    const bundled = path.join(work, 'bundle');
    await bundle(bundled);
    const closure = runtimeClosure(fromDisk);
    mkdirSync(outDir, { recursive: true });
    const tarballs: string[] = [];
    for (const arch of archList) {
      const stage = path.join(work, arch);
      const app = path.join(stage, 'hnth-agent');
      cpSync(bundled, app, { recursive: true });
      const dependencies = Object.fromEntries(
        fromDisk.map((n) => [n, packageJson(path.join(modules, n)).version]),
      );
      writeFileSync(
        path.join(app, 'package.json'),
        `${JSON.stringify(
          {
            name: 'hnth-agent',
            version,
            description: 'hnth room agent, bundled (built by scripts/build-agent.ts)',
            type: 'module',
            bin: { 'hnth-agent': 'cli.js' },
            engines: { node: '>=20 <21' },
            os: ['linux'],
            cpu: [arches[arch].gyp],
            dependencies,
          },
          null,
          2,
        )}\n`,
      );
      for (const name of closure) {
        // Sources, tests and intermediate build files stay behind; a `.node` file is put back below.
        cpSync(path.join(modules, name), path.join(app, 'node_modules', name), {
          recursive: true,
          filter: (src) =>
            !/\/(build|src|test|example)(\/|$)/.test(src.slice(modules.length)) || !natives[name],
        });
      }
      for (const name of Object.keys(natives).filter((n) => closure.includes(n))) {
        const release = path.join(app, 'node_modules', name, 'build/Release');
        mkdirSync(release, { recursive: true });
        cpSync(compileNative(name, arch, work), path.join(release, natives[name]!));
      }
      const tarball = path.join(outDir, `hnth-agent-${version}-linux-${arch}.tar.gz`);
      execFileSync('tar', ['-czf', tarball, '--owner=0', '--group=0', '-C', stage, 'hnth-agent']);
      tarballs.push(tarball);
      process.stderr.write(`build-agent: ${path.relative(root, tarball)}\n`);
    }
    return tarballs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const at = process.argv.indexOf('--arch');
  const list = (at >= 0 ? process.argv[at + 1]! : 'x64,arm64,armhf').split(',') as AgentArch[];
  const unknown = list.filter((a) => !(a in arches));
  if (unknown.length > 0) {
    process.stderr.write(`build-agent: unknown --arch ${unknown.join(',')} (x64, arm64, armhf)\n`);
    process.exit(2);
  }
  await buildAgent(list).catch((err: Error) => {
    process.stderr.write(`build-agent: ${err.message}\n`);
    process.exit(1);
  });
}
