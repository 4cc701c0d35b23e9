/**
 * The codec configuration values the agent reads when the operator approves a room's "current
 * configuration" (art. 5.3), by API. Each is a setting that decides whether the room joins a meeting
 * as planned: its identity and registration at the MCU, its call rates, its answer and standby
 * behaviour, its sound level and display resolution. Keys as each API names them: Cisco's
 * configuration paths (present in the real SX20 configuration in test/fixtures/real/cisco), Poly's
 * `/rest/config` names (those of the real Group Series and Studio X answers in test/fixtures/real/poly).
 */
export const watchedConfigKeys: Record<'xapi' | 'poly', readonly string[]> = {
  xapi: [
    'Audio/DefaultVolume',
    'Audio/Microphones/Mute/Enabled',
    'Conference/AutoAnswer/Mode',
    'Conference/DefaultCall/Protocol',
    'Conference/DefaultCall/Rate',
    'Conference/MaxReceiveCallRate',
    'Conference/MaxTransmitCallRate',
    'H323/Gatekeeper/Address',
    'NetworkServices/SIP/Mode',
    'SIP/DefaultTransport',
    'SIP/Proxy[1]/Address',
    'SIP/URI',
    'Standby/Control',
    'Standby/Delay',
    'Time/Zone',
    'Video/Output/Connector[1]/Resolution',
  ],
  poly: [
    'comm.nics.sipnic.sipusername',
    'comm.nics.sipnic.sipproxyserver',
    'comm.nics.h323nic.h323name',
    'comm.nics.h323nic.gatekeeper.gkipaddress',
    'comm.firewall.nat.usenataddress',
    'audio.volume.speakervolume',
  ],
};
