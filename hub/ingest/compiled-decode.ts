/**
 * The hub's decoder: decodeMessage's steps over the same schemas compiled by zod (`z.compile`), not
 * a second description of the messages. A compiled schema checks a valid message in generated code
 * and hands an invalid one to zod's own parser, so verdicts, values and reasons are decodeMessage's
 * (test/unit/compiled-decode.test.ts compares the two over a corpus) at a fraction of the cost: the
 * hub decodes every room's telemetry every few seconds, and zod/mini's parsing made 38 % of all its
 * allocation at 10,000 rooms (`npm run bench`, "decoding one room message", has the figures).
 * Hub only: compiling needs `new Function` and zod's compiler, which the agent's bundle leaves out
 * (issue 16), and an agent decodes a few messages a minute.
 */
import { type ChannelSchemas, channelSchemas, decoderOver } from '../../shared/schemas.js';
import * as z from '../../shared/zod-mini.js';

/**
 * Each channel's schema compiled; one zod cannot compile stays as it is (zod's own fallback), which
 * the test catches, since the hub would then decode that channel as slowly as before.
 */
export const compiledSchemas = Object.fromEntries(
  Object.entries(channelSchemas).map(([channel, schema]) => [channel, z.compile(schema)]),
) as unknown as ChannelSchemas;

export const decodeCompiled = decoderOver(compiledSchemas);
