/**
 * A fake Cisco RoomOS codec speaking the xAPI over HTTP, built from Cisco's documentation: the
 * "Cisco Collaboration Endpoint Software API Reference Guide" / RoomOS xAPI reference (HTTP
 * `GET /getxml?location=<path>` answering an XML `<Status>` or `<Configuration>` document, `POST
 * /putxml` taking an XML `<Command>` and answering `<Command><…Result status="OK|Error">`, HTTP basic
 * authentication), and the status paths it describes: `SystemUnit Software Version`, `SystemUnit
 * Uptime`, `Call [n] Status`, `Peripherals ConnectedDevice [n] Type/Name/Status`, `Video Output
 * Connector [n] Connected` and `Standby State`. Tests change `state` to stage faults.
 *
 * `replay(file)` makes it answer from a real status document instead (test/fixtures/real/cisco):
 * each `/Status/<Part>` location is that part of the capture as the codec sent it, so the adapters
 * read what real codecs wrote. Its call (`Call`, `MediaChannels`) is shown only while a test call
 * is connected, and the test call connects, is rejected, is busy or never connects as
 * `callScenario` says (the call's progress and history answers from the reference's documented
 * forms, test/fixtures/codec/xapi).
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { fileURLToPath } from 'node:url';
import { requestBody } from './request-body.js';

export interface FakeXapiState {
  username: string;
  password: string;
  inCall: boolean;
  cameraConnected: boolean;
  displayConnected: boolean;
  standby: 'Off' | 'Standby' | 'Halfwake';
  /**
   * A Room Kit: its camera is built in, listed under `Cameras Camera` and not as a connected
   * device (RoomOS xAPI reference, `Status Cameras Camera [n] Connected/Model`).
   */
  integratedCamera: boolean;
  /** Answers this many ms late. */
  delayMs: number;
  /** Answers HTML instead of xAPI XML (a proxy's error page, a half-booted codec). */
  malformed: boolean;
  configuration: { defaultVolume: string; sipDisplayName: string };
  /** Commands received, as their XML bodies. */
  commands: string[];
  /** How the far end answers a Dial: connects, rejects (603), is busy (486), or never answers. */
  callScenario: 'connect' | 'reject' | 'busy' | 'never';
  /** The test call placed by Dial, with how often its progress was read. */
  call: { id: string; polls: number } | null;
  /** A real status document answered instead of the built ones (`replay`). */
  capture: string | null;
  /** A real configuration document answered for `/Configuration` (`replayConfiguration`). */
  configurationCapture: string | null;
}

/** A fixture under test/fixtures, as its bytes say. */
export function fixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), 'utf8');
}

/**
 * The top-level parts of a real status document named `part` (`Audio`, `Call` — every `<Call item>`),
 * as the codec answers `/getxml?location=/Status/<part>/…`: the capture's own text inside a
 * `<Status>` element. A level is indented as the capture's first child is: four spaces in AVI-SPL's
 * files, two in the SX80's (as the codec writes it).
 */
export function statusPart(capture: string, part: string): string | null {
  const head = /^<\?xml[^>]*>\r?\n<Status[^>]*>/.exec(capture)?.[0] ?? '<?xml version="1.0"?><Status>';
  const indent = /\n([ \t]+)</.exec(capture.slice(head.length))?.[1] ?? '    ';
  const lines = capture.split(/\r?\n/);
  const out: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (!inside && (line.startsWith(`${indent}<${part}>`) || line.startsWith(`${indent}<${part} `)))
      inside = true;
    if (inside) out.push(line);
    if (inside && line.startsWith(`${indent}</${part}>`)) inside = false;
  }
  return out.length === 0 ? null : `${head}\n${out.join('\n')}\n</Status>`;
}

const XML = '<?xml version="1.0"?>';

/** The test call's `Call` element while it is being set up: the reference's `Status` values. */
function settingUp(s: FakeXapiState): string {
  const call = s.call!;
  const status = call.polls <= 1 ? 'Dialling' : 'Connecting';
  return `${XML}<Status><Call item="${call.id}" maxOccurrence="n"><CallType>Video</CallType><Direction>Outgoing</Direction><RemoteNumber>test@mcu.hnth.example</RemoteNumber><Status>${status}</Status></Call></Status>`;
}

function replayed(path: string, s: FakeXapiState, capture: string): string | null {
  const part = path.split('/')[2] ?? '';
  if (part === 'Call' || part === 'MediaChannels') {
    if (!s.call) return `${XML}<Status></Status>`;
    if (part === 'Call') s.call.polls++;
    const connected = s.callScenario === 'connect' && s.call.polls > 1;
    if (!connected) return part === 'Call' ? settingUp(s) : `${XML}<Status></Status>`;
  }
  return statusPart(capture, part) ?? `${XML}<Status></Status>`;
}

