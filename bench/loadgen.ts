/**
 * `npm run loadgen -- --rooms N --interval S [--duration S] [--url mqtt://…] [--per-connection M]
 * [--faults P] [--protocol 4|5]`: N simulated rooms against a broker for a bounded time, progress
 * on stderr, a JSON summary on stdout. The hub must serve the rooms `load-00001`…: write their
 * fleet file first with `npm run loadgen -- --rooms N --write-fleet FILE` and start the hub with
 * `fleet.file` (HNTH_FLEET_FILE) naming it; a hub with only the built-in fleet counts them as
 * `unknown-room`.
 */
import { writeFleetFile } from '../shared/fleet-file.js';
import { LoadArgsError, parseLoadArgs } from './load-args.js';
import { LoadGenerator } from './load-generator.js';
import { loadRooms } from './load-rooms.js';

async function main(): Promise<void> {
  const args = parseLoadArgs(process.argv.slice(2), process.env);
  if ('writeFleet' in args) {
    writeFleetFile(args.writeFleet, loadRooms(args.rooms));
    process.stderr.write(
      `loadgen: wrote the ${args.rooms} rooms to ${args.writeFleet}; start the hub with HNTH_FLEET_FILE=${args.writeFleet}\n`,
    );
    process.stdout.write(`${JSON.stringify({ rooms: args.rooms, fleetFile: args.writeFleet })}\n`);
    return;
  }
  const load = new LoadGenerator(args);
  const started = performance.now();
  const say = (text: string) =>
    process.stderr.write(`loadgen ${((performance.now() - started) / 1000).toFixed(1)} s: ${text}\n`);
  let lastSaid = 0;
  await load.connect((n) => {
    if (n === args.rooms || performance.now() - lastSaid > 2000) {
      lastSaid = performance.now();
      say(`${n}/${args.rooms} rooms connected`);
    }
  });
  const runStart = performance.now();
  load.run();
  const progress = setInterval(() => {
    const sec = (performance.now() - runStart) / 1000;
    const c = load.counts;
    say(
      `${c.telemetry} telemetry, ${c.events} events, ${c.failed} failed (${Math.round(c.telemetry / sec)}/s)`,
    );
  }, 5000);
  await new Promise((resolve) => setTimeout(resolve, args.durationSec * 1000));
  clearInterval(progress);
  await load.stop();
  const sec = (performance.now() - runStart) / 1000;
  process.stdout.write(
    `${JSON.stringify({ ...load.counts, rooms: args.rooms, seconds: Math.round(sec * 10) / 10, telemetryPerSec: Math.round(load.counts.telemetry / sec) })}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`loadgen: ${err.message}\n`);
  const badArgs =
    err instanceof LoadArgsError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.exit(badArgs ? 2 : 1);
});
