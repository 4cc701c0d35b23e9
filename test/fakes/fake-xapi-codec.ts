/**
 * A fake Cisco RoomOS codec speaking the xAPI over HTTP, built from Cisco's documentation: the
 * "Cisco Collaboration Endpoint Software API Reference Guide" / RoomOS xAPI reference (HTTP
 * `GET /getxml?location=<path>` answering an XML `<Status>` or `<Configuration>` document, `POST
 * /putxml` taking an XML `<Command>` and answering `<Command><…Result status="OK|Error">`, HTTP basic
 * authentication), and the status paths it describes: `SystemUnit Software Version`, `SystemUnit
 * Uptime`, `Call [n] Status`, `Peripherals ConnectedDevice [n] Type/Name/Status`, `Video Output
 * Connector [n] Connected` and `Standby State`. Tests change `state` to stage faults.
 */
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
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
}

const XML = '<?xml version="1.0"?>';

function statusXml(path: string, s: FakeXapiState): string | null {
  switch (path) {
    case '/Status/SystemUnit':
      return `${XML}<Status product="Cisco Codec" version="ce11.14.1.5"><SystemUnit><ProductId>Cisco Room Kit</ProductId><Software><Name>s53200</Name><Version>ce11.14.1.5.47f3d6</Version></Software><Uptime>86400</Uptime></SystemUnit></Status>`;
    case '/Status/Call':
      return s.inCall
        ? `${XML}<Status><Call item="3" maxOccurrence="n"><AnswerState>Answered</AnswerState><CallType>Video</CallType><Direction>Outgoing</Direction><RemoteNumber>mcu@hnth.example</RemoteNumber><Status>Connected</Status></Call></Status>`
        : `${XML}<Status></Status>`;
    case '/Status/Cameras':
      return s.integratedCamera
        ? `${XML}<Status><Cameras><Camera item="1" maxOccurrence="n"><Connected>${s.cameraConnected ? 'True' : 'False'}</Connected><Model>Cisco Webex Quad Camera</Model></Camera></Cameras></Status>`
        : `${XML}<Status><Cameras><Camera item="1" maxOccurrence="n"><Connected>True</Connected><Model>Cisco Quad Camera</Model></Camera><Camera item="2" maxOccurrence="n"><Connected>False</Connected><Model></Model></Camera></Cameras></Status>`;
    case '/Status/Peripherals/ConnectedDevice':
      if (s.integratedCamera)
        return `${XML}<Status><Peripherals><ConnectedDevice item="1011" maxOccurrence="n"><Name>Cisco Room Navigator</Name><Status>Connected</Status><Type>TouchPanel</Type></ConnectedDevice></Peripherals></Status>`;
      return `${XML}<Status><Peripherals><ConnectedDevice item="1011" maxOccurrence="n"><HardwareInfo>101</HardwareInfo><ID>00:11:22:33:44:55</ID><Name>Cisco Room Navigator</Name><SoftwareInfo>RoomOS 11.14</SoftwareInfo><Status>Connected</Status><Type>TouchPanel</Type></ConnectedDevice><ConnectedDevice item="1012" maxOccurrence="n"><Name>Cisco Quad Camera</Name><Status>${s.cameraConnected ? 'Connected' : 'ResponseTimedOut'}</Status><Type>Camera</Type></ConnectedDevice></Peripherals></Status>`;
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
    if (s.inCall) {
      return `${XML}<Command><DialResult status="Error"><Reason>Max active calls reached</Reason></DialResult></Command>`;
    }
    s.inCall = true;
    return `${XML}<Command><DialResult status="OK"><CallId>3</CallId><ConferenceId>2</ConferenceId></DialResult></Command>`;
  }
  return `${XML}<Command><Result status="Error"><Reason>Unknown command</Reason></Result></Command>`;
}

export interface FakeXapiCodec {
  url: string;
  state: FakeXapiState;
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
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));
  const server: Server = options.tls
    ? createTlsServer({ key: fixture('codec-key.pem'), cert: fixture('codec-cert.pem') }, handler)
    : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