/** A call that the far end ends before it connects leaves the call list after one read. */
function callGone(s: FakeXapiState): boolean {
  return s.call !== null && (s.callScenario === 'reject' || s.callScenario === 'busy') && s.call.polls > 1;
}

function statusXml(path: string, s: FakeXapiState): string | null {
  if (callGone(s)) s.call = null;
  if (s.capture && path.startsWith('/Status/')) return replayed(path, s, s.capture);
  if (path === '/Configuration' && s.configurationCapture) return s.configurationCapture;
  switch (path) {
    case '/Status/SystemUnit':
      return `${XML}<Status product="Cisco Codec" version="ce11.14.1.5"><SystemUnit><ProductId>Cisco Room Kit</ProductId><Software><Name>s53200</Name><Version>ce11.14.1.5.47f3d6</Version></Software><Uptime>86400</Uptime></SystemUnit></Status>`;
    case '/Status/Call':
      if (s.call) {
        s.call.polls++;
        if (s.callScenario !== 'connect' || s.call.polls <= 1) return settingUp(s);
      }
      return s.inCall || s.call
        ? `${XML}<Status><Call item="3" maxOccurrence="n"><AnswerState>Answered</AnswerState><CallType>Video</CallType><Direction>Outgoing</Direction><RemoteNumber>mcu@hnth.example</RemoteNumber><Status>Connected</Status></Call></Status>`
        : `${XML}<Status></Status>`;
    case '/Status/SIP/Registration':
      return `${XML}<Status><SIP><Registration item="1" maxOccurrence="n"><Reason></Reason><Status>Registered</Status><URI>ubnd-yen-son@hnth.example</URI></Registration></SIP></Status>`;
    case '/Status/Cameras':
      return s.integratedCamera
        ? `${XML}<Status><Cameras><Camera item="1" maxOccurrence="n"><Connected>${s.cameraConnected ? 'True' : 'False'}</Connected><Model>Cisco Webex Quad Camera</Model></Camera></Cameras></Status>`
        : `${XML}<Status><Cameras><Camera item="1" maxOccurrence="n"><Connected>True</Connected><Model>Cisco Quad Camera</Model></Camera><Camera item="2" maxOccurrence="n"><Connected>False</Connected><Model></Model></Camera></Cameras></Status>`;
    case '/Status/MediaChannels':
      return `${XML}<Status></Status>`;
    case '/Status/Audio':
    case '/Status/Audio/Input':
      return `${XML}<Status><Audio><Input><Connectors><Microphone item="1" maxOccurrence="n"><ConnectionStatus>Connected</ConnectionStatus></Microphone><Microphone item="2" maxOccurrence="n"><ConnectionStatus>NotConnected</ConnectionStatus></Microphone></Connectors></Input><Microphones><Mute>Off</Mute></Microphones><Volume>50</Volume><VolumeMute>Off</VolumeMute></Audio></Status>`;
    case '/Status/Peripherals':
    case '/Status/Peripherals/ConnectedDevice':
      if (s.integratedCamera)
        return `${XML}<Status><Peripherals><ConnectedDevice item="1011" maxOccurrence="n"><Name>Cisco Room Navigator</Name><Status>Connected</Status><Type>TouchPanel</Type></ConnectedDevice></Peripherals></Status>`;
      return `${XML}<Status><Peripherals><ConnectedDevice item="1011" maxOccurrence="n"><HardwareInfo>101</HardwareInfo><ID>00:11:22:33:44:55</ID><Name>Cisco Room Navigator</Name><SoftwareInfo>RoomOS 11.14</SoftwareInfo><Status>Connected</Status><Type>TouchPanel</Type></ConnectedDevice><ConnectedDevice item="1012" maxOccurrence="n"><Name>Cisco Quad Camera</Name><Status>${s.cameraConnected ? 'Connected' : 'ResponseTimedOut'}</Status><Type>Camera</Type></ConnectedDevice></Peripherals></Status>`;
    case '/Status/Video/Output':
    case '/Status/Video/Output/Connector':
      return `${XML}<Status><Video><Output><Connector item="1" maxOccurrence="n"><Connected>${s.displayConnected ? 'True' : 'False'}</Connected><Type>HDMI</Type></Connector><Connector item="2" maxOccurrence="n"><Connected>False</Connected><Type>HDMI</Type></Connector></Output></Video></Status>`;
    case '/Status/Standby':
      return `${XML}<Status><Standby><State>${s.standby}</State></Standby></Status>`;
    case '/Configuration':
      return `${XML}<Configuration product="Cisco Codec"><Audio><DefaultVolume valueSpaceRef="/Valuespace/INT_0_100">${s.configuration.defaultVolume}</DefaultVolume></Audio><SIP><DisplayName valueSpaceRef="/Valuespace/STR_0_255">${s.configuration.sipDisplayName}</DisplayName></SIP><Video><Output><Connector item="1" maxOccurrence="n"><Resolution valueSpaceRef="/Valuespace/TTPAR_Resolution">Auto</Resolution></Connector><Connector item="2" maxOccurrence="n"><Resolution valueSpaceRef="/Valuespace/TTPAR_Resolution">1920_1080_60</Resolution></Connector></Output></Video></Configuration>`;
    default:
      return null;
  }
}

