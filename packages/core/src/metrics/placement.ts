/**
 * One observation that an endpoint of a conference was on a bridge at a time. `debug` records come
 * from the bridge's own `/debug` (ground truth); `bot` records from a bot's page (the bridge it believes
 * it is on). The store keeps both; disagreements between them are events.
 */
export interface PlacementRecord {
  time: number;
  bridge: string;
  conference: string;
  endpoint: string;
  source: 'debug' | 'bot';
  /** Bridges this bridge relays the conference to/from (source `debug` only). */
  relays?: readonly string[];
}
