/**
 * Stands in for `fast-xml-parser` in the agent's bundle: only a Cisco codec (xAPI) parses XML, so
 * the real module is loaded from the artefact's node_modules on the first parse, not at start
 * (`agent/probes/codec-xapi.ts` builds its parser when the module loads). Covers what that file
 * uses: `new XMLParser(options).parse(text)` and `XMLValidator.validate(text)`.
 */
import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';

let real: typeof Fxp | undefined;
const load = (): typeof Fxp => {
  real ??= createRequire(import.meta.url)('fast-xml-parser') as typeof Fxp;
  return real;
};

export class XMLParser {
  private parser: Fxp.XMLParser | undefined;
  constructor(private readonly options: Fxp.X2jOptions) {}
  parse(xml: string): unknown {
    this.parser ??= new (load().XMLParser)(this.options);
    return this.parser.parse(xml);
  }
}

export const XMLValidator = {
  validate: (xml: string): ReturnType<typeof Fxp.XMLValidator.validate> => load().XMLValidator.validate(xml),
};
