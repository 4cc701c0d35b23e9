import { fleetPathSuite } from './fleet-path.suite.js';

fleetPathSuite('embedded aedes broker', async () => ({ hubOverrides: {}, stop: async () => {} }));
