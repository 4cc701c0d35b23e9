/**
 * Stands in for `worker-timers` in the agent's bundle. MQTT.js keeps timers in a Web Worker only in
 * a browser tab (a throttled tab would miss its keepalive); in Node it uses Node's. The package and
 * its helpers (`worker-timers-broker`, `broker-factory`, `@babel/runtime`) were still loaded at
 * start (about 0.6 MB resident, `npm run bench`, agent footprint). Should anything ask for worker
 * timers here, Node's are the same thing.
 */
export const { setInterval, clearInterval, setTimeout, clearTimeout } = globalThis;