function commandXml(body: string, s: FakeXapiState): string {
  if (callGone(s)) s.call = null;
  if (body.includes('<CallHistory><Get>'))
    return fixture(`codec/xapi/callhistory-${s.callScenario === 'busy' ? 'busy' : 'rejected'}.xml`);
  const disconnect = /<Call><Disconnect><CallId>(\d+)<\/CallId><\/Disconnect><\/Call>/.exec(body);
  if (disconnect) {
    if (s.call?.id !== disconnect[1])
      return `${XML}<Command><CallDisconnectResult status="Error"><Reason>No active call with the given CallId</Reason></CallDisconnectResult></Command>`;
    s.call = null;
    return `${XML}<Command><CallDisconnectResult status="OK"/></Command>`;
  }
  if (body.includes('<SystemUnit><Boot><Action>Restart</Action></Boot></SystemUnit>'))
    return `${XML}<Command><SystemUnitBootResult status="OK"/></Command>`;
  if (body.includes('<Standby><Activate/></Standby>')) {
    s.standby = 'Standby';
    return `${XML}<Command><StandbyActivateResult status="OK"/></Command>`;
  }
  if (body.includes('<Standby><Deactivate/></Standby>')) {
    s.standby = 'Off';
    return `${XML}<Command><StandbyDeactivateResult status="OK"/></Command>`;
  }
  const dial = /<Dial><Number>([^<]*)<\/Number><\/Dial>/.exec(body);
  if (dial) {
    if (s.inCall || s.call) {
      return `${XML}<Command><DialResult status="Error"><Reason>Max active calls reached</Reason></DialResult></Command>`;
    }
    // A replayed capture's call keeps its own id, so its media channels are found by it.
    const id = (s.capture && /<Call item="(\d+)"/.exec(s.capture)?.[1]) || '3';
    s.call = { id, polls: 0 };
    return `${XML}<Command><DialResult status="OK"><CallId>${id}</CallId><ConferenceId>2</ConferenceId></DialResult></Command>`;
  }
  return `${XML}<Command><Result status="Error"><Reason>Unknown command</Reason></Result></Command>`;
}

export interface FakeXapiCodec {
  url: string;
  state: FakeXapiState;
  /** Answers status from a real capture under test/fixtures (`real/cisco/sx20-ce9.1.4-in-call/status.xml`). */
  replay(statusFixture: string): void;
  close(): Promise<void>;
}

/**
 * Codecs ship a self-signed certificate: with `tls` the fake serves HTTPS with the test one in
 * test/fixtures/tls (made for this fake only; CN codec.hnth.test, IP 127.0.0.1).
 */
export async function startFakeXapiCodec(options: { tls?: boolean } = {}): Promise<FakeXapiCodec> {
  const state: FakeXapiState = {
    username: 'hnth',
    password: 'secret',
    inCall: false,
    cameraConnected: true,
    displayConnected: true,
    standby: 'Off',
    integratedCamera: false,
    delayMs: 0,
    malformed: false,
    configuration: { defaultVolume: '50', sipDisplayName: 'UBND huyen Yen Son' },
    commands: [],
    callScenario: 'connect',
    call: null,
    capture: null,
    configurationCapture: null,
  };
  const handler: RequestListener = async (req, res) => {
    const text = await requestBody(req);
    const expected = `Basic ${Buffer.from(`${state.username}:${state.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Cisco Codec"' }).end();
      return;
    }
    if (state.delayMs > 0) {
      // Stop waiting when the client gives up, so closing the fake leaves no timer behind.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, state.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (res.destroyed) return;
    if (state.malformed) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Please wait, system is starting');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://codec');
    if (req.method === 'GET' && url.pathname === '/getxml') {
      const xml = statusXml(url.searchParams.get('location') ?? '', state);
      if (xml === null) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/putxml') {
      state.commands.push(text);
      res.writeHead(200, { 'content-type': 'text/xml' }).end(commandXml(text, state));
      return;
    }
    res.writeHead(404).end();
  };
  const tls = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
  const server: Server = options.tls
    ? createTlsServer({ key: tls('codec-key.pem'), cert: tls('codec-cert.pem') }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    state,
    replay: (statusFixture) => {
      state.capture = fixture(statusFixture);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
