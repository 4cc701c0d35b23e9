/**
 * The hub's way out to the broker, a port every part holds from the start; the link part connects
 * it once the hub's MQTT session is up. Until then, and once the link stopped, a publish whose
 * result is awaited fails in words, and one nobody waits for (an acknowledgement, a retained state
 * the hub publishes again on connecting) is dropped.
 */
import type { IClientPublishOptions, MqttClient } from 'mqtt';

type Link = Pick<MqttClient, 'publish' | 'publishAsync' | 'connected'>;

export class BrokerOut {
  private link: Link | null = null;

  connect(link: Link): void {
    this.link = link;
  }

  disconnect(): void {
    this.link = null;
  }

  get connected(): boolean {
    return this.link?.connected ?? false;
  }

  async publish(topic: string, payload: string, options: IClientPublishOptions): Promise<void> {
    if (!this.link) throw new Error('hub not connected to the broker');
    await this.link.publishAsync(topic, payload, options);
  }

  publishNow(topic: string, payload: string, options: IClientPublishOptions): void {
    this.link?.publish(topic, payload, options);
  }
}
