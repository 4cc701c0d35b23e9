/**
 * zod's functional, tree-shakable API (`zod/mini`) with its English messages. Everything the agent
 * bundles validates with it rather than classic `zod`, whose method-chaining classes cannot be
 * tree-shaken: classic made a third of the agent's bundle and about 5 MB of its resident memory on a
 * Pi (issue 16). Unlike classic, mini loads no locale (every message would read "Invalid input"),
 * and these messages reach people: command replies, configuration errors, the hub's log of rejected
 * messages.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

// Re-exported name by name (`import * as z` where used), not as one namespace object: an object
// would bring all of zod/mini and every locale into the bundle.
export * from 'zod/mini';
